import GRDB

/// A session with its recipients, participants and messages.
package struct SessionDetail: Sendable, Hashable {
    package var session: SessionRecord
    package var recipients: [PeerRow]
    /// Control-point addresses participating (I-19).
    package var participants: Set<String>
    /// Row ids of the session's messages, oldest first.
    package var messageIDs: [Int64]
}

/// A session event to append, as stored (`kind` names the Table 2 event, `argument` its name or byte count).
package struct NewSessionEvent: Sendable, Hashable {
    package var kind: String
    package var argument: String?
    package init(kind: String, argument: String? = nil) {
        self.kind = kind
        self.argument = argument
    }
}

/// The mutable view of a session inside ``MessageStore/updateSession(id:_:)``: change it, and the store writes it
/// back in the same transaction.
package struct SessionEditor: Sendable {
    package var session: SessionRecord
    package var recipients: [PeerRow]
    package var participants: Set<String>
    package let messageIDs: [Int64]
    /// Events to append, in order.
    package var events: [NewSessionEvent] = []
    /// Set to move every message of the session to ClosedSession (messaging-v2.md I-22).
    package var moveMessagesToClosedSession = false
    /// File transfers of the session, in order; changes are written back.
    package var fileTransfers: [FileTransferRecord]
}

extension MessageStore {
    /// Inserts a session with its recipients, its first participant and its first events; returns its row id.
    package func insertSession(
        _ session: SessionRecord,
        recipients: [PeerRow],
        participant: String?,
        events: [NewSessionEvent]
    ) async throws -> Int64 {
        try await writer.write { db in
            var record = session
            try record.insert(db)
            guard let id = record.id else { throw StoreError.missingRowID }
            try Self.replaceSessionRecipients(recipients, sessionID: id, in: db)
            if let participant {
                try db.execute(
                    sql: "INSERT INTO sessionParticipant (sessionId, caller) VALUES (?, ?)",
                    arguments: [id, participant]
                )
            }
            for event in events {
                try Self.appendEvent(event, sessionID: id, at: session.dateStarted, in: db)
            }
            return id
        }
    }

    static func replaceSessionRecipients(_ recipients: [PeerRow], sessionID: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM sessionRecipient WHERE sessionId = ?", arguments: [sessionID])
        var positions: [String: Int] = [:]
        for peer in recipients {
            let position = positions[peer.role, default: 0]
            positions[peer.role] = position + 1
            try db.execute(
                sql: "INSERT INTO sessionRecipient (sessionId, role, position, peerId, name) VALUES (?, ?, ?, ?, ?)",
                arguments: [sessionID, peer.role, position, peer.peerID, peer.name]
            )
        }
    }

    static func appendEvent(_ event: NewSessionEvent, sessionID: Int64, at time: Double, in db: Database) throws {
        var record = SessionEventRecord(sessionID: sessionID, kind: event.kind, argument: event.argument, at: time)
        try record.insert(db)
    }

    static func sessionDetail(id: Int64, in db: Database) throws -> SessionDetail? {
        guard let session = try SessionRecord.fetchOne(db, key: id) else { return nil }
        let recipients = try Row.fetchAll(
            db,
            sql: """
                SELECT role, peerId, name FROM sessionRecipient WHERE sessionId = ?
                ORDER BY CASE role WHEN 'to' THEN 0 WHEN 'cc' THEN 1 ELSE 2 END, position
                """,
            arguments: [id]
        ).map { PeerRow(role: $0["role"], peerID: $0["peerId"], name: $0["name"]) }
        let participants = try String.fetchAll(
            db,
            sql: "SELECT caller FROM sessionParticipant WHERE sessionId = ?",
            arguments: [id]
        )
        let messageIDs = try Int64.fetchAll(
            db,
            sql: "SELECT id FROM message WHERE sessionId = ? ORDER BY sortTime, id",
            arguments: [id]
        )
        return SessionDetail(
            session: session,
            recipients: recipients,
            participants: Set(participants),
            messageIDs: messageIDs
        )
    }

    /// The session with its recipients, participants and message ids, or `nil`.
    package func session(id: Int64) async throws -> SessionDetail? {
        try await writer.read { db in try Self.sessionDetail(id: id, in: db) }
    }

    /// Every session of a class and status (`nil` = any), oldest first. A session class is an open set (vendor
    /// classes, messaging-v2.md §7.1), so it stays the stored string.
    package func sessions(sessionClass: String?, status: SessionRecord.Status?) async throws -> [SessionDetail] {
        try await writer.read { db in
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let sessionClass {
                clauses.append("class = ?")
                arguments.append(sessionClass)
            }
            if let status {
                clauses.append("status = ?")
                arguments.append(status.rawValue)
            }
            var sql = "SELECT id FROM session"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY id"
            let ids = try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            return try ids.compactMap { try Self.sessionDetail(id: $0, in: db) }
        }
    }

    /// Reads a session, lets `body` change it, and writes the changes back, all in one transaction.
    /// - Returns: `nil` when the session does not exist, else what `body` returned.
    package func updateSession<T: Sendable>(
        id: Int64,
        at time: Double,
        _ body: @Sendable (inout SessionEditor) throws -> T
    ) async throws -> T? {
        try await writer.write { db in
            guard let detail = try Self.sessionDetail(id: id, in: db) else { return nil }
            let transfers = try FileTransferRecord.fetchAll(
                db,
                sql: "SELECT * FROM fileTransfer WHERE sessionId = ? ORDER BY position",
                arguments: [id]
            )
            var editor = SessionEditor(
                session: detail.session,
                recipients: detail.recipients,
                participants: detail.participants,
                messageIDs: detail.messageIDs,
                fileTransfers: transfers
            )
            let result = try body(&editor)
            try editor.session.update(db)
            if editor.recipients != detail.recipients {
                try Self.replaceSessionRecipients(editor.recipients, sessionID: id, in: db)
            }
            if editor.participants != detail.participants {
                try db.execute(sql: "DELETE FROM sessionParticipant WHERE sessionId = ?", arguments: [id])
                for caller in editor.participants.sorted() {
                    try db.execute(
                        sql: "INSERT INTO sessionParticipant (sessionId, caller) VALUES (?, ?)",
                        arguments: [id, caller]
                    )
                }
            }
            if editor.fileTransfers != transfers {
                try db.execute(sql: "DELETE FROM fileTransfer WHERE sessionId = ?", arguments: [id])
                for var transfer in editor.fileTransfers {
                    transfer.sessionID = id
                    try transfer.insert(db)
                }
            }
            if editor.moveMessagesToClosedSession {
                try db.execute(
                    sql: "UPDATE message SET folder = ? WHERE sessionId = ? AND folder != ?",
                    arguments: [MessageRecord.Folder.closedSession, id, MessageRecord.Folder.deleted]
                )
            }
            for event in editor.events {
                try Self.appendEvent(event, sessionID: id, at: time, in: db)
            }
            return result
        }
    }

    /// The open (not Closed) session of one of `classes` whose conversation key is `peerKey`, newest first: where an
    /// incoming SMS from those peers is routed (messaging-v2.md §10 "Sessions over SMS/MMS").
    static func openSession(peerKey: String, classes: [String], in db: Database) throws -> SessionRecord? {
        guard !classes.isEmpty else { return nil }
        let placeholders = Array(repeating: "?", count: classes.count).joined(separator: ",")
        var arguments: [any DatabaseValueConvertible] = [peerKey]
        arguments.append(contentsOf: classes)
        return try SessionRecord.fetchOne(
            db,
            sql: """
                SELECT * FROM session WHERE peerKey = ? AND status != 'Closed' AND class IN (\(placeholders))
                ORDER BY id DESC LIMIT 1
                """,
            arguments: StatementArguments(arguments)
        )
    }

    /// File transfers of a session, in order.
    package func fileTransfers(sessionID: Int64) async throws -> [FileTransferRecord] {
        try await writer.read { db in
            try FileTransferRecord.fetchAll(
                db,
                sql: "SELECT * FROM fileTransfer WHERE sessionId = ? ORDER BY position",
                arguments: [sessionID]
            )
        }
    }

    // MARK: - Event cursor

    /// Session events with `seq` in `(after, through]`, in order.
    package func sessionEvents(after: Int64, through: Int64? = nil) async throws -> [SessionEventRecord] {
        try await writer.read { db in
            if let through {
                return try SessionEventRecord.fetchAll(
                    db,
                    sql: "SELECT * FROM sessionEvent WHERE seq > ? AND seq <= ? ORDER BY seq",
                    arguments: [after, through]
                )
            }
            return try SessionEventRecord.fetchAll(
                db,
                sql: "SELECT * FROM sessionEvent WHERE seq > ? ORDER BY seq",
                arguments: [after]
            )
        }
    }

    /// A persistent value (e.g. the event cursor), or `nil`.
    package func stateValue(_ key: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM serviceState WHERE key = ?", arguments: [key])
        }
    }

    /// Sets persistent values in one transaction.
    package func setStateValues(_ values: [String: String]) async throws {
        try await writer.write { db in
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try db.execute(
                    sql:
                        "INSERT INTO serviceState (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [key, value]
                )
            }
        }
    }

    /// Statuses of several sessions (for the current status in a SessionUpdates batch).
    package func sessionStatuses(ids: [Int64]) async throws -> [Int64: SessionRecord.Status] {
        try await writer.read { db in
            var result: [Int64: SessionRecord.Status] = [:]
            for id in ids {
                let sql = "SELECT status FROM session WHERE id = ?"
                if let status = try SessionRecord.Status.fetchOne(db, sql: sql, arguments: [id]) {
                    result[id] = status
                }
            }
            return result
        }
    }
}
