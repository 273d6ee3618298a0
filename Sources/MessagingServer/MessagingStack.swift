import CoreMetrics
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

/// One modem served as one Messaging:2 device: the modem, its store, the Messaging service, the UPnP binding and the
/// device, with its own database, UDN and HTTP port. A ``MessagingServer`` runs one per modem.
public final class MessagingStack: Sendable {
    /// This modem's configuration (the server's, with this modem's keys; see
    /// ``MessagingServerConfiguration/modemConfigurations()``).
    public let configuration: MessagingServerConfiguration
    /// The services of this modem, in start order (the reverse of the shutdown order).
    public let services: [any Service]
    /// The message store.
    public let store: MessageStore
    /// The Messaging service.
    public let messaging: MessagingService
    /// The hook worker; `nil` when no hook is configured.
    public let hooks: MessageHookService?
    /// The UPnP device serving it.
    public let device: UPnPDevice
    /// The AT driver of the modem; `nil` with ``MessagingServerConfiguration/Modem/none``.
    public let modem: ATModem?
    /// The supervisor of a modem on a serial port (its ``ModemSupervisorService/status`` is the modem's health);
    /// `nil` for the simulated modem and without a modem.
    public let modemSupervisor: ModemSupervisorService?
    /// The simulated modem of ``MessagingServerConfiguration/Modem/simulated``.
    public let simulatedModem: SimulatedModem?
    /// The database file; `nil` for ``MessagingServerConfiguration/Database/inMemory``.
    public let databasePath: String?
    /// The HTTP transport to the operator's MMSC (``MessagingServerConfiguration/mms``), for the service's MMS
    /// exchanges; `nil` when MMS is not configured. Shut down after the service (``MMSTransportService``).
    public let mmsTransport: MMSCHTTPTransport?
    /// The fetch of the file links control points give (SendMessage attachments, StartFileTransfer), on the LAN
    /// only; `nil` when MMS is not configured. Shut down with ``mmsTransport``.
    public let fileFetcher: LANFileFetcher?

    let healthEndpoints: HealthEndpoints

    /// Builds one modem's services; opens its port, database and device identity, binds nothing yet.
    ///
    /// - Parameters:
    ///   - configuration: this modem's configuration, validated.
    ///   - simulatedNetwork: the network a ``MessagingServerConfiguration/Modem/simulated`` modem joins.
    ///   - simulatedMMSC: that network's MMSC, which a simulated modem without `mms` uses.
    ///   - metrics: the registry `GET /metrics` serves, and the factory this modem's metrics are made with.
    ///   - logger: where this modem's services log, each with `component` metadata.
    init(
        configuration: MessagingServerConfiguration,
        simulatedNetwork: SimulatedNetwork?,
        simulatedMMSC: SimulatedMMSCServer? = nil,
        metrics: (registry: PrometheusCollectorRegistry, factory: any MetricsFactory),
        logger: Logger
    ) async throws {
        var configuration = configuration
        func component(_ name: String) -> Logger {
            var logger = logger
            logger[metadataKey: "component"] = "\(name)"
            return logger
        }
        var services: [any Service] = []
        let metricsFactory = metrics.factory

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
            let network = simulatedNetwork ?? SimulatedNetwork(logger: component("simulator"))
            let simulated = await network.makeModem()
            let (driverSide, modemSide) = InMemoryTransport.makePair()
            services.append(SimulatedModemService(network: network, modem: simulated, transport: modemSide))
            let driver = ATModem(transport: driverSide, logger: component("modem"), metricsFactory: metricsFactory)
            services.append(ATModemService(modem: driver, logger: component("modem")))
            modem = driver
            if messagingConfiguration.ownNumber == nil { messagingConfiguration.ownNumber = simulated.number }
            if configuration.mms == nil, let simulatedMMSC {
                configuration.mms = await .simulated(number: simulated.number, on: simulatedMMSC)
            }
            simulatedModem = simulated
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
            simulatedModem = nil
        case .none:
            modem = nil
            supervisor = nil
            simulatedModem = nil
        }

        // The store and the service.
        do {
            store = try databasePath.map { try MessageStore(path: $0) } ?? MessageStore.inMemory()
        } catch {
            throw MessagingServerError(.cannotStart, "cannot open the database: \(error)")
        }
        // The MMSC transport before the service that uses it, so that it is shut down after it.
        let mmsTransport = configuration.mms.map {
            MMSCHTTPTransport(configuration: $0, logger: component("mms"))
        }
        // The fetch of control points' file links (SendMessage attachments, StartFileTransfer), only with an MMSC:
        // without one no file can be sent, so none is fetched.
        let fileFetcher = configuration.mms.map {
            LANFileFetcher(maximumBytes: $0.maximumSize, logger: component("mms.fetch"))
        }
        if let mmsTransport, let fileFetcher {
            services.append(MMSTransportService(transport: mmsTransport, fileFetcher: fileFetcher))
        }
        let messaging = MessagingService(
            store: store,
            modem: modem,
            mmsTransport: mmsTransport,
            fileFetcher: fileFetcher,
            configuration: messagingConfiguration,
            logger: component("messaging"),
            metricsFactory: metricsFactory
        )
        services.append(messaging)
        // Hooks: a worker apart from the mirror and the outbox, registered in the store before either runs.
        let hooks = try await Self.makeHookService(
            configuration,
            messaging: messaging,
            logger: component("hooks"),
            metricsFactory: metricsFactory
        )
        if let hooks { services.append(hooks) }

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
            hookHealth: { (try? await hooks?.health()) ?? [] },
            registry: metrics.registry,
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
                    modelNumber: MessagingServer.version,
                    serialNumber: identity.serialNumber,
                    ssdpPort: configuration.ssdpPort,
                    accessPolicy: configuration.access?.upnpPolicy ?? .allowAll,
                    limits: configuration.upnpLimits,
                    extraRoutes: healthEndpoints.routes + webPage.routes + [AttachmentRoute.route(service: messaging)],
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
        self.hooks = hooks
        self.device = device
        self.modem = modem
        self.modemSupervisor = supervisor
        self.databasePath = databasePath
        self.mmsTransport = mmsTransport
        self.fileFetcher = fileFetcher
        self.healthEndpoints = healthEndpoints
    }

    /// The health report that this device's `GET /health` serves (see ``MessagingServer/health()``).
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
