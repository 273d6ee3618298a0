import Foundation
import GRDB
import TestSupport
import Testing

@testable import MessageStore

@Suite struct MessageStoreDatabaseTests {
    @Test func fileDatabaseUsesWALAndForeignKeys() throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let pool = try MessageStoreDatabase.openFile(at: scratch.path("m.sqlite"))
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
