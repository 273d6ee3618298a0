import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP/1.1 side of the device on NIOHTTP1: one listener per served address, keep-alive connections (requests
/// answered in order, pipelining allowed), chunked or sized request bodies up to ``UPnPLimits/maximumRequestBodyBytes``,
/// idle connections closed after ``UPnPLimits/idleTimeout``, at most ``UPnPLimits/maximumConnections`` at once, shared
/// between source addresses by ``ConnectionTable``.
struct UPnPHTTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    typealias Listener = NIOAsyncChannel<Connection, Never>

    let router: UPnPRequestRouter
    let limits: UPnPLimits
    let logger: Logger
    /// Shared with every listener's deadline handlers (``bind(host:port:group:limits:connections:)``).
    let connections: ConnectionTable

    /// Binds a listener. The caller must run it with `executeThenClose` at once (TOOLCHAIN.md §3).
    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        limits: UPnPLimits,
        connections: ConnectionTable
    ) async throws -> Listener {
        let idle = TimeAmount(limits.idleTimeout)
        let request = TimeAmount(limits.requestTimeout)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        RequestDeadlineHandler(idleTimeout: idle, requestTimeout: request, connections: connections)
                    )
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts connections until the listener's stream ends (close or cancellation); each connection runs in a
    /// child task. The caller owns the listener's `executeThenClose`.
    func serve(_ inbound: NIOAsyncChannelInboundStream<Connection>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for try await connection in inbound {
                let channel = connection.channel
                guard let remote = channel.remoteAddress?.ipAddress.flatMap({ IPAddress($0) }),
                    let id = connections.admit(channel, from: remote, now: channel.eventLoop.now)
                else {
                    logger.debug("upnp.http no connection slot for this client; closing its new connection")
                    try? await connection.executeThenClose { _, _ in }
                    continue
                }
                group.addTask {
                    defer { connections.leave(id) }
                    // Starts on the connection's event loop (an actor whose executor is the loop). Note that the body
                    // of executeThenClose in handle(_:isolation:) is a closure that does not capture `isolation`, so
                    // it is nonisolated (SE-0420) and the per-request work runs on the global pool; keeping it all on
                    // the loop (task executor preference) was measured slower on 2 cores (p99 x2, see git log).
                    await EventLoopBound(eventLoop: connection.channel.eventLoop).run { isolation in
                        await handle(connection, id: id, isolation: isolation)
                    }
                }
            }
        }
    }

    private func handle(
        _ connection: Connection,
        id: ConnectionTable.ID,
        isolation: isolated (any Actor)? = #isolation
    ) async {
        guard let remote = connection.channel.remoteAddress?.ipAddress.flatMap({ IPAddress($0) }),
            let localAddress = connection.channel.localAddress, let localPort = localAddress.port,
            let local = localAddress.ipAddress.flatMap({ IPAddress($0) })
        else {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        let localHost = UPnPRequestRouter.hostHeader(local, port: localPort)
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        connections.requestStarted(id)
                        if let rejection = router.precheck(
                            requestHead,
                            local: local,
                            localPort: localPort,
                            localHost: localHost
                        ) {
                            try await write(rejection, for: requestHead, to: outbound)
                            return
                        }
                        head = requestHead
                        body = []
                        // RFC 7231 §5.1.1: a client that sent `Expect: 100-continue` waits (curl: 1 s) for this
                        // before the body; the head has passed the size and Host checks, so invite it.
                        if requestHead.version.minor >= 1,
                            requestHead.headers["expect"].contains(where: { $0.lowercased() == "100-continue" })
                        {
                            try await outbound.write(
                                .head(HTTPResponseHead(version: requestHead.version, status: .continue))
                            )
                        }
                    case .body(let buffer):
                        guard let requestHead = head else { continue }
                        guard body.count + buffer.readableBytes <= limits.maximumRequestBodyBytes else {
                            // A chunked body that grew past the limit: answer and drop the connection, because
                            // the rest of the body is still on its way.
                            try await write(.status(.payloadTooLarge, close: true), for: requestHead, to: outbound)
                            return
                        }
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let request = UPnPHTTPRequest(
                            head: requestHead,
                            body: body,
                            client: remote,
                            local: local,
                            localPort: localPort,
                            localHost: localHost
                        )
                        body = []
                        let response = await router.respond(to: request)
                        if let stream = response.stream {
                            try await writeStreamed(
                                response,
                                body: stream,
                                for: requestHead,
                                to: outbound,
                                channel: connection.channel
                            )
                            return
                        }
                        let keepAlive = try await write(response, for: requestHead, to: outbound)
                        if case .activateSubscription(let sid) = response.afterSent {
                            await router.hub.activate(sid: sid)
                        }
                        if !keepAlive { return }
                        connections.requestAnswered(id, now: connection.channel.eventLoop.now)
                    }
                }
            }
        } catch {
            logger.trace("upnp.http connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a response; returns whether the connection stays open.
    @discardableResult
    private func write(
        _ response: UPnPHTTPResponse,
        for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Bool {
        let keepAlive = request.isKeepAlive && !response.closeConnection
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 5)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Server", value: router.server)
        headers.add(name: "Date", value: HTTPDate.now())
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        if response.body.isEmpty || request.method == .HEAD {
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        } else {
            try await outbound.write(contentsOf: [
                .head(head), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
            ])
        }
        return keepAlive
    }
}

extension UPnPHTTPServer {
    /// Writes a response whose body `body` streams (``UPnPHTTPRoute/Response/stream``): the head without
    /// `Content-Length` (NIOHTTP1 then frames an HTTP/1.1 body as chunked, RFC 7230 §3.3.3) and `Connection: close`,
    /// then every piece at once, then the end. The idle deadline is lifted while it runs: a stream is quiet between
    /// pieces by design, and its handler bounds its lifetime. A client that went away ends it with a write error.
    fileprivate func writeStreamed(
        _ response: UPnPHTTPResponse,
        body: @Sendable (UPnPHTTPRoute.BodyWriter) async throws -> Void,
        for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any Channel,
        isolation: isolated (any Actor)? = #isolation
    ) async throws {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Server", value: router.server)
        headers.add(name: "Date", value: HTTPDate.now())
        headers.add(name: "Connection", value: "close")
        try await outbound.write(
            .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))
        )
        guard request.method != .HEAD else {
            try await outbound.write(.end(nil))
            return
        }
        channel.pipeline.fireUserInboundEventTriggered(RequestDeadlineHandler.StreamingResponseStarted())
        do {
            try await body(
                UPnPHTTPRoute.BodyWriter { bytes in
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                }
            )
        } catch {
            logger.trace("upnp.http streamed response ended with an error", metadata: ["error": "\(error)"])
        }
        try await outbound.write(.end(nil))
    }
}

/// An actor that runs on a NIO event loop: work isolated to it runs on that loop's thread.
actor EventLoopBound {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        eventLoop.executor.asUnownedSerialExecutor()
    }

    /// Runs `body` isolated to this actor.
    func run(_ body: @Sendable (isolated EventLoopBound) async -> Void) async {
        await body(self)
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
