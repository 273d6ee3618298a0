import Logging
import NIOCore
import NIOHTTP1

/// Serves one HTTP connection of the device, on the connection's event loop: gathers a request's head and body,
/// routes the complete request and writes the answer with `context.write`. Behind `HTTPServerPipelineHandler`,
/// which holds a pipelined request until the previous response's end is written (RFC 7230 §6.3.2: responses leave in
/// request order), so at most one request is in hand.
///
/// Routes are async, but most answer without suspending (documents, a service that computes its answer): the route
/// starts as an immediate task (SE-0472) inside `channelRead`, and when it finishes before the first suspension the
/// answer is written there and then, with no task switch. A route that suspends (an actor call) finishes on the
/// concurrency pool and hands its answer back to the event loop once.
final class UPnPHTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading the body of a request whose head passed ``UPnPRequestRouter/precheck(_:local:localPort:localHost:)``.
        case reading(HTTPRequestHead, body: [UInt8])
        /// The request is complete and its answer is being made.
        case answering
        /// The last response of the connection is on its way: anything still read is dropped.
        case closing
    }

    /// The connection's addresses, read once when it becomes active.
    private struct Addresses {
        let remote: IPAddress
        let local: IPAddress
        let localPort: Int
        let localHost: String
    }

    private let server: UPnPHTTPServer
    /// Completed once the channel is closed and no work of this connection runs any more.
    private let finished: EventLoopPromise<Void>
    private var state = State.idle
    private var id: ConnectionTable.ID?
    private var addresses: Addresses?
    private var isClosed = false
    /// Work that outlived the `channelRead` that started it: a route that suspended, or a streamed body.
    private var work: Task<Void, Never>?
    /// True while a route runs inside `channelRead`: its answer is then left in `answeredInline`.
    private var isDispatching = false
    private var answeredInline: UPnPHTTPResponse?

    init(server: UPnPHTTPServer, finished: EventLoopPromise<Void>) {
        self.server = server
        self.finished = finished
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed()
    }

    /// Ends the connection. A malformed request has had its 400 from HTTPServerProtocolErrorHandler by now (after
    /// the answers to the requests before it: HTTPServerPipelineHandler holds the error until then).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.logger.trace("upnp.http connection ended with an error", metadata: ["error": "\(error)"])
        state = .closing
        context.close(promise: nil)
    }

    /// Takes a slot in the ``ConnectionTable``, or closes the connection when there is none for its client.
    private func admit(context: ChannelHandlerContext) {
        guard id == nil, !isClosed, case .idle = state else { return }
        let channel = context.channel
        guard let remote = channel.remoteAddress?.ipAddress.flatMap({ IPAddress($0) }),
            let localAddress = channel.localAddress, let localPort = localAddress.port,
            let local = localAddress.ipAddress.flatMap({ IPAddress($0) })
        else {
            state = .closing
            context.close(promise: nil)
            return
        }
        guard let id = server.connections.admit(channel, from: remote, now: context.eventLoop.now) else {
            server.logger.debug("upnp.http no connection slot for this client; closing its new connection")
            state = .closing
            context.close(promise: nil)
            return
        }
        self.id = id
        addresses = Addresses(
            remote: remote,
            local: local,
            localPort: localPort,
            localHost: UPnPRequestRouter.hostHeader(local, port: localPort)
        )
    }

    private func closed() {
        guard !isClosed else { return }
        isClosed = true
        state = .closing
        if let id { server.connections.leave(id) }
        work?.cancel()
        if work == nil { finished.succeed() }
    }

    private func workEnded() {
        work = nil
        if isClosed { finished.succeed() }
    }

    // MARK: - Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let addresses, let id else { return }
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            server.connections.requestStarted(id)
            if let rejection = server.router.precheck(
                head,
                local: addresses.local,
                localPort: addresses.localPort,
                localHost: addresses.localHost
            ) {
                send(rejection, to: head, context: context)
                return
            }
            state = .reading(head, body: [])
            // RFC 7231 §5.1.1: a client that sent `Expect: 100-continue` waits (curl: 1 s) for this before the
            // body; the head has passed the size and Host checks, so invite it.
            if head.version.minor >= 1,
                head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" })
            {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                    promise: nil
                )
            }
        case (.body(let buffer), .reading(let head, var body)):
            guard body.count + buffer.readableBytes <= server.limits.maximumRequestBodyBytes else {
                // A chunked body that grew past the limit: answer and drop the connection, because the rest of the
                // body is still on its way.
                send(.status(.payloadTooLarge, close: true), to: head, context: context)
                return
            }
            state = .answering  // Releases the state's reference, so that the append does not copy the body.
            body.append(contentsOf: buffer.readableBytesView)
            state = .reading(head, body: body)
        case (.end, .reading(let head, let body)):
            state = .answering
            answer(
                UPnPHTTPRequest(
                    head: head,
                    body: body,
                    client: addresses.remote,
                    local: addresses.local,
                    localPort: addresses.localPort,
                    localHost: addresses.localHost
                ),
                context: context
            )
        default:
            // Parts of a request that was already answered (refused) while the connection closes.
            break
        }
    }

    /// Routes a complete request; writes the answer at once when the route does not suspend, else from the loop
    /// when it is ready.
    private func answer(_ request: UPnPHTTPRequest, context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let boundContext = NIOLoopBound(context, eventLoop: loop)
        let router = server.router
        isDispatching = true
        let task = Task.immediate {
            let response = await router.respond(to: request)
            if loop.inEventLoop, handler.value.isDispatching {
                handler.value.answeredInline = response
            } else {
                loop.execute {
                    handler.value.workEnded()
                    handler.value.send(response, to: request.head, context: boundContext.value)
                }
            }
        }
        isDispatching = false
        if let response = answeredInline {
            answeredInline = nil
            send(response, to: request.head, context: context)
        } else {
            work = task
        }
    }

    /// Writes a response with a complete body, then waits for the next request or closes the connection.
    private func send(_ response: UPnPHTTPResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard !isClosed else { return }
        if let stream = response.stream {
            sendStreamed(response, body: stream, to: request, context: context)
            return
        }
        let keepAlive = request.isKeepAlive && !response.closeConnection
        var headers = responseHeaders(response, extra: 3)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        context.write(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))
            ),
            promise: nil
        )
        if !response.body.isEmpty && request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        // Both before the end is written: writing it lets HTTPServerPipelineHandler hand over the next request.
        if keepAlive, let id {
            state = .idle
            server.connections.requestAnswered(id, now: context.eventLoop.now)
        } else {
            state = .closing
        }
        guard !keepAlive || response.afterSent != nil else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in boundContext.value.close(promise: nil) }
        }
        if case .activateSubscription(let sid) = response.afterSent {
            // UDA 1.1 §4.2.1: the initial event follows the SUBSCRIBE response on the wire.
            let hub = server.router.hub
            written.futureResult.whenSuccess { Task { await hub.activate(sid: sid) } }
        }
    }

    /// Writes a response whose body `body` streams (``UPnPHTTPRoute/Response/stream``): the head without
    /// `Content-Length` (NIOHTTP1 then frames an HTTP/1.1 body as chunked, RFC 7230 §3.3.3) and `Connection: close`,
    /// then every piece as it comes, then the end, and closes. The idle deadline is lifted while it runs: a stream is
    /// quiet between pieces by design, and its handler bounds its lifetime. A client that went away ends it with a
    /// write error; the connection closing cancels it.
    private func sendStreamed(
        _ response: UPnPHTTPResponse,
        body: @escaping @Sendable (UPnPHTTPRoute.BodyWriter) async throws -> Void,
        to request: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        state = .closing
        var headers = responseHeaders(response, extra: 1)
        headers.add(name: "Connection", value: "close")
        context.writeAndFlush(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))
            ),
            promise: nil
        )
        let channel = context.channel
        guard request.method != .HEAD else {
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        channel.pipeline.fireUserInboundEventTriggered(RequestDeadlineHandler.StreamingResponseStarted())
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let logger = server.logger
        work = Task {
            do {
                try await body(
                    UPnPHTTPRoute.BodyWriter { bytes in
                        try await channel.writeAndFlush(
                            HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes)))
                        )
                    }
                )
            } catch {
                logger.trace("upnp.http streamed response ended with an error", metadata: ["error": "\(error)"])
            }
            try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            try? await channel.close()
            loop.execute { handler.value.workEnded() }
        }
    }

    /// The response's own header fields, `Server` and `Date`, with room for `extra` more.
    private func responseHeaders(_ response: UPnPHTTPResponse, extra: Int) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 2 + extra)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Server", value: server.router.server)
        headers.add(name: "Date", value: HTTPDate.now())
        return headers
    }
}

@available(*, unavailable)
extension UPnPHTTPConnectionHandler: Sendable {}
