import Logging
import Synchronization

/// Fans the moderated publications out to subscribers and collects "something changed" marks from the actions, the
/// mirror and the outbox for the publisher.
final class EventHub: Sendable {
    private struct State {
        var subscribers: [UInt64: AsyncStream<MessagingEvent>.Continuation] = [:]
        var nextToken: UInt64 = 0
        var newMessagesChanged = false
        var sessionEventsAdded = false
        var isFinished = false
    }

    private let state = Mutex(State())
    private let bufferSize: Int
    private let logger: Logger
    /// Wakes the publisher when something changed.
    let signal = WakeSignal()

    init(bufferSize: Int, logger: Logger) {
        self.bufferSize = max(1, bufferSize)
        self.logger = logger
    }

    func subscribe() -> AsyncStream<MessagingEvent> {
        let (stream, continuation) = AsyncStream<MessagingEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(bufferSize)
        )
        let accepted: Bool = state.withLock { state in
            guard !state.isFinished else { return false }
            state.nextToken += 1
            let token = state.nextToken
            state.subscribers[token] = continuation
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: token) }
            }
            return true
        }
        if !accepted { continuation.finish() }
        return stream
    }

    /// The set of Received ∧ Unread messages changed (arrival, read, delete, move).
    func newMessagesDidChange() {
        state.withLock { $0.newMessagesChanged = true }
        signal.fire()
    }

    /// Session events were appended to the store.
    func sessionEventsDidChange() {
        state.withLock { $0.sessionEventsAdded = true }
        signal.fire()
    }

    /// Which variables changed since the last call; clears the marks.
    func takeChanges() -> (newMessages: Bool, sessionUpdates: Bool) {
        state.withLock { state in
            defer {
                state.newMessagesChanged = false
                state.sessionEventsAdded = false
            }
            return (state.newMessagesChanged, state.sessionEventsAdded)
        }
    }

    func publish(_ event: MessagingEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers {
            // A SessionUpdates value is one window's batch: a subscriber that stalled for a whole buffer of
            // publications loses its oldest one, and must not lose it silently.
            if case .dropped = subscriber.yield(event) {
                logger.warning("event subscriber stalled; its oldest publication was dropped")
            }
        }
    }

    /// Ends every subscription (the service stopped).
    func finish() {
        let subscribers: [AsyncStream<MessagingEvent>.Continuation] = state.withLock { state in
            state.isFinished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}

/// A one-slot wake-up: `fire()` before `wait()` makes the next `wait()` return at once; several fires coalesce.
final class WakeSignal: Sendable {
    private struct State {
        var isFired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func fire() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.isFired = true
            return nil
        }
        waiter?.resume()
    }

    /// Whether a fire waits for the next ``wait()``.
    var isPending: Bool { state.withLock { $0.isFired } }

    /// Returns when fired (or at once if it was fired since the last wait), or when the task is cancelled.
    /// One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    // A cancelled wait (the loser of a race against a timeout) leaves a pending fire to the next
                    // wait: taking it here would lose the wake-up it stands for.
                    if Task.isCancelled { return true }
                    if state.isFired {
                        state.isFired = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
