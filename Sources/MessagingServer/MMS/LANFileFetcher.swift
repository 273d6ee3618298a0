import AsyncHTTPClient
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import NIOPosix
import UPnP

#if canImport(Glibc)
import Glibc
#endif

/// ``FileFetcher`` over HTTP with async-http-client: the device's GET of the links control points give in
/// SendMessage attachments and StartFileTransfer `fileLink`s (messaging-v2.md §5.6: "Attachment URIs given by the
/// TelCP are fetched by the device before sending"; the mapping's "HTTP GET from the TelCP, LAN-only, size cap").
///
/// Only hosts on this machine or its own network are fetched from (``UPnP/IPAddress/isLocalNetwork``: loopback,
/// RFC 1918, link-local, unique local), so that a control point cannot make the daemon fetch from, or probe, the
/// internet through its uplink. The host is checked twice: the literal address or every address the name resolves
/// to before connecting, and the peer of the connection actually made (a name that resolves differently the second
/// time, DNS rebinding, is caught there and no request is sent). Redirects are not followed. Each fetch is bounded
/// by a deadline and a size cap (the smaller of the caller's and the `[mms]` max-size), with the same exchange as
/// ``MMSCHTTPTransport`` (``BoundedHTTPExchange``).
///
/// Call ``shutdown()`` before releasing it (async-http-client's rule for its clients).
public final class LANFileFetcher: FileFetcher {
    /// A whole exchange on the LAN: a file of the largest MMS crosses a LAN in well under a second, so this only
    /// bounds a control point whose server stalls.
    public static let defaultTimeout: Duration = .seconds(30)

    /// The largest file fetched, whatever the caller allows (the `[mms]` max-size: nothing larger can be sent).
    public let maximumBytes: Int
    /// Deadline of one fetch (connection, request and the whole body).
    public let timeout: Duration
    let client: HTTPClient
    let logger: Logger
    /// The addresses a host name resolves to; replaceable in tests.
    let resolve: @Sendable (String) async throws -> [IPAddress]

    public init(
        maximumBytes: Int,
        timeout: Duration = LANFileFetcher.defaultTimeout,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        logger: Logger = Logger(label: "MessagingServer.FileFetcher"),
        resolve: @escaping @Sendable (String) async throws -> [IPAddress] = LANFileFetcher.addresses(of:)
    ) {
        self.maximumBytes = maximumBytes
        self.timeout = timeout
        self.logger = logger
        self.resolve = resolve
        var http = BoundedHTTPExchange.clientConfiguration(timeout: timeout)
        http.http1_1ConnectionDebugInitializer = { channel in Self.requireLocalPeer(channel) }
        http.http2ConnectionDebugInitializer = { channel in Self.requireLocalPeer(channel) }
        client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: http)
    }

    /// Closes the connections; the fetcher cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func fetch(_ uri: String, maximumBytes callerLimit: Int) async throws -> FetchedFile {
        let limit = min(callerLimit, maximumBytes)
        let url = try await checkedURL(uri)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "*/*")
        request.headers.add(name: "User-Agent", value: "ModemMessaging")
        do {
            let response = try await BoundedHTTPExchange.response(
                to: request,
                on: client,
                timeout: timeout,
                logger: logger
            )
            let status = response.status
            guard (200..<300).contains(status.code) else {
                if (300..<400).contains(status.code) {
                    throw FileFetchError("redirected (HTTP \(status.code)); redirects are not followed")
                }
                throw FileFetchError("HTTP \(status.code) \(status.reasonPhrase)")
            }
            let bytes = try await BoundedHTTPExchange.body(of: response, limit: limit)
            return FetchedFile(bytes: bytes, mimeType: Self.mediaType(response.headers.first(name: "content-type")))
        } catch let failure as BoundedHTTPExchange.Failure {
            throw Self.error(failure, timeout: timeout)
        }
    }

    /// `uri` as a URL this fetcher may GET: `http` or `https`, a host, no user info, and every address of the host
    /// on the local network.
    func checkedURL(_ uri: String) async throws(FileFetchError) -> URL {
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw FileFetchError("not an http:// or https:// link") }
        guard let host = url.host(percentEncoded: false), !host.isEmpty else { throw FileFetchError("no host") }
        // `user@host` hides the real host from a naive reader (RFC 3986 §7.6); a LAN file needs no credentials.
        guard url.user == nil, url.password == nil else { throw FileFetchError("a link with user info") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let literal = IPAddress(bare) {
            guard literal.isLocalNetwork else { throw FileFetchError("\(literal) is not a LAN address") }
            return url
        }
        let addresses: [IPAddress]
        do {
            addresses = try await resolve(bare)
        } catch {
            throw FileFetchError("cannot resolve \(bare)")
        }
        guard !addresses.isEmpty else { throw FileFetchError("cannot resolve \(bare)") }
        if let outside = addresses.first(where: { !$0.isLocalNetwork }) {
            throw FileFetchError("\(bare) resolves to \(outside), not a LAN address")
        }
        return url
    }

    /// Accepts a connection only to a peer on the local network (run by async-http-client once a connection is made,
    /// before its first request).
    static func requireLocalPeer(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard isLocalPeer(channel.remoteAddress) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(
                NotOnLocalNetwork(peer: channel.remoteAddress?.ipAddress ?? "an unknown address")
            )
        }
        return channel.eventLoop.makeSucceededVoidFuture()
    }

    /// Whether a connection's peer is on the local network (a Unix socket or an unknown peer is not).
    static func isLocalPeer(_ peer: SocketAddress?) -> Bool {
        peer?.ipAddress.flatMap { IPAddress($0) }?.isLocalNetwork ?? false
    }

    /// The refusal of a connection made to an address outside the local network.
    struct NotOnLocalNetwork: Error, CustomStringConvertible {
        var peer: String
        var description: String { "connected to \(peer), not a LAN address" }
    }

    /// A failed exchange as the reason SendMessage's 703 and the transfer's failure state give.
    static func error(_ failure: BoundedHTTPExchange.Failure, timeout: Duration) -> FileFetchError {
        switch failure {
        case .timedOut:
            return FileFetchError("no answer within \(timeout)")
        case .unreachable(let reason):
            return FileFetchError("cannot fetch: \(reason)")
        case .tooLarge(let limit):
            return FileFetchError("larger than \(limit) bytes", isTooLarge: true)
        case .truncated(let expected, let received):
            return FileFetchError("truncated: \(received) of \(expected) bytes")
        }
    }

    /// The media type of a Content-Type value (RFC 9110 §8.3.1), lower case, without parameters; nil when absent or
    /// not `type/subtype`.
    static func mediaType(_ value: String?) -> String? {
        guard let value else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type, type.split(separator: "/").count == 2, !type.contains(where: \.isWhitespace) else {
            return nil
        }
        return type.lowercased()
    }

    /// Every address `host` resolves to (getaddrinfo, on NIO's thread pool: it blocks).
    public static func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
                throw FileFetchError("cannot resolve \(host)")
            }
            defer { freeaddrinfo(first) }
            var addresses: [IPAddress] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                if let address = current.pointee.ai_addr, let text = Self.text(of: address) {
                    addresses.append(contentsOf: IPAddress(text).map { [$0] } ?? [])
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }
    }

    /// The numeric text of an IPv4 or IPv6 socket address (inet_ntop).
    static func text(of address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let result: UnsafePointer<CChar>?
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            result = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                inet_ntop(AF_INET, &v4.pointee.sin_addr, &buffer, socklen_t(buffer.count))
            }
        case AF_INET6:
            result = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                inet_ntop(AF_INET6, &v6.pointee.sin6_addr, &buffer, socklen_t(buffer.count))
            }
        default:
            return nil
        }
        guard result != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
