/// Time as the AT engine sees it: a `Duration` since an origin, and a way to sleep until a later one. Wraps any
/// `Clock` so that tests inject a manual clock and no test sleeps (STYLE.md §4, §6).
package struct ATClock: Sendable {
    private let readNow: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`, taking its current instant as the origin.
    package init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        readNow = { origin.duration(to: clock.now) }
        sleeper = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
    }

    /// Time since the origin.
    package var now: Duration { readNow() }

    /// Sleeps until `deadline` (since the origin); throws `CancellationError` when cancelled.
    package func sleep(until deadline: Duration) async throws { try await sleeper(deadline) }
}
