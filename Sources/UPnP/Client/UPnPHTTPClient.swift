import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The control point's HTTP/1.1 client (UDA 1.1 §2–§4 over HTTP): description and SCPD fetches, SOAP actions, GENA
/// SUBSCRIBE/UNSUBSCRIBE.
///
/// One request per connection (`Connection: close`), so that no state outlives an exchange. Everything read from
/// the network is bounded: the connection attempt by ``connectTimeout``, the whole exchange by ``timeout`` (a
/// deadline that closes the connection), the body by the caller's `maximumResponseBytes`; NIOHTTP1's decoder bounds
/// the header block.
package struct UPnPHTTPClient: Sendable {
    /// A response: status, headers, body, and the local address the connection used (the address at which the
    /// device reaches this host, e.g. for a GENA callback).
    package struct Response: Sendable {
        package var status: HTTPResponseStatus
        package var headers: HTTPHeaders
        package var body: [UInt8]
        package var localAddress: IPAddress?
        /// The body as UTF-8 text (invalid sequences replaced).
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Largest body read by default: a description or SCPD is a few KiB.
    package static let defaultMaximumResponseBytes = 256 * 1024

    package var group: any EventLoopGroup
    /// Bound of the TCP connection attempt.
    package var connectTimeout: Duration
    /// Bound of the whole exchange, connection included.
    package var timeout: Duration

    package init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(15)
    ) {
        self.group = group
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Sends one request and reads the response.
    ///
    /// `Host` (from `url` unless `headers` names one), `Content-Length` (when there is a body, or for POST) and
    /// `Connection: close` are added.
    /// - Throws: ``UPnPClientError`` (`.connectionFailed`, `.timeout`, `.responseTooLarge`, `.malformedResponse`).
    package func request(
        _ method: HTTPMethod,
        _ url: HTTPURL,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        maximumResponseBytes: Int = UPnPHTTPClient.defaultMaximumResponseBytes
    ) async throws -> Response {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(min(connectTimeout, timeout)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: url.host, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch ChannelError.connectTimeout(_) {
            throw UPnPClientError(.timeout, "no connection to \(url.hostHeader) within \(connectTimeout)")
        } catch {
            throw UPnPClientError(.connectionFailed, "cannot connect to \(url.hostHeader): \(error)")
        }
        let localAddress = channel.channel.localAddress?.ipAddress.flatMap { IPAddress($0) }
        // A deadline for the whole exchange: closing the channel ends the read loop below with an error.
        let expired = DeadlineFlag()
        let deadline = channel.channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            expired.fire()
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: method, uri: url.path)
                if !headers.contains(where: { $0.0.lowercased() == "host" }) {
                    head.headers.add(name: "Host", value: url.hostHeader)
                }
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                if !body.isEmpty || method == .POST { head.headers.add(name: "Content-Length", value: "\(body.count)") }
                head.headers.add(name: "Connection", value: "close")
                try await outbound.write(contentsOf: [
                    .head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil),
                ])
                var response: Response?
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        // 1xx interim responses (100 Continue) are followed by the real one.
                        guard responseHead.status.code >= 200 else { continue }
                        response = Response(
                            status: responseHead.status,
                            headers: responseHead.headers,
                            body: [],
                            localAddress: localAddress
                        )
                    case .body(let buffer):
                        guard response != nil else { continue }
                        guard (response?.body.count ?? 0) + buffer.readableBytes <= maximumResponseBytes else {
                            throw UPnPClientError(
                                .responseTooLarge,
                                "the answer of \(url.hostHeader) exceeds \(maximumResponseBytes) bytes"
                            )
                        }
                        response?.body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        if let response { return response }
                    }
                }
                throw UPnPClientError(.malformedResponse, "\(url.hostHeader) closed the connection without a response")
            }
        } catch let error as UPnPClientError {
            if expired.hasFired { throw UPnPClientError(.timeout, "no answer from \(url.hostHeader) in \(timeout)") }
            throw error
        } catch {
            if expired.hasFired { throw UPnPClientError(.timeout, "no answer from \(url.hostHeader) in \(timeout)") }
            throw UPnPClientError(.malformedResponse, "exchange with \(url.hostHeader) failed: \(error)")
        }
    }
}

/// Whether a deadline fired, set on the event loop and read by the awaiting task.
private final class DeadlineFlag: Sendable {
    private let fired = Atomic<Bool>(false)
    func fire() { fired.store(true, ordering: .relaxed) }
    var hasFired: Bool { fired.load(ordering: .relaxed) }
}
