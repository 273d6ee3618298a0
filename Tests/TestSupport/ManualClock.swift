import Foundation
import Synchronization

/// A `Clock` whose time moves only when a test calls ``advance(by:)``, so that no test of a timeout, a back-off, a
/// moderation window or a throttled line waits on real time.
///
/// Inject it where the code under test takes a `Clock<Duration>`. Code that also stamps wall-clock dates takes a
/// `wallClock: @Sendable () -> Date` beside the clock; pass ``wallClock`` so that dates move with the clock:
///
/// ```swift
/// let clock = ManualClock()
/// let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock)
/// ```
///
/// Sleepers whose deadline is reached are resumed in deadline order. ``waitForSleepers(_:timeout:)`` lets a test
/// wait until the work it expects to be sleeping has gone to sleep before it advances time.
package final class ManualClock: Clock, Sendable {
    /// A point in the clock's time: the time advanced since the clock was made.
    package struct Instant: InstantProtocol {
        package var offset: Duration

        package init(offset: Duration) { self.offset = offset }

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var waiters: [UInt64: Waiter] = [:]

        /// Takes the waiters whose sleeper count is reached.
        mutating func takeSatisfiedWaiters() -> [CheckedContinuation<Bool, Never>] {
            let satisfied = waiters.filter { $0.value.count <= sleepers.count }
            for id in satisfied.keys { waiters[id] = nil }
            return satisfied.map(\.value.continuation)
        }
    }

    private let state = Mutex(State())

    /// The wall-clock time at ``Instant`` zero.
    package let wallOrigin: Date

    /// - Parameter wallOrigin: the wall-clock time before any ``advance(by:)``; default 2027-01-15T08:00:00Z, fixed
    ///   so that dates in tests are the same on every run.
    package init(wallOrigin: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.wallOrigin = wallOrigin
    }

    package var now: Instant { state.withLock { $0.now } }
    package var minimumResolution: Duration { .zero }

    /// The time advanced since the clock was made.
    package var elapsed: Duration { now.offset }

    /// The wall-clock time: ``wallOrigin`` plus ``elapsed``, for the `wallClock` parameter beside the clock.
    package var wallClock: @Sendable () -> Date {
        { [self] in wallOrigin.addingTimeInterval(Self.seconds(elapsed)) }
    }

    /// Number of tasks sleeping on this clock.
    package var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// True once a task sleeps until exactly `offset` after now.
    package func hasSleeper(dueIn offset: Duration) -> Bool {
        state.withLock { state in state.sleepers.contains { $0.deadline == state.now.advanced(by: offset) } }
    }

    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case parked, due, cancelled }
                let (outcome, satisfied) = state.withLock { state -> (Outcome, [CheckedContinuation<Bool, Never>]) in
                    if Task.isCancelled { return (.cancelled, []) }
                    if deadline <= state.now { return (.due, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (.parked, state.takeSatisfiedWaiters())
                }
                for waiter in satisfied { waiter.resume(returning: true) }
                switch outcome {
                case .parked: break
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                state.sleepers.firstIndex { $0.id == id }.map { state.sleepers.remove(at: $0) }
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline is reached, earliest deadline first.
    package func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits until at least `count` tasks sleep on this clock; returns as soon as the last of them goes to sleep.
    ///
    /// The timeout is real time and only a bound for a broken test, not a timing assertion.
    /// - Returns: false if that did not happen within `timeout` (or the waiting task was cancelled).
    package func waitForSleepers(_ count: Int, timeout: Duration = .seconds(20)) async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                        enum Outcome { case parked, reached, cancelled }
                        let outcome = self.state.withLock { state -> Outcome in
                            if state.sleepers.count >= count { return .reached }
                            if Task.isCancelled { return .cancelled }
                            state.waiters[id] = Waiter(count: count, continuation: continuation)
                            return .parked
                        }
                        switch outcome {
                        case .parked: break
                        case .reached: continuation.resume(returning: true)
                        case .cancelled: continuation.resume(returning: false)
                        }
                    }
                } onCancel: {
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: false)
                }
            }
            group.addTask {
                try? await ContinuousClock().sleep(for: timeout)
                return false
            }
            let reached = await group.next() ?? false
            group.cancelAll()
            return reached
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
