import Foundation
import Testing

/// Executables of this package that tests run as separate processes (`modemctl`, `MessagingCrashHarness`).
///
/// The test command (`scripts/test`) builds everything first with `swift build --build-tests`, which puts them in the
/// same build directory as the test binary; a test that needs one fails when it is missing, and says how to build
/// it. It never passes without running.
package enum BuiltProducts {
    /// The build directory of the running test binary (e.g. `.build/x86_64-unknown-linux-gnu/debug`): the
    /// executables of the same build and configuration are next to it.
    package static var directory: URL {
        let binary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return binary.resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The built executable `name`.
    /// - Throws: after recording an issue, when it has not been built.
    package static func executable(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let url = directory.appendingPathComponent(name)
        let hint = "build everything first with `swift build --build-tests` (scripts/test does)"
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "\(name) is not built at \(url.path): \(hint)",
            sourceLocation: sourceLocation
        )
        return url
    }
}
