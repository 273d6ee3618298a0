import TestSupport

/// The Messaging:2 schemas, SCPD and example instances in `Tests/Fixtures/spec/`.
enum SpecFiles {
    static func text(_ relativePath: String) throws -> String {
        try Fixtures.text("spec/\(relativePath)")
    }

    /// `examples/<subdirectory>/*.xml`, as paths relative to `spec/`; empty when the directory cannot be read
    /// (`FragmentTests.theExamplesAreThere` then fails).
    static func examples(_ subdirectory: String = "") -> [String] {
        let directory = subdirectory.isEmpty ? "examples" : "examples/\(subdirectory)"
        return ((try? Fixtures.fileNames(in: "spec/\(directory)", suffix: ".xml")) ?? []).map { "\(directory)/\($0)" }
    }
}
