import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 server that a control point runs on one of its addresses, port 0, for the duration of a body: to be
/// called back (``GENACallbackServer``) or fetched from (``OfferedFileServer``). Each connection is served in a task
/// of its own, at most `maximumConnections` at once (one more is closed at once); all stop when the body returns.
enum ScopedHTTPServer {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Listens on `host`, port 0, serves each connection with `serve`, and runs `body` with the bound port.
    static func with<R: Sendable>(
        host: String,
        maximumConnections: Int,
        serve: @escaping @Sendable (Connection) async -> Void,
        whileServing body: (_ port: Int) async throws -> R
    ) async throws -> R {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let port = listener.channel.localAddress?.port ?? 0
        return try await listener.executeThenClose { inbound in
            // The accept loop is not a child task: it is never cancelled, and ends when the listener closes, after
            // every connection the listener accepted before was handed out and served or closed. A stream of
            // accepted connections that is cancelled drops those unread, and NIO traps on each (its writer was
            // never finished: apple/swift-nio#2813).
            let accepting = Task {
                try await accept(inbound, maximumConnections: maximumConnections, serve: serve)
            }
            let result: Result<R, any Error>
            do {
                result = .success(
                    try await withTaskCancellationHandler {
                        try await body(port)
                    } onCancel: {
                        listener.channel.close(promise: nil)
                    }
                )
            } catch {
                result = .failure(error)
            }
            listener.channel.close(promise: nil)
            _ = await accepting.result
            return try result.get()
        }
    }

    /// Serves each connection of `inbound` in a task of its own until the listener closes; then stops those still
    /// open.
    private static func accept(
        _ inbound: NIOAsyncChannelInboundStream<Connection>,
        maximumConnections: Int,
        serve: @escaping @Sendable (Connection) async -> Void
    ) async throws {
        let open = ConnectionCounter()
        try await withThrowingDiscardingTaskGroup { connections in
            for try await connection in inbound {
                guard open.enter(limit: maximumConnections) else {
                    try? await connection.executeThenClose { _, _ in }
                    continue
                }
                connections.addTask {
                    defer { open.leave() }
                    await serve(connection)
                }
            }
            connections.cancelAll()
        }
    }
}
