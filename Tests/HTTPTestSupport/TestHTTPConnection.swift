import NIOCore
import NIOHTTP1
import NIOPosix
import UPnP

/// A response as a test sees it.
package struct TestHTTPResponse: Sendable {
    package var status: HTTPResponseStatus
    package var headers: HTTPHeaders
    package var body: [UInt8]
    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client over NIO for tests: one connection, several requests in turn (keep-alive).
package struct TestHTTPConnection {
    package typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// Connects, runs `body` with the connection, closes.
    package static func with<R: Sendable>(
        port: Int,
        host: String = "127.0.0.1",
        _ body: (inout TestHTTPConnectionState) async throws -> R
    ) async throws -> R {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var state = TestHTTPConnectionState(iterator: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&state)
        }
    }

    /// One request on a fresh connection, sent by the control point's own client (``UPnPHTTPClient``: Host unless
    /// `host` overrides it, `Connection: close`); the bounds are generous, since tests read what they made.
    package static func request(
        port: Int,
        method: HTTPMethod = .GET,
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        host: String? = nil
    ) async throws -> TestHTTPResponse {
        let client = UPnPHTTPClient(timeout: .seconds(60))
        let response = try await client.request(
            method,
            HTTPURL(host: "127.0.0.1", port: port, path: path),
            headers: [("Host", host ?? "127.0.0.1:\(port)")] + headers,
            body: body,
            maximumResponseBytes: 64 << 20
        )
        return TestHTTPResponse(status: response.status, headers: response.headers, body: response.body)
    }
}

/// The state of an open test connection.
package struct TestHTTPConnectionState {
    package var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    package let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    package enum Failure: Error { case closed }

    /// Sends a request (Host given explicitly; `nil` sends none) and reads the response.
    package mutating func request(
        method: HTTPMethod = .GET,
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        host: String?,
        chunked: Bool = false
    ) async throws -> TestHTTPResponse {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        if let host { head.headers.add(name: "Host", value: host) }
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if chunked {
            head.headers.add(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(head))
            var offset = 0
            while offset < body.count {
                let end = min(offset + 7, body.count)
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body[offset..<end]))))
                offset = end
            }
            try await outbound.write(.end(nil))
        } else {
            if !body.isEmpty || method == .POST { head.headers.add(name: "Content-Length", value: String(body.count)) }
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
        }
        return try await readResponse()
    }

    /// Reads one response.
    package mutating func readResponse() async throws -> TestHTTPResponse {
        var response: TestHTTPResponse?
        while let part = try await iterator.next() {
            switch part {
            case .head(let head): response = TestHTTPResponse(status: head.status, headers: head.headers, body: [])
            case .body(let buffer): response?.body += buffer.readableBytesView
            case .end: if let response { return response }
            }
        }
        throw Failure.closed
    }
}
