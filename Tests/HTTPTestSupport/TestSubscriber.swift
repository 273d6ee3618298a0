import NIOCore
import NIOHTTP1
import NIOPosix

/// One NOTIFY as the subscriber received it.
package struct ReceivedNotify: Sendable {
    package var method: String
    package var path: String
    package var headers: HTTPHeaders
    package var body: String
    package var sequence: UInt32? { headers["SEQ"].first.flatMap { UInt32($0) } }
    package var sid: String? { headers["SID"].first }
}

/// A GENA subscriber for tests: an HTTP server on 127.0.0.1:0 that answers every request with `status` and hands
/// each request to the test through a bounded stream.
package struct TestSubscriber {
    package typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Runs a subscriber for the duration of `body`, which gets its port and the stream of received NOTIFYs.
    package static func with<R: Sendable>(
        status: HTTPResponseStatus = .ok,
        _ body: (Int, AsyncStream<ReceivedNotify>) async throws -> R
    ) async throws -> R {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ReceivedNotify.self,
            bufferingPolicy: .bufferingOldest(256)
        )
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let port = listener.channel.localAddress?.port ?? 0
        return try await listener.executeThenClose { inbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await connection in inbound {
                            connections.addTask {
                                try? await serve(connection, status: status, continuation: continuation)
                            }
                        }
                    }
                }
                defer { group.cancelAll() }
                let result = try await body(port, stream)
                continuation.finish()
                return result
            }
        }
    }

    private static func serve(
        _ connection: Connection,
        status: HTTPResponseStatus,
        continuation: AsyncStream<ReceivedNotify>.Continuation
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body = []
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let h = head else { continue }
                    continuation.yield(
                        ReceivedNotify(
                            method: h.method.rawValue,
                            path: h.uri,
                            headers: h.headers,
                            body: String(decoding: body, as: UTF8.self)
                        )
                    )
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: "0")
                    try await outbound.write(contentsOf: [
                        .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), .end(nil),
                    ])
                }
            }
        }
    }
}

/// Runs `body`, failing with ``TestTimeout`` (and cancelling it) after `seconds`: live tests never hang.
package func withTimeout<R: Sendable>(
    seconds: Int = 20,
    _ body: @escaping @Sendable () async throws -> R
) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TestTimeout() }
        return value
    }
}

/// A live test took too long.
package struct TestTimeout: Error {}
