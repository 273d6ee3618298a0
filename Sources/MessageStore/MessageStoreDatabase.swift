import GRDB

/// Opens the service's SQLite database (system libsqlite3 through GRDB) with the settings the store relies on.
///
/// A file database is a `DatabasePool` in WAL mode, so that readers (SearchMessages, ReadMessage) never wait for the
/// mirror's writes; foreign keys are enforced on every connection. Tests use an in-memory `DatabaseQueue`.
public enum MessageStoreDatabase {
    /// The configuration every connection gets.
    public static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "MessageStore"
        configuration.prepareDatabase { db in
            // NORMAL is durable across application crashes in WAL mode; only a power cut can lose the last
            // transactions, never corrupt the file (sqlite.org/pragma.html#pragma_synchronous).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
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
