/// Per-variable event moderation of one service, shared by all its subscribers (UDA 1.1 §4.3 "moderated
/// variables"; messaging-v2.md §4 "Moderation algorithm").
///
/// Leading edge plus trailing coalescing: a change of a moderated variable is sent at once if the variable was last
/// sent at least its interval ago; otherwise one send is scheduled at `last + interval`, and further changes until
/// then only replace the pending value. Pure: time comes in as an argument; the hub schedules ``flush(now:)``.
struct EventModerator: Sendable {
    /// Minimum interval per moderated variable.
    let intervals: [String: Duration]
    private var lastSent: [String: ContinuousClock.Instant] = [:]
    /// Pending values in first-change order, with their due times.
    private var pending: [(name: String, value: String, due: ContinuousClock.Instant)] = []

    init(intervals: [String: Duration]) {
        self.intervals = intervals.filter { $0.value > .zero }
    }

    /// What to do after a change.
    struct Decision: Sendable {
        /// Send these changes now (in the order given).
        var sendNow: [(name: String, value: String)]
        /// Call ``flush(now:)`` at this instant (the earliest pending due time), if anything is pending.
        var nextFlush: ContinuousClock.Instant?
    }

    /// Takes changes published at `now`.
    mutating func submit(_ changes: [(name: String, value: String)], now: ContinuousClock.Instant) -> Decision {
        var sendNow: [(name: String, value: String)] = []
        for change in changes {
            guard let interval = intervals[change.name] else {
                sendNow.append(change)
                continue
            }
            if let index = pending.firstIndex(where: { $0.name == change.name }) {
                pending[index].value = change.value  // Coalesce: the latest value wins, the due time stays.
            } else if let last = lastSent[change.name], now - last < interval {
                pending.append((change.name, change.value, last + interval))
            } else if let index = sendNow.firstIndex(where: { $0.name == change.name }) {
                sendNow[index].value = change.value
            } else {
                sendNow.append(change)
                lastSent[change.name] = now
            }
        }
        return Decision(sendNow: sendNow, nextFlush: pending.map(\.due).min())
    }

    /// Sends the pending values that are due at `now`.
    mutating func flush(now: ContinuousClock.Instant) -> Decision {
        var sendNow: [(name: String, value: String)] = []
        var remaining: [(name: String, value: String, due: ContinuousClock.Instant)] = []
        for item in pending {
            if item.due <= now {
                sendNow.append((item.name, item.value))
                lastSent[item.name] = now
            } else {
                remaining.append(item)
            }
        }
        pending = remaining
        return Decision(sendNow: sendNow, nextFlush: pending.map(\.due).min())
    }

    /// Whether a change is waiting for its due time.
    var hasPending: Bool { !pending.isEmpty }
}
