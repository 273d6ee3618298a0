import ArgumentParser
import CMalloc
import Foundation
import Logging
import Messaging
import MessagingServer
import NIOCore
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
            +15550000099 on the same simulated network) and serves only on the loopback interface; a simulated MMSC \
            on 127.0.0.1 (also the MMS proxy) carries MMS unless --mmsc-url names another. A real LAN \
            interface is used only when named with --interface or in the configuration file. Settings come from the \
            configuration file (--config, or /etc/messagingd/messagingd.conf when it exists); each flag overrides \
            the file's key (the first [[modem]]'s, for a modem key). Each [[modem]] of the file, or each of \
            --simulate-modems, is a device of its own; the description, web page, port and database lines are \
            printed once per modem. SIGTERM or SIGINT: ssdp:byebye, flush, exit 0.
            """,
        version: MessagingServer.version
    )

    @Option(
        name: .customLong("config"),
        help: "The configuration file (default \(MessagingServerSettings.defaultPath) when it exists)."
    )
    var configPath: String?

    @Flag(
        name: .customLong("check-config"),
        help: "Validate the configuration, print it with the PIN masked, and exit."
    )
    var checkConfig = false

    @Flag(help: "Run on an in-process simulated modem instead of a real device.")
    var simulate = false

    @Option(
        name: .customLong("simulate-modems"),
        help: "With --simulate: how many simulated modems, each its own device (+15550000001, +15550000002…)."
    )
    var simulateModems: Int?

    @Option(help: "The modem's AT port, e.g. /dev/ttyUSB2, or 'auto' for udev discovery.")
    var device: String?

    @Option(help: "The SIM PIN (visible to every user in the process list: set pin in the configuration file).")
    var pin: String?

    @Option(name: .customLong("baud"), help: "The line speed of the --device serial port in bits per second.")
    var baudRate: Int?

    @Option(help: "Path of the SQLite database (default: a temporary directory with --simulate).")
    var db: String?

    @Option(
        name: .customLong("http-port"),
        help: "HTTP port of description, control, events and web page (default 8080; --simulate: 0 = a free port)."
    )
    var httpPort: Int?

    @Option(name: .customLong("ssdp-port"), help: "SSDP UDP port (1900 on a real network; 0 = a free port, for tests).")
    var ssdpPort: Int?

    @Option(
        name: .customLong("interface"),
        help: "Network interface to serve on (repeatable; default lo with --simulate)."
    )
    var interfaces: [String] = []

    @Option(
        name: .customLong("on-receive"),
        help: "A program (absolute path, no shell) run with each received message as JSON on standard input."
    )
    var onReceive: String?

    @Option(name: .customLong("on-sent"), help: "A program run with each message the network accepted.")
    var onSent: String?

    @Option(name: .customLong("on-failed"), help: "A program run with each message that failed for good.")
    var onFailed: String?

    @Option(
        name: .customLong("webhook"),
        help:
            "An http(s) URL posted each message event as JSON, or EVENTS=URL with EVENTS like received,failed (repeatable)."
    )
    var webhooks: [String] = []

    @Option(
        name: .customLong("webhook-secret"),
        help: "The HMAC-SHA256 key that signs --webhook requests (visible in ps: prefer the configuration file)."
    )
    var webhookSecret: String?

    @Option(
        name: .customLong("mmsc-url"),
        help: "The operator's MMSC URL (MMS is on when it is set), e.g. http://mms.example.net/mms."
    )
    var mmscURL: String?

    @Option(name: .customLong("mms-proxy"), help: "The operator's MMS (WAP/HTTP) proxy, host:port.")
    var mmsProxy: String?

    @Option(name: .customLong("mms-interface"), help: "The data interface of the MMS APN to bind to, e.g. wwan0.")
    var mmsInterface: String?

    @Option(name: .customLong("mms-max-size"), help: "The largest MMS sent or fetched, in octets (default 307200).")
    var mmsMaximumSize: Int?

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func validate() throws {
        if simulate && device != nil {
            throw ValidationError("Give --simulate or --device, not both.")
        }
        if simulateModems != nil && !simulate {
            throw ValidationError("--simulate-modems needs --simulate.")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("Unknown log level '\(logLevel)'.")
        }
    }

    /// The settings the command line gives: each overrides the configuration file's key.
    func makeFlagSettings() -> MessagingServerSettings {
        var settings = MessagingServerSettings()
        let modem = MessagingServerSettings.Modem(device: device, baudRate: baudRate, pin: pin, database: db)
        if modem != MessagingServerSettings.Modem() { settings.modems = [modem] }
        settings.simulatedModems = simulateModems
        settings.logLevel = logLevel.flatMap(Logger.Level.init(rawValue:))
        if !interfaces.isEmpty { settings.interfaces = interfaces }
        settings.httpPort = httpPort
        settings.ssdpPort = ssdpPort
        settings.hooks.onReceive = onReceive.map { [$0] }
        settings.hooks.onSent = onSent.map { [$0] }
        settings.hooks.onFailed = onFailed.map { [$0] }
        settings.mmscURL = mmscURL
        settings.mmsProxy = mmsProxy
        settings.mmsInterface = mmsInterface
        settings.mmsMaximumSize = mmsMaximumSize
        if !webhooks.isEmpty {
            settings.hooks.webhooks = webhooks.map { Self.parseWebhook($0, secret: webhookSecret) }
        }
        return settings
    }

    /// `URL` (every event) or `EVENTS=URL`, EVENTS a comma-separated list of received, sent, failed.
    static func parseWebhook(_ text: String, secret: String?) -> MessagingServerConfiguration.Webhook {
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains(":") {
            let names = text[..<equals].split(separator: ",").map(String.init)
            let events = names.compactMap(MessageHookEvent.init(rawValue:))
            if events.count == names.count, !events.isEmpty {
                return .init(url: String(text[text.index(after: equals)...]), events: Set(events), secret: secret)
            }
        }
        return .init(url: text, secret: secret)
    }

    func run() async throws {
        Self.sizeProcessResources()
        let configuration: MessagingServerConfiguration
        let level: Logger.Level
        let source: String?
        do throws(MessagingServerError) {
            let file = try MessagingServerSettings.loadConfiguration(path: configPath)
            let settings = file.settings.overridden(by: makeFlagSettings(), simulate: simulate)
            configuration = try settings.makeConfiguration(simulate: simulate)
            level = settings.logLevel ?? .info
            source = file.path
        } catch {
            throw StartupError(description: error.description)
        }
        LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, logLevel: level) }
        let logger = Logger(label: "messagingd")
        if webhookSecret != nil {
            logger.warning(
                "--webhook-secret shows the secret to every user of this machine (ps); use the configuration file"
            )
        }
        if pin != nil {
            logger.warning(
                "--pin shows the SIM PIN to every user of this machine (ps); set pin in the configuration file"
            )
        }
        if checkConfig {
            print(configuration.effectiveDescription(logLevel: level, source: source))
            return
        }
        let server: MessagingServer
        do {
            server = try await MessagingServer(configuration: configuration, logger: logger) { endpoints in
                for url in endpoints.descriptionURLs { print("messagingd: description \(url)") }
                // The presentation page: the description's URL with its path replaced by `/`.
                for url in endpoints.descriptionURLs {
                    if let end = url.range(of: "/description.xml") {
                        print("messagingd: web page \(url[..<end.lowerBound])/")
                    }
                }
                print("messagingd: http port \(endpoints.httpPort), ssdp port \(endpoints.ssdpPort)")
                fflush(nil)  // all streams: scripts read these lines through a pipe
            }
        } catch let error as MessagingServerError {
            throw StartupError(description: error.description)
        }
        for stack in server.stacks { print("messagingd: database \(stack.databasePath ?? "in memory")") }
        if let mmsc = await server.simulatedMMSCEndpoints() {
            print("messagingd: simulated MMSC \(mmsc.url), MMS proxy \(mmsc.proxy)")
        }
        try await server.run()
        print("messagingd: stopped")
    }
}

extension MessagingDaemon {
    /// Threads and malloc arenas for a daemon on a small board, set before anything uses them.
    ///
    /// NIO's singleton event loop group and blocking pool have one thread per core by default
    /// (`NIOSingletons`); two loops serve a few control points, and each idle thread costs its stack and, under
    /// glibc, a malloc arena. glibc allows 8 arenas per core (mallopt(3) `M_ARENA_MAX`); memory freed in one is not
    /// reused by another, so a burst of imports spread over many threads leaves the heap fragmented across them.
    /// The NIO environment variables (`NIO_SINGLETON_GROUP_LOOP_COUNT`, `NIO_SINGLETON_BLOCKING_POOL_THREAD_COUNT`)
    /// still win when set.
    static func sizeProcessResources() {
        _ = cmalloc_limit_arenas(2)
        let environment = ProcessInfo.processInfo.environment
        if environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] == nil {
            NIOSingletons.groupLoopCountSuggestion = 2
        }
        if environment["NIO_SINGLETON_BLOCKING_POOL_THREAD_COUNT"] == nil {
            NIOSingletons.blockingPoolThreadCountSuggestion = 2
        }
    }
}

/// A start-up failure that is not a usage error (ArgumentParser prints it without the usage text).
struct StartupError: Error, CustomStringConvertible {
    var description: String
}
