import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends GENA NOTIFY requests to subscribers over HTTP/1.1 (UDA 1.1 §4.3.2).
///
/// One connection per NOTIFY, closed afterwards; the whole exchange (connect included) is bounded by
/// ``UPnPLimits/notifyTimeout``. Callback URLs are tried in order until one answers 200 (UDA 1.1 §4.3.2).
struct GENANotifier: Sendable {
    let group: any EventLoopGroup
    let timeout: Duration
    let logger: Logger

    /// Largest subscriber response read; only the status matters.
    static let maximumResponseBytes = 16 * 1024

    /// Delivers one event; returns whether some callback URL accepted it with 200 OK.
    func deliver(
        to callbacks: [UPnPHeaderParsing.CallbackURL],
        sid: String,
        sequence: UInt32,
        body: [UInt8]
    ) async -> Bool {
        for url in callbacks {
            do {
                let status = try await send(to: url, sid: sid, sequence: sequence, body: body)
                if status == .ok { return true }
                logger.debug(
                    "upnp.gena subscriber refused NOTIFY",
                    metadata: ["upnp.sid": "\(sid)", "http.status": "\(status.code)"]
                )
            } catch {
                logger.debug("upnp.gena NOTIFY failed", metadata: ["upnp.sid": "\(sid)", "error": "\(error)"])
            }
        }
        return false
    }

    private func send(
        to url: UPnPHeaderParsing.CallbackURL,
        sid: String,
        sequence: UInt32,
        body: [UInt8]
    ) async throws -> HTTPResponseStatus {
        let timeout = TimeAmount(timeout)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: url.host.description, port: url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        // A deadline for the whole exchange: closing the channel ends the read loop below with an error.
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "HOST", value: url.hostHeader)
            headers.add(name: "CONTENT-TYPE", value: "text/xml; charset=\"utf-8\"")
            headers.add(name: "CONTENT-LENGTH", value: String(body.count))
            headers.add(name: "NT", value: "upnp:event")
            headers.add(name: "NTS", value: "upnp:propchange")
            headers.add(name: "SID", value: sid)
            headers.add(name: "SEQ", value: String(sequence))
            headers.add(name: "CONNECTION", value: "close")
            let head = HTTPRequestHead(
                version: .http1_1,
                method: .NOTIFY,
                uri: url.path,
                headers: headers
            )
            try await outbound.write(contentsOf: [
                .head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil),
            ])
            var status: HTTPResponseStatus?
            var received = 0
            for try await part in inbound {
                switch part {
                case .head(let response):
                    status = response.status
                case .body(let buffer):
                    received += buffer.readableBytes
                    if received > GENANotifier.maximumResponseBytes { return status ?? .badGateway }
                case .end:
                    return status ?? .badGateway
                }
            }
            return status ?? .badGateway
        }
    }
}
