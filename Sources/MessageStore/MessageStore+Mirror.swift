import Foundation
import GRDB

/// A received PDU after decoding, ready for ``MessageStore/importPart(_:)``.
package struct IncomingPart: Sendable, Hashable {
    package var simId: Int64
    /// The PDU as the modem gave it (SMSC field first), kept for diagnosis.
    package var pdu: [UInt8]
    /// Hash of the TPDU (the PDU without its SMSC field): the same message gives the same hash by +CMT and from
    /// storage.
    package var contentHash: String
    /// `cmt`, `cds` or `store`.
    package var source: String
    /// Local arrival (wall clock, seconds since 1970) and the local UTC offset.
    package var receivedAt: Double
    package var receivedOffset: Int
    package var content: Content

    package enum Content: Sendable, Hashable {
        /// An SMS-DELIVER (received) or a stored SMS-SUBMIT (`STO SENT`, imported into Sent).
        case message(MessagePart)
        /// An SMS-STATUS-REPORT.
        case statusReport(StatusReportPart)
        /// A PDU that could not be decoded, or one not imported (e.g. `STO UNSENT`): stored, never shown.
        case notImported(reason: String)
    }

    package init(
        simId: Int64,
        pdu: [UInt8],
        contentHash: String,
        source: String,
        receivedAt: Double,
        receivedOffset: Int,
        content: Content
    ) {
        self.simId = simId
        self.pdu = pdu
        self.contentHash = contentHash
        self.source = source
        self.receivedAt = receivedAt
        self.receivedOffset = receivedOffset
        self.content = content
    }
}

/// One segment (or the whole) of a message.
package struct MessagePart: Sendable, Hashable {
    /// True for a received SMS-DELIVER; false for a stored SMS-SUBMIT (`STO SENT`).
    package var isReceived: Bool
    /// The other party, normalised: the originator of a received message, the destination of a sent one.
    package var peer: String
    /// The device's own number, for `recipientTo` of a received message / `recipientFrom` of a sent one.
    package var ownNumber: String
    package var text: String
    /// TP-SCTS (seconds since 1970) and its offset, for received messages.
    package var serviceCentreTime: Double?
    package var serviceCentreOffset: Int?
    /// Class 0 (flash).
    package var isFlash: Bool
    /// Concatenation (TS 23.040 §9.2.3.24.1/.8): reference, total, 1-based sequence; `nil` for a single part.
    package var concatenation: Concatenation?
    /// Session classes a received message may be routed into (by its originator, messaging-v2.md §10).
    package var routingClasses: [String]

    package struct Concatenation: Sendable, Hashable {
        package var reference: Int
        package var total: Int
        package var sequence: Int
        package init(reference: Int, total: Int, sequence: Int) {
            self.reference = reference
            self.total = total
            self.sequence = sequence
        }
    }

    package init(
        isReceived: Bool,
        peer: String,
        ownNumber: String,
        text: String,
        serviceCentreTime: Double?,
        serviceCentreOffset: Int?,
        isFlash: Bool,
        concatenation: Concatenation?,
        routingClasses: [String]
    ) {
        self.isReceived = isReceived
        self.peer = peer
        self.ownNumber = ownNumber
        self.text = text
        self.serviceCentreTime = serviceCentreTime
        self.serviceCentreOffset = serviceCentreOffset
        self.isFlash = isFlash
        self.concatenation = concatenation
        self.routingClasses = routingClasses
    }
}

/// An SMS-STATUS-REPORT (TS 23.040 §9.2.2.3).
package struct StatusReportPart: Sendable, Hashable {
    /// TP-MR of the SMS-SUBMIT it reports on.
    package var messageReference: Int
    /// TP-RA, normalised.
    package var recipient: String
    /// TP-ST.
    package var status: Int
    /// TP-SCTS: when the service centre received the SMS-SUBMIT.
    package var serviceCentreTime: Double?
    /// TP-DT: when it delivered (or gave up), and its offset.
    package var dischargeTime: Double?
    package var dischargeOffset: Int?

    package init(
        messageReference: Int,
        recipient: String,
        status: Int,
        serviceCentreTime: Double?,
        dischargeTime: Double?,
        dischargeOffset: Int?
    ) {
        self.messageReference = messageReference
        self.recipient = recipient
        self.status = status
        self.serviceCentreTime = serviceCentreTime
        self.dischargeTime = dischargeTime
        self.dischargeOffset = dischargeOffset
    }
}

/// What ``MessageStore/importPart(_:)`` did.
package enum ImportOutcome: Sendable, Hashable {
    /// The PDU was imported before (by +CMT or from storage): nothing changed.
    case duplicate(partId: Int64)
    /// A segment stored while it waits for the rest of its message.
    case pending(partId: Int64)
    /// A new message. `isNewUnread` when it went to Received as Unread (NewMessages changes); `sessionId` when it
    /// was routed into a session.
    case created(partId: Int64, messageId: Int64, isNewUnread: Bool, sessionId: Int64?)
    /// A late segment merged into a message that had been shown incomplete.
    case merged(partId: Int64, messageId: Int64)
    /// A status report; `messageId` of the Sent message it matched, if any.
    case statusReport(partId: Int64, messageId: Int64?)
    /// Stored for diagnosis only.
    case notImported(partId: Int64)

    /// The stored part's row id.
    package var partId: Int64 {
        switch self {
        case .duplicate(let id), .pending(let id), .statusReport(let id, _), .notImported(let id): id
        case .created(let id, _, _, _), .merged(let id, _): id
        }
    }
}

extension MessageStore {
    /// Text shown in place of a segment that has not arrived when a message is shown incomplete.
    package static let missingSegmentMarker = "[…]"

    // MARK: - SIM

    /// The row of the SIM with this ICCID and IMSI, created on first sight (the mirror is keyed by it).
    package func simID(iccid: String, imsi: String, msisdn: String, now: Double) async throws -> Int64 {
        try await writer.write { db in
            if var existing = try SIMRecord.fetchOne(
                db,
                sql: "SELECT * FROM sim WHERE iccid = ? AND imsi = ?",
                arguments: [iccid, imsi]
            ) {
                existing.lastSeen = now
                if !msisdn.isEmpty { existing.msisdn = msisdn }
                try existing.update(db)
                guard let id = existing.id else { throw StoreError.missingRowID }
                return id
            }
            var record = SIMRecord(iccid: iccid, imsi: imsi, msisdn: msisdn, firstSeen: now, lastSeen: now)
            try record.insert(db)
            guard let id = record.id else { throw StoreError.missingRowID }
            return id
        }
    }

    // MARK: - Import

    /// Imports one received PDU idempotently and, for a segment, reassembles its message when complete — all in
    /// one transaction, so that the caller may acknowledge (+CNMA) or delete it from the modem once this returns.
    package func importPart(_ part: IncomingPart) async throws -> ImportOutcome {
        try await writer.write { db in try Self.importPart(part, in: db) }
    }

    /// Imports several PDUs in one transaction (a storage listing), in order; same rules as ``importPart(_:)``.
    /// One commit for the batch: the mirror deletes the batch from the modem only after it returns.
    package func importParts(_ parts: [IncomingPart]) async throws -> [ImportOutcome] {
        try await writer.write { db in try parts.map { try Self.importPart($0, in: db) } }
    }

    static func importPart(_ part: IncomingPart, in db: Database) throws -> ImportOutcome {
        if let existing = try Int64.fetchOne(
            db,
            sql: "SELECT id FROM receivedPart WHERE simId = ? AND contentHash = ? AND pdu = ? LIMIT 1",
            arguments: [part.simId, part.contentHash, Data(part.pdu)]
        ) {
            return .duplicate(partId: existing)
        }
        var record = ReceivedPartRecord(
            simId: part.simId,
            state: "pending",
            contentHash: part.contentHash,
            pdu: Data(part.pdu),
            source: part.source,
            receivedAt: part.receivedAt
        )
        switch part.content {
        case .notImported(let reason):
            record.state = "notImported"
            record.partText = reason
            try record.insert(db)
            return .notImported(partId: try rowID(record.id))
        case .statusReport(let report):
            record.state = "statusReport"
            record.originator = report.recipient
            record.concatRef = report.messageReference
            try record.insert(db)
            let messageId = try applyStatusReport(report, in: db)
            return .statusReport(partId: try rowID(record.id), messageId: messageId)
        case .message(let message):
            record.originator = (message.isReceived ? "in:" : "out:") + message.peer
            record.partText = message.text
            guard let concatenation = message.concatenation, concatenation.total > 1 else {
                record.state = "assembled"
                try record.insert(db)
                let partId = try rowID(record.id)
                let created = try createMessage(from: message, parts: [partId], text: message.text, complete: true,
                                                part: part, in: db)
                return .created(partId: partId, messageId: created.id, isNewUnread: created.isNewUnread,
                                sessionId: created.sessionId)
            }
            record.concatRef = concatenation.reference
            record.concatTotal = concatenation.total
            record.concatSeq = concatenation.sequence
            return try importSegment(record, message: message, part: part, in: db)
        }
    }

    static func rowID(_ id: Int64?) throws -> Int64 {
        guard let id else { throw StoreError.missingRowID }
        return id
    }

    /// A segment: merge into an incomplete message of the same group, or wait, or complete the group.
    static func importSegment(
        _ segment: ReceivedPartRecord,
        message: MessagePart,
        part: IncomingPart,
        in db: Database
    ) throws -> ImportOutcome {
        let groupArguments: StatementArguments = [
            segment.simId, segment.originator, segment.concatRef, segment.concatTotal,
        ]
        let waitingCount = try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM receivedPart
                WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND state = 'pending'
                """,
            arguments: groupArguments
        ) ?? 0
        // A late segment of a message already shown incomplete (across storages or restarts) is merged into it —
        // unless segments of the same reference are being collected again, in which case it belongs to those.
        if waitingCount == 0, let incomplete = try Int64.fetchOne(
            db,
            sql: """
                SELECT m.id FROM receivedPart p JOIN message m ON m.id = p.messageId
                WHERE p.simId = ? AND p.originator = ? AND p.concatRef = ? AND p.concatTotal = ? AND m.isComplete = 0
                  AND NOT EXISTS (SELECT 1 FROM receivedPart q WHERE q.messageId = m.id AND q.concatSeq = ?)
                ORDER BY m.id DESC LIMIT 1
                """,
            arguments: groupArguments + [segment.concatSeq]
        ) {
            var record = segment
            record.state = "assembled"
            record.messageId = incomplete
            try record.insert(db)
            let partId = try rowID(record.id)
            try rebuildText(messageId: incomplete, total: segment.concatTotal ?? 1, in: db)
            return .merged(partId: partId, messageId: incomplete)
        }
        // The same sequence number already waiting with other content means the reference was reused: the old
        // group will never complete, so show it as it is before this segment starts a new one.
        let clash = try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM receivedPart
                WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND state = 'pending'
                  AND concatSeq = ?
                """,
            arguments: groupArguments + [segment.concatSeq]
        ) ?? 0
        if clash > 0 {
            _ = try flushGroup(groupArguments, message: message, part: part, in: db)
        }
        var record = segment
        record.state = "pending"
        try record.insert(db)
        let partId = try rowID(record.id)
        let waiting = try ReceivedPartRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM receivedPart
                WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND state = 'pending'
                ORDER BY concatSeq, id
                """,
            arguments: groupArguments
        )
        let sequences = Set(waiting.compactMap(\.concatSeq))
        guard sequences.count >= (segment.concatTotal ?? 1) else { return .pending(partId: partId) }
        let created = try assemble(waiting, total: segment.concatTotal ?? 1, message: message, part: part, in: db)
        return .created(partId: partId, messageId: created.id, isNewUnread: created.isNewUnread,
                        sessionId: created.sessionId)
    }

    /// Shows a waiting group as one (possibly incomplete) message.
    @discardableResult
    static func flushGroup(
        _ groupArguments: StatementArguments,
        message: MessagePart,
        part: IncomingPart,
        in db: Database
    ) throws -> (id: Int64, isNewUnread: Bool, sessionId: Int64?)? {
        let waiting = try ReceivedPartRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM receivedPart
                WHERE simId = ? AND originator = ? AND concatRef = ? AND concatTotal = ? AND state = 'pending'
                ORDER BY concatSeq, id
                """,
            arguments: groupArguments
        )
        guard let total = waiting.first?.concatTotal else { return nil }
        return try assemble(waiting, total: total, message: message, part: part, in: db)
    }

    /// Creates the message of a group of segments (first segment of each sequence number wins) and links them.
    static func assemble(
        _ segments: [ReceivedPartRecord],
        total: Int,
        message: MessagePart,
        part: IncomingPart,
        in db: Database
    ) throws -> (id: Int64, isNewUnread: Bool, sessionId: Int64?) {
        var bySequence: [Int: ReceivedPartRecord] = [:]
        for segment in segments {
            if let sequence = segment.concatSeq, bySequence[sequence] == nil { bySequence[sequence] = segment }
        }
        let text = assembledText(bySequence.mapValues { $0.partText ?? "" }, total: total)
        let complete = (1...max(1, total)).allSatisfy { bySequence[$0] != nil }
        let created = try createMessage(
            from: message,
            parts: segments.compactMap(\.id),
            text: text,
            complete: complete,
            part: part,
            in: db
        )
        return created
    }

    static func assembledText(_ texts: [Int: String], total: Int) -> String {
        (1...max(1, total)).map { texts[$0] ?? missingSegmentMarker }.joined()
    }

    static func rebuildText(messageId: Int64, total: Int, in db: Database) throws {
        let segments = try ReceivedPartRecord.fetchAll(
            db,
            sql: "SELECT * FROM receivedPart WHERE messageId = ? ORDER BY concatSeq, id",
            arguments: [messageId]
        )
        var texts: [Int: String] = [:]
        for segment in segments {
            if let sequence = segment.concatSeq, texts[sequence] == nil { texts[sequence] = segment.partText ?? "" }
        }
        let complete = (1...max(1, total)).allSatisfy { texts[$0] != nil }
        try db.execute(
            sql: "UPDATE message SET text = ?, isComplete = ? WHERE id = ?",
            arguments: [assembledText(texts, total: total), complete, messageId]
        )
    }

    /// Inserts the message of received (or stored-sent) segments and links them to it.
    static func createMessage(
        from message: MessagePart,
        parts: [Int64],
        text: String,
        complete: Bool,
        part: IncomingPart,
        in db: Database
    ) throws -> (id: Int64, isNewUnread: Bool, sessionId: Int64?) {
        let session =
            message.isReceived
            ? try openSession(peerKey: message.peer, classes: message.routingClasses, in: db) : nil
        let record: MessageRecord
        let recipients: [PeerRow]
        if message.isReceived {
            record = MessageRecord(
                sessionId: session?.id,
                simId: part.simId,
                messageClass: "SMS",
                folder: Folder.received,
                status: Status.unread,
                kind: message.isFlash ? "flash" : "normal",
                direction: "in",
                fromId: message.peer,
                text: text,
                dateSent: message.serviceCentreTime,
                dateSentOffset: message.serviceCentreOffset,
                dateReceived: part.receivedAt,
                dateReceivedOffset: part.receivedOffset,
                sortTime: part.receivedAt,
                isComplete: complete
            )
            recipients = message.ownNumber.isEmpty ? [] : [PeerRow(role: "to", peerId: message.ownNumber, name: nil)]
        } else {
            // STO SENT: an SMS-SUBMIT has no time stamp; the import time stands for dateSent (messaging-v2.md §10).
            record = MessageRecord(
                simId: part.simId,
                messageClass: "SMS",
                folder: Folder.sent,
                status: Status.read,
                direction: "out",
                fromId: message.ownNumber,
                text: text,
                dateSent: part.receivedAt,
                dateSentOffset: part.receivedOffset,
                sortTime: part.receivedAt,
                isComplete: complete
            )
            recipients = [PeerRow(role: "to", peerId: message.peer, name: nil)]
        }
        let id = try insert(record, recipients: recipients, attachments: [], in: db)
        for partId in parts {
            try db.execute(
                sql: "UPDATE receivedPart SET messageId = ?, state = 'assembled' WHERE id = ?",
                arguments: [id, partId]
            )
        }
        if let sessionId = session?.id {
            try db.execute(
                sql: "UPDATE session SET dateLastMessage = ? WHERE id = ?",
                arguments: [part.receivedAt, sessionId]
            )
        }
        return (id, message.isReceived, session?.id)
    }

    /// Shows every group whose oldest segment arrived before `cutoff` as an incomplete message (the reassembly
    /// timeout). Later segments are merged into it.
    /// - Returns: the messages created.
    package func flushStaleSegments(
        olderThan cutoff: Double,
        ownNumber: String,
        routingClasses: [String],
        now: Double,
        offset: Int
    ) async throws -> [Int64] {
        try await writer.write { db in
            let groups = try Row.fetchAll(
                db,
                sql: """
                    SELECT simId, originator, concatRef, concatTotal, MIN(receivedAt) AS firstSeen
                    FROM receivedPart WHERE state = 'pending'
                    GROUP BY simId, originator, concatRef, concatTotal HAVING MIN(receivedAt) < ?
                    """,
                arguments: [cutoff]
            )
            var created: [Int64] = []
            for group in groups {
                let originator: String = group["originator"]
                let isReceived = originator.hasPrefix("in:")
                let peer = String(originator.drop { $0 != ":" }.dropFirst())
                let message = MessagePart(
                    isReceived: isReceived,
                    peer: peer,
                    ownNumber: ownNumber,
                    text: "",
                    serviceCentreTime: nil,
                    serviceCentreOffset: nil,
                    isFlash: false,
                    concatenation: nil,
                    routingClasses: routingClasses
                )
                let part = IncomingPart(
                    simId: group["simId"],
                    pdu: [],
                    contentHash: "",
                    source: "timeout",
                    receivedAt: now,
                    receivedOffset: offset,
                    content: .message(message)
                )
                let arguments: StatementArguments = [
                    group["simId"] as Int64, originator, group["concatRef"] as Int?, group["concatTotal"] as Int?,
                ]
                if let result = try Self.flushGroup(arguments, message: message, part: part, in: db) {
                    created.append(result.id)
                }
            }
            return created
        }
    }

    /// Number of segments waiting for the rest of their message.
    package func pendingSegmentCount() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart WHERE state = 'pending'") ?? 0
        }
    }

    // MARK: - Status reports

    /// Applies a status report to the part of a Sent (or Outgoing) message it reports on: same TP-MR, same
    /// recipient, and the submission closest in time to the report's TP-SCTS (TP-MR wraps after 256 messages).
    /// - Returns: the matched message, if any.
    static func applyStatusReport(_ report: StatusReportPart, in db: Database) throws -> Int64? {
        let candidates = try OutboxPartRecord.fetchAll(
            db,
            sql: "SELECT * FROM outboxPart WHERE mr = ? AND state IN ('accepted', 'pending') ORDER BY submittedAt DESC LIMIT 64",
            arguments: [report.messageReference]
        ).filter { sameAddress($0.recipient, report.recipient) }
        let best: OutboxPartRecord?
        if let reference = report.serviceCentreTime {
            best = candidates.min { abs(($0.submittedAt ?? 0) - reference) < abs(($1.submittedAt ?? 0) - reference) }
        } else {
            best = candidates.first
        }
        guard let match = best else { return nil }
        try db.execute(
            sql: """
                UPDATE outboxPart SET state = ?, statusCode = ?, statusTime = ?, statusTimeOffset = ?
                WHERE messageId = ? AND recipientIndex = ? AND seq = ?
                """,
            arguments: [
                deliveryState(status: report.status), report.status, report.dischargeTime, report.dischargeOffset,
                match.messageId, match.recipientIndex, match.seq,
            ]
        )
        return match.messageId
    }

    /// TS 23.040 §9.2.3.15: 0x00–0x1F transaction completed; 0x20–0x3F temporary error, the SC is still trying;
    /// 0x40 and above: permanent error, or temporary error with the SC no longer trying.
    static func deliveryState(status: Int) -> String {
        switch status {
        case 0x00...0x1F: "delivered"
        case 0x20...0x3F: "pending"
        default: "failed"
        }
    }

    /// True when two normalised addresses are the same number: equal, or — when one is national and the other
    /// international — equal in their last digits (at least 7), as the SMSC may report either form.
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.hasPrefix("+") != b.hasPrefix("+") else { return false }
        // The national form may carry a trunk prefix (0) that the international form replaces by a country code.
        let national = a.hasPrefix("+") ? b : a
        let international = a.hasPrefix("+") ? a : b
        let digitsA = Array(national.filter(\.isNumber).drop { $0 == "0" })
        let digitsB = Array(international.filter(\.isNumber))
        let shorter = min(digitsA.count, digitsB.count)
        guard shorter >= 7 else { return false }
        return digitsA.suffix(shorter) == digitsB.suffix(shorter)
    }

    // MARK: - Modem slots

    /// Replaces what the mirror knows of one storage with the current listing.
    package func recordSlots(
        simId: Int64,
        storage: String,
        slots: [(index: Int, contentHash: String, partId: Int64?)],
        now: Double
    ) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM modemSlot WHERE simId = ? AND storage = ?", arguments: [simId, storage])
            for slot in slots {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO modemSlot (simId, storage, slot, contentHash, partId, seenAt) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [simId, storage, slot.index, slot.contentHash, slot.partId, now]
                )
            }
        }
    }

    /// Forgets one slot (after the message was deleted from the modem).
    package func removeSlot(simId: Int64, storage: String, index: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM modemSlot WHERE simId = ? AND storage = ? AND slot = ?",
                arguments: [simId, storage, index]
            )
        }
    }

    /// Slots of a SIM's storage the mirror knows, by index.
    package func slots(simId: Int64, storage: String) async throws -> [Int: String] {
        try await writer.read { db in
            var result: [Int: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT slot, contentHash FROM modemSlot WHERE simId = ? AND storage = ?",
                arguments: [simId, storage]
            ) {
                result[row["slot"]] = row["contentHash"]
            }
            return result
        }
    }

    /// Number of received parts stored for a SIM (diagnosis and tests).
    package func receivedPartCount(simId: Int64? = nil) async throws -> Int {
        try await writer.read { db in
            if let simId {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart WHERE simId = ?", arguments: [simId]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart") ?? 0
        }
    }
}
