import Foundation
import Logging
import MessagingServer
import TestSupport
import Testing

/// The `[mms]` section and its flags: values reach ``MMSConfiguration``, each refusal names its key, and
/// `--check-config` prints them.
@Suite struct MMSSettingsTests {
    static let section = """
        [network]
        interfaces = ["eth0"]
        [access]
        control = ["192.168.1.0/24"]
        [[modem]]
        device = "/dev/ttyUSB2"
        [mms]
        mmsc-url = "http://mms.example.net/servlets/mms"
        mms-proxy = "10.0.0.10:8080"
        mms-interface = "wwan0"
        max-size = 614400
        """

    @Test func theSectionReachesTheConfiguration() throws {
        let configuration = try MessagingServerSettings(toml: Self.section).makeConfiguration(simulate: false)
        #expect(
            configuration.mms
                == MMSConfiguration(
                    mmscURL: "http://mms.example.net/servlets/mms",
                    proxy: .init(host: "10.0.0.10", port: 8080),
                    interface: "wwan0",
                    maximumSize: 614_400
                )
        )
        // Without the section MMS is off; with only the URL the defaults apply.
        var settings = try MessagingServerSettings(toml: "[network]\ninterfaces = [\"eth0\"]")
        #expect(try settings.makeConfiguration(simulate: true).mms == nil)
        settings.mmscURL = "http://mms.example.net/"
        let mms = try #require(try settings.makeConfiguration(simulate: true).mms)
        #expect(mms.maximumSize == 300 * 1024 && mms.proxy == nil && mms.interface == nil)
    }

    @Test func flagsOverrideTheSectionKeyByKey() throws {
        var flags = MessagingServerSettings()
        flags.mmsProxy = "[fd00::1]:80"
        flags.mmsMaximumSize = 102_400
        let file = try MessagingServerSettings(toml: Self.section)
        let mms = try #require(try file.overridden(by: flags).makeConfiguration(simulate: false).mms)
        #expect(mms.proxy == .init(host: "fd00::1", port: 80))
        #expect(mms.proxy?.description == "[fd00::1]:80")
        #expect(mms.maximumSize == 102_400)
        #expect(mms.interface == "wwan0" && mms.mmscURL == "http://mms.example.net/servlets/mms")
    }

    static let refusals: [(toml: String, key: String)] = [
        ("[mms]\nmmsc-url = \"http://m/\"\nproxy = \"a:1\"", "mms.proxy"),
        ("[mms]\nmmsc-url = \"ftp://m/\"", "mms.mmsc-url"),
        ("[mms]\nmmsc-url = 3", "mms.mmsc-url"),
        ("[mms]\nmms-proxy = \"10.0.0.10:8080\"", "mms.mmsc-url"),
        ("[mms]\nmmsc-url = \"http://m/\"\nmms-proxy = \"10.0.0.10\"", "mms.mms-proxy"),
        ("[mms]\nmmsc-url = \"http://m/\"\nmms-proxy = \"10.0.0.10:70000\"", "mms.mms-proxy"),
        ("[mms]\nmmsc-url = \"https://m/\"\nmms-proxy = \"10.0.0.10:80\"", "mms.mms-proxy"),
        ("[mms]\nmmsc-url = \"http://m/\"\nmms-interface = \"wwan 0\"", "mms.mms-interface"),
        ("[mms]\nmmsc-url = \"http://m/\"\nmax-size = 10", "mms.max-size"),
    ]

    @Test(arguments: refusals)
    func eachRefusalNamesTheKey(_ refusal: (toml: String, key: String)) throws {
        let error = #expect(throws: MessagingServerError.self) {
            _ = try MessagingServerSettings(toml: refusal.toml).makeConfiguration(simulate: true)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.key == refusal.key, "\(refusal.toml): \(String(describing: error))")
    }

    @Test func theEffectiveDescriptionReadsBack() throws {
        let configuration = try MessagingServerSettings(toml: Self.section).makeConfiguration(simulate: false)
        let text = configuration.effectiveDescription(logLevel: .info, source: nil)
        #expect(
            text.contains("[mms]\nmmsc-url = \"http://mms.example.net/servlets/mms\"\nmms-proxy = \"10.0.0.10:8080\"")
        )
        #expect(try MessagingServerSettings(toml: text).makeConfiguration(simulate: false).mms == configuration.mms)
        let off = try MessagingServerSettings(toml: "[network]\ninterfaces = [\"eth0\"]").makeConfiguration(
            simulate: true
        )
        #expect(off.effectiveDescription(logLevel: .info, source: nil).contains("[mms]\n# mmsc-url: not set"))
    }

    @Test func checkConfigPrintsTheFlags() async throws {
        let messagingd = try BuiltProducts.executable("messagingd")
        let run = try await Subprocess.run(
            messagingd,
            [
                "--simulate", "--interface", "lo", "--check-config", "--mmsc-url", "http://127.0.0.1:8002/mms",
                "--mms-proxy", "127.0.0.1:8002", "--mms-interface", "lo", "--mms-max-size", "204800",
            ]
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.lines.contains("mmsc-url = \"http://127.0.0.1:8002/mms\""))
        #expect(run.lines.contains("mms-proxy = \"127.0.0.1:8002\""))
        #expect(run.lines.contains("mms-interface = \"lo\""))
        #expect(run.lines.contains("max-size = 204800"))
        let bad = try await Subprocess.run(messagingd, ["--simulate", "--check-config", "--mms-proxy", "x:1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("mms.mmsc-url:"), "\(bad.stderr)")
    }
}
