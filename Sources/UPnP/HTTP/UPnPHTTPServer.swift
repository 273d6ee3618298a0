import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP/1.1 side of the device on NIOHTTP1: one listener per served address, keep-alive connections (requests
/// answered in order, pipelining allowed), chunked or sized request bodies up to ``UPnPLimits/maximumRequestBodyBytes``,
/// idle connections closed after ``UPnPLimits/idleTimeout``, at most ``UPnPLimits/maximumConnections`` at once, shared
/// between source addresses by ``ConnectionTable``.
///
/// Each connection is served on its event loop by a ``UPnPHTTPConnectionHandler``, with no task of its own: a task
/// per connection and the async channel's streams between the loop and that task cost more than the answer itself
/// for a small SOAP action (docs/performance.md).
final class UPnPHTTPServer: Sendable {
    /// An accepted connection, as the listener hands it to ``serve(_:)``.
    struct Connection: Sendable {
        let channel: any Channel
        /// Completed once the connection is closed and none of its work runs any more.
        let finished: EventLoopFuture<Void>
    }

    typealias Listener = NIOAsyncChannel<Connection, Never>

    let router: UPnPRequestRouter
    let limits: UPnPLimits
    let logger: Logger
    /// Shared with every listener's connections.
    let connections: ConnectionTable

    init(router: UPnPRequestRouter, limits: UPnPLimits, logger: Logger, connections: ConnectionTable) {
        self.router = router
        self.limits = limits
        self.logger = logger
        self.connections = connections
    }

    /// Binds a listener. The caller must run it with `executeThenClose` at once (TOOLCHAIN.md §3).
    func bind(host: String, port: Int, group: any EventLoopGroup) async throws -> Listener {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try self.addHandlers(to: channel) }
            }
    }

    /// Sets up an accepted connection's pipeline. No response encoder, pipelining or error handler of NIO's:
    /// UPnPHTTPConnectionHandler writes serialised responses in request order and answers a malformed request itself.
    func addHandlers(to channel: any Channel) throws -> Connection {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try pipeline.addHandler(
            RequestDeadlineHandler(
                idleTimeout: TimeAmount(limits.idleTimeout),
                requestTimeout: TimeAmount(limits.requestTimeout),
                connections: connections
            )
        )
        let finished = channel.eventLoop.makePromise(of: Void.self)
        do {
            try pipeline.addHandler(UPnPHTTPConnectionHandler(server: self, finished: finished))
        } catch {
            finished.fail(error)
            throw error
        }
        return Connection(channel: channel, finished: finished.futureResult)
    }

    /// Holds every accepted connection until it has closed and its work has ended; when the task is cancelled, closes
    /// them. Returns when the listener's stream has ended (close or cancellation) and its connections with it. The
    /// caller owns the listener's `executeThenClose`.
    func serve(_ inbound: NIOAsyncChannelInboundStream<Connection>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for try await connection in inbound {
                group.addTask {
                    await withTaskCancellationHandler {
                        try? await connection.finished.get()
                    } onCancel: {
                        connection.channel.close(promise: nil)
                    }
                }
            }
        }
    }
}

/// Counts open connections against the limit.
final class ConnectionCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Takes a slot if one is free.
    func enter(limit: Int) -> Bool {
        while true {
            let current = count.load(ordering: .relaxed)
            guard current < limit else { return false }
            if count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    /// Frees a slot.
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }

    /// Open connections now.
    var current: Int { count.load(ordering: .relaxed) }
}

/// Closes a connection whose client is too slow: the next request head must be complete within `idleTimeout` of
/// the connection opening or of the previous request's end, and a request's body within `requestTimeout` of its
/// head. Unlike a read-idle timer, a client that trickles one byte at a time (slowloris) cannot hold a connection.
///
/// Under pressure (``ConnectionTable/isUnderPressure``) the wait for a head is cut to
/// ``ConnectionTable/headTimeoutUnderPressure``, so that slow clients give their slots back within seconds.
///
/// Every request moves the deadline twice, so moving it must be cheap: it only stores the new deadline. One timer
/// is kept; when it fires before the stored deadline it re-arms itself for that deadline, and it is rescheduled
/// only when a deadline moves earlier than the timer (a head after an idle period).
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let idleTimeout: TimeAmount
    private let requestTimeout: TimeAmount
    private let connections: ConnectionTable?
    /// When the connection is closed unless the deadline moves again.
    private var deadline = NIODeadline.distantFuture
    /// The armed timer and when it fires (never later than `deadline`).
    private var timer: (task: Scheduled<Void>, fireAt: NIODeadline)?

    init(idleTimeout: TimeAmount, requestTimeout: TimeAmount, connections: ConnectionTable? = nil) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.connections = connections
    }

    /// How long the next request head may take from now.
    private var headTimeout: TimeAmount {
        guard let connections, connections.isUnderPressure else { return idleTimeout }
        return connections.headTimeoutUnderPressure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { moveDeadline(headTimeout, context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        moveDeadline(headTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// Sent through the pipeline when a streamed response starts: no deadline applies until the next request.
    struct StreamingResponseStarted: Sendable {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is StreamingResponseStarted {
            disarm()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: moveDeadline(requestTimeout, context: context)
        case .body: break
        case .end: moveDeadline(headTimeout, context: context)
        }
        context.fireChannelRead(data)
    }

    private func moveDeadline(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline = context.eventLoop.now + timeout
        if let timer {
            guard deadline < timer.fireAt else { return }  // The timer fires first and re-arms itself.
            timer.task.cancel()
        }
        arm(at: deadline, context: context)
    }

    private func arm(at fireAt: NIODeadline, context: ChannelHandlerContext) {
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: fireAt) {
            loopBoundSelf.value.timerFired(context: loopBoundContext.value)
        }
        timer = (task, fireAt)
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        if context.eventLoop.now >= deadline {
            context.channel.close(promise: nil)
        } else {
            arm(at: deadline, context: context)
        }
    }

    private func disarm() {
        timer?.task.cancel()
        timer = nil
        deadline = .distantFuture
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

extension TimeAmount {
    /// The same span in NIO's nanoseconds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
