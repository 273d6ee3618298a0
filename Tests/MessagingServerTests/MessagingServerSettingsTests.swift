import Foundation
import Logging
import Messaging
import MessagingServer
import TestSupport
import Testing
import UPnP

/// ``MessagingServerSettings``: the configuration file a person writes, flags over it, and every refusal naming the
/// key as the file writes it.
@Suite struct MessagingServerSettingsTests {
    static let complete = """
        # a comment
        log-level = "notice"

        [network]
        interfaces = ["eth0", "wlan0"]
        http-port = 8080
        ssdp-port = 1900

        [access]
        control = ["192.168.1.0/24", "127.0.0.1"]
        read-only = ["10.0.0.0/8"]

        [web]
        password = "open sesame"

        [messages]
        storage-policy = "keep"

        [send]
        attempts = 3
        first-retry-delay = 2
        max-retry-delay = 60
        status-reports = false

        [[modem]]
        device = "/dev/serial/by-id/usb-HUAWEI_Mobile-if00-port0"
        baud = 9600
        pin = "4711"
        smsc = "+491710760000"
        own-number = "+4917612345678"
        name = "Kitchen modem"
        database = "/srv/sms/messages.sqlite"
        """

    @Test func everyKeyReachesTheServerConfiguration() throws {
        let settings = try MessagingServerSettings(toml: Self.complete)
        #expect(settings.logLevel == .notice)
        let configuration = try settings.makeConfiguration(simulate: false)
        #expect(configuration.modem == .serial(path: "/dev/serial/by-id/usb-HUAWEI_Mobile-if00-port0"))
        #expect(configuration.baudRate == 9600)
        #expect(configuration.pin == "4711")
        #expect(configuration.messaging.serviceCentre == "+491710760000")
        #expect(configuration.messaging.ownNumber == "+4917612345678")
        #expect(configuration.friendlyName == "Kitchen modem")
        #expect(configuration.database == .file(path: "/srv/sms/messages.sqlite"))
        #expect(configuration.interfaces == ["eth0", "wlan0"])
        #expect(configuration.httpPort == 8080 && configuration.ssdpPort == 1900)
        #expect(configuration.access?.control.map(\.description) == ["192.168.1.0/24", "127.0.0.1/32"])
        #expect(configuration.access?.readOnly.map(\.description) == ["10.0.0.0/8"])
        #expect(configuration.webPassword == "open sesame")
        #expect(configuration.messaging.mirrorPolicy == .keepOnSIM)
        #expect(configuration.messaging.maximumSendAttempts == 3)
        #expect(configuration.messaging.initialRetryDelay == .seconds(2))
        #expect(configuration.messaging.maximumRetryDelay == .seconds(60))
        #expect(configuration.messaging.requestStatusReports == false)
    }

    @Test func anEmptyFileLeavesTheDefaults() throws {
        var flags = MessagingServerSettings()
        flags.modems = [MessagingServerSettings.Modem(device: "/dev/ttyUSB2")]
        flags.interfaces = ["eth0"]
        let configuration = try MessagingServerSettings(toml: "").overridden(by: flags).makeConfiguration(
            simulate: false
        )
        let defaults = MessagingConfiguration()
        #expect(configuration.database == .file(path: MessagingServerConfiguration.defaultDatabasePath))
        // A real modem's page stays at the same address: a fixed port unless configured otherwise.
        #expect(
            configuration.httpPort == MessagingServerConfiguration.defaultHTTPPort && configuration.httpPort == 8080
        )
        #expect(configuration.webPassword == nil)
        #expect(configuration.messaging.serviceCentre == nil && configuration.messaging.ownNumber == nil)
        #expect(configuration.messaging.mirrorPolicy == .move)
        #expect(configuration.messaging.maximumSendAttempts == defaults.maximumSendAttempts)
        #expect(configuration.access == nil)
        #expect(configuration.pin == nil)
    }

    @Test func flagsOverrideTheFileKeyByKey() throws {
        let file = try MessagingServerSettings(toml: Self.complete)
        var flags = MessagingServerSettings()
        flags.modems = [MessagingServerSettings.Modem(device: "/dev/ttyUSB5", database: "/tmp/other.sqlite")]
        flags.httpPort = 0
        flags.logLevel = .debug
        let merged = file.overridden(by: flags)
        #expect(merged.logLevel == .debug)
        let configuration = try merged.makeConfiguration(simulate: false)
        #expect(configuration.modem == .serial(path: "/dev/ttyUSB5"))
        #expect(configuration.database == .file(path: "/tmp/other.sqlite"))
        #expect(configuration.httpPort == 0)
        // What the flags do not name stays as the file says.
        #expect(configuration.pin == "4711" && configuration.baudRate == 9600)
        #expect(configuration.interfaces == ["eth0", "wlan0"])
        #expect(configuration.messaging.serviceCentre == "+491710760000")
    }

    @Test func simulateLeavesTheModemEntriesOut() throws {
        let file = try MessagingServerSettings(toml: Self.complete)
        let configuration = try file.overridden(by: MessagingServerSettings(), simulate: true)
            .makeConfiguration(simulate: true)
        #expect(configuration.modem == .simulated)
        #expect(configuration.pin == nil && configuration.messaging.serviceCentre == nil)
        // Never the real modem's database.
        #expect(configuration.database == .temporaryDirectory)
        // The other sections still apply.
        #expect(configuration.interfaces == ["eth0", "wlan0"] && configuration.messaging.maximumSendAttempts == 3)
        // A database given with the flags (--db) does.
        var flags = MessagingServerSettings()
        flags.modems = [MessagingServerSettings.Modem(database: "/tmp/simulated.sqlite")]
        let withDB = try file.overridden(by: flags, simulate: true).makeConfiguration(simulate: true)
        #expect(withDB.database == .file(path: "/tmp/simulated.sqlite"))
    }

    /// Each case is a file (or the complete one with one line changed) and the key its refusal names.
    static let refusals: [(toml: String, key: String)] = [
        ("lgo-level = \"info\"", "lgo-level"),
        // A key that is not bare is named as the file quotes it; the empty key too (found by FuzzConfig).
        ("\"\" = 1", "\"\""),
        ("[network]\n\"http.port\" = 80", "network.\"http.port\""),
        ("[network]\ninterface = [\"eth0\"]", "network.interface"),
        ("[netwrok]\ninterfaces = [\"eth0\"]", "netwrok"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\nown_number = \"+4917612345678\"", "modem.own_number"),
        ("[send]\nattempts = \"3\"", "send.attempts"),
        ("[network]\ninterfaces = \"eth0\"", "network.interfaces"),
        ("[network]\ninterfaces = [\"eth0\", 1]", "network.interfaces[2]"),
        ("log-level = \"loud\"", "log-level"),
        ("[messages]\nstorage-policy = \"delete\"", "messages.storage-policy"),
        ("[access]\ncontrol = [\"192.168.1.0/33\"]", "access.control"),
        ("[access]\ncontrol = []\nread-only = []\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "access"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\npin = \"12\"", "modem.pin"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\npin = 1234", "modem.pin"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\nsmsc = \"0171076\"", "modem.smsc"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\nown-number = \"12345\"", "modem.own-number"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\nbaud = 115000", "modem.baud"),
        ("[[modem]]\nname = \"no device\"", "modem.device"),
        ("[network]\ninterfaces = [\"eth 0\"]\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "network.interfaces"),
        ("[network]\nhttp-port = 70000\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "network.http-port"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\n[[modem]]\ndevice = \"/dev/ttyUSB3\"", "modem[2].database"),
        (
            "[[modem]]\ndevice = \"/dev/ttyUSB2\"\ndatabase = \"/var/lib/m/1/m.sqlite\"\n"
                + "[[modem]]\ndevice = \"/dev/ttyUSB2\"\ndatabase = \"/var/lib/m/2/m.sqlite\"",
            "modem[2].device"
        ),
        (
            "[[modem]]\ndevice = \"/dev/ttyUSB2\"\ndatabase = \"/var/lib/m/m.sqlite\"\n"
                + "[[modem]]\ndevice = \"/dev/ttyUSB3\"\ndatabase = \"/var/lib/m/m.sqlite\"",
            "modem[2].database"
        ),
        (
            "[[modem]]\ndevice = \"/dev/ttyUSB2\"\ndatabase = \"/var/lib/m/1/m.sqlite\"\npin = \"12\"\n"
                + "[[modem]]\ndevice = \"/dev/ttyUSB3\"\ndatabase = \"/var/lib/m/2/m.sqlite\"",
            "modem[1].pin"
        ),
        (
            "[[modem]]\ndevice = \"/dev/ttyUSB2\"\ndatabase = \"/var/lib/m/1/m.sqlite\"\n"
                + "[[modem]]\ndevice = \"/dev/ttyUSB3\"\ndatabase = \"/var/lib/m/2/m.sqlite\"\nsmsc = \"0171\"",
            "modem[2].smsc"
        ),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\n[[modem]]\ndatabase = \"/var/lib/m/2/m.sqlite\"", "modem[2].device"),
        ("[[modem]]\ndevice = \"/dev/ttyUSB2\"\n[[modem]]\ndevic = \"/dev/ttyUSB3\"", "modem[2].devic"),
        ("[hooks]\non-recieve = \"/bin/true\"", "hooks.on-recieve"),
        ("[hooks]\non-receive = []", "hooks.on-receive"),
        ("[hooks]\non-receive = \"true\"\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "hooks.on-receive"),
        ("[hooks]\non-sent = \"/nonexistent/hook\"\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "hooks.on-sent"),
        ("[hooks]\nconcurrency = 0\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "hooks.concurrency"),
        ("[hooks]\ntimeout = 0\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "hooks.timeout"),
        ("[[hooks.webhook]]\nsecret = \"s\"", "hooks.webhook.url"),
        ("[[hooks.webhook]]\nurl = \"http://h/\"\nsecrte = \"s\"", "hooks.webhook.secrte"),
        ("[[hooks.webhook]]\nurl = \"http://h/\"\nevents = [\"recieved\"]", "hooks.webhook.events"),
        ("[[hooks.webhook]]\nurl = \"ftp://h/\"\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "hooks.webhook"),
    ]

    @Test func theHookKeysReachTheServerConfiguration() throws {
        let settings = try MessagingServerSettings(
            toml: """
                [hooks]
                on-receive = "/bin/true"
                on-failed = ["/bin/echo", "failed"]
                timeout = 7
                concurrency = 2
                first-retry-delay = 3
                max-retry-delay = 60
                give-up-after = 3600
                [[hooks.webhook]]
                url = "http://127.0.0.1:8123/sms"
                events = ["received", "failed"]
                secret = "s3cret"
                [[hooks.webhook]]
                url = "https://[::1]/all"
                """
        )
        var flags = MessagingServerSettings()
        flags.hooks.onSent = ["/bin/true"]
        let hooks = try settings.overridden(by: flags, simulate: true).makeConfiguration(simulate: true).hooks
        #expect(hooks.onReceive == ["/bin/true"])
        #expect(hooks.onSent == ["/bin/true"])
        #expect(hooks.onFailed == ["/bin/echo", "failed"])
        #expect(hooks.delivery.timeout == .seconds(7))
        #expect(hooks.delivery.maximumConcurrent == 2)
        #expect(hooks.delivery.initialRetryDelay == .seconds(3))
        #expect(hooks.delivery.maximumRetryDelay == .seconds(60))
        #expect(hooks.delivery.giveUpAfter == .seconds(3600))
        #expect(
            hooks.webhooks == [
                .init(url: "http://127.0.0.1:8123/sms", events: [.received, .failed], secret: "s3cret"),
                .init(url: "https://[::1]/all"),
            ]
        )
    }

    @Test(arguments: refusals)
    func eachRefusalNamesTheKey(_ refusal: (toml: String, key: String)) throws {
        let error = #expect(throws: MessagingServerError.self) {
            var settings = try MessagingServerSettings(toml: refusal.toml)
            // A file without an interface gets one, so that each case breaks only what it means to break.
            if settings.interfaces == nil { settings.interfaces = ["eth0"] }
            _ = try settings.makeConfiguration(simulate: false)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.key == refusal.key, "\(refusal.toml): \(String(describing: error))")
        // One line for a person.
        #expect(error.map { !$0.description.contains("\n") } ?? false)
    }

    @Test func twoModemsWithoutTheirOwnDatabasesAreRefusedNamingTheEntry() throws {
        let settings = try MessagingServerSettings(
            toml: "[[modem]]\ndevice = \"/dev/ttyUSB2\"\n[[modem]]\ndevice = \"/dev/ttyUSB5\""
        )
        #expect(settings.modems.map(\.device) == ["/dev/ttyUSB2", "/dev/ttyUSB5"])
        let error = #expect(throws: MessagingServerError.self) { try settings.makeConfiguration(simulate: false) }
        #expect(error?.key == "modem[2].database")
        #expect(error?.description.contains("its own database") == true)
    }

    @Test func twoModemEntriesAreTwoDevicesOnConsecutivePorts() throws {
        var settings = try MessagingServerSettings(
            toml: """
                [network]
                interfaces = ["eth0"]
                http-port = 8080
                [[modem]]
                device = "/dev/ttyUSB2"
                database = "/var/lib/messagingd/modem1/messages.sqlite"
                pin = "2468"
                [[modem]]
                device = "/dev/ttyUSB5"
                database = "/var/lib/messagingd/modem2/messages.sqlite"
                name = "Second SIM"
                own-number = "+4917612345678"
                smsc = "+491710760000"
                pin = "1357"
                """
        )
        let configuration = try settings.makeConfiguration(simulate: false)
        let modems = configuration.modemConfigurations()
        #expect(modems.map(\.modem) == [.serial(path: "/dev/ttyUSB2"), .serial(path: "/dev/ttyUSB5")])
        #expect(modems.map(\.httpPort) == [8080, 8081])
        #expect(modems.map(\.pin) == ["2468", "1357"])
        #expect(modems.map(\.friendlyName) == ["ModemMessaging 1", "Second SIM"])
        #expect(modems.map(\.messaging.ownNumber) == [nil, "+4917612345678"])
        #expect(modems.map(\.messaging.serviceCentre) == [nil, "+491710760000"])
        #expect(modems.allSatisfy { $0.interfaces == ["eth0"] && $0.additionalModems.isEmpty })
        // --check-config shows both entries, both PINs masked.
        let text = configuration.effectiveDescription(logLevel: .info, source: nil)
        #expect(text.components(separatedBy: "[[modem]]").count - 1 == 2)
        #expect(!text.contains("2468") && !text.contains("1357"))
        #expect(text.contains("# http port: 8081 (modem 2)"))

        // The command line's modem keys apply to the first entry.
        var flags = MessagingServerSettings()
        flags.modems = [MessagingServerSettings.Modem(device: "/dev/ttyACM0")]
        settings = settings.overridden(by: flags)
        let overridden = try settings.makeConfiguration(simulate: false).modemConfigurations()
        #expect(overridden.map(\.modem) == [.serial(path: "/dev/ttyACM0"), .serial(path: "/dev/ttyUSB5")])
    }

    @Test func severalSimulatedModemsShareNothingButTheNetwork() throws {
        var flags = MessagingServerSettings()
        flags.simulatedModems = 3
        let file = try MessagingServerSettings(toml: Self.complete)
        let configuration = try file.overridden(by: flags, simulate: true).makeConfiguration(simulate: true)
        let modems = configuration.modemConfigurations()
        #expect(modems.map(\.modem) == [.simulated, .simulated, .simulated])
        #expect(modems.allSatisfy { $0.database == .temporaryDirectory })
        #expect(modems[2].friendlyName == "ModemMessaging (simulated +15550000003)")
        // One --db for several simulated modems is refused; so is a count out of range.
        flags.modems = [MessagingServerSettings.Modem(database: "/tmp/simulated.sqlite")]
        let error = #expect(throws: MessagingServerError.self) {
            try file.overridden(by: flags, simulate: true).makeConfiguration(simulate: true)
        }
        #expect(error?.key == "modem.database")
        flags.modems = []
        flags.simulatedModems = 0
        let count = #expect(throws: MessagingServerError.self) {
            try file.overridden(by: flags, simulate: true).makeConfiguration(simulate: true)
        }
        #expect(count?.key == "simulate-modems")
    }

    @Test func aSyntaxErrorNamesItsLine() throws {
        let error = #expect(throws: MessagingServerError.self) {
            try MessagingServerSettings(toml: "log-level = \"info\"\n[network\ninterfaces = []", source: "my.conf")
        }
        #expect(error?.key?.hasPrefix("my.conf:2:") == true, "\(String(describing: error))")
    }

    @Test func aNamedFileThatDoesNotExistIsRefusedAndAMissingDefaultIsSkipped() throws {
        let scratch = try ScratchDirectory("settings")
        defer { scratch.remove() }
        let missing = scratch.path("missing.conf")
        let error = #expect(throws: MessagingServerError.self) {
            try MessagingServerSettings.loadConfiguration(path: missing)
        }
        #expect(error?.description == "configuration file \(missing) does not exist")
        let none = try MessagingServerSettings.loadConfiguration(path: nil, defaultPath: missing)
        #expect(none.path == nil && none.settings == MessagingServerSettings())

        try Data("[network]\ninterfaces = [\"eth1\"]\n".utf8).write(to: URL(fileURLWithPath: scratch.path("d.conf")))
        let found = try MessagingServerSettings.loadConfiguration(path: nil, defaultPath: scratch.path("d.conf"))
        #expect(found.path == scratch.path("d.conf") && found.settings.interfaces == ["eth1"])
    }

    @Test func theExampleConfigurationIsValidAndCommented() throws {
        let url = Fixtures.repositoryFile("board/messagingd.conf")
        let text = try String(contentsOf: url, encoding: .utf8)
        let settings = try MessagingServerSettings.load(path: url.path)
        let configuration = try settings.makeConfiguration(simulate: false)
        #expect(configuration.modem == .serial(path: "/dev/gsmmodem"))
        #expect(configuration.interfaces == ["eth0"])
        #expect(configuration.access != nil)
        // Every key of the file's layout appears in the example, set or commented out, with a comment above it.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keys = [
            "log-level", "interfaces", "http-port", "ssdp-port", "control", "read-only", "storage-policy", "attempts",
            "first-retry-delay", "max-retry-delay", "status-reports", "device", "baud", "pin", "smsc", "own-number",
            "name", "database", "password", "mmsc-url", "mms-proxy", "mms-interface", "max-size",
        ]
        for key in keys {
            let index = lines.firstIndex { $0.hasPrefix("\(key) = ") || $0.hasPrefix("#\(key) = ") }
            #expect(index != nil, "\(key) is not in the example")
            if let index { #expect(index > 0 && lines[index - 1].hasPrefix("#"), "\(key) has no comment above it") }
        }
    }

    @Test func theEffectiveDescriptionMasksThePINAndReadsBack() throws {
        let configuration = try MessagingServerSettings(toml: Self.complete).makeConfiguration(simulate: false)
        let text = configuration.effectiveDescription(logLevel: .notice, source: "/etc/messagingd/messagingd.conf")
        #expect(text.contains("pin = \"****\""))
        #expect(!text.contains("4711"))
        #expect(text.contains("[web]\npassword = \"****\""))
        #expect(!text.contains("open sesame"))
        // The description is itself a configuration file giving the same configuration (the PIN aside).
        var reread = try MessagingServerSettings(toml: text)
        #expect(reread.modems.first?.pin == "****")
        reread.modems[0].pin = "4711"
        #expect(reread.logLevel == .notice)
        let again = try reread.makeConfiguration(simulate: false)
        #expect(again.modem == configuration.modem && again.database == configuration.database)
        #expect(again.interfaces == configuration.interfaces && again.access == configuration.access)
        #expect(again.messaging.serviceCentre == configuration.messaging.serviceCentre)
        #expect(again.messaging.ownNumber == configuration.messaging.ownNumber)
        #expect(again.messaging.maximumRetryDelay == configuration.messaging.maximumRetryDelay)
        #expect(again.friendlyName == configuration.friendlyName && again.baudRate == configuration.baudRate)
    }

    /// Found by FuzzConfig: a value the file wrote with an escape (a control character in the name, a quotation mark
    /// and a backslash in a path) came out raw in --check-config's file, which TOML then refused.
    @Test func theEffectiveDescriptionEscapesWhatTOMLMustEscape() throws {
        let file = #"""
            [network]
            interfaces = ["eth0"]
            [[modem]]
            device = "/dev/serial/by-id/a\\b\"c"
            name = "Kitchen\u0001\tmodem\nline\u007F"
            """#
        let configuration = try MessagingServerSettings(toml: file).makeConfiguration(simulate: false)
        #expect(configuration.friendlyName == "Kitchen\u{01}\tmodem\nline\u{7F}")
        let text = configuration.effectiveDescription(logLevel: .info, source: nil)
        #expect(text.contains("name = \"Kitchen\\u0001\tmodem\\nline\\u007F\""))
        #expect(text.contains(#"device = "/dev/serial/by-id/a\\b\"c""#))
        let again = try MessagingServerSettings(toml: text).makeConfiguration(simulate: false)
        #expect(again.friendlyName == configuration.friendlyName && again.modem == configuration.modem)
    }

    /// Found by FuzzConfig: a raw control character in a table header made the former C++ parser (toml++) abort the
    /// process; every raw control character but tab and line breaks (TOML v1.0.0) is refused, naming its line and
    /// column, and a NUL does not cut the file short.
    @Test(arguments: [
        ("[[\u{1F}[[modem]]\n", "fuzz.conf:1:3", "001F"),
        ("[network]\ninterfaces = [\"eth0\"]\u{0}\n[[modem]]\ndevice = \"/dev/ttyUSB2\"", "fuzz.conf:2:22", "0000"),
        ("log-level = \"info\" # a comment\u{7F}", "fuzz.conf:1:31", "007F"),
        ("log-level = \"info\"\r# a lone CR", "fuzz.conf:1:19", "000D"),
    ])
    func aRawControlCharacterIsASyntaxError(toml: String, key: String, code: String) {
        #expect {
            try MessagingServerSettings(toml: toml, source: "fuzz.conf")
        } throws: { error in
            guard let error = error as? MessagingServerError else { return false }
            return error.code == .invalidConfiguration && error.key == key && error.reason.contains("U+\(code)")
        }
    }

    @Test func tabsAndCRLFLineBreaksStandRaw() throws {
        let settings = try MessagingServerSettings(toml: "log-level\t= \"notice\"\r\n[network]\r\nhttp-port = 8080\r\n")
        #expect(settings.logLevel == .notice && settings.httpPort == 8080)
    }

    /// Found by FuzzConfig: a table header whose key starts with neither a name character nor a quote (`[[:x]]`)
    /// made the former C++ parser (toml++) abort the process; it is a syntax error naming the position.
    @Test(arguments: [
        ("[[:modem]]\ndevice = \"/dev/ttyUSB2\"", "fuzz.conf:1:3"),
        ("log-level = \"info\"\n  [ ]", "fuzz.conf:2:5"),
        ("[network]\n[=x]", "fuzz.conf:2:2"),
        ("log-level = \"notice\"\r\n[+network]\r\nhttp-port = 8080\r\n", "fuzz.conf:2:2"),
    ])
    func aTableHeaderWithoutAKeyIsASyntaxError(toml: String, key: String) {
        #expect {
            try MessagingServerSettings(toml: toml, source: "fuzz.conf")
        } throws: { error in
            (error as? MessagingServerError)?.key == key
        }
    }

    @Test func quotedTableNamesAndBracketsInsideMultilineStringsAreNotHeaders() throws {
        let settings = try MessagingServerSettings(
            toml: "[\"network\"]\nhttp-port = 8080\n[web]\npassword = \"\"\"\n[:not a header\n\"\"\"\n"
        )
        #expect(settings.httpPort == 8080 && settings.webPassword == "[:not a header\n")
    }
}
