import Foundation

/// The test fixtures in `Tests/Fixtures/` (what each file is, where it comes from and its licence:
/// `Tests/Fixtures/README.md`).
///
/// Found from this file's own path, so that the tests read the fixtures of the checkout they were built from,
/// wherever that is; nothing outside the repository is read.
package enum Fixtures {
    /// `Tests/Fixtures` (this file is `Tests/TestSupport/Fixtures.swift`).
    package static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The root of the repository the tests were built from (two levels above `Tests/Fixtures`).
    package static let repositoryDirectory = directory.deletingLastPathComponent().deletingLastPathComponent()

    /// A file the repository ships outside the fixtures, for the tests that check it (e.g.
    /// `"board/messagingd.conf"`): still inside the checkout, never beside it.
    package static func repositoryFile(_ path: String) -> URL {
        repositoryDirectory.appendingPathComponent(path)
    }

    /// The fixture at `path`, relative to `Tests/Fixtures` (e.g. `"at-transcripts/telit.json"`).
    package static func url(_ path: String) -> URL {
        directory.appendingPathComponent(path)
    }

    /// The bytes of the fixture at `path`.
    /// - Throws: when the file cannot be read.
    package static func data(_ path: String) throws -> Data {
        try Data(contentsOf: url(path))
    }

    /// The UTF-8 text of the fixture at `path`.
    /// - Throws: when the file cannot be read or is not UTF-8.
    package static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// The non-empty lines of the JSON-lines fixture at `path`, one record each.
    /// - Throws: when the file cannot be read.
    package static func lines(_ path: String) throws -> [Substring] {
        try text(path).split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// The names of the files directly in the fixture directory `subdirectory` whose names end in `suffix`, sorted.
    /// - Throws: when the directory cannot be read, so that a test over them never runs on an empty list unnoticed.
    package static func fileNames(in subdirectory: String, suffix: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: url(subdirectory).path)
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }
}
