import NIOHTTP1

/// A complete HTTP request as the router sees it: head, body, and the connection's addresses.
struct UPnPHTTPRequest: Sendable {
    var head: HTTPRequestHead
    /// The head's fields the device reads.
    var fields: UPnPRequestFields
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

/// The header fields the device itself reads from every request, found in one pass over the head (names compare
/// case-insensitively, RFC 9110 §5.1) rather than one search and one array per field.
struct UPnPRequestFields: Sendable {
    /// How often a field that must be unique came, and its value when it came once.
    enum Occurrence: Sendable, Equatable {
        case absent
        case once(String)
        case repeated

        mutating func add(_ value: String) {
            self = self == .absent ? .once(value) : .repeated
        }

        /// The value, when the field came exactly once.
        var value: String? {
            if case .once(let value) = self { return value }
            return nil
        }
    }

    var host = Occurrence.absent
    var contentLength = Occurrence.absent
    var contentType = Occurrence.absent
    var soapAction = Occurrence.absent
    /// The first `User-Agent`.
    var userAgent: String?
    /// Whether the client sent `Expect: 100-continue` (RFC 9110 §10.1.1) and waits before sending the body.
    var expectsContinue = false
    /// The size of the header section as the limit counts it: each name and value, plus ": " and CRLF.
    var headerBytes = 0

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            headerBytes += name.utf8.count + value.utf8.count + 4
            // By length first: most fields are none of these, and the length alone tells them apart.
            switch name.utf8.count {
            case 4 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "host"):
                host.add(value)
            case 6 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "expect"):
                if UPnPHeaderParsing.equalsIgnoringASCIICase(value.utf8, "100-continue") { expectsContinue = true }
            case 10 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "soapaction"):
                soapAction.add(value)
            case 10 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "user-agent"):
                if userAgent == nil { userAgent = value }
            case 12 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "content-type"):
                contentType.add(value)
            case 14 where UPnPHeaderParsing.equalsIgnoringASCIICase(name.utf8, "content-length"):
                contentLength.add(value)
            default:
                break
            }
        }
    }
}
