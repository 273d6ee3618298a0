/// The decisions an import needs that are not the store's to make: the reassembly rules and which sent part a
/// status report is about. The Messaging service supplies them (with SMSCodec's rules and its number matching);
/// the store asks inside the import transaction and writes the rows, so a decision and its rows commit together.
package protocol ImportRules: Sendable {
    /// What an arriving segment does to its group.
    func decide(_ segment: ReceivedPartRecord, in group: SegmentGroup) -> SegmentDecision

    /// The text of the incomplete message that waiting segments (one group, in arrival order) are shown as at
    /// `now`, or `nil` while they may still complete.
    func surface(_ waiting: [ReceivedPartRecord], now: Double) -> String?

    /// The sent part a status report is about, among those with its TP-MR that await a report (newest first).
    func match(_ report: StatusReportPart, among candidates: [OutboxPartRecord]) -> OutboxPartRecord?
}

/// The rows of one concatenation group (one SIM, party, reference and its width, and total) as the rules see
/// them.
package struct SegmentGroup: Sendable, Hashable {
    /// Segments waiting for the rest of their message, in arrival order.
    package var waiting: [ReceivedPartRecord]
    /// The message last shown from this group, if any.
    package var shown: Shown?

    /// A message made of the group's segments (complete, or shown incomplete).
    package struct Shown: Sendable, Hashable {
        package var messageID: Int64
        /// When it was shown: its `sortTime` (the arrival of its last segment, or when it surfaced incomplete).
        package var shownAt: Double
        /// Its segments, in arrival order.
        package var segments: [ReceivedPartRecord]

        package init(messageID: Int64, shownAt: Double, segments: [ReceivedPartRecord]) {
            self.messageID = messageID
            self.shownAt = shownAt
            self.segments = segments
        }
    }

    package init(waiting: [ReceivedPartRecord], shown: Shown?) {
        self.waiting = waiting
        self.shown = shown
    }
}

/// What the rules decided for an arriving segment; the store writes the rows.
package enum SegmentDecision: Sendable, Hashable {
    /// The same content as a segment held: kept for diagnosis, nothing shown changes.
    case duplicate
    /// The segment waits with the group's waiting segments.
    case wait
    /// The segment completes the waiting segments: together they are a new message reading `text`.
    case complete(text: String)
    /// The segment joins the shown message, which now reads `text`.
    case merge(text: String, isComplete: Bool)
    /// The reference was reused: the waiting segments become an incomplete message reading `surfacedText`, and the
    /// segment waits alone.
    case restart(surfacedText: String)
}
