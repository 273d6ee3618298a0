import GRDB

// Segments of concatenated messages. The store keeps the rows — the segments waiting for the rest of their message,
// and the message shown from each group — and asks the caller's rules (``ImportRules``) what an arriving segment
// does and when a waiting group is shown incomplete; it never decides that itself.
//
// A group is one SIM, party (direction and peer), reference and its width, and total (TS 23.040 §9.2.3.24.1,
// §9.2.3.24.8). Segments stored before the width had a column (`concatRefBits` NULL) join a group of either width.

extension MessageStore {
    /// Records a segment as the rules decide, in the import transaction.
    static func importSegment(
        _ segment: ReceivedPartRecord,
        message: MessagePart,
        part: IncomingPart,
        rules: some ImportRules,
        in db: Database
    ) throws -> ImportOutcome {
        let group = try segmentGroup(of: segment, in: db)
        var record = segment
        switch rules.decide(segment, in: group) {
        case .duplicate:
            record.state = .duplicate
            try record.insert(db)
            return .duplicate(partID: try rowID(record.id))
        case .wait:
            return .pending(partID: try insertWaiting(record, in: db))
        case .complete(let text):
            let partID = try insertWaiting(record, in: db)
            return try createComplete(
                from: message,
                parts: group.waiting.compactMap(\.id),
                lastPart: partID,
                text: text,
                part: part,
                in: db
            )
        case .merge(let text, let isComplete):
            // The rules merge only into a message the group showed; without one the segment waits.
            guard let shown = group.shown else { return .pending(partID: try insertWaiting(record, in: db)) }
            record.state = .assembled
            record.messageID = shown.messageID
            try record.insert(db)
            try db.execute(
                sql: "UPDATE message SET text = ?, isComplete = ? WHERE id = ?",
                arguments: [text, isComplete, shown.messageID]
            )
            return .merged(partID: try rowID(record.id), messageID: shown.messageID)
        case .restart(let surfacedText):
            let surfaced = try createMessage(
                from: message,
                parts: group.waiting.compactMap(\.id),
                text: surfacedText,
                complete: false,
                part: part,
                in: db
            )
            let partID = try insertWaiting(record, in: db)
            return .restarted(partID: partID, messageID: surfaced.id, isNewUnread: surfaced.isNewUnread)
        }
    }

    private static func insertWaiting(_ segment: ReceivedPartRecord, in db: Database) throws -> Int64 {
        var record = segment
        record.state = .pending
        try record.insert(db)
        return try rowID(record.id)
    }

    /// The rows of the group a segment belongs to.
    static func segmentGroup(of segment: ReceivedPartRecord, in db: Database) throws -> SegmentGroup {
        let key: StatementArguments = [
            segment.simID, segment.originator, segment.concatRef, segment.concatTotal, segment.concatRefBits,
        ]
        let waiting = try ReceivedPartRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM receivedPart
                WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND state = 'pending'
                  AND (concatRefBits = ? OR concatRefBits IS NULL)
                ORDER BY id
                """,
            arguments: key
        )
        guard
            let messageID = try Int64.fetchOne(
                db,
                sql: """
                    SELECT messageId FROM receivedPart
                    WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND messageId IS NOT NULL
                      AND (concatRefBits = ? OR concatRefBits IS NULL)
                    ORDER BY messageId DESC LIMIT 1
                    """,
                arguments: key
            ),
            let shownAt = try Double.fetchOne(
                db,
                sql: "SELECT sortTime FROM message WHERE id = ?",
                arguments: [messageID]
            )
        else {
            return SegmentGroup(waiting: waiting, shown: nil)
        }
        let segments = try ReceivedPartRecord.fetchAll(
            db,
            sql: "SELECT * FROM receivedPart WHERE messageId = ? AND state = 'assembled' ORDER BY id",
            arguments: [messageID]
        )
        return SegmentGroup(
            waiting: waiting,
            shown: SegmentGroup.Shown(messageID: messageID, shownAt: shownAt, segments: segments)
        )
    }

    /// Shows every waiting group that `rules` say is due (the reassembly timeout) as an incomplete message. Later
    /// segments merge into it. The segments of a WAP push that did not complete are shown too
    /// (``flushStalePushSegments(rules:ownNumber:now:offset:in:)``).
    /// - Returns: the messages created.
    package func flushStaleSegments(
        rules: some ImportRules,
        ownNumber: String,
        routingClasses: [String],
        now: Double,
        offset: Int
    ) async throws -> [Int64] {
        try await writer.write { db in
            var created: [Int64] = []
            for (key, segments) in try Self.waitingGroups(state: .pending, in: db) {
                guard let text = rules.surface(segments, now: now) else { continue }
                let message = MessagePart(
                    isReceived: key.party.hasPrefix("in:"),
                    peer: String(key.party.drop { $0 != ":" }.dropFirst()),
                    ownNumber: ownNumber,
                    text: "",
                    serviceCentreTime: nil,
                    serviceCentreOffset: nil,
                    isFlash: false,
                    concatenation: nil,
                    routingClasses: routingClasses
                )
                let part = IncomingPart(
                    simID: key.simID,
                    pdu: [],
                    contentHash: "",
                    source: "timeout",
                    receivedAt: now,
                    receivedOffset: offset,
                    content: .message(message)
                )
                let shown = try Self.createMessage(
                    from: message,
                    parts: segments.compactMap(\.id),
                    text: text,
                    complete: false,
                    part: part,
                    in: db
                )
                if message.isReceived { try Self.enqueueReceivedHooks(messageID: shown.id, in: db) }
                created.append(shown.id)
            }
            created += try Self.flushStalePushSegments(
                rules: rules,
                ownNumber: ownNumber,
                now: now,
                offset: offset,
                in: db
            )
            return created
        }
    }

    /// The rows in `state` (segments waiting for the rest of their text or push), by group, each group's rows in
    /// arrival order, the groups in the order of their first row.
    static func waitingGroups(
        state: ReceivedPartRecord.State,
        in db: Database
    ) throws -> [(key: WaitingGroupKey, segments: [ReceivedPartRecord])] {
        let waiting = try ReceivedPartRecord.fetchAll(
            db,
            sql: "SELECT * FROM receivedPart WHERE state = ? ORDER BY id",
            arguments: [state]
        )
        var groups: [WaitingGroupKey: [ReceivedPartRecord]] = [:]
        var order: [WaitingGroupKey] = []
        for segment in waiting {
            let key = WaitingGroupKey(segment)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(segment)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    /// Number of segments waiting for the rest of their message.
    package func pendingSegmentCount() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart WHERE state = 'pending'") ?? 0
        }
    }
}

/// The columns that make a group, for grouping waiting rows (of a text, or of a WAP push).
struct WaitingGroupKey: Hashable {
    var simID: Int64
    var party: String
    var reference: Int?
    var referenceBits: Int?
    var total: Int?

    init(_ segment: ReceivedPartRecord) {
        simID = segment.simID
        party = segment.originator ?? ""
        reference = segment.concatRef
        referenceBits = segment.concatRefBits
        total = segment.concatTotal
    }
}
