import Foundation
import GRDB

// MMS in the store: the WAP push reassembled into a notification, the message it becomes at once (content
// pending), the content stored when fetched (attachment bytes as files beside the database, written before the rows
// that name them commit), the answer owed to the MMSC, and per-recipient delivery states.

/// One attachment's content on its way into the store.
package struct AttachmentContent: Sendable, Hashable {
    package var bytes: [UInt8]
    package var mimeType: String
    package var name: String?

    package init(bytes: [UInt8], mimeType: String, name: String?) {
        self.bytes = bytes
        self.mimeType = mimeType
        self.name = name
    }
}

/// The fetched content of a received MMS (from its m-retrieve-conf), as the service decoded it.
package struct FetchedMMS: Sendable, Hashable {
    /// The text parts, decoded in their charsets.
    package var text: String
    package var subject: String?
    /// Date of the m-retrieve-conf, seconds since 1970.
    package var dateSent: Double?
    /// Message-ID of the m-retrieve-conf.
    package var mmsMessageID: String?
    package var attachments: [AttachmentContent]
    /// The answer to post to the MMSC once this committed (m-notifyresp-ind or m-acknowledge-ind).
    package var responsePDU: [UInt8]

    package init(
        text: String,
        subject: String?,
        dateSent: Double?,
        mmsMessageID: String?,
        attachments: [AttachmentContent],
        responsePDU: [UInt8]
    ) {
        self.text = text
        self.subject = subject
        self.dateSent = dateSent
        self.mmsMessageID = mmsMessageID
        self.attachments = attachments
        self.responsePDU = responsePDU
    }
}

extension MessageStore {
    // MARK: - WAP push import

    /// The party column of a push segment: kept apart from text segments of the same sender.
    static func pushParty(of push: PushSegment) -> String { "push:" + push.peer }

    /// Stores a push segment as the rules decide (which segments make the push, in which order: SMSCodec's
    /// reassembly) and, once the push is whole, the message its notification becomes — in the import transaction,
    /// so that the modem may delete the SMS once this returned (persist → acknowledge → delete).
    static func importPushSegment(
        _ push: PushSegment,
        record segment: ReceivedPartRecord,
        part: IncomingPart,
        rules: some ImportRules,
        in db: Database
    ) throws -> ImportOutcome {
        var record = segment
        record.originator = pushParty(of: push)
        record.payload = Data(push.payload)
        var waiting: [ReceivedPartRecord] = []
        var payload = push.payload
        if let concatenation = push.concatenation, concatenation.total > 1 {
            record.concatRef = concatenation.reference
            record.concatRefBits = concatenation.referenceBits
            record.concatTotal = concatenation.total
            record.concatSeq = concatenation.sequence
            waiting = try ReceivedPartRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM receivedPart
                    WHERE simId = ? AND state = 'pushWaiting' AND originator = ? AND concatRef = ?
                        AND concatRefBits = ? AND concatTotal = ?
                    ORDER BY id
                    """,
                arguments: [
                    part.simID, record.originator, concatenation.reference, concatenation.referenceBits,
                    concatenation.total,
                ]
            )
            switch rules.decidePush(record, waiting: waiting) {
            case .duplicate:
                record.state = .duplicate
                try record.insert(db)
                return .duplicate(partID: try rowID(record.id))
            case .wait:
                record.state = .pushWaiting
                try record.insert(db)
                return .pending(partID: try rowID(record.id))
            case .restart(let surfacedText):
                let messageID = try showIncompletePush(
                    waiting,
                    text: surfacedText,
                    ownNumber: push.ownNumber,
                    now: part.receivedAt,
                    offset: part.receivedOffset,
                    in: db
                )
                record.state = .pushWaiting
                try record.insert(db)
                return .restarted(partID: try rowID(record.id), messageID: messageID, isNewUnread: true)
            case .complete(let assembled):
                payload = assembled
            }
        }
        record.state = .assembled
        try record.insert(db)
        let partID = try rowID(record.id)
        let partIDs = (waiting + [record]).compactMap(\.id)

        func mark(_ state: ReceivedPartRecord.State, messageID: Int64?, reason: String?) throws {
            for id in partIDs {
                try db.execute(
                    sql:
                        "UPDATE receivedPart SET state = ?, messageId = ?, partText = COALESCE(?, partText) WHERE id = ?",
                    arguments: [state, messageID, reason, id]
                )
            }
        }

        switch rules.notification(fromPush: payload, receivedAt: part.receivedAt) {
        case .notMMS(let reason):
            try mark(.notImported, messageID: nil, reason: reason)
            return .notImported(partID: partID)
        case .deliveryReport(let report):
            let messageID = try applyMMSDeliveryReport(report, in: db)
            try mark(.statusReport, messageID: messageID, reason: nil)
            return .statusReport(partID: partID, messageID: messageID)
        case .mms(let notice):
            if let existing = try Int64.fetchOne(
                db,
                sql: "SELECT messageId FROM mms WHERE direction = 'in' AND transactionId = ?",
                arguments: [notice.transactionID]
            ) {
                // The same notification again (OMA-TS-MMS_CTR §6.2: the MMSC may repeat it): stored once.
                try mark(.duplicate, messageID: existing, reason: nil)
                return .duplicate(partID: partID)
            }
            let sender = notice.from ?? push.peer
            let session = try openSession(peerKey: sender, classes: ["MMS", "Mixed"], in: db)
            let message = MessageRecord(
                sessionID: session?.id,
                simID: part.simID,
                messageClass: "MMS",
                folder: .received,
                status: .unread,
                direction: .incoming,
                fromID: sender,
                subject: notice.subject,
                text: notice.placeholderText,
                dateReceived: part.receivedAt,
                dateReceivedOffset: part.receivedOffset,
                sortTime: part.receivedAt,
                // Complete once the content is fetched (or known to be gone): the "received" hook waits for it.
                isComplete: false
            )
            let recipients = push.ownNumber.isEmpty ? [] : [PeerRow(role: "to", peerID: push.ownNumber, name: nil)]
            let messageID = try insert(message, recipients: recipients, attachments: [], in: db)
            var mms = MMSRecord(
                messageID: messageID,
                direction: .incoming,
                transactionID: notice.transactionID,
                contentLocation: notice.contentLocation,
                expiry: notice.expiry,
                size: notice.size,
                fetchState: .pending,
                nextAttemptAt: 0
            )
            try mms.insert(db)
            try mark(.assembled, messageID: messageID, reason: nil)
            if let sessionID = session?.id {
                try db.execute(
                    sql: "UPDATE session SET dateLastMessage = ? WHERE id = ?",
                    arguments: [part.receivedAt, sessionID]
                )
            }
            return .created(partID: partID, messageID: messageID, isNewUnread: true, sessionID: session?.id)
        }
    }

    /// Shows the segments of a push that will not complete as a Received message reading `text` (the rules say
    /// what it reads and when), so that nothing that arrived is silently kept out of view. It is not an MMS (no
    /// notification could be read, so there is nothing to fetch): an SMS-class message from the push's sender.
    /// - Returns: the message's row ID.
    static func showIncompletePush(
        _ segments: [ReceivedPartRecord],
        text: String,
        ownNumber: String,
        now: Double,
        offset: Int,
        in db: Database
    ) throws -> Int64 {
        let party = segments.first?.originator ?? ""
        let message = MessageRecord(
            simID: segments.first?.simID,
            messageClass: "SMS",
            folder: .received,
            status: .unread,
            direction: .incoming,
            fromID: party.hasPrefix("push:") ? String(party.dropFirst("push:".count)) : party,
            text: text,
            dateReceived: now,
            dateReceivedOffset: offset,
            sortTime: now,
            // Final: no later segment changes it (the insert queues its "received" hook).
            isComplete: true
        )
        let recipients = ownNumber.isEmpty ? [] : [PeerRow(role: "to", peerID: ownNumber, name: nil)]
        let messageID = try insert(message, recipients: recipients, attachments: [], in: db)
        for id in segments.compactMap(\.id) {
            try db.execute(
                sql: "UPDATE receivedPart SET state = 'assembled', messageId = ? WHERE id = ?",
                arguments: [messageID, id]
            )
        }
        return messageID
    }

    /// Shows every push whose waiting segments `rules` give up at `now` (the same timeout as a concatenated text's)
    /// as an incomplete message.
    /// - Returns: the messages created.
    static func flushStalePushSegments(
        rules: some ImportRules,
        ownNumber: String,
        now: Double,
        offset: Int,
        in db: Database
    ) throws -> [Int64] {
        var created: [Int64] = []
        for (_, segments) in try waitingGroups(state: .pushWaiting, in: db) {
            guard let text = rules.surfacePush(segments, now: now) else { continue }
            created.append(
                try showIncompletePush(segments, text: text, ownNumber: ownNumber, now: now, offset: offset, in: db)
            )
        }
        return created
    }

    // MARK: - Fetching received content

    /// The MMS row of a message, or `nil`.
    package func mms(messageID: Int64) async throws -> MMSRecord? {
        try await writer.read { db in try MMSRecord.fetchOne(db, key: messageID) }
    }

    /// Received MMS whose content is pending and due at `now`, oldest first.
    package func dueMMSFetches(now: Double, limit: Int) async throws -> [MMSRecord] {
        try await writer.read { db in
            try MMSRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM mms WHERE fetchState = 'pending' AND direction = 'in' AND nextAttemptAt <= ?
                    ORDER BY nextAttemptAt, messageId LIMIT ?
                    """,
                arguments: [now, limit]
            )
        }
    }

    /// The earliest attempt time of a pending fetch, or `nil` when none waits.
    package func nextMMSFetch() async throws -> Double? {
        try await writer.read { db in
            try Double.fetchOne(
                db,
                sql: "SELECT MIN(nextAttemptAt) FROM mms WHERE fetchState = 'pending' AND direction = 'in'"
            )
        }
    }

    /// A fetch failed for a reason that may pass: counted, and tried again at `nextAttemptAt`.
    package func deferMMSFetch(messageID: Int64, error: String, nextAttemptAt: Double) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE mms SET attempts = attempts + 1, fetchError = ?, nextAttemptAt = ?
                    WHERE messageId = ? AND fetchState = 'pending'
                    """,
                arguments: [error, nextAttemptAt, messageID]
            )
        }
    }

    /// The content will never be fetched (`gone` or `failed`): the message says why in `text` and is complete (its
    /// hooks run), with an optional answer to post to the MMSC.
    package func abandonMMSFetch(
        messageID: Int64,
        state: MMSRecord.FetchState,
        reason: String,
        text: String,
        responsePDU: [UInt8]? = nil
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE mms SET fetchState = ?, fetchError = ?, attempts = attempts + 1, responsePdu = ?
                    WHERE messageId = ?
                    """,
                arguments: [state, reason, responsePDU.map { Data($0) }, messageID]
            )
            try db.execute(
                sql: "UPDATE message SET text = ?, isComplete = 1 WHERE id = ?",
                arguments: [text, messageID]
            )
        }
    }

    /// Stores the fetched content of a received MMS in its message: attachment files first (each written
    /// atomically and durable before the transaction that names them commits), then text, subject, attachments and
    /// `fetched`, with the answer to post to the MMSC, in one transaction.
    /// - Throws: ``AttachmentError`` when the attachments are over `limits` (nothing is written then) or a file
    ///   cannot be written; a database error.
    package func storeFetchedMMS(messageID: Int64, content: FetchedMMS, limits: AttachmentLimits) async throws {
        let rows = try await writeAttachments(content.attachments, limits: limits)
        defer { unpin(rows) }
        try await writer.write { db in
            // Purged meanwhile: nothing to store (its files are collected later).
            guard try MessageRecord.exists(db, key: messageID) else { return }
            try db.execute(sql: "DELETE FROM messageAttachment WHERE messageId = ?", arguments: [messageID])
            for (position, row) in rows.enumerated() {
                try Self.insertAttachment(row, messageID: messageID, position: position, in: db)
            }
            try db.execute(
                sql: """
                    UPDATE message SET text = ?, subject = COALESCE(?, subject), dateSent = COALESCE(?, dateSent),
                        dateSentOffset = CASE WHEN ? IS NULL THEN dateSentOffset ELSE 0 END, isComplete = 1
                    WHERE id = ?
                    """,
                arguments: [content.text, content.subject, content.dateSent, content.dateSent, messageID]
            )
            try db.execute(
                sql: """
                    UPDATE mms SET fetchState = 'fetched', fetchError = NULL, attempts = attempts + 1,
                        mmsMessageId = COALESCE(?, mmsMessageId), responsePdu = ?
                    WHERE messageId = ?
                    """,
                arguments: [content.mmsMessageID, Data(content.responsePDU), messageID]
            )
        }
    }

    /// Answers owed to the MMSC (after a fetch committed), oldest first.
    package func pendingMMSResponses(limit: Int) async throws -> [(messageID: Int64, pdu: [UInt8])] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT messageId, responsePdu FROM mms WHERE responsePdu IS NOT NULL ORDER BY messageId LIMIT ?",
                arguments: [limit]
            ).map { row -> (messageID: Int64, pdu: [UInt8]) in
                let id: Int64 = row["messageId"]
                let pdu: Data = row["responsePdu"]
                return (messageID: id, pdu: [UInt8](pdu))
            }
        }
    }

    /// The answer of a message was posted.
    package func clearMMSResponse(messageID: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE mms SET responsePdu = NULL WHERE messageId = ?", arguments: [messageID])
        }
    }

    // MARK: - Attachment files

    /// Writes the files of `attachments` (pinned until the caller unpins them after its commit) and returns their
    /// rows, after checking `limits`.
    package func writeAttachments(
        _ attachments: [AttachmentContent],
        limits: AttachmentLimits
    ) async throws
        -> [AttachmentRow]
    {
        guard !attachments.isEmpty else { return [] }
        guard let files = attachmentFiles else { throw AttachmentError.noDirectory }
        let size = attachments.reduce(Int64(0)) { $0 + Int64($1.bytes.count) }
        guard size <= limits.maximumMessageBytes else {
            throw AttachmentError.messageTooLarge(size: size, limit: limits.maximumMessageBytes)
        }
        let hashes = attachments.map { AttachmentFiles.sha256(of: $0.bytes) }
        let stored = try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT DISTINCT sha256, size FROM messageAttachment WHERE sha256 IS NOT NULL"
            ).map { (sha256: $0["sha256"] as String, size: ($0["size"] as Int64?) ?? 0) }
        }
        let known = Set(stored.map(\.sha256))
        var added: [String: Int64] = [:]
        for (hash, attachment) in zip(hashes, attachments) where !known.contains(hash) {
            added[hash] = Int64(attachment.bytes.count)
        }
        let needed = stored.reduce(Int64(0)) { $0 + $1.size } + added.values.reduce(0, +)
        guard needed <= limits.maximumTotalBytes else {
            throw AttachmentError.storeFull(needed: needed, limit: limits.maximumTotalBytes)
        }
        var rows: [AttachmentRow] = []
        do {
            for attachment in attachments {
                let sha256 = try files.write(attachment.bytes)
                rows.append(
                    AttachmentRow(
                        uri: "",
                        size: Int64(attachment.bytes.count),
                        mimeType: attachment.mimeType,
                        name: attachment.name,
                        sha256: sha256
                    )
                )
            }
        } catch {
            unpin(rows)
            throw error
        }
        return rows
    }

    /// Releases the pins ``writeAttachments(_:limits:)`` took for `rows` (once their rows committed, or failed).
    package func unpin(_ rows: [AttachmentRow]) {
        for row in rows { if let sha256 = row.sha256 { attachmentFiles?.unpin(sha256) } }
    }

    /// An attachment of a message with its bytes, or `nil` when the message has no such attachment or its content
    /// is not kept here (a link).
    package func attachmentContent(
        messageID: Int64,
        position: Int
    ) async throws -> (
        row: AttachmentRow, bytes: [UInt8]
    )? {
        let row = try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.attachmentColumns) FROM messageAttachment WHERE messageId = ? AND position = ?",
                arguments: [messageID, position]
            ).map(Self.attachmentRow)
        }
        guard let row, let sha256 = row.sha256 else { return nil }
        guard let files = attachmentFiles else { throw AttachmentError.noDirectory }
        return (row, try files.read(sha256))
    }

    /// Removes attachment files no row names any more (purged messages, a crash between a file's write and its
    /// row's commit) and temporary files of interrupted writes. Returns how many were removed.
    @discardableResult
    package func collectAttachmentFiles() async throws -> Int {
        guard let files = attachmentFiles else { return 0 }
        let referenced = try await writer.read { db in
            try Set(String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM messageAttachment WHERE sha256 IS NOT NULL"))
        }
        return files.collect(keeping: referenced)
    }

    // MARK: - Delivery reports

    /// Applies an m-delivery-ind (OMA-TS-MMS_ENC §6.6) in the import transaction: the state of one recipient of the
    /// sent MMS whose MMSC Message-ID it names. Returns that message's row id, or `nil` when no sent MMS has it.
    static func applyMMSDeliveryReport(_ report: MMSDeliveryNotice, in db: Database) throws -> Int64? {
        guard
            let messageID = try Int64.fetchOne(
                db,
                sql: "SELECT messageId FROM mms WHERE direction = 'out' AND mmsMessageId = ?",
                arguments: [report.mmsMessageID]
            )
        else { return nil }
        try db.execute(
            sql: """
                INSERT INTO mmsRecipient (messageId, recipient, state, statusCode, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (messageId, recipient) DO UPDATE SET state = excluded.state,
                    statusCode = excluded.statusCode, at = excluded.at
                """,
            arguments: [messageID, report.recipient, report.state, report.statusCode, report.date]
        )
        return messageID
    }

    /// The per-recipient delivery states of an MMS, in recipient order of insertion.
    package func mmsRecipients(messageID: Int64) async throws -> [MMSRecipientRecord] {
        try await writer.read { db in
            try MMSRecipientRecord.fetchAll(
                db,
                sql: "SELECT * FROM mmsRecipient WHERE messageId = ? ORDER BY rowid",
                arguments: [messageID]
            )
        }
    }
}

extension MessageStore {
    // MARK: - Sending

    /// SendMessage's commit for an MMS: the message in Outgoing with its attachment rows (their files already
    /// written by ``writeAttachments(_:limits:)``), its outbox row, its MMS row (the m-send-req's Transaction-ID) and
    /// one pending delivery state per recipient, in one transaction.
    package func enqueueOutgoingMMS(
        _ message: MessageRecord,
        recipients: [PeerRow],
        attachments: [AttachmentRow],
        transactionID: String,
        now: Double
    ) async throws -> Int64 {
        defer { unpin(attachments) }
        return try await writer.write { db in
            let id = try Self.insert(message, recipients: recipients, attachments: attachments, in: db)
            var outbox = OutboxRecord(
                messageID: id,
                state: .queued,
                nextAttemptAt: now,
                requestStatusReport: true,
                createdAt: now
            )
            try outbox.insert(db)
            var mms = MMSRecord(
                messageID: id,
                direction: .outgoing,
                transactionID: transactionID,
                fetchState: .outgoing
            )
            try mms.insert(db)
            for peer in recipients {
                var state = MMSRecipientRecord(messageID: id, recipient: peer.peerID, state: "pending")
                try state.insert(db, onConflict: .ignore)
            }
            if let sessionID = message.sessionID {
                try db.execute(
                    sql: "UPDATE session SET dateLastMessage = ? WHERE id = ?",
                    arguments: [message.sortTime, sessionID]
                )
            }
            return id
        }
    }

    /// MMS due to be sent at `now`, oldest first.
    package func dueMMSSends(now: Double, limit: Int) async throws -> [OutboxRecord] {
        try await writer.read { db in
            try OutboxRecord.fetchAll(
                db,
                sql: """
                    SELECT outbox.* FROM outbox JOIN mms ON mms.messageId = outbox.messageId
                    WHERE outbox.state = 'queued' AND outbox.nextAttemptAt <= ? AND mms.direction = 'out'
                    ORDER BY outbox.nextAttemptAt, outbox.messageId LIMIT ?
                    """,
                arguments: [now, limit]
            )
        }
    }

    /// The earliest attempt time of a queued MMS, or `nil`.
    package func nextMMSSendAttempt() async throws -> Double? {
        try await writer.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(outbox.nextAttemptAt) FROM outbox JOIN mms ON mms.messageId = outbox.messageId
                    WHERE outbox.state = 'queued' AND mms.direction = 'out'
                    """
            )
        }
    }

    /// The MMSC accepted the m-send-req (m-send-conf Ok): its Message-ID is kept for the delivery reports, and the
    /// message goes to Sent as an SMS does (``finishSent(messageID:now:offset:)``).
    package func recordMMSAccepted(messageID: Int64, mmsMessageID: String?, now: Double, offset: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE mms SET mmsMessageId = ?, fetchError = NULL WHERE messageId = ?",
                arguments: [mmsMessageID, messageID]
            )
        }
        try await finishSent(messageID: messageID, now: now, offset: offset)
    }

    /// The bytes of every file-backed attachment of a message, in order, with their rows.
    package func attachmentContents(messageID: Int64) async throws -> [(row: AttachmentRow, bytes: [UInt8])] {
        guard let detail = try await message(id: messageID) else { return [] }
        var result: [(row: AttachmentRow, bytes: [UInt8])] = []
        for row in detail.attachments {
            guard let sha256 = row.sha256 else { continue }
            guard let files = attachmentFiles else { throw AttachmentError.noDirectory }
            result.append((row, try files.read(sha256)))
        }
        return result
    }
}

extension MessageStore {
    // MARK: - File transfers carried as MMS

    /// The next queued file of a session that has no file running (files go one after another, I-18), or `nil`.
    package func nextQueuedFileTransfer() async throws -> FileTransferRecord? {
        try await writer.read { db in
            try FileTransferRecord.fetchOne(
                db,
                sql: """
                    SELECT * FROM fileTransfer AS f WHERE f.state = 'queued' AND NOT EXISTS (
                        SELECT 1 FROM fileTransfer AS r WHERE r.sessionId = f.sessionId AND r.state = 'running'
                    )
                    ORDER BY f.sessionId, f.position LIMIT 1
                    """
            )
        }
    }

    /// Moves a file transfer on, in one transaction with the session event it causes: `queued` → `running` (and
    /// the MMS that carries it), or to its end. A transfer cancelled meanwhile stays cancelled (`false`).
    @discardableResult
    package func updateFileTransfer(
        sessionID: Int64,
        position: Int,
        from expected: FileTransferRecord.State,
        to state: FileTransferRecord.State,
        bytes: Int64? = nil,
        messageID: Int64? = nil,
        event: NewSessionEvent?,
        at time: Double
    ) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE fileTransfer SET state = ?, bytes = COALESCE(?, bytes), messageId = COALESCE(?, messageId)
                    WHERE sessionId = ? AND position = ? AND state = ?
                    """,
                arguments: [state, bytes, messageID, sessionID, position, expected]
            )
            guard db.changesCount > 0 else { return false }
            if let event {
                var record = SessionEventRecord(
                    sessionID: sessionID,
                    kind: event.kind,
                    argument: event.argument,
                    at: time
                )
                try record.insert(db)
            }
            return true
        }
    }

    /// The running file transfer a sent MMS carries, if any.
    package func fileTransfer(carriedBy messageID: Int64) async throws -> FileTransferRecord? {
        try await writer.read { db in
            try FileTransferRecord.fetchOne(
                db,
                sql: "SELECT * FROM fileTransfer WHERE messageId = ? AND state = 'running'",
                arguments: [messageID]
            )
        }
    }

    /// Stops the sending of the MMS that carried cancelled file transfers of a session (not yet handed to the MMSC).
    package func cancelFileTransferMessages(sessionID: Int64) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'cancelled' WHERE state = 'queued' AND messageId IN (
                        SELECT messageId FROM fileTransfer WHERE sessionId = ? AND state = 'cancelled'
                            AND messageId IS NOT NULL
                    )
                    """,
                arguments: [sessionID]
            )
        }
    }
}
