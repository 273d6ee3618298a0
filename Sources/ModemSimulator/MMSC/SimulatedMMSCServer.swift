import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// ``SimulatedMMSC`` on loopback HTTP/1.1 (NIO): the MMSC's URL and, on the same port, the operator's WAP/HTTP proxy
/// (requests in absolute form). One task per connection; requests on a connection are answered in order.
///
/// ```swift
/// let server = try await SimulatedMMSCServer.start(mmsc: SimulatedMMSC(network: network))
/// // messagingd: mmsc-url = await server.mmsc.url(forModem: "+15550000001"), mms-proxy = "127.0.0.1:\(server.port)"
/// try await server.shutdown()
/// ```
public final class SimulatedMMSCServer: Sendable {
    public let mmsc: SimulatedMMSC
    /// The bound port on `host`.
    public let port: Int
    public let host: String
    let channel: any Channel
    let acceptor: Task<Void, Never>
    /// Largest request body read (a larger one is answered 413 and the connection closed).
    public static let maximumRequestBody = SimulatedMMSC.maximumSendSize + 64 * 1024

    init(mmsc: SimulatedMMSC, host: String, port: Int, channel: any Channel, acceptor: Task<Void, Never>) {
        self.mmsc = mmsc
        self.host = host
        self.port = port
        self.channel = channel
        self.acceptor = acceptor
    }

    /// The proxy address, `host:port` (the same listener).
    public var proxyAddress: String { "\(host):\(port)" }

    /// Binds `host:port` (0: a free port), sets the MMSC's base URL and serves until ``shutdown()``.
    public static func start(
        mmsc: SimulatedMMSC,
        host: String = "127.0.0.1",
        port: Int = 0,
        clock: any Clock<Duration> = ContinuousClock(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "ModemSimulator.MMSC")
    ) async throws -> SimulatedMMSCServer {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        await mmsc.setBaseURL("http://\(host):\(boundPort)")
        let acceptor = Task {
            do {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask {
                                await serve(connection, mmsc: mmsc, clock: clock, logger: logger)
                            }
                        }
                        // The listener closed (``shutdown()``): the connections still open stop too.
                        group.cancelAll()
                    }
                }
            } catch {
                logger.debug("simulated MMSC stopped", metadata: ["error": "\(error)"])
            }
        }
        return SimulatedMMSCServer(mmsc: mmsc, host: host, port: boundPort, channel: server.channel, acceptor: acceptor)
    }

    /// Stops listening and drops the open connections. The listener is closed rather than its acceptor cancelled: its
    /// stream then hands out every connection it accepted before it ends, whereas a cancelled one drops them unread,
    /// and NIO traps on each (its writer was never finished: apple/swift-nio#2813).
    public func shutdown() async {
        try? await channel.close()
        await acceptor.value
    }

    static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        mmsc: SimulatedMMSC,
        clock: any Clock<Duration>,
        logger: Logger
    ) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let value):
                        head = value
                        body = []
                    case .body(var buffer):
                        guard body.count + buffer.readableBytes <= maximumRequestBody else {
                            try await write(status: 413, body: [], truncatedTo: nil, keepAlive: false, to: outbound)
                            return
                        }
                        body += buffer.readBytes(length: buffer.readableBytes) ?? []
                    case .end:
                        guard let request = head else { return }
                        let response = await mmsc.handle(
                            SimulatedMMSC.Request(method: request.method.rawValue, target: request.uri, body: body)
                        )
                        if response.delay > .zero { try await clock.sleep(for: response.delay) }
                        switch response.action {
                        case .close:
                            return
                        case .answer(let status, let body, let truncatedTo):
                            try await write(
                                status: status,
                                body: body,
                                truncatedTo: truncatedTo,
                                keepAlive: request.isKeepAlive,
                                to: outbound
                            )
                            if truncatedTo != nil || !request.isKeepAlive { return }
                        }
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("simulated MMSC connection ended", metadata: ["error": "\(error)"])
        }
    }

    static func write(
        status: Int,
        body: [UInt8],
        truncatedTo: Int?,
        keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(body.count))
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/vnd.wap.mms-message") }
        headers.add(name: "Connection", value: keepAlive && truncatedTo == nil ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        try await outbound.write(.head(head))
        // A truncated answer announces the full length, sends a prefix and closes (RFC 9112 §8: incomplete message).
        let sent = truncatedTo.map { Array(body.prefix($0)) } ?? body
        if !sent.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: sent)))) }
        if truncatedTo == nil { try await outbound.write(.end(nil)) }
    }
}
