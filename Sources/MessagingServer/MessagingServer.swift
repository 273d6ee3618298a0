import Foundation
import Logging
import MessageStore
import Messaging
import MessagingUPnP
import MessagingWeb
import Modem
import ModemDiscovery
import ModemSimulator
import Prometheus
import ServiceLifecycle
import UPnP

/// The Messaging:2 daemon as a library: from one ``MessagingServerConfiguration`` to the running services, the way
/// `messagingd`, the benchmarks and the end-to-end tests all start it.
///
/// ``init(configuration:logger:onRunning:)`` validates the configuration and builds everything, in dependency
/// order: the modem (the simulated modem's AT side and the `ATModem` driving it, or the driver on a serial port
/// under a ``ModemSupervisorService`` that finds, opens, restarts and recovers it),
/// the store, the Messaging service, its UPnP binding and the UPnP device. ``run()`` runs them in one
/// `ServiceGroup` in that order until a graceful shutdown signal (``MessagingServerConfiguration/gracefulShutdownSignals``)
/// or ``triggerGracefulShutdown()``; the group stops them in reverse, so the device says `ssdp:byebye` first and
/// the modem is closed last.
///
/// ```swift
/// let server = try await MessagingServer(configuration: .init(modem: .simulated), logger: logger) { endpoints in
///     for url in endpoints.descriptionURLs { print(url) }
/// }
/// try await server.run()
/// ```
public final class MessagingServer: Service, Sendable {
    /// The version of the server: the device description's `modelNumber` and the executables' `--version`.
    public static let version = "0.1.0"

    /// The validated configuration.
    public let configuration: MessagingServerConfiguration
    /// The services ``run()`` runs, in start order (the reverse of the shutdown order).
    public let services: [any Service]
    /// The message store.
    public let store: MessageStore
    /// The Messaging service.
    public let messaging: MessagingService
    /// The UPnP device serving it.
    public let device: UPnPDevice
    /// The AT driver of the modem; `nil` with ``MessagingServerConfiguration/Modem/none``.
    public let modem: ATModem?
    /// The supervisor of a modem on a serial port (its ``ModemSupervisorService/status`` is the modem's health);
    /// `nil` for the simulated modem and without a modem.
    public let modemSupervisor: ModemSupervisorService?
    /// The simulated network of ``MessagingServerConfiguration/Modem/simulated`` (to inject messages into it).
    public let simulatedNetwork: SimulatedNetwork?
    /// The database file; `nil` for ``MessagingServerConfiguration/Database/inMemory``.
    public let databasePath: String?
    /// This server's metrics (messages, mirror passes, AT timeouts, modem restarts, SOAP actions), served at
    /// `GET /metrics` in the Prometheus text format. Each server has its own, so that servers in one process do not
    /// share counters.
    public let metrics: PrometheusCollectorRegistry

    private let group: ServiceGroup
    private let logger: Logger
    private let onRunning: @Sendable (UPnPDevice.Endpoints) async -> Void
    private let healthEndpoints: HealthEndpoints

    /// Validates `configuration` and builds every service; opens the modem's port, the database and the device
    /// identity, binds nothing yet.
    ///
    /// - Parameters:
    ///   - configuration: what to serve, and how.
    ///   - logger: where the server and its services log; each service's messages carry `component` metadata.
    ///   - onRunning: called once, when the device listens, with its ports and description URLs.
    /// - Throws: ``MessagingServerError``: a configuration value refused by
    ///   ``MessagingServerConfiguration/validate()``, or a port, database or identity file that cannot be opened.
    public init(
        configuration: MessagingServerConfiguration,
        logger: Logger,
        onRunning: @escaping @Sendable (UPnPDevice.Endpoints) async -> Void = { _ in }
    ) async throws {
        try configuration.validate()
        func component(_ name: String) -> Logger {
            var logger = logger
            logger[metadataKey: "component"] = "\(name)"
            return logger
        }
        var services: [any Service] = []
        let metrics = PrometheusCollectorRegistry()
        let metricsFactory = PrometheusMetricsFactory(registry: metrics)

        // The database path first: the modem keeps its rejected-PIN record beside it.
        let databasePath: String?
        do {
            databasePath = try Self.makeDatabasePath(configuration.database)
        } catch {
            throw MessagingServerError(.cannotStart, "cannot open the database: \(error)")
        }

        // The modem first: everything else depends on it.
        let modem: ATModem?
        let supervisor: ModemSupervisorService?
        var messagingConfiguration = configuration.messaging
        if let access = configuration.access { messagingConfiguration.accessPolicy = access.messagingPolicy }
        switch configuration.modem {
        case .simulated:
            let network = SimulatedNetwork(logger: component("simulator"))
            let simulated = await network.makeModem()
            let (driverSide, modemSide) = InMemoryTransport.makePair()
            services.append(SimulatedModemService(network: network, modem: simulated, transport: modemSide))
            let driver = ATModem(transport: driverSide, logger: component("modem"), metricsFactory: metricsFactory)
            services.append(ATModemService(modem: driver, logger: component("modem")))
            modem = driver
            if messagingConfiguration.ownNumber == nil { messagingConfiguration.ownNumber = simulated.number }
            simulatedNetwork = network
            supervisor = nil
        case .serial, .automatic:
            // The supervisor opens the port, and keeps looking for it while it is absent: a missing port is not a
            // reason to stop (the stick may still be mode-switching, or be plugged in later).
            let (placeholder, other) = InMemoryTransport.makePair()
            await other.close()
            let driver = ATModem(
                transport: placeholder,
                configuration: ATModemConfiguration(pin: configuration.pin),
                rejectedPINs: RejectedPINMemory(path: databasePath.map(Self.rejectedPINPath(besideDatabase:))),
                logger: component("modem"),
                metricsFactory: metricsFactory
            )
            let baudRate = configuration.baudRate
            let locator: @Sendable () async -> String?
            if case .serial(let path) = configuration.modem {
                locator = ModemSupervisorService.locator(path: path)
            } else {
                let automatic = AutomaticModemLocator(
                    discovery: ModemDiscovery(logger: component("discovery")),
                    logger: component("discovery")
                )
                locator = { await automatic.locate() }
            }
            let service = ModemSupervisorService(
                modem: driver,
                locator: locator,
                open: { path in try SerialPort(path: path, options: .init(baudRate: baudRate)) },
                logger: component("modem")
            )
            services.append(service)
            if configuration.modem == .automatic {
                services.append(HotplugWake(supervisor: service, logger: component("discovery")))
            }
            modem = driver
            supervisor = service
            simulatedNetwork = nil
        case .none:
            modem = nil
            supervisor = nil
            simulatedNetwork = nil
        }

        // The store and the service.
        do {
            store = try databasePath.map { try MessageStore(path: $0) } ?? MessageStore.inMemory()
        } catch {
            throw MessagingServerError(.cannotStart, "cannot open the database: \(error)")
        }
        let messaging = MessagingService(
            store: store,
            modem: modem,
            configuration: messagingConfiguration,
            logger: component("messaging"),
            metricsFactory: metricsFactory
        )
        services.append(messaging)

        // GET /health and GET /metrics beside the device's description and control.
        let modemHealth: @Sendable () async -> ModemHealth
        if let modem {
            let probe = ModemHealthProbe(modem: modem, supervisor: supervisor)
            modemHealth = { await probe.health() }
        } else {
            modemHealth = { ModemHealth(state: .none) }
        }
        let healthEndpoints = HealthEndpoints(
            messaging: messaging,
            modemHealth: modemHealth,
            registry: metrics,
            accessPolicy: messagingConfiguration.accessPolicy,
            logger: component("health")
        )

        // The presentation page and its API at `/`, under the same access policy as SOAP control.
        let webPage = MessagingWebPage(
            service: messaging,
            configuration: .init(
                accessPolicy: messagingConfiguration.accessPolicy,
                password: configuration.webPassword
            ),
            logger: component("web")
        )

        // The binding and the device.
        let binding = MessagingUPnPService(service: messaging, logger: component("messaging.upnp"))
        services.append(binding)
        let identity: DeviceIdentity
        do {
            identity = try databasePath.map { try DeviceIdentity.loadAndAdvance(next: $0) } ?? .ephemeral()
        } catch {
            throw MessagingServerError(.cannotStart, "cannot keep the device identity beside the database: \(error)")
        }
        let device: UPnPDevice
        do {
            device = try UPnPDevice(
                configuration: UPnPDeviceConfiguration(
                    deviceType: MessagingServiceDescription.deviceType,
                    friendlyName: configuration.friendlyName,
                    udn: identity.udn,
                    manufacturer: "ModemMessaging",
                    modelName: "messagingd",
                    services: [binding],
                    interfaces: configuration.interfaces,
                    httpPort: configuration.httpPort,
                    bootID: identity.bootID,
                    // CONFIGID is derived from the description and the SCPD, so it changes exactly when they do.
                    configID: nil,
                    modelDescription: "SMS over UPnP Telephony Messaging:2",
                    modelNumber: Self.version,
                    serialNumber: identity.serialNumber,
                    ssdpPort: configuration.ssdpPort,
                    accessPolicy: configuration.access?.upnpPolicy ?? .allowAll,
                    limits: configuration.upnpLimits,
                    extraRoutes: healthEndpoints.routes + webPage.routes,
                    presentationPath: MessagingWebPage.path
                ),
                logger: component("upnp"),
                metricsFactory: metricsFactory
            )
        } catch {
            throw MessagingServerError(.invalidConfiguration, key: "upnp", "\(error)")
        }
        services.append(device)

        self.configuration = configuration
        self.services = services
        self.messaging = messaging
        self.device = device
        self.modem = modem
        self.modemSupervisor = supervisor
        self.databasePath = databasePath
        self.metrics = metrics
        self.healthEndpoints = healthEndpoints
        self.logger = logger
        self.onRunning = onRunning
        // ServiceGroup order is the dependency order (simulator → modem → service → binding → device); graceful
        // shutdown runs in reverse, so the device says byebye first and the modem is closed last.
        self.group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: configuration.gracefulShutdownSignals,
                logger: logger
            )
        )
    }

    /// Runs every service until a graceful shutdown signal, ``triggerGracefulShutdown()``, a graceful shutdown of
    /// the service group this server runs in, or cancellation; returns when all have stopped. Call it once.
    ///
    /// - Throws: the first error of a service (a port that cannot be bound, a modem that fails to start…).
    public func run() async throws {
        logger.info(
            "messaging server starting",
            metadata: [
                "db": "\(databasePath ?? "in memory")", "upnp.interfaces": "\(configuration.interfaces)",
            ]
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // Cancelled (and silent) when the group stops before the device ever listens.
                guard let endpoints = try? await self.device.waitUntilRunning() else { return }
                await self.onRunning(endpoints)
            }
            try await group.run()
            tasks.cancelAll()
        }
    }

    /// Starts a graceful shutdown (the same as a signal of ``MessagingServerConfiguration/gracefulShutdownSignals``);
    /// returns at once. Before ``run()`` the request is kept, and ``run()`` then starts and stops at once.
    public func triggerGracefulShutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Waits until the device listens and returns its ports and description URLs.
    ///
    /// - Throws: the error that made the device fail before it was running, or `CancellationError`.
    public func waitUntilRunning() async throws -> UPnPDevice.Endpoints {
        try await device.waitUntilRunning()
    }

    /// The health report that `GET /health` serves: the modem (answered within a bound even when it hangs), the
    /// storage counters, the outbox depth and the mirror's state.
    public func health() async -> HealthReport {
        await healthEndpoints.report()
    }

    /// The file that remembers a PIN the SIM refused (``RejectedPINMemory``), beside the database.
    static func rejectedPINPath(besideDatabase path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("rejected-pin").path
    }

    /// The database file `database` stands for (creating its directory), `nil` in memory.
    static func makeDatabasePath(_ database: MessagingServerConfiguration.Database) throws -> String? {
        switch database {
        case .file(let path):
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            return path
        case .inMemory:
            return nil
        case .temporaryDirectory:
            let name = "messagingd-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory.appendingPathComponent("messages.sqlite").path
        }
    }
}
