import NIOCore
import NIOHTTP1

/// One request received at a control point's event callback: a GENA NOTIFY when the device is well-behaved
/// (UDA 1.1 §4.3.2).
package struct GENANotification: Sendable {
    package var method: String
    package var path: String
    package var headers: HTTPHeaders
    /// The body as UTF-8 text (bounded by the server's `maximumBodyBytes`).
    package var body: String
    /// `SEQ`, when it is a 32-bit unsigned integer.
    package var sequence: UInt32? { headers["SEQ"].first.flatMap { UInt32($0) } }
    /// `SID`, as sent.
    package var sid: String? { headers["SID"].first }

    /// Whether this is an event message: `NOTIFY` with `NT: upnp:event`, `NTS: upnp:propchange`, a SID and a SEQ
    /// (UDA 1.1 §4.3.2). The control point answers anything else with 412 Precondition Failed.
    package var isEventMessage: Bool {
        method == "NOTIFY" && headers["NT"].first == "upnp:event" && headers["NTS"].first == "upnp:propchange"
            && sid.flatMap(UPnPHeaderParsing.sid) != nil && sequence != nil
    }

    /// The evented variables of the body, `(name, value)` in document order (values are text; XML values arrive
    /// escaped and are returned unescaped).
    /// - Throws: ``UPnPClientError`` `.malformedResponse` when the body is not a property set.
    package func properties() throws(UPnPClientError) -> [(name: String, value: String)] {
        try PropertySet.parse(Array(body.utf8))
    }
}

/// The HTTP server at which a control point receives GENA events (UDA 1.1 §4.3): it hands every complete request
/// to the caller through a bounded stream and answers it with the status the caller's `respond` chooses.
///
/// Bind it on the local address that reaches the device (``UPnPHTTPClient/Response/localAddress``): that address
/// goes into CALLBACK, and the device refuses a callback host other than the subscriber's address (UDA 2.0
/// CallStranger rule). Bounded: bodies (``maximumBodyBytes``, 413 beyond), headers (NIOHTTP1's decoder), the life of
/// each connection (``connectionTimeout``) and their number (``maximumConnections``), the requests buffered for the
/// caller (``maximumBuffered``, the oldest kept).
package enum GENACallbackServer {
    /// Largest NOTIFY body accepted.
    package static let maximumBodyBytes = 1 << 20
    /// Longest a connection may stay open.
    package static let connectionTimeout = TimeAmount.seconds(30)
    /// Requests buffered for a caller that reads slowly.
    package static let maximumBuffered = 256
    /// Connections open at once; more are closed at once (a device sends one NOTIFY at a time per subscription).
    package static let maximumConnections = 32

    /// Runs a server on `host`, port 0 (a free port), for the duration of `body`, which gets the port and the
    /// stream of received requests.
    package static func with<R: Sendable>(
        host: String,
        respond: @escaping @Sendable (GENANotification) -> HTTPResponseStatus = {
            $0.isEventMessage ? .ok : .preconditionFailed
        },
        _ body: (Int, AsyncStream<GENANotification>) async throws -> R
    ) async throws -> R {
        let (stream, continuation) = AsyncStream.makeStream(
            of: GENANotification.self,
            bufferingPolicy: .bufferingOldest(maximumBuffered)
        )
        return try await ScopedHTTPServer.with(
            host: host,
            maximumConnections: maximumConnections,
            serve: { connection in try? await serve(connection, respond: respond, continuation: continuation) },
            whileServing: { port in
                let result = try await body(port, stream)
                continuation.finish()
                return result
            }
        )
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        respond: @Sendable (GENANotification) -> HTTPResponseStatus,
        continuation: AsyncStream<GENANotification>.Continuation
    ) async throws {
        let deadline = connection.channel.eventLoop.scheduleTask(in: connectionTimeout) {
            connection.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        try await connection.executeThenClose { inbound, outbound in
            func answer(_ status: HTTPResponseStatus, close: Bool = false) async throws {
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                if close { headers.add(name: "Connection", value: "close") }
                try await outbound.write(contentsOf: [
                    .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), .end(nil),
                ])
            }
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body = []
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= maximumBodyBytes else {
                        try await answer(.payloadTooLarge, close: true)
                        return
                    }
                    body += buffer.readableBytesView
                case .end:
                    guard let h = head else { continue }
                    let notification = GENANotification(
                        method: h.method.rawValue,
                        path: h.uri,
                        headers: h.headers,
                        body: String(decoding: body, as: UTF8.self)
                    )
                    continuation.yield(notification)
                    try await answer(respond(notification))
                }
            }
        }
    }
}
