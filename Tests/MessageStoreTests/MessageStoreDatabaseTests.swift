import Foundation
import GRDB
import Testing

@testable import MessageStore

@Suite struct MessageStoreDatabaseTests {
    @Test func fileDatabaseUsesWALAndForeignKeys() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try MessageStoreDatabase.openFile(at: directory.appendingPathComponent("m.sqlite").path)
        let (journal, foreignKeys) = try pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
    }
}
