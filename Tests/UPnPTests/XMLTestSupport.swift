import Foundation

/// Paths of the shared spec files, read at test time (HELPERS-COMMON.md: never copied into the repo).
enum SpecFiles {
    /// Repository root: Tests/UPnPTests/<file> → three levels up.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let specDirectory = repositoryRoot.appendingPathComponent("../shared/spec").standardizedFileURL
    static let examples = specDirectory.appendingPathComponent("examples")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: specDirectory.appendingPathComponent(relativePath)))
    }

    static func xmlFiles(in subdirectory: String) -> [String] {
        let directory = examples.appendingPathComponent(subdirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map {
            subdirectory.isEmpty ? "examples/\($0)" : "examples/\(subdirectory)/\($0)"
        }
    }
}
