import NIOHTTP1

/// A complete HTTP request as the router sees it: head, body, and the connection's addresses.
struct UPnPHTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: [UInt8]
    /// The TCP peer.
    var client: IPAddress
    /// The local address the connection arrived at.
    var local: IPAddress
    /// The local port.
    var localPort: Int
    /// ``UPnPRequestRouter/hostHeader(_:port:)`` of `local` and `localPort`, when the connection has computed it
    /// once for all its requests.
    var localHost: String? = nil
}

/// A complete HTTP response, plus what to do once it is written.
struct UPnPHTTPResponse: Sendable {
    /// Work that must follow the response on the wire.
    enum AfterSent: Sendable, Hashable {
        /// Start the subscription's initial event (UDA 1.1 §4.2.1: it follows the SUBSCRIBE response).
        case activateSubscription(sid: String)
    }

    var status: HTTPResponseStatus
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection after this response (errors that leave the stream in doubt, or the client asked).
    var closeConnection = false
    var afterSent: AfterSent?
    /// A body written after the head, piece by piece (``UPnPHTTPRoute/Response/stream``); the connection closes
    /// after it.
    var stream: (@Sendable (UPnPHTTPRoute.BodyWriter) async throws -> Void)?

    /// An empty response with a status.
    static func status(_ status: HTTPResponseStatus, close: Bool = false) -> UPnPHTTPResponse {
        UPnPHTTPResponse(status: status, closeConnection: close)
    }
}
