import Foundation

/// The shared spec files, read at test time (never copied into the repository).
enum SpecFiles {
    /// Tests/MessagingUPnPTests/<file> → three levels up is the repository root.
    static let specDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/spec").standardizedFileURL

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: specDirectory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func examples(_ subdirectory: String = "") -> [String] {
        let directory = specDirectory.appendingPathComponent("examples").appendingPathComponent(subdirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map {
            subdirectory.isEmpty ? "examples/\($0)" : "examples/\(subdirectory)/\($0)"
        }
    }
}
