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

    @Test func everyConnectionHasTheBoundedPageCacheAndNoMemoryMap() throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let pool = try MessageStoreDatabase.openFile(at: scratch.path("m.sqlite"))
        let query = "SELECT * FROM pragma_cache_size, pragma_mmap_size"
        let writer = try pool.writeWithoutTransaction { db in try Row.fetchOne(db, sql: query) }
        let reader = try pool.read { db in try Row.fetchOne(db, sql: query) }
        for row in [writer, reader] {
            #expect(row?[0] == -MessageStoreDatabase.cacheKiB)
            #expect(row?[1] == 0)
        }
        #expect(pool.configuration.maximumReaderCount == MessageStoreDatabase.maximumReaderCount)
    }
}
