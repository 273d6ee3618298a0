import ArgumentParser
import Foundation
import Logging
import MessagingServer
import UPnP

/// `messagingd`: the Messaging:2 daemon (DESIGN.md "Executables"). Thin: parse, build the configuration, run the
/// ``MessagingServer``.
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
        version: MessagingServer.version
    )

    @Flag(help: "Run on an in-process simulated modem instead of a real device.")
    var simulate = false

    @Option(help: "The modem's AT port, e.g. /dev/ttyUSB2, or 'auto' for udev discovery.")
    var device: String?

    @Option(help: "The SIM PIN to enter if the SIM asks for one (AT+CPIN).")
    var pin: String?

    @Option(name: .customLong("baud"), help: "The line speed of the --device serial port in bits per second.")
    var baudRate: Int = 115_200

    @Option(help: "Path of the SQLite database (default: a temporary directory with --simulate).")
    var db: String?

    @Option(name: .customLong("http-port"), help: "HTTP port for description, control and events (0 = ephemeral).")
    var httpPort: Int = 0

    @Option(name: .customLong("ssdp-port"), help: "SSDP UDP port (1900 on a real network; 0 = a free port, for tests).")
    var ssdpPort: Int = 1900

    @Option(
        name: .customLong("interface"),
        help: "Network interface to serve on (repeatable; default lo with --simulate)."
    )
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

    /// The server's configuration from the command line.
    func makeServerConfiguration() -> MessagingServerConfiguration {
        let modem: MessagingServerConfiguration.Modem
        switch device {
        case nil: modem = .simulated
        case "auto": modem = .automatic
        case let path?: modem = .serial(path: path)
        }
        var configuration = MessagingServerConfiguration(modem: modem)
        configuration.baudRate = baudRate
        if !simulate { configuration.pin = pin }
        if let db { configuration.database = .file(path: db) }
        if !interfaces.isEmpty { configuration.interfaces = interfaces }
        configuration.httpPort = httpPort
        configuration.ssdpPort = ssdpPort
        return configuration
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let server: MessagingServer
        do {
            server = try await MessagingServer(
                configuration: makeServerConfiguration(),
                logger: Logger(label: "messagingd")
            ) { endpoints in
                for url in endpoints.descriptionURLs { print("messagingd: description \(url)") }
                print("messagingd: http port \(endpoints.httpPort), ssdp port \(endpoints.ssdpPort)")
                fflush(nil)  // all streams: scripts read these lines through a pipe
            }
        } catch let error as MessagingServerError {
            throw StartupError(description: error.description)
        }
        print("messagingd: database \(server.databasePath ?? "in memory")")
        try await server.run()
        print("messagingd: stopped")
    }
}

/// A start-up failure that is not a usage error (ArgumentParser prints it without the usage text).
struct StartupError: Error, CustomStringConvertible {
    var description: String
}
