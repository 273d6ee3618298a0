import Modem
import Synchronization

/// Collects a modem's events in the background so that tests can wait for one with a safety timeout (the timeout
/// only guards against a hung test; waits return as soon as the event arrives).
final class EventCollector: Sendable {
    static let safetyTimeout: Duration = .seconds(20)

    private struct Waiter {
        var id: UInt64
        var predicate: @Sendable (ModemEvent) -> Bool
        var continuation: CheckedContinuation<ModemEvent?, Never>
    }

    private struct State {
        var events: [ModemEvent] = []
        var cursor = 0
        var waiter: Waiter?
        var nextID: UInt64 = 0
    }

    private final class Storage: Sendable {
        let state = Mutex(State())
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<ModemEvent>) {
        let storage = self.storage
        task = Task {
            for await event in stream {
                let resumed = storage.state.withLock {
                    state -> (CheckedContinuation<ModemEvent?, Never>, ModemEvent)? in
                    state.events.append(event)
                    guard let waiter = state.waiter, waiter.predicate(event) else { return nil }
                    state.waiter = nil
                    state.cursor = state.events.count
                    return (waiter.continuation, event)
                }
                if let (continuation, event) = resumed { continuation.resume(returning: event) }
            }
        }
    }

    deinit { task.cancel() }

    /// Every event so far.
    var all: [ModemEvent] { storage.state.withLock { $0.events } }

    /// The next event (after the last one returned) that matches, or nil after the safety timeout.
    func next(where predicate: @escaping @Sendable (ModemEvent) -> Bool = { _ in true }) async -> ModemEvent? {
        let id = storage.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task { [storage] in
            try? await Task.sleep(for: Self.safetyTimeout)
            let waiter = storage.state.withLock { state -> Waiter? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.continuation.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<ModemEvent?, Never>) in
            let found = storage.state.withLock { state -> ModemEvent? in
                if let index = state.events[state.cursor...].firstIndex(where: predicate) {
                    state.cursor = index + 1
                    return state.events[index]
                }
                state.cursor = state.events.count
                state.waiter = Waiter(id: id, predicate: predicate, continuation: continuation)
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }
}
