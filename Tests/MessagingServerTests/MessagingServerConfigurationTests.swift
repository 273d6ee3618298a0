import Logging
import Messaging
import MessagingServer
import Modem
import Testing
import UPnP
import UnixSignals

/// ``MessagingServerConfiguration``: the defaults of each modem, and every key that `validate()` refuses, named.
@Suite struct MessagingServerConfigurationTests {
    @Test func defaultsFollowTheModem() throws {
        let simulated = MessagingServerConfiguration(modem: .simulated)
        #expect(simulated.interfaces == ["lo"] && simulated.database == .temporaryDirectory)
        #expect(simulated.friendlyName == "ModemMessaging (simulated +15550000001)")
        #expect(simulated.httpPort == 0 && simulated.ssdpPort == 1900 && simulated.baudRate == 115_200)
        #expect(simulated.gracefulShutdownSignals == [.sigterm, .sigint])
        try simulated.validate()

        let none = MessagingServerConfiguration(modem: .none)
        #expect(none.interfaces == ["lo"] && none.database == .temporaryDirectory)
        try none.validate()

        // A real modem: the database under /var/lib, and no interface until one is named.
        var serial = MessagingServerConfiguration(modem: .serial(path: "/dev/ttyUSB2"))
        #expect(serial.database == .file(path: "/var/lib/messagingd/messages.sqlite"))
        #expect(serial.interfaces.isEmpty)
        #expect(serial.httpPort == MessagingServerConfiguration.defaultHTTPPort)
        #expect(Self.refusedKey(serial) == "interfaces")
        serial.interfaces = ["eth0"]
        try serial.validate()
    }

    /// Each case breaks one key of an otherwise valid configuration.
    static let refusals: [(key: String, change: @Sendable (inout MessagingServerConfiguration) -> Void)] = [
        ("modem", { $0.modem = .serial(path: "") }),
        (
            "baudRate",
            {
                $0.modem = .automatic
                $0.baudRate = 115_000
            }
        ),
        (
            "baudRate",
            {
                $0.modem = .serial(path: "/dev/ttyUSB2")
                $0.baudRate = 115_000
            }
        ),
        ("pin", { $0.pin = "123" }),
        ("pin", { $0.pin = "123456789" }),
        ("pin", { $0.pin = "12\"4" }),
        ("database", { $0.database = .file(path: "") }),
        ("interfaces", { $0.interfaces = [] }),
        ("interfaces", { $0.interfaces = ["lo", ""] }),
        ("interfaces", { $0.interfaces = ["a-very-long-interface"] }),
        ("interfaces", { $0.interfaces = ["eth 0"] }),
        ("httpPort", { $0.httpPort = -1 }),
        ("httpPort", { $0.httpPort = 65536 }),
        ("ssdpPort", { $0.ssdpPort = 70000 }),
        ("webPassword", { $0.webPassword = "" }),
        ("webPassword", { $0.webPassword = String(repeating: "x", count: 257) }),
        ("friendlyName", { $0.friendlyName = "" }),
        ("friendlyName", { $0.friendlyName = String(repeating: "x", count: 64) }),
        ("upnpLimits", { $0.upnpLimits.maximumSubscriptions = 0 }),
        ("messaging.ownNumber", { $0.messaging.ownNumber = "15550000001" }),
        ("messaging.ownNumber", { $0.messaging.ownNumber = "+1234567890123456" }),
        ("messaging.maximumSegments", { $0.messaging.maximumSegments = 0 }),
        ("messaging.eventSubscriberBuffer", { $0.messaging.eventSubscriberBuffer = 0 }),
        ("messaging.mirrorInterval", { $0.messaging.mirrorInterval = .zero }),
        ("messaging.initialRetryDelay", { $0.messaging.initialRetryDelay = .seconds(700) }),
    ]

    @Test(arguments: refusals.indices)
    func validateNamesTheRefusedKey(case index: Int) {
        var configuration = MessagingServerConfiguration(modem: .simulated)
        Self.refusals[index].change(&configuration)
        #expect(Self.refusedKey(configuration) == Self.refusals[index].key)
    }

    @Test func acceptedValuesAtTheEdges() throws {
        var configuration = MessagingServerConfiguration(modem: .serial(path: "/dev/gsmmodem"))
        configuration.interfaces = ["eth0", "wlan0"]
        configuration.baudRate = 921_600
        configuration.pin = "12345678"
        configuration.httpPort = 65535
        configuration.ssdpPort = 0
        configuration.friendlyName = String(repeating: "x", count: 63)
        configuration.messaging.ownNumber = "+123456789012345"
        configuration.database = .inMemory
        try configuration.validate()
    }

    /// The server refuses to build from a configuration that does not validate, before it opens anything.
    @Test func theServerValidatesBeforeItOpensAnything() async {
        var configuration = MessagingServerConfiguration(modem: .serial(path: "/nonexistent/tty"))
        configuration.interfaces = []
        await #expect {
            _ = try await MessagingServer(configuration: configuration, logger: .init(label: "test"))
        } throws: { error in
            (error as? MessagingServerError)?.code == .invalidConfiguration
                && (error as? MessagingServerError)?.key == "interfaces"
        }
        // Valid, but the port is not there: not a reason to stop. The server builds, and its supervisor looks for
        // the device (it may be mode-switching, or be plugged in later).
        configuration.interfaces = ["lo"]
        configuration.database = .inMemory
        let server = try? await MessagingServer(configuration: configuration, logger: .init(label: "test"))
        #expect(server?.modemSupervisor?.status.state == .waitingForDevice(attempt: 0))
    }

    static func refusedKey(_ configuration: MessagingServerConfiguration) -> String? {
        do {
            try configuration.validate()
            return nil
        } catch {
            #expect(error.code == .invalidConfiguration)
            return error.key
        }
    }
}
