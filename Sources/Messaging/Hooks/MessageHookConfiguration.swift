/// How ``MessageHookService`` delivers: concurrency, timeout, back-off and when to give up.
public struct MessageHookConfiguration: Sendable, Hashable {
    /// Deliveries running at once, over every hook (a slow hook must not start an unbounded number of processes).
    public var maximumConcurrent: Int = 4
    /// Longest one delivery may take; then it is cancelled (the command killed) and counts as failed.
    public var timeout: Duration = .seconds(30)
    /// Wait after the first failure; doubled after each further one up to ``maximumRetryDelay``.
    public var initialRetryDelay: Duration = .seconds(5)
    /// Longest wait between two attempts.
    public var maximumRetryDelay: Duration = .seconds(600)
    /// How long after its first attempt a delivery that keeps failing is given up (logged as an error, counted,
    /// and shown in the health report).
    public var giveUpAfter: Duration = .seconds(24 * 3600)

    public init() {}
}

/// When to try a failed delivery again, and when to give up: exponential back-off from the first failure, the last
/// attempt at the give-up time.
struct MessageHookRetryPolicy: Sendable, Hashable {
    var initialDelay: Duration
    var maximumDelay: Duration
    var giveUpAfter: Duration

    init(_ configuration: MessageHookConfiguration) {
        initialDelay = configuration.initialRetryDelay
        maximumDelay = configuration.maximumRetryDelay
        giveUpAfter = configuration.giveUpAfter
    }

    /// The time of the next attempt after `attempts` failed ones, the first at `firstAttemptAt`; `nil` to give up.
    func nextAttempt(attempts: Int, firstAttemptAt: Double, now: Double) -> Double? {
        let deadline = firstAttemptAt + giveUpAfter.timeInterval
        guard now < deadline else { return nil }
        let delay = MessagingService.retryDelay(attempts: attempts, initial: initialDelay, maximum: maximumDelay)
        return min(now + delay.timeInterval, deadline)
    }
}
