/// The moderation of one evented variable (messaging-v2.md §4, I-27): never more than one publication per
/// ``interval``; a change is published at once when the last publication is at least an interval old (leading
/// edge), otherwise once at `last + interval` with every change of the window (trailing coalescing).
///
/// A pure state machine; the publisher feeds it the monotonic time.
struct EventModerator: Sendable {
    /// Table 8: at most one event per second.
    static let standardInterval: Duration = .seconds(1)

    let interval: Duration
    private(set) var lastPublication: Duration?
    /// A change waits for publication.
    private(set) var isDirty = false

    init(interval: Duration = EventModerator.standardInterval) { self.interval = interval }

    /// Records a change.
    mutating func changed() { isDirty = true }

    /// When the pending change may be published: `nil` when nothing is pending.
    func dueTime(now: Duration) -> Duration? {
        guard isDirty else { return nil }
        guard let lastPublication else { return now }
        return max(now, lastPublication + interval)
    }

    /// True when a pending change may be published at `now`.
    func isDue(now: Duration) -> Bool { dueTime(now: now).map { $0 <= now } ?? false }

    /// Records a publication at `now`.
    mutating func published(at now: Duration) {
        isDirty = false
        lastPublication = now
    }
}
