import Foundation
import FuzzTargets
import MessagingServer
import TestSupport
import Testing

/// Every input a fuzzer crashed on, saved under Tests/Fixtures/fuzz-regressions/<target>/ (scripts/fuzz prints the
/// way), fed to the same entry logic the fuzzer ran (``FuzzTarget/run(_:)``): it must now come back with a value or a
/// typed error. A broken invariant traps as it did under libFuzzer, which fails the test run.
@Suite struct FuzzRegressionTests {
    static let directory = "fuzz-regressions"

    /// The saved inputs of `target`, by file name; none when the target never crashed.
    static func regressions(of target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let path = Fixtures.url(directory).appendingPathComponent(target.name).path
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try Fixtures.fileNames(in: "\(directory)/\(target.name)", suffix: "").map { name in
            (name, Array(try Fixtures.data("\(directory)/\(target.name)/\(name)")))
        }
    }

    @Test func everyDirectoryNamesATarget() throws {
        let names = try Fixtures.fileNames(in: Self.directory, suffix: "").filter { $0 != "README.md" }
        for name in names {
            #expect(FuzzTarget(rawValue: name) != nil, "\(name) is not a fuzzer of Fuzz/Package.swift")
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func savedCrashesNowGiveAValueOrATypedError(_ target: FuzzTarget) throws {
        for (name, bytes) in try Self.regressions(of: target) {
            let outcome = target.run(bytes)
            if case .refused(let error) = outcome {
                #expect(!String(describing: error).isEmpty, "\(target.name)/\(name)")
                if target == .config {
                    let refusal = try #require(error as? MessagingServerError, "\(name)")
                    #expect(refusal.code == .invalidConfiguration && refusal.key != nil, "\(name): \(refusal)")
                }
            }
        }
    }

    /// The samples each executable replays without libFuzzer: the checks are real, they accept good input.
    @Test(arguments: FuzzTarget.allCases)
    func samplesPassTheChecks(_ target: FuzzTarget) {
        #expect(!target.samples.isEmpty)
        for sample in target.samples { _ = target.run(sample) }
    }

    @Test func theConfigurationTargetAcceptsAFileAndNamesTheKeyItRefuses() throws {
        let samples = FuzzTarget.config.samples
        guard case .accepted = FuzzTarget.config.run(samples[0]) else {
            Issue.record("the complete sample was not accepted")
            return
        }
        guard case .refused(let error) = FuzzTarget.config.run(samples[1]) else {
            Issue.record("an HTTP port of 70000 was accepted")
            return
        }
        #expect((error as? MessagingServerError)?.key == "network.http-port")
        // The commented example the package installs is read as messagingd reads it.
        let example = try Data(contentsOf: Fixtures.repositoryFile("board/messagingd.conf"))
        guard case .accepted = FuzzTarget.config.run(Array(example)) else {
            Issue.record("board/messagingd.conf was not accepted")
            return
        }
    }

    @Test func theXMLTargetReadsTheSOAPRequestAndRefusesADoctype() {
        let samples = FuzzTarget.xml.samples
        guard case .accepted = FuzzTarget.xml.run(samples[3]) else {
            Issue.record("the ReadMessage envelope did not parse")
            return
        }
        guard case .refused = FuzzTarget.xml.run(samples[1]) else {
            Issue.record("a DOCTYPE was accepted")
            return
        }
    }
}
