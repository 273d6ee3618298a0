import Foundation

/// A fresh directory under the system's temporary directory for one test's files (a database, a spool), removed by
/// ``remove()``: `let scratch = try ScratchDirectory("mstore"); defer { scratch.remove() }`.
package struct ScratchDirectory: Sendable {
    package let url: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    package init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Removes the directory and everything in it.
    package func remove() {
        // A file that vanishes during the walk (a closing SQLite connection deletes its -wal and -shm files) stops
        // the removal part-way: the rest is removed by another try.
        for _ in 0..<3 where FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.removeItem(at: url)
        }
    }
}
