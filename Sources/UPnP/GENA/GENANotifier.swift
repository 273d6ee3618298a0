import Logging
import NIOCore
import NIOHTTP1

/// Sends GENA NOTIFY requests to subscribers over HTTP/1.1 (UDA 1.1 §4.3.2).
///
/// One connection per NOTIFY, closed afterwards (``UPnPHTTPClient``); the whole exchange (connect included) is bounded
/// by ``UPnPLimits/notifyTimeout``. Callback URLs are tried in order until one answers 200 (UDA 1.1 §4.3.2).
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
        // The control point's client (one connection per request, the whole exchange under one deadline): only the
        // status matters, and a subscriber that answers with a large body has failed the delivery.
        let client = UPnPHTTPClient(group: group, connectTimeout: timeout, timeout: timeout)
        let response = try await client.request(
            .NOTIFY,
            HTTPURL(host: url.host.description, port: url.port, path: url.path),
            headers: [
                ("HOST", url.hostHeader), ("CONTENT-TYPE", "text/xml; charset=\"utf-8\""), ("NT", "upnp:event"),
                ("NTS", "upnp:propchange"), ("SID", sid), ("SEQ", String(sequence)),
            ],
            body: body,
            maximumResponseBytes: GENANotifier.maximumResponseBytes
        )
        return response.status
    }
}
