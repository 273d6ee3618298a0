internal import Logging
internal import MessagingServer

/// FuzzConfig: the configuration file (TOML) as messagingd reads it: the text into ``MessagingServerSettings``,
/// then merged with empty flags and validated into a ``MessagingServerConfiguration`` for a real and for a
/// simulated modem, then written out as `messagingd --check-config` does. Every refusal must be a thrown
/// ``MessagingServerError`` naming a key; nothing may trap. The outcome is the real-modem configuration.
enum ConfigFuzzing {
    static let source = "fuzz.conf"

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        // MessagingServerSettings.load(path:) refuses a file that is not UTF-8 before parsing it.
        guard let text = String(validating: bytes, as: UTF8.self) else { return .checked }
        checkTOMLRefusalPosition(text)
        let settings: MessagingServerSettings
        do {
            settings = try MessagingServerSettings(toml: text, source: source)
        } catch {
            check(error)
            return .refused(error)
        }
        var outcome = FuzzOutcome.checked
        for simulate in [false, true] {
            let merged = settings.overridden(by: MessagingServerSettings(), simulate: simulate)
            let configuration: MessagingServerConfiguration
            do {
                configuration = try merged.makeConfiguration(simulate: simulate)
            } catch {
                check(error)
                if !simulate { outcome = .refused(error) }
                continue
            }
            if !simulate { outcome = .accepted }
            let description = configuration.effectiveDescription(logLevel: settings.logLevel ?? .info, source: source)
            // The effective configuration is written in the file's layout: it must read back as a file.
            do {
                _ = try MessagingServerSettings(toml: description, source: "effective")
            } catch {
                preconditionFailure("--check-config output does not read back (\(error)):\n\(description)")
            }
        }
        return outcome
    }

    /// A refusal of the TOML reader points into the document: a line it has, a column from 1.
    private static func checkTOMLRefusalPosition(_ text: String) {
        do {
            _ = try TOMLTable(parsing: text)
        } catch {
            let lines = 1 + text.utf8.count { $0 == UInt8(ascii: "\n") }
            precondition(
                (1...lines).contains(error.line) && error.column >= 1,
                "a TOML refusal outside the document (\(lines) lines): \(error)"
            )
        }
    }

    private static func check(_ error: MessagingServerError) {
        precondition(error.code == .invalidConfiguration, "a refusal that is not a configuration error: \(error)")
        precondition(error.key.map { !$0.isEmpty } ?? false, "a refusal naming no key: \(error)")
    }

    static let samples: [[UInt8]] = [
        """
        log-level = "notice"
        [network]
        interfaces = ["eth0"]
        http-port = 8080
        [access]
        control = ["192.168.1.0/24", "fd00::/8"]
        [send]
        attempts = 3
        first-retry-delay = 2
        [[modem]]
        device = "/dev/ttyUSB2"
        pin = "4711"
        [[hooks.webhook]]
        url = "http://127.0.0.1:8123/sms"
        events = ["received"]
        """,
        "[network]\ninterfaces = [\"eth0\"]\nhttp-port = 70000\n[[modem]]\ndevice = \"/dev/ttyUSB2\"",
    ].map { Array($0.utf8) }
}
