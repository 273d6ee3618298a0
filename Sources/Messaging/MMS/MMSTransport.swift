/// The one way the service reaches an MMS relay/server (OMA-TS-MMS_CTR §7: HTTP between the client and the MMSC,
/// through the operator's WAP/HTTP proxy where one is configured). The service decides what to send and when; an
/// implementation only moves bytes, so the service is tested with a fake and the daemon plugs in an HTTP client.
public protocol MMSTransport: Sendable {
    /// Fetches the encapsulated m-retrieve-conf at `location` (the X-Mms-Content-Location of an m-notification-ind)
    /// with an HTTP GET, and returns the response body.
    func retrieve(from location: String) async throws(MMSTransportError) -> [UInt8]

    /// POSTs an encapsulated PDU (m-send-req, m-notifyresp-ind, m-acknowledge-ind, m-read-rec-ind) to the MMSC and
    /// returns the response body: an m-send-conf for an m-send-req, usually empty otherwise.
    func post(_ pdu: [UInt8]) async throws(MMSTransportError) -> [UInt8]
}

/// Why an MMSC exchange failed, in the terms the service acts on: retry later, or give up on this content.
public enum MMSTransportError: Error, Sendable, Equatable {
    /// The content is gone: HTTP 404 or 410 (expired or already fetched). Retrying will not help.
    case contentGone(status: Int)
    /// The MMSC or the proxy answered with another non-success status (5xx, 403, a proxy's refusal…).
    case refused(status: Int)
    /// No connection could be made (no route, proxy down, interface missing), with the underlying reason.
    case unreachable(reason: String)
    /// No complete answer within the transport's deadline.
    case timedOut
    /// The body would exceed the configured maximum message size (in bytes).
    case tooLarge(limit: Int)
    /// The connection closed before the announced Content-Length arrived.
    case truncated(expected: Int, received: Int)
}
