import CMalloc
import GRDB

/// The service's persistent store (SQLite through GRDB): folders, received parts, the modem mirror's bookkeeping,
/// the outbox, sessions, file transfers and the event cursor.
///
/// Every operation that reads, decides and writes runs in one write transaction, so concurrent callers (actions,
/// the mirror, the outbox worker) never interleave inside it, and a crash leaves either all of it or nothing.
public final class MessageStore: Sendable {
    package let writer: any DatabaseWriter
    /// The files of MMS attachments (`<path>-attachments/`, beside the database); `nil` for an in-memory store
    /// opened without a directory.
    package let attachmentFiles: AttachmentFiles?

    /// Opens (creating when missing) the database file at `path` in WAL mode and migrates it to the latest schema.
    /// Attachment files live in the directory `<path>-attachments` beside it.
    public convenience init(path: String) throws {
        try self.init(
            writer: MessageStoreDatabase.openFile(at: path),
            attachmentFiles: AttachmentFiles(directory: path + "-attachments")
        )
    }

    /// An in-memory store, for tests and benchmarks; attachment files go to `attachmentDirectory` when given.
    public static func inMemory(attachmentDirectory: String? = nil) throws -> MessageStore {
        try MessageStore(
            writer: MessageStoreDatabase.openInMemory(),
            attachmentFiles: attachmentDirectory.map(AttachmentFiles.init(directory:))
        )
    }

    /// Wraps an opened database and migrates it: to the latest schema, or only through the first `migrations`
    /// migrations (tests build old databases that way).
    package init(writer: any DatabaseWriter, migrations: Int? = nil, attachmentFiles: AttachmentFiles? = nil) throws {
        self.writer = writer
        self.attachmentFiles = attachmentFiles
        try MessageStoreMigrations.makeMigrator(upTo: migrations ?? MessageStoreMigrations.identifiers.count)
            .migrate(writer)
    }

    /// The migrations applied to the database, in order.
    package func appliedMigrations() throws -> [String] {
        try writer.read { db in try MessageStoreMigrations.makeMigrator().appliedMigrations(db) }
    }

    /// Applies the migrations not yet applied.
    package func migrateToLatest() throws {
        try MessageStoreMigrations.makeMigrator().migrate(writer)
    }
}

extension MessageStore {
    /// Gives memory back after a burst (a mirror pass that imported messages): SQLite's page caches and prepared
    /// statements (`sqlite3_db_release_memory`, sqlite.org/c3ref/db_release_memory.html) of the writer, the idle
    /// readers closed (GRDB reopens them on demand), then the heap's free pages to the kernel. glibc keeps freed
    /// memory in its arenas and returns only the top of the main one by itself; `malloc_trim(0)` also releases the
    /// free pages inside every arena (malloc_trim(3), glibc >= 2.8). Nothing stored changes.
    public func releaseMemory() async {
        (writer as? DatabasePool)?.releaseMemoryEventually()
        _ = try? await writer.writeWithoutTransaction { db in db.releaseMemory() }
        _ = cmalloc_trim()
    }
}
