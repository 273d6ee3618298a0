import Messaging

extension MessagingServerSettings {
    /// The `[hooks]` table and the hook flags; `nil` keys are not set (the default applies).
    public struct Hooks: Sendable, Hashable {
        /// `on-receive`: the program and its arguments (a string is a program without arguments).
        public var onReceive: [String]?
        /// `on-sent`.
        public var onSent: [String]?
        /// `on-failed`.
        public var onFailed: [String]?
        /// `[[hooks.webhook]]`: `url`, `events`, `secret`.
        public var webhooks: [MessagingServerConfiguration.Webhook]?
        /// `timeout`, seconds.
        public var timeout: Duration?
        /// `concurrency`.
        public var concurrency: Int?
        /// `first-retry-delay`, seconds.
        public var firstRetryDelay: Duration?
        /// `max-retry-delay`, seconds.
        public var maximumRetryDelay: Duration?
        /// `give-up-after`, seconds.
        public var giveUpAfter: Duration?

        public init() {}

        /// Each key of `other` that is set replaces this one's.
        func overridden(by other: Hooks) -> Hooks {
            var result = self
            result.onReceive = other.onReceive ?? onReceive
            result.onSent = other.onSent ?? onSent
            result.onFailed = other.onFailed ?? onFailed
            result.webhooks = other.webhooks ?? webhooks
            result.timeout = other.timeout ?? timeout
            result.concurrency = other.concurrency ?? concurrency
            result.firstRetryDelay = other.firstRetryDelay ?? firstRetryDelay
            result.maximumRetryDelay = other.maximumRetryDelay ?? maximumRetryDelay
            result.giveUpAfter = other.giveUpAfter ?? giveUpAfter
            return result
        }

        /// The server's hook configuration.
        func makeConfiguration() -> MessagingServerConfiguration.Hooks {
            var hooks = MessagingServerConfiguration.Hooks()
            hooks.onReceive = onReceive
            hooks.onSent = onSent
            hooks.onFailed = onFailed
            hooks.webhooks = webhooks ?? []
            if let timeout { hooks.delivery.timeout = timeout }
            if let concurrency { hooks.delivery.maximumConcurrent = concurrency }
            if let firstRetryDelay { hooks.delivery.initialRetryDelay = firstRetryDelay }
            if let maximumRetryDelay { hooks.delivery.maximumRetryDelay = maximumRetryDelay }
            if let giveUpAfter { hooks.delivery.giveUpAfter = giveUpAfter }
            return hooks
        }
    }
}
