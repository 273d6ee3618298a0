import ArgumentParser
import Foundation
import Logging
import MessageStore
import Messaging
import MessagingUPnP
import Modem
import ModemSimulator
import ServiceLifecycle
import UPnP
import UnixSignals

/// `messagingd`: the Messaging:2 daemon (DESIGN.md "Executables"). Thin: parse, wire, run.
@main
struct MessagingDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messagingd",
        abstract: "Serves a USB modem (or a simulated one) as a UPnP Telephony Messaging:2 service.",
        discussion: """
            With --simulate the daemon runs on an in-process simulated modem (+15550000001, with the echo subscriber \
            +15550000099 on the same simulated network) and serves only on the loopback interface. A real LAN \
            interface is used only when named with --interface. SIGTERM or SIGINT: ssdp:byebye, flush, exit 0.
            """,
        version: "0.1.0"
    )

    @Flag(help: "Run on an in-process simulated modem instead of a real device.")
    var simulate = false

    @Option(help: "The modem's AT port, e.g. /dev/ttyUSB2, or 'auto' for udev discovery.")
    var device: String?

    @Option(help: "The SIM's PIN, when the SIM asks for one (AT+CPIN).")
    var pin: String?

    @Option(help: "Baud rate of the --device serial port.")
    var baudRate: Int = 115_200

    @Option(help: "Path of the SQLite database (default: a temporary directory with --simulate).")
    var db: String?

    @Option(name: .customLong("http-port"), help: "HTTP port for description, control and events (0 = ephemeral).")
    var httpPort: Int = 0

    @Option(name: .customLong("ssdp-port"), help: "SSDP UDP port (1900 on a real network; 0 = a free port, for tests).")
    var ssdpPort: Int = 1900

    @Option(name: .customLong("interface"), help: "Network interface to serve on (repeatable; default lo with --simulate).")
    var interfaces: [String] = []

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        if simulate == (device != nil) {
            throw ValidationError("Give exactly one of --simulate or --device.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("Unknown log level '\(logLevel)'.")
        }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0…65535.") }
        guard (0...65535).contains(ssdpPort) else { throw ValidationError("--ssdp-port must be 0…65535.") }
        if !simulate && interfaces.isEmpty {
            throw ValidationError("Name the LAN interface to serve on with --interface (never all by default).")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "messagingd")
        let served = interfaces.isEmpty ? ["lo"] : interfaces

        // The modem: the simulator's AT side on one end of an in-memory pipe, the real ATModem on the other.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let modem: ATModem
        var ownNumber: String?
        if simulate {
            let network = SimulatedNetwork(logger: Logger(label: "simulator"))
            let simulated = await network.makeModem()
            let (driverSide, modemSide) = InMemoryTransport.makePair()
            services.append(.init(service: SimulatedModemService(network: network, modem: simulated, transport: modemSide)))
            modem = ATModem(transport: driverSide, logger: Logger(label: "modem"))
            ownNumber = SimulatedNetwork.number(ofModem: 1)
        } else if let device, device != "auto" {
            // A real AT port (a termios tty in raw mode; DESIGN.md "Real components").
            let port: SerialPort
            do {
                port = try SerialPort(path: device, options: .init(baudRate: baudRate))
            } catch {
                throw StartupError(description: "cannot open \(device): \(error)")
            }
            modem = ATModem(transport: port, configuration: ATModemConfiguration(pin: pin), logger: Logger(label: "modem"))
        } else {
            throw StartupError(description: "--device auto needs udev discovery, which this build does not have yet; name the AT port")
        }
        services.append(.init(service: ATModemService(modem: modem, logger: Logger(label: "modem"))))

        // The store and the service.
        let databasePath = try Self.databasePath(db, simulate: simulate)
        let store = try MessageStore(path: databasePath)
        var messagingConfiguration = MessagingConfiguration()
        messagingConfiguration.ownNumber = ownNumber
        let messaging = MessagingService(
            store: store,
            modem: modem,
            configuration: messagingConfiguration,
            logger: Logger(label: "messaging")
        )
        services.append(.init(service: messaging))

        // The binding and the device.
        let binding = MessagingUPnPService(service: messaging, logger: Logger(label: "messaging.upnp"))
        services.append(.init(service: binding))
        let identity = try DeviceIdentity.loadAndAdvance(next: databasePath)
        let device = try UPnPDevice(
            configuration: UPnPDeviceConfiguration(
                deviceType: MessagingServiceDescription.deviceType,
                friendlyName: simulate ? "ModemMessaging (simulated +15550000001)" : "ModemMessaging",
                udn: identity.udn,
                manufacturer: "ModemMessaging",
                modelName: "messagingd",
                services: [binding],
                interfaces: served,
                httpPort: httpPort,
                bootID: identity.bootID,
                configID: 1,
                modelDescription: "SMS over UPnP Telephony Messaging:2",
                ssdpPort: ssdpPort
            ),
            logger: Logger(label: "upnp")
        )
        services.append(.init(service: device))

        logger.info("starting", metadata: ["db": "\(databasePath)", "interfaces": "\(served)"])
        // ServiceGroup order is the dependency order (simulator → modem → service → binding → device); graceful
        // shutdown runs in reverse, so the device says byebye first and the store is the last to go.
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let endpoints = try await device.waitUntilRunning()
                for url in endpoints.descriptionURLs { print("messagingd: description \(url)") }
                print("messagingd: http port \(endpoints.httpPort), ssdp port \(endpoints.ssdpPort)")
                print("messagingd: database \(databasePath)")
                fflush(nil)  // all streams: scripts read these lines through a pipe
            }
            try await tasks.waitForAll()
        }
        print("messagingd: stopped")
    }

    /// `--db`, or a fresh temporary directory with --simulate, or the board's default.
    static func databasePath(_ option: String?, simulate: Bool) throws -> String {
        if let option { return option }
        guard simulate else { return "/var/lib/messagingd/messages.sqlite" }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("messagingd-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("messages.sqlite").path
    }
}

/// A start-up failure that is not a usage error (ArgumentParser prints it without the usage text).
struct StartupError: Error, CustomStringConvertible {
    var description: String
}
