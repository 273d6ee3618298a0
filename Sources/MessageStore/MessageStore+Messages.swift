import Foundation
import GRDB

/// A message with everything ReadMessage shows.
package struct MessageDetail: Sendable, Hashable {
    package var message: MessageRecord
    package var recipients: [PeerRow]
    package var attachments: [AttachmentRow]
    /// Set for messages this device sends.
    package var outbox: OutboxRecord?
    package var outboxParts: [OutboxPartRecord]
    /// Set for MMS: the notification's data and where its content (or its sending) stands.
    package var mms: MMSRecord? = nil
    /// Per-recipient delivery states of a sent MMS (m-delivery-ind).
    package var mmsRecipients: [MMSRecipientRecord] = []
}

/// A message as SearchMessages lists it: no text, no attachments.
package struct MessageSummary: Sendable, Hashable {
    package var message: MessageRecord
    package var recipients: [PeerRow]
}

/// The criteria of a search; `nil` = any. A message class is an open set (vendor classes, messaging-v2.md §7.1), so
/// it stays the stored string.
package struct StoreQuery: Sendable, Hashable {
    package var messageClass: String?
    package var folder: MessageRecord.Folder?
    package var status: MessageRecord.ReadStatus?
    package var sessionID: Int64?
    package var peer: String?
    package var since: Double?
    package var until: Double?
    package var text: String?
    package var limit: Int?

    package init(
        messageClass: String? = nil,
        folder: MessageRecord.Folder? = nil,
        status: MessageRecord.ReadStatus? = nil,
        sessionID: Int64? = nil,
        peer: String? = nil,
        since: Double? = nil,
        until: Double? = nil,
        text: String? = nil,
        limit: Int? = nil
    ) {
        self.messageClass = messageClass
        self.folder = folder
        self.status = status
        self.sessionID = sessionID
        self.peer = peer
        self.since = since
        self.until = until
        self.text = text
        self.limit = limit
    }
}

/// What DeleteMessage did.
package enum DeleteOutcome: Sendable, Hashable {
    case notFound
    /// Moved to Deleted (messaging-v2.md §5.7). `wasNew` when it was an unread received message (NewMessages
    /// changes).
    case movedToDeleted(wasNew: Bool)
    /// It was already in Deleted: removed for good.
    case purged
}

/// What ReadMessage did.
package struct ReadOutcome: Sendable {
    package var detail: MessageDetail
    /// True when the status went from Unread to Read (NewMessages changes).
    package var becameRead: Bool
}

extension MessageStore {
    // MARK: - Insert

    /// Inserts a message with its recipients and attachments inside an open transaction; returns its row id.
    static func insert(
        _ message: MessageRecord,
        recipients: [PeerRow],
        attachments: [AttachmentRow],
        in db: Database
    ) throws -> Int64 {
        var record = message
        try record.insert(db)
        guard let id = record.id else { throw StoreError.missingRowID }
        try insertRecipients(recipients, messageID: id, in: db)
        for (position, attachment) in attachments.enumerated() {
            try insertAttachment(attachment, messageID: id, position: position, in: db)
        }
        return id
    }

    static func insertAttachment(_ attachment: AttachmentRow, messageID: Int64, position: Int, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO messageAttachment (messageId, position, uri, size, mimeType, name, sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                messageID, position, attachment.uri, attachment.size, attachment.mimeType, attachment.name,
                attachment.sha256,
            ]
        )
    }

    static func insertRecipients(_ recipients: [PeerRow], messageID: Int64, in db: Database) throws {
        var positions: [String: Int] = [:]
        for peer in recipients {
            let position = positions[peer.role, default: 0]
            positions[peer.role] = position + 1
            try db.execute(
                sql: "INSERT INTO messageRecipient (messageId, role, position, peerId, name) VALUES (?, ?, ?, ?, ?)",
                arguments: [messageID, peer.role, position, peer.peerID, peer.name]
            )
        }
    }

    /// Inserts a message (e.g. one the tests or the local UI create).
    package func insertMessage(
        _ message: MessageRecord,
        recipients: [PeerRow],
        attachments: [AttachmentRow] = []
    ) async throws -> Int64 {
        try await writer.write { db in
            try Self.insert(message, recipients: recipients, attachments: attachments, in: db)
        }
    }

    // MARK: - Read

    static func detail(id: Int64, in db: Database) throws -> MessageDetail? {
        guard let message = try MessageRecord.fetchOne(db, key: id) else { return nil }
        let recipients = try recipientRows(messageID: id, in: db)
        let attachments = try Row.fetchAll(
            db,
            sql: "SELECT \(attachmentColumns) FROM messageAttachment WHERE messageId = ? ORDER BY position",
            arguments: [id]
        ).map(attachmentRow)
        let outbox = try OutboxRecord.fetchOne(db, key: id)
        let parts =
            outbox == nil
            ? []
            : try OutboxPartRecord.fetchAll(
                db,
                sql: "SELECT * FROM outboxPart WHERE messageId = ? ORDER BY recipientIndex, seq",
                arguments: [id]
            )
        let mms = try MMSRecord.fetchOne(db, key: id)
        let mmsRecipients =
            mms == nil
            ? []
            : try MMSRecipientRecord.fetchAll(
                db,
                sql: "SELECT * FROM mmsRecipient WHERE messageId = ? ORDER BY rowid",
                arguments: [id]
            )
        return MessageDetail(
            message: message,
            recipients: recipients,
            attachments: attachments,
            outbox: outbox,
            outboxParts: parts,
            mms: mms,
            mmsRecipients: mmsRecipients
        )
    }

    /// The columns ``attachmentRow(_:)`` reads.
    static let attachmentColumns = "uri, size, mimeType, name, sha256"

    /// An attachment row read with ``attachmentColumns``.
    static func attachmentRow(_ row: Row) -> AttachmentRow {
        AttachmentRow(
            uri: row["uri"],
            size: row["size"],
            mimeType: row["mimeType"],
            name: row["name"],
            sha256: row["sha256"]
        )
    }

    static func recipientRows(messageID: Int64, in db: Database) throws -> [PeerRow] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT role, peerId, name FROM messageRecipient WHERE messageId = ?
                ORDER BY CASE role WHEN 'to' THEN 0 WHEN 'cc' THEN 1 ELSE 2 END, position
                """,
            arguments: [messageID]
        ).map { PeerRow(role: $0["role"], peerID: $0["peerId"], name: $0["name"]) }
    }

    /// The message with every detail, or `nil`.
    package func message(id: Int64) async throws -> MessageDetail? {
        try await writer.read { db in try Self.detail(id: id, in: db) }
    }

    /// ReadMessage: returns the message and marks it Read when it was Unread — except in Outgoing, where Unread
    /// means "not yet sent" (messaging-v2.md §5.5, I-13).
    package func readMessage(id: Int64) async throws -> ReadOutcome? {
        try await writer.write { db in
            guard var detail = try Self.detail(id: id, in: db) else { return nil }
            var becameRead = false
            if detail.message.status == .unread && detail.message.folder != .outgoing {
                let read = MessageRecord.ReadStatus.read
                try db.execute(sql: "UPDATE message SET status = ? WHERE id = ?", arguments: [read, id])
                detail.message.status = read
                becameRead = detail.message.folder == .received
            }
            return ReadOutcome(detail: detail, becameRead: becameRead)
        }
    }

    // MARK: - Delete

    /// DeleteMessage: moves to Deleted, or purges what is already there (messaging-v2.md §5.7). Deleting an
    /// Outgoing message cancels its delivery if it is not yet sent; the status never changes.
    package func deleteMessage(id: Int64) async throws -> DeleteOutcome {
        try await writer.write { db in
            guard let message = try MessageRecord.fetchOne(db, key: id) else { return .notFound }
            if message.folder == .deleted {
                // Its attachment files stay until `collectAttachmentFiles()` finds no row naming them.
                try db.execute(sql: "DELETE FROM message WHERE id = ?", arguments: [id])
                return .purged
            }
            try db.execute(
                sql: "UPDATE message SET folder = ? WHERE id = ?",
                arguments: [MessageRecord.Folder.deleted, id]
            )
            try db.execute(
                sql: "UPDATE outbox SET state = 'cancelled' WHERE messageId = ? AND state IN ('queued', 'failed')",
                arguments: [id]
            )
            if db.changesCount > 0 { try Self.holdConcatReferencesOfAbandonedMessage(id, in: db) }
            let wasNew = message.folder == .received && message.status == .unread
            return .movedToDeleted(wasNew: wasNew)
        }
    }

    // MARK: - Search

    /// Builds the SQL of a search. Every criterion maps onto an index (v2-search); the test suite checks the plans.
    /// It selects ``MessageRecord/orderedColumns``, with NULL for the text unless `withText`: SearchMessages lists
    /// no text, and a page of 1,000 messages would read and copy every one.
    package static func searchSQL(
        _ query: StoreQuery,
        withText: Bool = true
    ) -> (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let value = query.messageClass {
            clauses.append("class = ?")
            _ = arguments.append(contentsOf: [value])
        }
        if let value = query.folder {
            clauses.append("folder = ?")
            _ = arguments.append(contentsOf: [value.rawValue])
        }
        if let value = query.status {
            clauses.append("status = ?")
            _ = arguments.append(contentsOf: [value.rawValue])
        }
        if let value = query.sessionID {
            clauses.append("sessionId = ?")
            _ = arguments.append(contentsOf: [value])
        }
        if let value = query.peer {
            clauses.append(
                "id IN (SELECT id FROM message WHERE fromId = ? UNION SELECT messageId FROM messageRecipient WHERE peerId = ?)"
            )
            _ = arguments.append(contentsOf: [value, value])
        }
        if let value = query.since {
            clauses.append("sortTime >= ?")
            _ = arguments.append(contentsOf: [value])
        }
        if let value = query.until {
            clauses.append("sortTime < ?")
            _ = arguments.append(contentsOf: [value])
        }
        if let value = query.text, !value.isEmpty {
            if value.unicodeScalars.count >= 3 {
                // Trigram index: a quoted FTS5 string matches the substring, case-insensitively.
                clauses.append("id IN (SELECT rowid FROM messageText WHERE messageText MATCH ?)")
                _ = arguments.append(contentsOf: ["\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""])
            } else {
                // Below three characters no trigram exists; LIKE over the FTS table is still SQL, just not indexed.
                clauses.append(
                    "id IN (SELECT rowid FROM messageText WHERE text LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\')"
                )
                let pattern = "%" + escapeLike(value) + "%"
                _ = arguments.append(contentsOf: [pattern, pattern])
            }
        }
        var sql = "SELECT " + (withText ? MessageRecord.orderedColumns : MessageRecord.orderedColumnsWithoutText)
        sql += " FROM message"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY sortTime, id"
        if let limit = query.limit {
            sql += " LIMIT ?"
            _ = arguments.append(contentsOf: [max(0, limit)])
        }
        return (sql, arguments)
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// SearchMessages: the matching messages, oldest first, with their recipients; their text only `withText`.
    package func search(_ query: StoreQuery, withText: Bool = true) async throws -> [MessageSummary] {
        try await writer.read { db in
            let (sql, arguments) = Self.searchSQL(query, withText: withText)
            return try Self.attachRecipients(to: Self.messages(sql: sql, arguments: arguments, in: db), in: db)
        }
    }

    /// The messages a query of ``MessageRecord/orderedColumns`` (or ``MessageRecord/orderedColumnsWithoutText``)
    /// selects, read by index.
    static func messages(sql: String, arguments: StatementArguments, in db: Database) throws -> [MessageRecord] {
        var messages: [MessageRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { messages.append(try MessageRecord(orderedRow: row)) }
        return messages
    }

    /// Loads the recipients of many messages with one query per chunk instead of one per message.
    static func attachRecipients(to messages: [MessageRecord], in db: Database) throws -> [MessageSummary] {
        var byMessage: [Int64: [PeerRow]] = [:]
        let ids = messages.compactMap(\.id)
        // SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; stay well below it.
        let chunkSize = 500
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + chunkSize, ids.count)])
            start += chunkSize
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            // A cursor read by column index: copied rows (`fetchAll`) look a name up by lower-casing every column
            // name, for every lookup of every row.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT messageId, role, peerId, name FROM messageRecipient WHERE messageId IN (\(placeholders))
                    ORDER BY messageId, CASE role WHEN 'to' THEN 0 WHEN 'cc' THEN 1 ELSE 2 END, position
                    """,
                arguments: StatementArguments(chunk)
            )
            while let row = try rows.next() {
                let messageID: Int64 = try row.decode(atIndex: 0)
                byMessage[messageID, default: []].append(
                    PeerRow(
                        role: try row.decode(atIndex: 1),
                        peerID: try row.decode(atIndex: 2),
                        name: try row.decode(atIndex: 3)
                    )
                )
            }
        }
        return messages.map { MessageSummary(message: $0, recipients: $0.id.flatMap { byMessage[$0] } ?? []) }
    }

    /// The value of NewMessages: every message in Received with status Unread, oldest first (I-1); their text only
    /// `withText`. It is read again whenever a message arrives or is read, and can be most of the store.
    package func unreadReceived(withText: Bool = true) async throws -> [MessageRecord] {
        try await writer.read { db in
            let columns = withText ? MessageRecord.orderedColumns : MessageRecord.orderedColumnsWithoutText
            return try Self.messages(
                sql: "SELECT \(columns) FROM message WHERE folder = ? AND status = ? ORDER BY sortTime, id",
                arguments: [MessageRecord.Folder.received, MessageRecord.ReadStatus.unread],
                in: db
            )
        }
    }

    /// Number of messages per folder (for status displays and tests).
    package func folderCounts() async throws -> [String: Int] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT folder, COUNT(*) AS n FROM message GROUP BY folder") {
                counts[row["folder"]] = row["n"]
            }
            return counts
        }
    }
}

/// Internal store failures (not action errors: the service maps them to 501).
package enum StoreError: Error, Sendable {
    case missingRowID
}
