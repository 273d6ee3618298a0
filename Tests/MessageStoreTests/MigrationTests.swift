import Foundation
import GRDB
import TestSupport
import Testing

@testable import MessageStore

@Suite struct MigrationTests {
    /// A database made by the first schema version, with data, upgrades in place and keeps the data.
    @Test func firstSchemaVersionMigratesToTheLatest() throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let path = scratch.path("m.sqlite")

        do {
            let old = try MessageStore(writer: MessageStoreDatabase.openFile(at: path), migrations: 1)
            #expect(try old.appliedMigrations() == ["v1-core"])
            try old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO sim (iccid, imsi, msisdn, firstSeen, lastSeen) VALUES ('8901', '00101', '', 1, 1);
                        INSERT INTO message (simId, class, folder, status, direction, fromId, text, dateReceived, sortTime)
                            VALUES (1, 'SMS', 'Received', 'Unread', 'in', '+15550000077', 'Dinner at eight?', 100, 100);
                        INSERT INTO messageRecipient (messageId, role, position, peerId) VALUES (1, 'to', 0, '+15550000001');
                        INSERT INTO receivedPart (simId, messageId, state, contentHash, pdu, source, receivedAt)
                            VALUES (1, 1, 'assembled', 'abc', X'0011', 'store', 100);
                        """
                )
            }
            // v1 has no full-text table yet.
            let hasText = try old.writer.read { db in try db.tableExists("messageText") }
            #expect(!hasText)
        }

        let upgraded = try MessageStore(path: path)
        #expect(try upgraded.appliedMigrations() == MessageStoreMigrations.identifiers)
        let hits = try upgraded.writer.read { db in
            let (sql, arguments) = MessageStore.searchSQL(StoreQuery(text: "dinner"))
            return try MessageRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
        #expect(hits.map(\.text) == ["Dinner at eight?"])
        let parts = try upgraded.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedPart") }
        #expect(parts == 1)
    }

    @Test func freshDatabaseHasEveryTable() throws {
        let store = try MessageStore.inMemory()
        let tables = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in [
            "concatReference", "heldConcatReference", "fileTransfer", "message", "messageAttachment",
            "messageRecipient", "modemSlot",
            "outbox",
            "outboxPart", "receivedPart", "serviceState", "session", "sessionEvent", "sessionParticipant",
            "sessionRecipient", "sim", "messageText",
        ] {
            #expect(tables.contains(table), "\(table)")
        }
        let foreignKeys = try store.writer.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == true)
    }
}
