import CoreMetrics
import Foundation
import Logging
import MessageStore
import ServiceLifecycle
import Synchronization

/// Delivers message events to hooks (commands, webhooks) at least once, apart from the mirror and the outbox.
///
/// The store queues a delivery per event and hook in the transaction that stores the event (a message received,
/// sent or failed), so neither a crash nor a slow hook loses one, and the mirror and the outbox never wait for a
/// hook. This service takes due deliveries from that queue, runs at most
/// ``MessageHookConfiguration/maximumConcurrent`` at once, each bounded by ``MessageHookConfiguration/timeout``,
/// retries failures with exponential back-off and gives up after ``MessageHookConfiguration/giveUpAfter`` — with an
/// error in the log, a count in the metrics and the delivery kept in the health report, never silently. After a
/// restart, whatever was pending (including deliveries cut short by the crash) is delivered again.
///
/// Create it with ``init(messaging:hooks:configuration:logger:metricsFactory:clock:wallClock:)`` before the
/// Messaging service runs, so that the first message received is already queued for the hooks.
public final class MessageHookService: Service, Sendable {
    let messaging: MessagingService
    let store: MessageStore
    let hooks: [String: any MessageHook]
    let configuration: MessageHookConfiguration
    let policy: MessageHookRetryPolicy
    let logger: Logger
    let metrics: MessageHookMetrics
    let clock: any Clock<Duration>
    let wallClock: @Sendable () -> Date
    /// Deliveries running now (left out of the queries for due ones).
    private let running = Mutex<Set<Int64>>([])
    private let signal = WakeSignal()

    /// Registers `hooks` in the store (pending deliveries of hooks no longer configured are given up and logged).
    ///
    /// - Parameters:
    ///   - messaging: the service whose messages are delivered (and whose store holds the queue).
    ///   - hooks: the hooks; their ``MessageHook/key``s must differ.
    ///   - configuration: concurrency, timeout, back-off, give-up time.
    ///   - logger: where deliveries that fail or are given up are logged (no phone numbers or bodies above debug).
    ///   - metricsFactory: where `messaging_hook_deliveries_total{result}` is counted.
    ///   - clock: time for timeouts and back-off waits; `nil` for the Messaging service's.
    ///   - wallClock: the current date for due times; `nil` for the Messaging service's.
    /// - Throws: a store error.
    public init(
        messaging: MessagingService,
        hooks: [any MessageHook],
        configuration: MessageHookConfiguration = MessageHookConfiguration(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        clock: (any Clock<Duration>)? = nil,
        wallClock: (@Sendable () -> Date)? = nil
    ) async throws {
        self.messaging = messaging
        self.store = messaging.store
        self.hooks = Dictionary(hooks.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.configuration = configuration
        self.policy = MessageHookRetryPolicy(configuration)
        self.logger = logger
        self.metrics = MessageHookMetrics(factory: metricsFactory)
        self.clock = clock ?? messaging.clock
        self.wallClock = wallClock ?? messaging.wallClock
        let targets = hooks.flatMap { hook in
            MessageHookEvent.allCases.filter(hook.events.contains).map { (event: $0.rawValue, target: hook.key) }
        }
        let dropped = try await store.setHookTargets(targets)
        if dropped > 0 {
            logger.error(
                "hook deliveries given up: their hook is no longer configured",
                metadata: ["hook.count": "\(dropped)"]
            )
            metrics.abandoned.increment(by: dropped)
        }
    }

    /// Delivers until cancelled or a graceful shutdown; deliveries still running then are cancelled and stay
    /// pending for the next start.
    public func run() async throws {
        let observation = store.observeHookQueue { [signal] in signal.fire() }
        defer { observation.cancel() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    var timeout: Duration?
                    do {
                        timeout = try await self.startDue(in: &group)
                    } catch {
                        self.logger.warning("hook queue unreadable", metadata: ["error": "\(error)"])
                        timeout = .seconds(1)
                    }
                    await MessagingService.wait(for: self.signal, atMost: timeout, clock: self.clock)
                }
                group.cancelAll()
            }
        }
    }

    /// Starts the due deliveries there is room for; returns how long until the next one is due (`nil`: only a
    /// change of the queue or a finished delivery can make one due).
    private func startDue(in group: inout DiscardingTaskGroup) async throws -> Duration? {
        let busy = running.withLock { $0 }
        let free = configuration.maximumConcurrent - busy.count
        guard free > 0 else { return nil }
        let now = wallClock().timeIntervalSince1970
        let due = try await store.dueHookDeliveries(now: now, limit: free, excluding: busy)
        for delivery in due {
            running.withLock { _ = $0.insert(delivery.id) }
            group.addTask {
                await self.attempt(delivery.id)
                self.running.withLock { _ = $0.remove(delivery.id) }
                self.signal.fire()
            }
        }
        if due.count == free { return nil }
        guard let next = try await store.nextHookAttempt(excluding: running.withLock { $0 }) else { return nil }
        let wait = max(0, next - wallClock().timeIntervalSince1970)
        // Rounded up, so as not to wake just before the due time.
        return .milliseconds(max(1, Int64((wait * 1000).rounded(.up))))
    }

    /// One attempt at one delivery: the message as it is now, the hook bounded by the timeout, then the outcome
    /// recorded (delivered, retry later, or given up).
    func attempt(_ id: Int64) async {
        do {
            guard let delivery = try await store.beginHookAttempt(id: id, now: wallClock().timeIntervalSince1970)
            else { return }
            var metadata: Logger.Metadata = [
                "hook": "\(delivery.target)", "hook.event": "\(delivery.event)",
                "message.row": "\(delivery.messageID)", "hook.attempts": "\(delivery.attempts)",
            ]
            guard let hook = hooks[delivery.target], let event = MessageHookEvent(rawValue: delivery.event) else {
                try await giveUp(delivery, reason: "hook no longer configured", metadata: metadata)
                return
            }
            guard let message = try await messaging.hookMessage(rowID: delivery.messageID) else {
                try await giveUp(delivery, reason: "the message was removed before its hook ran", metadata: metadata)
                return
            }
            let invocation = MessageHookInvocation(event: event, message: message)
            metadata["message.id"] = "\(invocation.message.id)"
            let failure = await deliver(invocation, to: hook)
            if Task.isCancelled { return }  // shutting down: stays pending, delivered again at the next start
            guard let failure else {
                try await store.finishHookDelivery(id: id)
                metrics.delivered.increment()
                logger.debug("hook delivered", metadata: metadata)
                return
            }
            metrics.failed.increment()
            let now = wallClock().timeIntervalSince1970
            let firstAttempt = delivery.firstAttemptAt ?? now
            guard let next = policy.nextAttempt(attempts: delivery.attempts, firstAttemptAt: firstAttempt, now: now)
            else {
                try await giveUp(delivery, reason: failure, metadata: metadata)
                return
            }
            try await store.recordHookFailure(id: id, error: failure, nextAttemptAt: next)
            metadata["error"] = "\(failure)"
            metadata["hook.retry-in"] = "\(Int((next - now).rounded()))s"
            logger.warning("hook failed, will retry", metadata: metadata)
        } catch {
            if !Task.isCancelled { logger.warning("hook queue update failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// Runs the hook within the timeout; returns why it failed, `nil` when it delivered.
    func deliver(_ invocation: MessageHookInvocation, to hook: any MessageHook) async -> String? {
        let timeout = configuration.timeout
        let clock = self.clock
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await hook.deliver(invocation)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                // Returns only when the timeout passes: cancelled with the group once the hook has finished.
                do {
                    try await clock.sleep(for: timeout)
                } catch {
                    return nil
                }
                return "timed out after \(timeout)"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func giveUp(_ delivery: HookDeliveryRecord, reason: String, metadata: Logger.Metadata) async throws {
        try await store.recordHookFailure(id: delivery.id, error: reason, nextAttemptAt: nil)
        metrics.abandoned.increment()
        var metadata = metadata
        metadata["error"] = "\(reason)"
        logger.error("hook given up", metadata: metadata)
    }

    /// The queue by hook: pending, retrying (failed at least once) and given-up deliveries, for `/health`.
    public func health() async throws -> [MessageHookHealth] {
        try await store.hookQueueSummary().map {
            MessageHookHealth(
                hook: $0.target,
                pending: $0.pending,
                retrying: $0.retrying,
                abandoned: $0.abandoned,
                lastError: $0.lastError
            )
        }
    }
}

/// The delivery queue of one hook.
public struct MessageHookHealth: Sendable, Hashable, Codable {
    /// The hook's ``MessageHook/key``.
    public var hook: String
    /// Deliveries not yet done (due, running or backing off).
    public var pending: Int
    /// Pending deliveries that have failed at least once: the hook is failing now.
    public var retrying: Int
    /// Deliveries given up after ``MessageHookConfiguration/giveUpAfter``.
    public var abandoned: Int
    /// Why the last failed attempt of a pending delivery failed.
    public var lastError: String?

    public init(hook: String, pending: Int, retrying: Int, abandoned: Int, lastError: String?) {
        self.hook = hook
        self.pending = pending
        self.retrying = retrying
        self.abandoned = abandoned
        self.lastError = lastError
    }
}

/// `messaging_hook_deliveries_total{result="delivered"|"failed"|"abandoned"}`.
struct MessageHookMetrics: Sendable {
    let delivered: Counter
    let failed: Counter
    let abandoned: Counter

    init(factory: any MetricsFactory) {
        func counter(_ result: String) -> Counter {
            Counter(label: "messaging_hook_deliveries_total", dimensions: [("result", result)], factory: factory)
        }
        delivered = counter("delivered")
        failed = counter("failed")
        abandoned = counter("abandoned")
    }
}

extension MessagingService {
    /// The message of store row `rowID` in its JSON form, as a hook gets it; `nil` when it no longer exists.
    func hookMessage(rowID: Int64) async throws -> MessageJSON? {
        guard let detail = try await store.message(id: rowID) else { return nil }
        return MessageJSON(
            makeMessage(
                record: detail.message,
                recipients: detail.recipients,
                attachments: detail.attachments,
                outbox: detail.outbox,
                parts: detail.outboxParts,
                includeContent: true
            )
        )
    }
}
