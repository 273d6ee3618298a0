import Foundation
import TestSupport
import Testing

/// `messagingd --check-config` as a separate process: the effective configuration with the PIN masked and exit 0,
/// or one line naming the key and a non-zero exit.
@Suite struct MessagingDaemonCheckConfigTests {
    static let good = """
        log-level = "warning"
        [network]
        interfaces = ["eth0"]
        [access]
        control = ["192.168.1.0/24"]
        [[modem]]
        device = "/dev/ttyUSB2"
        pin = "4711"
        own-number = "+4917612345678"
        """

    func checkConfig(_ toml: String, _ extra: [String] = []) async throws -> Subprocess.Run {
        let scratch = try ScratchDirectory("check-config")
        defer { scratch.remove() }
        let path = scratch.path("messagingd.conf")
        try Data(toml.utf8).write(to: URL(fileURLWithPath: path))
        let messagingd = try BuiltProducts.executable("messagingd")
        return try await Subprocess.run(messagingd, ["--config", path, "--check-config"] + extra)
    }

    @Test func aGoodFilePrintsTheEffectiveConfigurationWithThePINMasked() async throws {
        let run = try await checkConfig(Self.good)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.lines.contains("interfaces = [\"eth0\"]"))
        #expect(run.lines.contains("device = \"/dev/ttyUSB2\""))
        #expect(run.lines.contains("own-number = \"+4917612345678\""))
        #expect(run.lines.contains("log-level = \"warning\""))
        #expect(run.lines.contains("control = [\"192.168.1.0/24\"]"))
        // Defaults the file does not set are shown too.
        #expect(run.lines.contains("storage-policy = \"move\""))
        #expect(run.lines.contains("pin = \"****\""))
        #expect(!run.stdout.contains("4711") && !run.stderr.contains("4711"))
    }

    @Test func flagsOverrideTheFile() async throws {
        let run = try await checkConfig(Self.good, ["--device", "/dev/ttyACM0", "--interface", "wlan0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.lines.contains("device = \"/dev/ttyACM0\""))
        #expect(run.lines.contains("interfaces = [\"wlan0\"]"))
    }

    @Test func aPINOnTheCommandLineIsUsedWithAWarning() async throws {
        let withoutPIN = Self.good.replacingOccurrences(of: "pin = \"4711\"\n", with: "")
        let run = try await checkConfig(withoutPIN, ["--pin", "8642"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.lines.contains("pin = \"****\""))
        #expect(run.stderr.contains("warning") && run.stderr.contains("--pin shows the SIM PIN"), "\(run.stderr)")
        #expect(!run.stdout.contains("8642") && !run.stderr.contains("8642"))
        // Without --pin there is no warning.
        #expect(try await checkConfig(Self.good).stderr.isEmpty)
    }

    /// A bad file, and the key its one line names.
    static let bad: [(toml: String, key: String)] = [
        (good.replacingOccurrences(of: "own-number", with: "own_number"), "modem.own_number"),
        (good.replacingOccurrences(of: "\"4711\"", with: "\"47\""), "modem.pin"),
        (good.replacingOccurrences(of: "[\"eth0\"]", with: "[\"eth0/1\"]"), "network.interfaces"),
    ]

    @Test(arguments: bad)
    func aBadFileGivesOneLineNamingTheKey(_ bad: (toml: String, key: String)) async throws {
        let run = try await checkConfig(bad.toml)
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.contains(bad.key + ":") == true, "\(run.stderr)")
        #expect(!run.stderr.contains("4711"))
    }

    @Test func aNamedFileThatDoesNotExistIsRefused() async throws {
        let messagingd = try BuiltProducts.executable("messagingd")
        let run = try await Subprocess.run(messagingd, ["--config", "/nonexistent/messagingd.conf", "--check-config"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/nonexistent/messagingd.conf does not exist"), "\(run.stderr)")
    }
}
