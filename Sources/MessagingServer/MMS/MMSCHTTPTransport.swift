import AsyncHTTPClient
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// ``MMSTransport`` over HTTP with async-http-client (OMA-TS-MMS_CTR §7: HTTP GET of the content location, POST of
/// `application/vnd.wap.mms-message` PDUs to the MMSC), through the operator's WAP/HTTP proxy and from the address of
/// the MMS interface when they are configured. Retries and expiry are the service's; this only moves bytes and says
/// why an exchange failed.
///
/// The proxy gets plain `http://` requests in absolute form (`GET http://mmsc.example/x HTTP/1.1`, RFC 9112 §3.2.2),
/// as operator WAP gateways expect and as Android's MMS service and oFono's mmsd send them. async-http-client's own
/// `HTTPClient.Configuration.Proxy` cannot be used for that: it always opens a `CONNECT host:port` tunnel, even for
/// `http://` (`HTTP1ProxyConnectHandler`, async-http-client 1.37.0), which WAP gateways commonly refuse for port 80.
/// So the connection goes to the proxy's address and a small outbound handler, which sees each request head before
/// the connection's HTTP encoder does, rewrites the origin-form target into absolute form from the Host header.
///
/// Call ``shutdown()`` before releasing it (async-http-client's rule for its clients).
public final class MMSCHTTPTransport: MMSTransport {
    public let configuration: MMSConfiguration
    let client: HTTPClient
    let logger: Logger
    /// The interface address lookup, replaceable in tests.
    let interfaceAddress: @Sendable (String) -> String?

    public init(
        configuration: MMSConfiguration,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        logger: Logger = Logger(label: "MessagingServer.MMS"),
        interfaceAddress: @escaping @Sendable (String) -> String? = MMSCHTTPTransport.address(ofInterface:)
    ) {
        self.configuration = configuration
        self.logger = logger
        self.interfaceAddress = interfaceAddress
        var http = BoundedHTTPExchange.clientConfiguration(timeout: configuration.timeout)
        if configuration.proxy != nil {
            http.http1_1ConnectionDebugInitializer = { channel in AbsoluteFormTarget.install(on: channel) }
        }
        client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: http)
    }

    /// Closes the connections; the transport cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func retrieve(from location: String) async throws(MMSTransportError) -> [UInt8] {
        try await exchange(.GET, location, body: nil)
    }

    public func post(_ pdu: [UInt8]) async throws(MMSTransportError) -> [UInt8] {
        guard pdu.count <= configuration.maximumSize else { throw .tooLarge(limit: configuration.maximumSize) }
        return try await exchange(.POST, configuration.mmscURL, body: pdu)
    }

    // MARK: - One exchange

    func exchange(_ method: HTTPMethod, _ url: String, body: [UInt8]?) async throws(MMSTransportError) -> [UInt8] {
        let request = try makeRequest(method, url, body: body)
        do {
            let response = try await BoundedHTTPExchange.response(
                to: request,
                on: client,
                timeout: configuration.timeout,
                logger: logger
            )
            switch response.status.code {
            case 200..<300: break
            // 404 Not Found and 410 Gone (RFC 9110 §15.5.5, §15.5.11): the content expired or was fetched already,
            // and asking again will not bring it back (OMA-TS-MMS_CTR leaves the HTTP status of a missing message
            // open).
            case 404, 410: throw MMSTransportError.contentGone(status: Int(response.status.code))
            default: throw MMSTransportError.refused(status: Int(response.status.code))
            }
            return try await BoundedHTTPExchange.body(of: response, limit: configuration.maximumSize)
        } catch let failure as BoundedHTTPExchange.Failure {
            throw MMSTransportError(failure)
        } catch let error as MMSTransportError {
            throw error
        } catch {
            throw .unreachable(reason: String(describing: error))
        }
    }

    func makeRequest(_ method: HTTPMethod, _ url: String, body: [UInt8]?) throws(MMSTransportError) -> HTTPClientRequest
    {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host,
            scheme == "http" || scheme == "https"
        else { throw .unreachable(reason: "not an http:// URL: \(url)") }
        var request: HTTPClientRequest
        if let proxy = configuration.proxy {
            // An https:// location cannot be fetched in absolute form through a WAP proxy (it would need CONNECT).
            guard scheme == "http" else {
                throw .unreachable(reason: "an https:// URL cannot go through the MMS proxy: \(url)")
            }
            let authority = parsed.port.map { "\(Self.bracketed(host)):\($0)" } ?? Self.bracketed(host)
            var target = parsed.path.isEmpty ? "/" : parsed.path
            if let query = parsed.query { target += "?" + query }
            request = HTTPClientRequest(url: "http://\(proxy)" + target)
            request.headers.replaceOrAdd(name: "Host", value: authority)
        } else {
            request = HTTPClientRequest(url: url)
        }
        request.method = method
        // The accept list of Android's MMS service (MmsHttpClient): MMS PDUs and the WAP content they may carry.
        request.headers.add(name: "Accept", value: "*/*, application/vnd.wap.mms-message, application/vnd.wap.sic")
        request.headers.add(name: "User-Agent", value: "ModemMessaging")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/vnd.wap.mms-message")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let interface = configuration.interface {
            guard let address = interfaceAddress(interface) else {
                throw .unreachable(reason: "the MMS interface \(interface) is missing or has no address")
            }
            request.localAddress = address
        }
        return request
    }

    static func bracketed(_ host: String) -> String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    /// The address to bind to for `interface`: its first IPv4 address, else its first global IPv6 address, nil when
    /// the interface is missing or has none. A source address is what async-http-client binds to
    /// (`HTTPClient.Configuration.localAddress`); with it, the kernel routes replies back over that interface, and a
    /// route to the MMSC/proxy through the interface makes the requests leave by it (docs/raspberry-pi.md).
    public static func address(ofInterface interface: String) -> String? {
        guard let devices = try? System.enumerateDevices() else { return nil }
        let addresses = devices.filter { $0.name == interface }.compactMap(\.address)
        if let v4 = addresses.first(where: { $0.protocol == .inet }) { return v4.ipAddress }
        return addresses.first { $0.protocol == .inet6 && !($0.ipAddress?.lowercased().hasPrefix("fe80") ?? true) }?
            .ipAddress
    }
}

/// Rewrites an origin-form request target (`/path`) into absolute form (`http://<Host><path>`) for an HTTP proxy
/// (RFC 9112 §3.2.2: "a client MUST send the target URI in absolute-form as the request-target" to a proxy).
final class AbsoluteFormTarget: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var part = unwrapOutboundIn(data)
        if case .head(var head) = part, head.uri.hasPrefix("/"), let host = head.headers.first(name: "host") {
            head.uri = "http://" + host + head.uri
            part = .head(head)
        }
        context.write(wrapOutboundOut(part), promise: promise)
    }

    /// Adds the handler just after the connection's HTTP request encoder, on its tail side, so that outbound request
    /// parts pass through it before they are encoded (async-http-client has added the encoder by the time its
    /// connection initializer runs).
    static func install(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let encoder = try pipeline.handler(type: HTTPRequestEncoder.self)
            try pipeline.addHandler(AbsoluteFormTarget(), position: .after(encoder))
        }
    }
}

/// Keeps an ``MMSCHTTPTransport`` and the ``LANFileFetcher`` for the life of the service group and shuts their HTTP
/// clients down at the end (async-http-client requires it).
public struct MMSTransportService: Service {
    public let transport: MMSCHTTPTransport
    public let fileFetcher: LANFileFetcher

    public init(transport: MMSCHTTPTransport, fileFetcher: LANFileFetcher) {
        self.transport = transport
        self.fileFetcher = fileFetcher
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await transport.shutdown()
        try await fileFetcher.shutdown()
    }
}
