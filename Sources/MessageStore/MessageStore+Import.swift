import Foundation
import GRDB

// Import of received PDUs: idempotent, one transaction per call (persist → acknowledge → delete is the caller's
// order, and it may acknowledge or delete only after the call returned).

extension MessageStore {
    /// Imports one received PDU idempotently and, for a segment, records what `rules` decide for its group — all in
    /// one transaction, so that the caller may acknowledge (+CNMA) or delete it from the modem once this returns.
    package func importPart(_ part: IncomingPart, rules: some ImportRules) async throws -> ImportOutcome {
        try await writer.write { db in try Self.importPart(part, rules: rules, in: db) }
    }

    /// Imports several PDUs in one transaction (a storage listing), in order; same rules as
    /// ``importPart(_:rules:)``. One commit for the batch: the mirror deletes the batch from the modem only after it
    /// returns.
    package func importParts(_ parts: [IncomingPart], rules: some ImportRules) async throws -> [ImportOutcome] {
        try await writer.write { db in try parts.map { try Self.importPart($0, rules: rules, in: db) } }
    }

    /// Number of received parts stored for a SIM (diagnosis and tests).
    package func receivedPartCount(simID: Int64? = nil) async throws -> Int {
        try await writer.read { db in
            if let simID {
                return try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM receivedPart WHERE simId = ?",
                    arguments: [simID]
                ) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart") ?? 0
        }
    }

    static func importPart(_ part: IncomingPart, rules: some ImportRules, in db: Database) throws -> ImportOutcome {
        if let existing = try Int64.fetchOne(
            db,
            sql: "SELECT id FROM receivedPart WHERE simId = ? AND contentHash = ? AND pdu = ? LIMIT 1",
            arguments: [part.simID, part.contentHash, Data(part.pdu)]
        ) {
            return .duplicate(partID: existing)
        }
        var record = ReceivedPartRecord(
            simID: part.simID,
            state: .pending,
            contentHash: part.contentHash,
            pdu: Data(part.pdu),
            source: part.source,
            receivedAt: part.receivedAt
        )
        switch part.content {
        case .notImported(let reason):
            record.state = .notImported
            record.partText = reason
            try record.insert(db)
            return .notImported(partID: try rowID(record.id))
        case .statusReport(let report):
            record.state = .statusReport
            record.originator = report.recipient
            record.concatRef = report.messageReference
            try record.insert(db)
            let partID = try rowID(record.id)
            let messageID = try applyStatusReport(
                report,
                partID: partID,
                receivedAt: part.receivedAt,
                rules: rules,
                in: db
            )
            return .statusReport(partID: partID, messageID: messageID)
        case .message(let message):
            record.originator = groupParty(of: message)
            record.partText = message.text
            guard let concatenation = message.concatenation, concatenation.total > 1 else {
                record.state = .assembled
                try record.insert(db)
                let partID = try rowID(record.id)
                return try createComplete(
                    from: message,
                    parts: [],
                    lastPart: partID,
                    text: message.text,
                    part: part,
                    in: db
                )
            }
            record.concatRef = concatenation.reference
            record.concatRefBits = concatenation.referenceBits
            record.concatTotal = concatenation.total
            record.concatSeq = concatenation.sequence
            return try importSegment(record, message: message, part: part, rules: rules, in: db)
        case .pushSegment(let push):
            return try importPushSegment(push, record: record, part: part, rules: rules, in: db)
        }
    }

    /// The party column of a message part: the direction and the peer, so that what the device received from a
    /// number and what it sent to it never join one group.
    static func groupParty(of message: MessagePart) -> String {
        (message.isReceived ? "in:" : "out:") + message.peer
    }

    static func rowID(_ id: Int64?) throws -> Int64 {
        guard let id else { throw StoreError.missingRowID }
        return id
    }

    /// Inserts the message of received (or stored-sent) parts and links them to it.
    /// Creates the complete message of `parts` and `lastPart`, the part that completed it.
    static func createComplete(
        from message: MessagePart,
        parts: [Int64],
        lastPart: Int64,
        text: String,
        part: IncomingPart,
        in db: Database
    ) throws -> ImportOutcome {
        let created = try createMessage(
            from: message,
            parts: parts + [lastPart],
            text: text,
            complete: true,
            part: part,
            in: db
        )
        return .created(
            partID: lastPart,
            messageID: created.id,
            isNewUnread: created.isNewUnread,
            sessionID: created.sessionID
        )
    }

    static func createMessage(
        from message: MessagePart,
        parts: [Int64],
        text: String,
        complete: Bool,
        part: IncomingPart,
        in db: Database
    ) throws -> (id: Int64, isNewUnread: Bool, sessionID: Int64?) {
        let session =
            message.isReceived
            ? try openSession(peerKey: message.peer, classes: message.routingClasses, in: db) : nil
        let record: MessageRecord
        let recipients: [PeerRow]
        if message.isReceived {
            record = MessageRecord(
                sessionID: session?.id,
                simID: part.simID,
                messageClass: "SMS",
                folder: .received,
                status: .unread,
                kind: message.isFlash ? .flash : .normal,
                direction: .incoming,
                fromID: message.peer,
                text: text,
                dateSent: message.serviceCentreTime,
                dateSentOffset: message.serviceCentreOffset,
                dateReceived: part.receivedAt,
                dateReceivedOffset: part.receivedOffset,
                sortTime: part.receivedAt,
                isComplete: complete
            )
            recipients = message.ownNumber.isEmpty ? [] : [PeerRow(role: "to", peerID: message.ownNumber, name: nil)]
        } else {
            // STO SENT: an SMS-SUBMIT has no time stamp; the import time stands for dateSent (messaging-v2.md §10).
            record = MessageRecord(
                simID: part.simID,
                messageClass: "SMS",
                folder: .sent,
                status: .read,
                direction: .outgoing,
                fromID: message.ownNumber,
                text: text,
                dateSent: part.receivedAt,
                dateSentOffset: part.receivedOffset,
                sortTime: part.receivedAt,
                isComplete: complete
            )
            recipients = [PeerRow(role: "to", peerID: message.peer, name: nil)]
        }
        let id = try insert(record, recipients: recipients, attachments: [], in: db)
        for partID in parts {
            try db.execute(
                sql: "UPDATE receivedPart SET messageId = ?, state = 'assembled' WHERE id = ?",
                arguments: [id, partID]
            )
        }
        if let sessionID = session?.id {
            try db.execute(
                sql: "UPDATE session SET dateLastMessage = ? WHERE id = ?",
                arguments: [part.receivedAt, sessionID]
            )
        }
        return (id, message.isReceived, session?.id)
    }
}
