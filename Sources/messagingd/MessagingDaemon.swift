import ArgumentParser
import Logging
import ServiceLifecycle
import UnixSignals

/// `messagingd`: the Messaging:2 daemon (DESIGN.md "Executables"). Thin: parse, wire, run.
@main
struct MessagingDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messagingd",
        abstract: "Serves a USB modem (or a simulated one) as a UPnP Telephony Messaging:2 service.",
        discussion: """
            With --simulate the daemon runs on an in-process simulated modem (+15550000001) and serves only on the \
            loopback interface. A real LAN interface is used only when named with --interface.
            """,
        version: "0.1.0"
    )

    @Flag(help: "Run on an in-process simulated modem instead of a real device.")
    var simulate = false

    @Option(help: "The modem's AT port, e.g. /dev/ttyUSB2, or 'auto' for udev discovery.")
    var device: String?

    @Option(help: "Path of the SQLite database.")
    var db: String?

    @Option(name: .customLong("http-port"), help: "HTTP port for description, control and events (0 = ephemeral).")
    var httpPort: Int = 0

    @Option(name: .customLong("interface"), help: "Network interface to serve on (repeatable).")
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
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "messagingd")
        let served = interfaces.isEmpty && simulate ? ["lo"] : interfaces
        print("messagingd: modem \(simulate ? "simulated (+15550000001)" : device ?? "-")")
        print("messagingd: interfaces \(served.joined(separator: ","))")
        print("messagingd: the UPnP side is not there yet (issue 6); press Ctrl-C to stop")
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: IdleService())],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        print("messagingd: stopped")
    }
}

/// Keeps the daemon alive until a graceful shutdown; replaced by the real services as they land.
struct IdleService: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
