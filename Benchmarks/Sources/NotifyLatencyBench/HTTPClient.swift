import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 exchange on a fresh loopback connection (NIO): enough for GET of the description, SUBSCRIBE and
/// UNSUBSCRIBE. `Connection: close`, no request body.
enum HTTPClient {
    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// Bound on a response body: the device description is a few kB.
    static let maximumResponseBytes = 1024 * 1024

    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    static func request(
        host: String,
        port: Int,
        method: HTTPMethod,
        path: String,
        headers extra: [(String, String)] = []
    ) async throws -> Response {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return try await connection.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            // The Host must name the listening address (the device answers 400 otherwise: DNS rebinding rule).
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in extra { head.headers.add(name: name, value: value) }
            try await outbound.write(contentsOf: [.head(head), .end(nil)])

            var status = 0
            var headers = HTTPHeaders()
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    status = Int(h.status.code)
                    headers = h.headers
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= maximumResponseBytes else {
                        throw BenchError("\(method.rawValue) \(path): response body over \(maximumResponseBytes) bytes")
                    }
                    body += buffer.readableBytesView
                case .end:
                    return Response(status: status, headers: headers, body: body)
                }
            }
            throw BenchError("\(method.rawValue) \(path): connection closed before the end of the response")
        }
    }
}
