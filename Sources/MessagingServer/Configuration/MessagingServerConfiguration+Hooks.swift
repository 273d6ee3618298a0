import Foundation
import Logging
import Messaging

extension MessagingServerConfiguration {
    /// `hooks`: programs and webhooks told about every message received, sent or failed (`[hooks]` in the
    /// configuration file, `--on-receive`, `--on-sent`, `--on-failed`, `--webhook` on the command line).
    public struct Hooks: Sendable, Hashable {
        /// `onReceive`: the program (absolute path) and arguments run for each message received; run without a
        /// shell. Default none.
        public var onReceive: [String]?
        /// `onSent`: run for each message the network accepted.
        public var onSent: [String]?
        /// `onFailed`: run for each message that failed for good.
        public var onFailed: [String]?
        /// `webhooks`: HTTP endpoints posted the same JSON.
        public var webhooks: [Webhook] = []
        /// `delivery`: concurrency, timeout, back-off and give-up time.
        public var delivery = MessageHookConfiguration()

        public init() {}

        /// Whether any hook is configured.
        public var isEmpty: Bool { onReceive == nil && onSent == nil && onFailed == nil && webhooks.isEmpty }
    }

    /// One webhook.
    public struct Webhook: Sendable, Hashable {
        /// `url`: an `http://` or `https://` URL.
        public var url: String
        /// `events`: the events it is posted (default all).
        public var events: Set<MessageHookEvent>
        /// `secret`: the key of the `X-Messagingd-Signature-256` HMAC-SHA256 header; none when `nil`. Never logged.
        public var secret: String?

        public init(url: String, events: Set<MessageHookEvent> = Set(MessageHookEvent.allCases), secret: String? = nil)
        {
            self.url = url
            self.events = events
            self.secret = secret
        }
    }

    /// The most hooks of all kinds, and deliveries at once: a configuration, not a fan-out service.
    static let maximumWebhooks = 16
    static let maximumConcurrentHooks = 64

    func validateHooks() throws(MessagingServerError) {
        for (key, command) in [
            ("hooks.onReceive", hooks.onReceive), ("hooks.onSent", hooks.onSent), ("hooks.onFailed", hooks.onFailed),
        ] {
            guard let command else { continue }
            guard let program = command.first, program.hasPrefix("/") else {
                throw .invalid(key, "the program must be an absolute path (it runs without a shell)")
            }
            guard FileManager.default.isExecutableFile(atPath: program) else {
                throw .invalid(key, "'\(program)' is not an executable file")
            }
        }
        guard hooks.webhooks.count <= Self.maximumWebhooks else {
            throw .invalid("hooks.webhooks", "at most \(Self.maximumWebhooks) webhooks")
        }
        for webhook in hooks.webhooks {
            do {
                _ = try WebhookEndpoint(webhook.url)
            } catch {
                throw .invalid("hooks.webhooks", error.description)
            }
            guard !webhook.events.isEmpty else { throw .invalid("hooks.webhooks", "'\(webhook.url)' has no events") }
            if let secret = webhook.secret, secret.isEmpty {
                throw .invalid("hooks.webhooks", "an empty secret signs nothing; leave it out or set one")
            }
        }
        let delivery = hooks.delivery
        guard (1...Self.maximumConcurrentHooks).contains(delivery.maximumConcurrent) else {
            throw .invalid("hooks.delivery.maximumConcurrent", "must be 1 to \(Self.maximumConcurrentHooks)")
        }
        guard delivery.timeout > .zero else { throw .invalid("hooks.delivery.timeout", "must be > 0") }
        guard delivery.initialRetryDelay > .zero, delivery.initialRetryDelay <= delivery.maximumRetryDelay else {
            throw .invalid(
                "hooks.delivery.initialRetryDelay",
                "must satisfy 0 < initialRetryDelay ≤ maximumRetryDelay"
            )
        }
        guard delivery.giveUpAfter > .zero else { throw .invalid("hooks.delivery.giveUpAfter", "must be > 0") }
    }

    /// The hooks to run, each logging through `logger`.
    func makeHooks(logger: Logger) throws(MessagingServerError) -> [any MessageHook] {
        var result: [any MessageHook] = []
        for (event, command) in [
            (MessageHookEvent.received, hooks.onReceive), (.sent, hooks.onSent), (.failed, hooks.onFailed),
        ] {
            guard let command else { continue }
            result.append(CommandHook(arguments: command, events: [event], logger: logger))
        }
        for webhook in hooks.webhooks {
            do {
                result.append(
                    WebhookHook(
                        endpoint: try WebhookEndpoint(webhook.url),
                        events: webhook.events,
                        secret: webhook.secret,
                        timeout: hooks.delivery.timeout
                    )
                )
            } catch {
                throw .invalid("hooks.webhooks", error.description)
            }
        }
        return result
    }
}

extension MessagingServerConfiguration {
    /// The `[hooks]` table of ``effectiveDescription(logLevel:source:)``; webhook secrets masked.
    func hooksDescription(quoted: (String) -> String, list: ([String]) -> String) -> [String] {
        var lines = ["[hooks]"]
        for (key, command) in [
            ("on-receive", hooks.onReceive), ("on-sent", hooks.onSent), ("on-failed", hooks.onFailed),
        ] {
            lines.append(command.map { "\(key) = \(list($0))" } ?? "# \(key): not set")
        }
        let delivery = hooks.delivery
        lines.append("timeout = \(delivery.timeout.components.seconds)")
        lines.append("concurrency = \(delivery.maximumConcurrent)")
        lines.append("first-retry-delay = \(delivery.initialRetryDelay.components.seconds)")
        lines.append("max-retry-delay = \(delivery.maximumRetryDelay.components.seconds)")
        lines.append("give-up-after = \(delivery.giveUpAfter.components.seconds)")
        for webhook in hooks.webhooks {
            lines.append("")
            lines.append("[[hooks.webhook]]")
            lines.append("url = \(quoted(webhook.url))")
            let events = MessageHookEvent.allCases.filter(webhook.events.contains).map(\.rawValue)
            lines.append("events = \(list(events))")
            // The secret itself is never printed: only whether one is set.
            lines.append(webhook.secret == nil ? "# secret: not set (requests are not signed)" : "secret = \"****\"")
        }
        return lines
    }
}
