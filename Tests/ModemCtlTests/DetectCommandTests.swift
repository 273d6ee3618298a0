import Foundation
import TestSupport
import Testing

/// `modemctl detect` as a separate process on this machine's libudev (no modem stick here, usually; a stick plugged
/// in must show up as a modem or a problem, and the exit status must agree).
@Suite struct DetectCommandTests {
    @Test func detectPrintsJSONWhoseModemsAgreeWithTheExitStatus() async throws {
        let run = try await Subprocess.run(try BuiltProducts.executable("modemctl"), ["detect", "--json"])
        let line = try #require(run.lines.last, "no output; stderr: \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let modems = try #require(object["modems"] as? [[String: Any]])
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(run.status == (modems.isEmpty ? 1 : 0))
        for modem in modems {
            #expect((modem["port"] as? String)?.hasPrefix("/dev/") == true)
        }
        for problem in problems {
            #expect(!((problem["advice"] as? String) ?? "").isEmpty)
        }
    }

    @Test func detectSaysSoWhenNothingIsFound() async throws {
        let run = try await Subprocess.run(try BuiltProducts.executable("modemctl"), ["detect"])
        if run.status == 1 {
            #expect(run.stdout.contains("no modem stick found") || run.stdout.contains("cannot use"))
        } else {
            #expect(run.stdout.contains("AT port"))
        }
    }
}
