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
        @Sendable func settings(_ db: Database) throws -> [Int?] {
            [try Int.fetchOne(db, sql: "PRAGMA cache_size"), try Int.fetchOne(db, sql: "PRAGMA mmap_size")]
        }
        let writer = try pool.writeWithoutTransaction(settings)
        let reader = try pool.read(settings)
        #expect(writer == [-MessageStoreDatabase.cacheKiB, 0])
        #expect(reader == [-MessageStoreDatabase.cacheKiB, 0])
        #expect(pool.configuration.maximumReaderCount == MessageStoreDatabase.maximumReaderCount)
    }
}
