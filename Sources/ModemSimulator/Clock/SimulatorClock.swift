import Foundation
import Synchronization

/// The time source of a simulated modem and network: wall-clock time for service-centre time stamps
/// (TS 23.040 §9.2.3.11 TP-SCTS) and sleeping for baud-rate throttling, network delay and timers.
///
/// Inject ``ManualSimulatorClock`` in tests so that nothing waits on real time.
public protocol SimulatorClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Suspends the caller for `duration` of simulated time.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// Real time: `Date()` and `ContinuousClock`.
public struct SystemSimulatorClock: SimulatorClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws {
        try await ContinuousClock().sleep(for: duration)
    }
}

/// A clock that moves only when a test calls ``advance(by:)``.
///
/// Sleepers whose deadline has been reached are resumed in deadline order. ``sleeperCount`` lets a test wait until
/// the work it expects to be sleeping has actually gone to sleep before it advances time.
public final class ManualSimulatorClock: SimulatorClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var elapsed: Duration = .zero
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
    }

    private let start: Date
    private let state = Mutex(State())

    /// - Parameter start: the wall-clock time at elapsed zero (default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        self.start = start
    }

    public func now() -> Date {
        let elapsed = state.withLock { $0.elapsed }
        let (seconds, attoseconds) = elapsed.components
        return start.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// Simulated time elapsed since the clock was made.
    public var elapsed: Duration { state.withLock { $0.elapsed } }

    /// Number of tasks currently sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        if duration <= .zero {
            try Task.checkCancellation()
            return
        }
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        state.sleepers.append(
                            Sleeper(id: id, deadline: state.elapsed + duration, continuation: continuation)
                        )
                    }
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline is reached.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.elapsed += duration
            let now = state.elapsed
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (yielding, bounded) until at least `count` tasks sleep on this clock.
    /// - Returns: false if that did not happen within `maxYields` scheduler turns.
    @discardableResult
    public func waitForSleepers(_ count: Int, maxYields: Int = 100_000) async -> Bool {
        for _ in 0..<maxYields {
            if sleeperCount >= count { return true }
            await Task.yield()
        }
        return sleeperCount >= count
    }
}
