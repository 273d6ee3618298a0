import Logging
import NIOCore
import NIOHTTP1

/// Serves one HTTP connection of the device, on the connection's event loop: gathers a request's head and body from
/// NIO's request decoder, routes the complete request and writes the answer, head and body serialised into one
/// buffer (``HTTPResponseBytes``), so that it leaves in one write with no response encoder in between.
///
/// Routes are async, but most answer without suspending (documents, a service that computes its answer): the route
/// starts as an immediate task (SE-0472) inside `channelRead`, and when it finishes before the first suspension the
/// answer is written there and then, with no task switch; answers written during one read are flushed once, in
/// `channelReadComplete`. A route that suspends (an actor call) finishes on the concurrency pool and hands its
/// answer back to the event loop once.
///
/// Responses leave in request order (RFC 9112 §9.3.2): while a suspended route's answer is awaited, the parts of
/// pipelined requests and a decoding error are held back in arrival order and reading stops; they are taken up
/// once the answer is written. A request the decoder cannot parse gets a 400 after the answers before it, then the
/// connection closes.
final class UPnPHTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading the body of a request whose head passed ``UPnPRequestRouter/precheck(_:fields:local:localPort:localHost:)``.
        case reading(HTTPRequestHead, UPnPRequestFields, body: [UInt8])
        /// The request is complete and its answer is being made; when this lasts past `channelRead`, its route
        /// suspended and what arrives meanwhile waits in `heldBack`.
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
    /// Parts of pipelined requests that arrived while a suspended route's answer was awaited, in arrival order.
    private var heldBack = CircularBuffer<HTTPServerRequestPart>()
    /// The first error caught while an answer was awaited: handled after the parts before it.
    private var heldBackError: (any Error)?
    /// A `read` withheld while an answer was awaited.
    private var readPending = false
    /// True from a `channelRead` to its `channelReadComplete`: answers written meanwhile are flushed together then.
    private var isReading = false
    private var flushPending = false
    private var date = HTTPDate.Cache()

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

    /// Ends the connection: a request the decoder could not parse gets its 400 first (after the answers to the
    /// requests before it, when one is still awaited).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if isAwaitingAnswer {
            if heldBackError == nil { heldBackError = error }
            return
        }
        end(after: error, context: context)
    }

    private func end(after error: any Error, context: ChannelHandlerContext) {
        server.logger.trace("upnp.http connection ended with an error", metadata: ["error": "\(error)"])
        let answersBadRequest: Bool
        if case .closing = state { answersBadRequest = false } else { answersBadRequest = error is HTTPParserError }
        state = .closing
        guard answersBadRequest else {
            if flushPending {
                flushPending = false
                context.flush()
            }
            context.close(promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 80)
        buffer.writeStaticString(HTTPResponseBytes.badRequest)
        flushPending = false
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in boundContext.value.close(promise: nil) }
    }

    /// True while a route that suspended runs: what arrives meanwhile is held back.
    private var isAwaitingAnswer: Bool {
        if case .answering = state { return true }
        return !heldBack.isEmpty
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
        isReading = true
        let part = unwrapInboundIn(data)
        if isAwaitingAnswer {
            heldBack.append(part)
        } else {
            handle(part, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        if flushPending {
            flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// Withholds reading while an answer is awaited, so that a client cannot pile up pipelined requests meanwhile.
    func read(context: ChannelHandlerContext) {
        if isAwaitingAnswer {
            readPending = true
        } else {
            context.read()
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        guard let addresses, let id else { return }
        switch (part, state) {
        case (.head(let head), .idle):
            server.connections.requestStarted(id)
            let fields = UPnPRequestFields(head.headers)
            if let rejection = server.router.precheck(
                head,
                fields: fields,
                local: addresses.local,
                localPort: addresses.localPort,
                localHost: addresses.localHost
            ) {
                send(rejection, to: head, context: context)
                return
            }
            state = .reading(head, fields, body: [])
            // RFC 7231 §5.1.1: a client that sent `Expect: 100-continue` waits (curl: 1 s) for this before the
            // body; the head has passed the size and Host checks, so invite it.
            if head.version.minor >= 1, fields.expectsContinue {
                var buffer = context.channel.allocator.buffer(capacity: 32)
                buffer.writeStaticString(HTTPResponseBytes.continueResponse)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
        case (.body(let buffer), .reading(let head, let fields, var body)):
            guard body.count + buffer.readableBytes <= server.limits.maximumRequestBodyBytes else {
                // A chunked body that grew past the limit: answer and drop the connection, because the rest of the
                // body is still on its way.
                send(.status(.payloadTooLarge, close: true), to: head, context: context)
                return
            }
            state = .answering  // Releases the state's reference, so that the append does not copy the body.
            body.append(contentsOf: buffer.readableBytesView)
            state = .reading(head, fields, body: body)
        case (.end, .reading(let head, let fields, let body)):
            state = .answering
            answer(
                UPnPHTTPRequest(
                    head: head,
                    fields: fields,
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
                    handler.value.takeUpHeldBack(context: boundContext.value)
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

    /// Handles what arrived while an awaited answer was made, in arrival order, until another route suspends; then
    /// reads again.
    private func takeUpHeldBack(context: ChannelHandlerContext) {
        let wasReading = isReading
        isReading = true
        while !heldBack.isEmpty {
            if case .answering = state { break }
            handle(heldBack.removeFirst(), context: context)
        }
        isReading = wasReading
        if !isReading && flushPending {
            flushPending = false
            context.flush()
        }
        guard !isAwaitingAnswer else { return }
        if let error = heldBackError {
            heldBackError = nil
            end(after: error, context: context)
        } else if readPending {
            readPending = false
            context.read()
        }
    }

    /// Writes a response with a complete body, then waits for the next request or closes the connection.
    private func send(_ response: UPnPHTTPResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard !isClosed else { return }
        if let stream = response.stream {
            sendStreamed(response, body: stream, to: request, context: context)
            return
        }
        var response = response
        let keepAlive = request.isKeepAlive && !response.closeConnection
        let sendsBody = request.method != .HEAD
        let connection: HTTPResponseBytes.ConnectionHeader =
            !keepAlive ? .close : request.version.major == 1 && request.version.minor == 0 ? .keepAlive : .none
        var buffer = context.channel.allocator.buffer(capacity: 256 + (sendsBody ? response.body.count : 0))
        do {
            try writeHead(
                of: response,
                to: request,
                framing: .length(response.body.count),
                connection: connection,
                to: &buffer
            )
        } catch {
            logUnsendable(error)
            response = .status(.internalServerError)
            buffer.clear()
            try? writeHead(of: response, to: request, framing: .length(0), connection: connection, to: &buffer)
        }
        if sendsBody { buffer.writeBytes(response.body) }
        if keepAlive, let id {
            state = .idle
            server.connections.requestAnswered(id, now: context.eventLoop.now)
        } else {
            state = .closing
        }
        guard !keepAlive || response.afterSent != nil else {
            // Pipelined answers written in one read leave together (channelReadComplete flushes).
            context.write(wrapOutboundOut(buffer), promise: nil)
            if isReading {
                flushPending = true
            } else {
                context.flush()
            }
            return
        }
        flushPending = false
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: written)
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
    /// `Content-Length` and with `Connection: close` (an HTTP/1.1 body chunked, RFC 9112 §7.1; an HTTP/1.0 one ends
    /// with the connection), then every piece as it comes, then the end, and closes. The idle deadline is lifted
    /// while it runs: a stream is quiet between pieces by design, and its handler bounds its lifetime. A client that
    /// went away ends it with a write error; the connection closing cancels it.
    private func sendStreamed(
        _ response: UPnPHTTPResponse,
        body: @escaping @Sendable (UPnPHTTPRoute.BodyWriter) async throws -> Void,
        to request: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        state = .closing
        let chunked = request.version.major == 1 && request.version.minor >= 1 && request.method != .HEAD
        var buffer = context.channel.allocator.buffer(capacity: 256)
        do {
            try writeHead(
                of: response,
                to: request,
                framing: chunked ? .chunked : .untilClose,
                connection: .close,
                to: &buffer
            )
        } catch {
            logUnsendable(error)
            send(.status(.internalServerError, close: true), to: request, context: context)
            return
        }
        flushPending = false
        let channel = context.channel
        guard request.method != .HEAD else {
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        channel.pipeline.fireUserInboundEventTriggered(RequestDeadlineHandler.StreamingResponseStarted())
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let logger = server.logger
        work = Task {
            do {
                try await body(
                    UPnPHTTPRoute.BodyWriter { bytes in
                        guard !bytes.isEmpty else { return }
                        var piece = channel.allocator.buffer(capacity: bytes.count + 16)
                        if chunked {
                            HTTPResponseBytes.writeChunk(bytes, to: &piece)
                        } else {
                            piece.writeBytes(bytes)
                        }
                        try await channel.writeAndFlush(piece)
                    }
                )
            } catch {
                logger.trace("upnp.http streamed response ended with an error", metadata: ["error": "\(error)"])
            }
            if chunked {
                var end = channel.allocator.buffer(capacity: 8)
                end.writeStaticString(HTTPResponseBytes.lastChunk)
                try? await channel.writeAndFlush(end)
            }
            try? await channel.close()
            loop.execute { handler.value.workEnded() }
        }
    }

    private func logUnsendable(_ error: HTTPResponseBytes.InvalidField) {
        server.logger.error(
            "upnp.http a route answered with a header field that cannot be sent; answering 500",
            metadata: ["http.header": "\(error.name.prefix(64))"]
        )
    }

    /// The head of `response` to `request`: its own header fields, then `Server`, `Date`, framing and connection.
    private func writeHead(
        of response: UPnPHTTPResponse,
        to request: HTTPRequestHead,
        framing: HTTPResponseBytes.Framing,
        connection: HTTPResponseBytes.ConnectionHeader,
        to buffer: inout ByteBuffer
    ) throws(HTTPResponseBytes.InvalidField) {
        try HTTPResponseBytes.writeHead(
            version: request.version,
            status: response.status,
            headers: response.headers,
            server: server.router.server,
            date: date.now(),
            framing: framing,
            connection: connection,
            to: &buffer
        )
    }
}

@available(*, unavailable)
extension UPnPHTTPConnectionHandler: Sendable {}
