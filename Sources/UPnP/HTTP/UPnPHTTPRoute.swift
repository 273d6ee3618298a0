/// An HTTP resource the device serves beside its description, SCPDs, control and event URLs: a health check,
/// metrics, the presentation page (UDA 1.1 §2.3 `presentationURL`) and its API. The device applies its own rules
/// first (Host check, size limits, time limits, ``UPnPAccessPolicy/allowsClient(_:)``); the handler gets the
/// client's address, the header fields and the body to apply the caller's own policy.
///
/// A route answers the methods in ``methods`` (`GET` and `HEAD` by default; the device drops the body of a `HEAD`
/// answer); any other method gets 405 Method Not Allowed without reaching the handler. A request body longer than
/// ``maximumBodyBytes`` (0 by default) gets 413 Payload Too Large, refused from its `Content-Length` before it is
/// read when it declares one.
///
/// ```swift
/// let ping = UPnPHTTPRoute(path: "/ping") { _ in
///     UPnPHTTPRoute.Response(status: 200, headers: [("Content-Type", "text/plain")], body: Array("pong".utf8))
/// }
/// ```
public struct UPnPHTTPRoute: Sendable {
    /// What a handler learns of a request.
    public struct Request: Sendable {
        /// The method, e.g. `GET`, `HEAD` or `POST`: one of the route's ``UPnPHTTPRoute/methods``.
        public var method: String
        /// The request target's path, without the query.
        public var path: String
        /// The query after `?`, if any.
        public var query: String?
        /// The TCP peer: whom the caller's access policy decides about.
        public var client: IPAddress
        /// The header fields, in the order received.
        public var headers: [(name: String, value: String)]
        /// The body, at most the route's ``UPnPHTTPRoute/maximumBodyBytes``.
        public var body: [UInt8]

        /// Makes a request (the device makes them; tests of handlers too).
        public init(
            method: String,
            path: String,
            query: String? = nil,
            client: IPAddress,
            headers: [(name: String, value: String)] = [],
            body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.client = client
            self.headers = headers
            self.body = body
        }

        /// The values of the header fields named `name` (compared without regard to ASCII case, RFC 7230 §3.2).
        public func headerValues(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    /// Writes the pieces of a streamed response body, each sent at once (no buffering).
    public struct BodyWriter: Sendable {
        let writeBytes: @Sendable ([UInt8]) async throws -> Void

        /// Makes a writer that hands every piece to `write`.
        public init(_ write: @escaping @Sendable ([UInt8]) async throws -> Void) {
            self.writeBytes = write
        }

        /// Sends `bytes` to the client; waits while the connection cannot take more.
        ///
        /// - Throws: when the connection is closed (the client went away): stop writing then.
        public func write(_ bytes: [UInt8]) async throws {
            try await writeBytes(bytes)
        }
    }

    /// An answer: a complete body, or a body streamed after the head.
    public struct Response: Sendable {
        /// The HTTP status code, 100…599.
        public var status: Int
        /// Header fields; the device adds `Server`, `Date`, `Content-Length` (for a complete body) and
        /// `Connection`.
        public var headers: [(String, String)]
        /// The body, when ``stream`` is `nil`.
        public var body: [UInt8]
        /// A body written piece by piece after the head (server-sent events): sent without `Content-Length`
        /// (chunked in HTTP/1.1), and the connection is closed when the closure returns or throws. The idle timeout
        /// does not apply while it runs; the closure must end by itself (bounded lifetime) and when its task is
        /// cancelled (the device stops).
        public var stream: (@Sendable (BodyWriter) async throws -> Void)?

        /// Makes a response with a complete body.
        public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
            self.stream = nil
        }

        /// Makes a response whose body `stream` writes after the head.
        public init(
            status: Int,
            headers: [(String, String)] = [],
            stream: @escaping @Sendable (BodyWriter) async throws -> Void
        ) {
            self.status = status
            self.headers = headers
            self.body = []
            self.stream = stream
        }
    }

    /// The methods a route may answer.
    public static let allowedMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE"]

    /// The path it answers, exactly (e.g. `/health`); a query does not take part in the match.
    public var path: String
    /// The methods it answers, a subset of ``allowedMethods``. Default `GET` and `HEAD`.
    public var methods: Set<String>
    /// The longest request body it accepts, at most ``UPnPLimits/maximumRequestBodyBytes``. Default 0: no body.
    public var maximumBodyBytes: Int
    /// Makes the answer. It should answer promptly: the connection's other requests wait behind it.
    public var handler: @Sendable (Request) async -> Response

    /// Makes a route.
    public init(
        path: String,
        methods: Set<String> = ["GET", "HEAD"],
        maximumBodyBytes: Int = 0,
        handler: @escaping @Sendable (Request) async -> Response
    ) {
        self.path = path
        self.methods = methods
        self.maximumBodyBytes = maximumBodyBytes
        self.handler = handler
    }

    /// The `Allow` header value of a 405 answer (RFC 7231 §7.4.1).
    var allowHeader: String {
        ["GET", "HEAD", "POST", "PUT", "DELETE"].filter(methods.contains).joined(separator: ", ")
    }
}
