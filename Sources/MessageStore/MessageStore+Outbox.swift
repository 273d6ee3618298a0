import GRDB

extension MessageStore {
    /// SendMessage's commit: the message in Outgoing/Unread with its outbox row, in one transaction, before the
    /// action responds (messaging-v2.md §5.6 Rec.: persist before responding). Parts are encoded later by the
    /// worker (``preparePartsIfNeeded(messageID:_:)``).
    package func enqueueOutgoing(
        _ message: MessageRecord,
        recipients: [PeerRow],
        attachments: [AttachmentRow],
        requestStatusReport: Bool,
        now: Double
    ) async throws -> Int64 {
        try await writer.write { db in
            let id = try Self.insert(message, recipients: recipients, attachments: attachments, in: db)
            var outbox = OutboxRecord(
                messageID: id,
                state: .queued,
                nextAttemptAt: now,
                requestStatusReport: requestStatusReport,
                createdAt: now
            )
            try outbox.insert(db)
            if let sessionID = message.sessionID {
                try db.execute(
                    sql: "UPDATE session SET dateLastMessage = ? WHERE id = ?",
                    arguments: [message.sortTime, sessionID]
                )
            }
            return id
        }
    }

    /// After a restart: an attempt that was in flight when the process died is made again (at-least-once, see
    /// `OutboxWorker`). Outbox rows in `sending` go back to `queued`, due now; parts whose AT+CMGS was in flight
    /// (`submitting`) go back to `notSent`, their concatenation references held back. Parts already `accepted` keep
    /// their TP-MR and are not resent.
    /// - Returns: the number of messages that were in flight.
    package func recoverInterruptedSends(now: Double) async throws -> Int {
        try await writer.write { db in
            try Self.holdConcatReferencesOfUncertainSegments(now: now, in: db)
            try db.execute(sql: "UPDATE outboxPart SET state = 'notSent' WHERE state = 'submitting'")
            try db.execute(
                sql: "UPDATE outbox SET state = 'queued', nextAttemptAt = ? WHERE state = 'sending'",
                arguments: [now]
            )
            return db.changesCount
        }
    }

    /// The modem is back: queued messages that wait because the modem was away (their last failure has no
    /// network error code) become due at `now`, instead of at their back-off time. Refusals by the network keep
    /// their back-off.
    /// - Returns: the number of messages made due.
    package func makeModemWaitingSendsDue(now: Double) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET nextAttemptAt = ?
                    WHERE state = 'queued' AND nextAttemptAt > ? AND lastErrorCode IS NULL
                    """,
                arguments: [now, now]
            )
            return db.changesCount
        }
    }

    /// Outbox rows due for an attempt at `now`, oldest first.
    package func dueOutbox(now: Double, limit: Int) async throws -> [OutboxRecord] {
        try await writer.read { db in
            try OutboxRecord.fetchAll(
                db,
                // MMS are sent by the MMS worker through the MMSC, not as SMS.
                sql: """
                    SELECT * FROM outbox WHERE state = 'queued' AND nextAttemptAt <= ?
                        AND messageId NOT IN (SELECT messageId FROM mms)
                    ORDER BY nextAttemptAt, messageId LIMIT ?
                    """,
                arguments: [now, limit]
            )
        }
    }

    /// The earliest `nextAttemptAt` of a queued message, or `nil` when nothing waits.
    package func nextOutboxAttempt() async throws -> Double? {
        try await writer.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(nextAttemptAt) FROM outbox
                    WHERE state = 'queued' AND messageId NOT IN (SELECT messageId FROM mms)
                    """
            )
        }
    }

    /// Messages waiting to go: queued (due, or backing off after a failure) or in an attempt now.
    package func outboxDepth() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')") ?? 0
        }
    }

    /// Starts an attempt: `queued` → `sending`, attempts + 1. Returns the message and its parts, or `nil` when the
    /// message is no longer queued (deleted, cancelled, already sent).
    package func beginAttempt(messageID: Int64) async throws -> (MessageDetail, OutboxRecord)? {
        try await writer.write { db in
            guard var outbox = try OutboxRecord.fetchOne(db, key: messageID), outbox.state == .queued,
                let detail = try Self.detail(id: messageID, in: db)
            else { return nil }
            outbox.state = .sending
            outbox.attempts += 1
            try outbox.update(db)
            return (detail, outbox)
        }
    }

    /// Encodes and stores the parts of a message once (the first attempt); later attempts reuse them, so a retried
    /// segment keeps its concatenation reference. `encode` runs inside the transaction and gets a reference
    /// allocator (per destination, TS 23.040 §9.2.3.24.1: a different reference for each concatenated message).
    package func preparePartsIfNeeded(
        messageID: Int64,
        _ encode: @Sendable (_ allocateReference: (String, Int) throws -> Int) throws -> [OutboxPartRecord]
    ) async throws -> [OutboxPartRecord] {
        try await writer.write { db in
            let existing = try OutboxPartRecord.fetchAll(
                db,
                sql: "SELECT * FROM outboxPart WHERE messageId = ? ORDER BY recipientIndex, seq",
                arguments: [messageID]
            )
            if !existing.isEmpty { return existing }
            let allocate: (String, Int) throws -> Int = { destination, modulus in
                try Self.allocateConcatReference(to: destination, modulus: max(1, modulus), in: db)
            }
            let parts = try encode(allocate)
            for var part in parts {
                part.messageID = messageID
                try part.insert(db)
            }
            return parts
        }
    }

    /// The next concatenation reference for a new message to `destination`, counting up modulo `modulus` and
    /// passing over the references of messages to it not yet finished (queued or being sent: some of their parts may
    /// wait at the recipient for the rest, TS 23.040 §9.2.3.24.1) and those held back
    /// (``holdConcatReferencesOfUncertainSegments(part:now:in:)``, ``holdConcatReferencesOfAbandonedMessage(_:in:)``).
    /// When every reference is taken, the one held longest that no unfinished message uses is given out again (and
    /// counts as held last).
    static func allocateConcatReference(to destination: String, modulus: Int, in db: Database) throws -> Int {
        let current =
            try Int.fetchOne(
                db,
                sql: "SELECT nextValue FROM concatReference WHERE destination = ?",
                arguments: [destination]
            ) ?? 0
        let heldOldestFirst = try Int.fetchAll(
            db,
            sql: "SELECT reference FROM heldConcatReference WHERE destination = ? ORDER BY heldAt, reference",
            arguments: [destination]
        )
        let inUse = try Set(
            Int.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT p.concatRef FROM outbox o JOIN outboxPart p ON p.messageId = o.messageId
                    WHERE o.state IN ('queued', 'sending') AND p.recipient = ? AND p.concatRef IS NOT NULL
                    """,
                arguments: [destination]
            )
        )
        var value = current % modulus
        let taken = inUse.union(heldOldestFirst)
        if let free = (0..<modulus).lazy.map({ (value + $0) % modulus }).first(where: { !taken.contains($0) }) {
            value = free
        } else if let oldest = heldOldestFirst.first(where: { !inUse.contains($0) }) {
            // Still held, but now as the newest: the next message takes the next oldest, not this one again.
            value = oldest
            let newest =
                try Double.fetchOne(
                    db,
                    sql: "SELECT MAX(heldAt) FROM heldConcatReference WHERE destination = ?",
                    arguments: [destination]
                ) ?? 0
            try db.execute(
                sql: "UPDATE heldConcatReference SET heldAt = ? WHERE destination = ? AND reference = ?",
                arguments: [newest + 1e-6, destination, value]
            )
        }
        try db.execute(
            sql: """
                INSERT INTO concatReference (destination, nextValue) VALUES (?, ?)
                ON CONFLICT (destination) DO UPDATE SET nextValue = excluded.nextValue
                """,
            arguments: [destination, (value + 1) % modulus]
        )
        return value
    }

    /// Holds back the concatenation references of the last segments still `submitting`: the last submission of each
    /// ended without a known outcome (its answer lost, or the process stopped), so the network may have taken it
    /// and the coming submission may reach the recipient twice. Only a message's last segment matters: the parts go
    /// in order, so a second copy of an earlier one arrives while the message is incomplete, and the recipient
    /// drops it as a repeat. A second copy that comes after its message was complete is kept by the recipient as the
    /// start of another message with that reference and total (TS 23.040 §9.2.3.24.1 groups by originator,
    /// reference and total; Android's InboundSmsTracker keeps a repeated segment whose service-centre time differs,
    /// and a resent one's does), which a later message of ours with the same reference would complete with the wrong
    /// text. Called before those segments are sent again.
    /// `part` limits it to one segment (message ID, recipient index, sequence number).
    static func holdConcatReferencesOfUncertainSegments(
        part: (messageID: Int64, recipientIndex: Int, seq: Int)? = nil,
        now: Double,
        in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO heldConcatReference (destination, reference, heldAt)
                SELECT DISTINCT recipient, concatRef, ? FROM outboxPart
                WHERE state = 'submitting' AND concatRef IS NOT NULL AND seq = total
                  AND (? IS NULL OR (messageId = ? AND recipientIndex = ? AND seq = ?))
                """,
            arguments: [now, part?.messageID, part?.messageID, part?.recipientIndex, part?.seq]
        )
    }

    /// Holds back the concatenation references of a message given up (failed for good, or deleted before it was
    /// sent) after some of its parts went out: the recipient keeps those parts, waiting for the rest, and a later
    /// message with the same reference and total would be completed with them (TS 23.040 §9.2.3.24.1). Each is held
    /// from its last submission, so that, when every reference is taken, the oldest is the first given out again.
    static func holdConcatReferencesOfAbandonedMessage(_ messageID: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO heldConcatReference (destination, reference, heldAt)
                SELECT recipient, concatRef, MAX(submittedAt) FROM outboxPart
                WHERE messageId = ? AND concatRef IS NOT NULL AND state != 'notSent' AND submittedAt IS NOT NULL
                GROUP BY recipientIndex
                ON CONFLICT (destination, reference) DO UPDATE SET heldAt = MAX(heldAt, excluded.heldAt)
                """,
            arguments: [messageID]
        )
    }

    /// A part whose submission the modem or network refused (an error result: nothing was taken) is not in flight
    /// any more: sending it again makes no second copy.
    package func markPartRefused(messageID: Int64, recipientIndex: Int, seq: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outboxPart SET state = 'notSent'
                    WHERE messageId = ? AND recipientIndex = ? AND seq = ? AND state = 'submitting'
                    """,
                arguments: [messageID, recipientIndex, seq]
            )
        }
    }

    /// Marks a part as in flight (AT+CMGS issued) before the command is sent. A part already in flight (its last
    /// submission's outcome unknown) has its concatenation reference held back first.
    package func markPartSubmitting(messageID: Int64, recipientIndex: Int, seq: Int, now: Double) async throws {
        try await writer.write { db in
            try Self.holdConcatReferencesOfUncertainSegments(part: (messageID, recipientIndex, seq), now: now, in: db)
            try db.execute(
                sql:
                    "UPDATE outboxPart SET state = 'submitting', submittedAt = ? WHERE messageId = ? AND recipientIndex = ? AND seq = ?",
                arguments: [now, messageID, recipientIndex, seq]
            )
        }
    }

    /// Records the TP-MR of an accepted part (`+CMGS: <mr>`) and, in the same transaction, applies the status
    /// reports that came before it (the network may report before the modem's answer is saved): `rules` match
    /// them by recipient, as for a report that comes later.
    package func markPartAccepted(
        messageID: Int64,
        recipientIndex: Int,
        seq: Int,
        mr: Int,
        now: Double,
        rules: some ImportRules
    ) async throws {
        try await writer.write { db in
            guard
                var part = try OutboxPartRecord.fetchOne(
                    db,
                    sql: "SELECT * FROM outboxPart WHERE messageId = ? AND recipientIndex = ? AND seq = ?",
                    arguments: [messageID, recipientIndex, seq]
                )
            else { return }
            // markPartSubmitting stamped the attempt's start: no report of this submission can be older.
            let attemptStarted = part.submittedAt ?? now
            try db.execute(
                sql: """
                    UPDATE outboxPart SET state = 'accepted', mr = ?, submittedAt = ?
                    WHERE messageId = ? AND recipientIndex = ? AND seq = ?
                    """,
                arguments: [mr, now, messageID, recipientIndex, seq]
            )
            part.state = .accepted
            part.mr = mr
            part.submittedAt = now
            try Self.applyEarlyStatusReports(to: part, attemptStarted: attemptStarted, rules: rules, in: db)
        }
    }

    /// Every part accepted: Outgoing → Sent, Unread → Read, `dateSent` set (messaging-v2.md §5.6, §8.1).
    /// A message deleted meanwhile stays in Deleted (it was sent anyway).
    package func finishSent(messageID: Int64, now: Double, offset: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql:
                    "UPDATE outbox SET state = 'sent', sentAt = ?, lastError = NULL, lastErrorCode = NULL WHERE messageId = ?",
                arguments: [now, messageID]
            )
            try db.execute(
                sql: """
                    UPDATE message SET folder = CASE folder WHEN 'Outgoing' THEN 'Sent' ELSE folder END,
                        status = 'Read', dateSent = ?, dateSentOffset = ?
                    WHERE id = ?
                    """,
                arguments: [now, offset, messageID]
            )
        }
    }

    /// Records a failed attempt: back to `queued` with the next attempt time, or `failed` for good.
    package func recordSendFailure(
        messageID: Int64,
        code: Int?,
        reason: String,
        isPermanent: Bool,
        nextAttemptAt: Double?
    ) async throws {
        try await writer.write { db in
            let state: OutboxRecord.State = nextAttemptAt == nil ? .failed : .queued
            try db.execute(
                sql: """
                    UPDATE outbox SET state = CASE state WHEN 'cancelled' THEN 'cancelled' ELSE ? END,
                        nextAttemptAt = COALESCE(?, nextAttemptAt), lastErrorCode = ?, lastError = ?, isPermanentError = ?
                    WHERE messageId = ?
                    """,
                arguments: [state, nextAttemptAt, code, reason, isPermanent, messageID]
            )
            if state == .failed { try Self.holdConcatReferencesOfAbandonedMessage(messageID, in: db) }
        }
    }

    /// The outbox row of a message, if it has one.
    package func outbox(messageID: Int64) async throws -> OutboxRecord? {
        try await writer.read { db in try OutboxRecord.fetchOne(db, key: messageID) }
    }
}
