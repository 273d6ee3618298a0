import Foundation
import Synchronization

/// The time source of the service: wall-clock time for message dates and a monotonic clock for deadlines
/// (event moderation, retry back-off, the mirror's timer). Injected so that tests never sleep.
public protocol MessagingClock: Sendable {
    /// Wall-clock time, for `dateReceived`, `dateSent` and session dates.
    var wallNow: Date { get }
    /// Monotonic time since an arbitrary origin, for deadlines.
    var uptime: Duration { get }
    /// Suspends until ``uptime`` reaches `deadline` (returns at once when it already has). Throws when cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The real clocks: `Date()` and `ContinuousClock`.
public struct SystemMessagingClock: MessagingClock {
    private let origin: ContinuousClock.Instant

    public init() { origin = ContinuousClock.now }

    public var wallNow: Date { Date() }
    public var uptime: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin + deadline, tolerance: nil)
    }
}

/// A clock that moves only when told to, for tests of moderation, back-off and timers.
public final class ManualMessagingClock: MessagingClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var wall: Date
        var uptime: Duration = .zero
        var sleepers: [UInt64: Sleeper] = [:]
        var nextToken: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(wallNow: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(wall: wallNow))
    }

    public var wallNow: Date { state.withLock { $0.wall } }
    public var uptime: Duration { state.withLock { $0.uptime } }

    /// Number of tasks currently sleeping on this clock (lets a test wait until a worker is parked).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves both clocks forward and wakes every sleeper whose deadline has passed.
    public func advance(by duration: Duration) {
        let due: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            state.uptime += duration
            state.wall += duration.timeInterval
            let now = state.uptime
            let ready = state.sleepers.filter { $0.value.deadline <= now }
            for key in ready.keys { state.sleepers[key] = nil }
            return ready.map(\.value.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    public func sleep(until deadline: Duration) async throws {
        let token = state.withLock { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if deadline <= state.uptime || Task.isCancelled { return true }
                    state.sleepers[token] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.sleepers.removeValue(forKey: token)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
