import Crypto
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A hook that POSTs the event's JSON to a URL, signed with HMAC-SHA256 over the body when a secret is set.
///
/// Headers: `Content-Type: application/json`, `Idempotency-Key` (the same for every retry of one event),
/// `X-Messagingd-Event`, and with a secret `X-Messagingd-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
/// (RFC 2104). A 2xx answer is delivered; anything else, or no answer, is a failure to retry. Plain HTTP only:
/// the client is SwiftNIO's HTTP/1.1 pipeline that the device's own server and GENA already use, without TLS.
struct WebhookHook: MessageHook {
    /// Largest answer read; only the status matters.
    static let maximumResponseBytes = 64 * 1024
    static let signatureHeader = "X-Messagingd-Signature-256"

    let key: String
    let events: Set<MessageHookEvent>
    let endpoint: WebhookEndpoint
    let secret: [UInt8]?
    let timeout: Duration
    let group: any EventLoopGroup

    init(endpoint: WebhookEndpoint, events: Set<MessageHookEvent>, secret: String?, timeout: Duration) {
        self.key = "webhook:" + endpoint.url
        self.endpoint = endpoint
        self.events = events
        self.secret = secret.map { Array($0.utf8) }
        self.timeout = timeout
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// `sha256=<hex>`: HMAC-SHA256 of `body` keyed with `secret`.
    static func signature(of body: [UInt8], secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    func deliver(_ invocation: MessageHookInvocation) async throws {
        let body = invocation.json()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        // Cancellation (the hook's timeout) closes the connection, which ends the read loop below with an error.
        let status: HTTPResponseStatus = try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: endpoint.hostHeader)
                headers.add(name: "User-Agent", value: "messagingd/\(MessagingServer.version)")
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(body.count))
                headers.add(name: "Idempotency-Key", value: invocation.idempotencyKey)
                headers.add(name: "X-Messagingd-Event", value: invocation.event.rawValue)
                if let secret {
                    headers.add(name: Self.signatureHeader, value: Self.signature(of: body, secret: secret))
                }
                headers.add(name: "Connection", value: "close")
                let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.path, headers: headers)
                try await outbound.write(contentsOf: [
                    .head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil),
                ])
                var status: HTTPResponseStatus?
                var received = 0
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = response.status
                    case .body(let buffer):
                        received += buffer.readableBytes
                        if received > Self.maximumResponseBytes { return status ?? .badGateway }
                    case .end: return status ?? .badGateway
                    }
                }
                guard let status else { throw WebhookError(description: "connection closed without an answer") }
                return status
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
        guard (200..<300).contains(status.code) else {
            throw WebhookError(description: "HTTP \(status.code) \(status.reasonPhrase)")
        }
    }
}

/// Where a webhook posts: an `http://` URL split for the client.
struct WebhookEndpoint: Sendable, Hashable {
    var url: String
    var host: String
    var port: Int
    /// Path and query.
    var path: String
    var hostHeader: String

    /// - Throws: a reason when `url` is not an absolute `http://` URL with a host.
    init(_ url: String) throws(WebhookError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw WebhookError(description: "'\(url)' is not a URL")
        }
        guard scheme == "http" else {
            throw WebhookError(
                description: "'\(url)': only http:// is supported (no TLS client in this build; use a local relay)"
            )
        }
        guard let host = components.host, !host.isEmpty else { throw WebhookError(description: "'\(url)' has no host") }
        self.url = url
        // URLComponents keeps an IPv6 literal's brackets in `host` on some platforms.
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 80
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.path = path + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let bracketed = self.host.contains(":") ? "[\(self.host)]" : self.host
        self.hostHeader = components.port.map { "\(bracketed):\($0)" } ?? bracketed
    }
}

struct WebhookError: Error, CustomStringConvertible {
    var description: String
}
