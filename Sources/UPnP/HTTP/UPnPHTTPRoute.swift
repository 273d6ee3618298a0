/// A read-only HTTP resource the device serves beside its description, SCPDs, control and event URLs: a health
/// check, metrics, a status page. The device applies its own rules first (Host check, size limits, time limits,
/// ``UPnPAccessPolicy/allowsClient(_:)``); the handler gets the client's address to apply the caller's own policy.
///
/// Routes answer `GET` and `HEAD` (the device drops the body of a `HEAD` answer); any other method gets
/// 405 Method Not Allowed without reaching the handler.
///
/// ```swift
/// let ping = UPnPHTTPRoute(path: "/ping") { _ in
///     UPnPHTTPRoute.Response(status: 200, headers: [("Content-Type", "text/plain")], body: Array("pong".utf8))
/// }
/// ```
public struct UPnPHTTPRoute: Sendable {
    /// What a handler learns of a request.
    public struct Request: Sendable {
        /// `GET` or `HEAD`.
        public var method: String
        /// The request target's path, without the query.
        public var path: String
        /// The query after `?`, if any.
        public var query: String?
        /// The TCP peer: whom the caller's access policy decides about.
        public var client: IPAddress
    }

    /// A complete answer.
    public struct Response: Sendable {
        /// The HTTP status code, 100…599.
        public var status: Int
        /// Header fields; the device adds `Server`, `Date`, `Content-Length` and `Connection`.
        public var headers: [(String, String)]
        /// The body.
        public var body: [UInt8]

        /// Makes a response.
        public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// The path it answers, exactly (e.g. `/health`); a query does not take part in the match.
    public var path: String
    /// Makes the answer. It should answer promptly: the connection's other requests wait behind it.
    public var handler: @Sendable (Request) async -> Response

    /// Makes a route.
    public init(path: String, handler: @escaping @Sendable (Request) async -> Response) {
        self.path = path
        self.handler = handler
    }
}
