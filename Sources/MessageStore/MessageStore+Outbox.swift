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
    /// (`submitting`) go back to `notSent`. Parts already `accepted` keep their TP-MR and are not resent.
    /// - Returns: the number of messages that were in flight.
    package func recoverInterruptedSends(now: Double) async throws -> Int {
        try await writer.write { db in
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
                let current =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT nextValue FROM concatReference WHERE destination = ?",
                        arguments: [destination]
                    ) ?? 0
                let value = current % max(1, modulus)
                try db.execute(
                    sql: """
                        INSERT INTO concatReference (destination, nextValue) VALUES (?, ?)
                        ON CONFLICT (destination) DO UPDATE SET nextValue = excluded.nextValue
                        """,
                    arguments: [destination, (value + 1) % max(1, modulus)]
                )
                return value
            }
            let parts = try encode(allocate)
            for var part in parts {
                part.messageID = messageID
                try part.insert(db)
            }
            return parts
        }
    }

    /// Marks a part as in flight (AT+CMGS issued) before the command is sent.
    package func markPartSubmitting(messageID: Int64, recipientIndex: Int, seq: Int, now: Double) async throws {
        try await writer.write { db in
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
        }
    }

    /// The outbox row of a message, if it has one.
    package func outbox(messageID: Int64) async throws -> OutboxRecord? {
        try await writer.read { db in try OutboxRecord.fetchOne(db, key: messageID) }
    }
}
