import Foundation
import TestSupport

/// The Messaging:2 schemas, SCPD and example instances in `Tests/Fixtures/spec/`, as real-world XML for the parser
/// and the schema validator.
enum SpecFiles {
    static let specDirectory = Fixtures.url("spec")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Fixtures.data("spec/\(relativePath)"))
    }

    /// `examples/<subdirectory>/*.xml`, as paths relative to `spec/`; empty when the directory cannot be read
    /// (`XMLSchemaTests` checks the counts).
    static func xmlFiles(in subdirectory: String) -> [String] {
        let directory = subdirectory.isEmpty ? "examples" : "examples/\(subdirectory)"
        return ((try? Fixtures.fileNames(in: "spec/\(directory)", suffix: ".xml")) ?? []).map { "\(directory)/\($0)" }
    }
}
