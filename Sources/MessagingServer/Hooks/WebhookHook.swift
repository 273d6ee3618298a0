import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1

/// A hook that POSTs the event's JSON to a URL, signed with HMAC-SHA256 over the body when a secret is set.
///
/// Headers: `Content-Type: application/json`, `Idempotency-Key` (the same for every retry of one event),
/// `X-Messagingd-Event`, and with a secret `X-Messagingd-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
/// (RFC 2104). A 2xx answer is delivered; anything else, or no answer, is a failure to retry. `http://` and
/// `https://` (TLS verified against the system's trust store) through async-http-client's shared client; a
/// redirect is not followed (a POST must not turn into a GET elsewhere), so it counts as a failure.
struct WebhookHook: MessageHook {
    /// Largest answer read; only the status matters.
    static let maximumResponseBytes = 64 * 1024
    static let signatureHeader = "X-Messagingd-Signature-256"

    let key: String
    let events: Set<MessageHookEvent>
    let endpoint: WebhookEndpoint
    let secret: [UInt8]?
    let timeout: Duration

    init(endpoint: WebhookEndpoint, events: Set<MessageHookEvent>, secret: String?, timeout: Duration) {
        self.key = "webhook:" + endpoint.url
        self.endpoint = endpoint
        self.events = events
        self.secret = secret.map { Array($0.utf8) }
        self.timeout = timeout
    }

    /// `sha256=<hex>`: HMAC-SHA256 of `body` keyed with `secret`.
    static func signature(of body: [UInt8], secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    func deliver(_ invocation: MessageHookInvocation) async throws {
        let body = invocation.json()
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "messagingd/\(MessagingServer.version)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: invocation.idempotencyKey)
        request.headers.add(name: "X-Messagingd-Event", value: invocation.event.rawValue)
        if let secret {
            request.headers.add(name: Self.signatureHeader, value: Self.signature(of: body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        // Cancellation (the hook service's timeout) cancels the request too.
        let response = try await Self.client.execute(request, timeout: TimeAmount(timeout))
        // Read (a bounded part of) the answer so that the connection can be reused; only the status matters.
        _ = try? await response.body.collect(upTo: Self.maximumResponseBytes)
        guard (200..<300).contains(response.status.code) else {
            throw WebhookError(description: "HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
    }

    /// One client for every webhook, never shut down (it lives as long as the process), following no redirect.
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )
}

/// Where a webhook posts: a checked `http://` or `https://` URL.
struct WebhookEndpoint: Sendable, Hashable {
    var url: String

    /// - Throws: a reason when `url` is not an absolute `http://` or `https://` URL with a host.
    init(_ url: String) throws(WebhookError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw WebhookError(description: "'\(url)' is not a URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw WebhookError(description: "'\(url)': only http:// and https:// are supported")
        }
        guard let host = components.host, !host.isEmpty else { throw WebhookError(description: "'\(url)' has no host") }
        self.url = url
    }
}

struct WebhookError: Error, CustomStringConvertible {
    var description: String
}
