import GRDB

/// Opens the service's SQLite database (system libsqlite3 through GRDB) with the settings the store relies on.
///
/// A file database is a `DatabasePool` in WAL mode, so that readers (SearchMessages, ReadMessage) never wait for the
/// mirror's writes; foreign keys are enforced on every connection. Tests use an in-memory `DatabaseQueue`.
public enum MessageStoreDatabase {
    /// Reader connections of a file database at most.
    public static let maximumReaderCount = 2
    /// Each connection's page cache, in KiB.
    public static let cacheKiB = 1024

    /// The configuration every connection gets.
    public static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "MessageStore"
        // Readers for SearchMessages, ReadMessage and the web page: two serve a few control points on a board, and
        // each open reader keeps its own page cache (GRDB's default is five).
        configuration.maximumReaderCount = maximumReaderCount
        configuration.prepareDatabase { db in
            // NORMAL is durable across application crashes in WAL mode; only a power cut can lose the last
            // transactions, never corrupt the file (sqlite.org/pragma.html#pragma_synchronous).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Negative: KiB (sqlite.org/pragma.html#pragma_cache_size); SQLite's default is 2000 KiB per
            // connection. A miss is a read from the kernel's page cache.
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            // No memory-mapped I/O (sqlite.org/mmap.html): the file is read, never mapped into the daemon's
            // resident set. 0 is SQLite's and Debian's default; said here so that another build cannot change it.
            try db.execute(sql: "PRAGMA mmap_size = 0")
        }
        return configuration
    }

    /// Opens (creating when missing) the database file at `path` in WAL mode.
    public static func openFile(at path: String) throws -> DatabasePool {
        try DatabasePool(path: path, configuration: makeConfiguration())
    }

    /// An in-memory database for tests.
    public static func openInMemory() throws -> DatabaseQueue {
        try DatabaseQueue(configuration: makeConfiguration())
    }
}
