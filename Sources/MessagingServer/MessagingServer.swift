import CoreMetrics
import Foundation
import Logging
import MessageStore
import Messaging
import Modem
import ModemSimulator
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UPnP

#if canImport(Glibc)
import Glibc
#endif

/// The Messaging:2 daemon as a library: from one ``MessagingServerConfiguration`` to the running services, the way
/// `messagingd`, the benchmarks and the end-to-end tests all start it.
///
/// ``init(configuration:logger:onRunning:)`` validates the configuration and builds, for each modem, a
/// ``MessagingStack`` in dependency order: the modem (the simulated modem's AT side and the `ATModem` driving it,
/// or the driver on a serial port under a ``ModemSupervisorService`` that finds, opens, restarts and recovers it),
/// the store, the Messaging service, its UPnP binding and the UPnP device. ``run()`` runs them in one
/// `ServiceGroup` in that order until a graceful shutdown signal (``MessagingServerConfiguration/gracefulShutdownSignals``)
/// or ``triggerGracefulShutdown()``; the group stops them in reverse, so the device says `ssdp:byebye` first and
/// the modem is closed last.
///
/// With ``MessagingServerConfiguration/additionalModems`` each modem is its own device (own UDN, database and HTTP
/// port) in ``stacks``; all share the SSDP port, the metrics registry, the logger and the service group. The
/// single-modem properties (``store``, ``messaging``, ``device``…) are the first modem's.
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
    /// One stack per modem, the first modem's first (``MessagingServerConfiguration/modemConfigurations()``).
    public let stacks: [MessagingStack]
    /// The services ``run()`` runs, in start order (the reverse of the shutdown order): each modem's in turn.
    public let services: [any Service]
    /// The simulated network of ``MessagingServerConfiguration/Modem/simulated`` modems (to inject messages into
    /// it); every simulated modem of the server is on it, so they can text each other.
    public let simulatedNetwork: SimulatedNetwork?
    /// The simulated MMSC (and MMS proxy) on 127.0.0.1 of the simulated modems that have no `mms` configured: every
    /// such modem's `[mms]` points at it, so MMS and File-Transfer work (and are advertised) with `--simulate`.
    /// Started by ``init(configuration:logger:onRunning:)``, stopped when ``run()`` ends; `nil` when no simulated
    /// modem lacks an MMSC.
    public let simulatedMMSC: SimulatedMMSCServer?
    /// This server's metrics (messages, mirror passes, AT timeouts, modem restarts, SOAP actions), served at
    /// `GET /metrics` in the Prometheus text format by every modem's device. Each server has its own, so that
    /// servers in one process do not share counters. With several modems every series carries a `modem` label,
    /// the modem's position in the configuration (`modem="1"`, `modem="2"`…).
    public let metrics: PrometheusCollectorRegistry

    /// The first modem's store.
    public var store: MessageStore { stacks[0].store }
    /// The first modem's Messaging service.
    public var messaging: MessagingService { stacks[0].messaging }
    /// The first modem's hook worker; `nil` when no hook is configured.
    public var hooks: MessageHookService? { stacks[0].hooks }
    /// The first modem's UPnP device.
    public var device: UPnPDevice { stacks[0].device }
    /// The first modem's AT driver; `nil` with ``MessagingServerConfiguration/Modem/none``.
    public var modem: ATModem? { stacks[0].modem }
    /// The first modem's supervisor (see ``MessagingStack/modemSupervisor``).
    public var modemSupervisor: ModemSupervisorService? { stacks[0].modemSupervisor }
    /// The first modem's database file; `nil` for ``MessagingServerConfiguration/Database/inMemory``.
    public var databasePath: String? { stacks[0].databasePath }

    private let group: ServiceGroup
    private let logger: Logger
    private let onRunning: @Sendable (UPnPDevice.Endpoints) async -> Void

    /// Validates `configuration` and builds every service; opens the modems' ports, the databases and the device
    /// identities, binds nothing yet.
    ///
    /// - Parameters:
    ///   - configuration: what to serve, and how.
    ///   - logger: where the server and its services log; each service's messages carry `component` metadata, and
    ///     with several modems `modem` metadata (its position).
    ///   - onRunning: called once per modem, when its device listens, with its ports and description URLs.
    /// - Throws: ``MessagingServerError``: a configuration value refused by
    ///   ``MessagingServerConfiguration/validate()``, or a port, database or identity file that cannot be opened.
    public init(
        configuration: MessagingServerConfiguration,
        logger: Logger,
        onRunning: @escaping @Sendable (UPnPDevice.Endpoints) async -> Void = { _ in }
    ) async throws {
        try configuration.validate()
        var modemConfigurations = configuration.modemConfigurations()
        let several = modemConfigurations.count > 1
        // Every device answers M-SEARCH on the same SSDP port (the sockets share it with SO_REUSEPORT; multicast
        // reaches each of them). A free port asked for with 0 is chosen once, here, for all of them.
        if several, configuration.ssdpPort == 0 {
            let port = try await Self.freeUDPPort()
            for index in modemConfigurations.indices { modemConfigurations[index].ssdpPort = port }
        }
        let metrics = PrometheusCollectorRegistry()
        let metricsFactory = PrometheusMetricsFactory(registry: metrics)
        let simulatedNetwork =
            modemConfigurations.contains { $0.modem == .simulated }
            ? SimulatedNetwork(logger: Self.component("simulator", of: logger)) : nil
        // The simulated network's MMSC, for the simulated modems the user gave no MMSC of their own.
        let simulatedMMSC: SimulatedMMSCServer?
        if let simulatedNetwork, modemConfigurations.contains(where: { $0.modem == .simulated && $0.mms == nil }) {
            let mmscLogger = Self.component("mmsc", of: logger)
            do {
                simulatedMMSC = try await SimulatedMMSCServer.start(
                    mmsc: SimulatedMMSC(network: simulatedNetwork, logger: mmscLogger),
                    logger: mmscLogger
                )
            } catch {
                throw MessagingServerError(.cannotStart, "cannot start the simulated MMSC on 127.0.0.1: \(error)")
            }
        } else {
            simulatedMMSC = nil
        }
        var stacks: [MessagingStack] = []
        do {
            for (index, modemConfiguration) in modemConfigurations.enumerated() {
                var stackLogger = logger
                if several { stackLogger[metadataKey: "modem"] = "\(index + 1)" }
                stacks.append(
                    try await MessagingStack(
                        configuration: modemConfiguration,
                        simulatedNetwork: simulatedNetwork,
                        simulatedMMSC: simulatedMMSC,
                        metrics: (
                            metrics,
                            several
                                ? LabelledMetricsFactory(base: metricsFactory, label: ("modem", "\(index + 1)"))
                                : metricsFactory as any MetricsFactory
                        ),
                        logger: stackLogger
                    )
                )
            }
        } catch {
            await simulatedMMSC?.shutdown()
            throw error
        }

        // The MMSC first, so that it stops last (after every modem's service).
        let services = (simulatedMMSC.map { [SimulatedMMSCService(server: $0)] } ?? []) + stacks.flatMap(\.services)
        self.configuration = configuration
        self.stacks = stacks
        self.services = services
        self.simulatedNetwork = simulatedNetwork
        self.simulatedMMSC = simulatedMMSC
        self.metrics = metrics
        self.logger = logger
        self.onRunning = onRunning
        // ServiceGroup order is the dependency order (simulator → modem → service → binding → device, per modem);
        // graceful shutdown runs in reverse, so each device says byebye before its modem is closed.
        self.group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: configuration.gracefulShutdownSignals,
                logger: logger
            )
        )
    }

    /// The simulated MMSC's base URL and its proxy address (`host:port`, the same listener); nil without one.
    public func simulatedMMSCEndpoints() async -> (url: String, proxy: String)? {
        guard let simulatedMMSC else { return nil }
        return (await simulatedMMSC.mmsc.baseURL, simulatedMMSC.proxyAddress)
    }

    deinit {
        // A server dropped without being run must not keep the simulated MMSC's port (run() stops it otherwise).
        if let simulatedMMSC { Task { await simulatedMMSC.shutdown() } }
    }

    /// Runs every service until a graceful shutdown signal, ``triggerGracefulShutdown()``, a graceful shutdown of
    /// the service group this server runs in, or cancellation; returns when all have stopped. Call it once.
    ///
    /// - Throws: the first error of a service (a port that cannot be bound, a modem that fails to start…).
    public func run() async throws {
        logger.info(
            "messaging server starting",
            metadata: [
                "db": "\(stacks.map { $0.databasePath ?? "in memory" }.joined(separator: ", "))",
                "upnp.interfaces": "\(configuration.interfaces)",
            ]
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for stack in stacks {
                tasks.addTask {
                    // Cancelled (and silent) when the group stops before the device ever listens.
                    guard let endpoints = try? await stack.device.waitUntilRunning() else { return }
                    await self.onRunning(endpoints)
                }
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

    /// Waits until the first modem's device listens and returns its ports and description URLs (the others':
    /// ``MessagingStack/device``).
    ///
    /// - Throws: the error that made the device fail before it was running, or `CancellationError`.
    public func waitUntilRunning() async throws -> UPnPDevice.Endpoints {
        try await device.waitUntilRunning()
    }

    /// The health report that the first modem's `GET /health` serves: the modem (answered within a bound even when
    /// it hangs), the storage counters, the outbox depth and the mirror's state. Each modem's device serves its own
    /// modem's report (``MessagingStack/health()``).
    public func health() async -> HealthReport {
        await stacks[0].health()
    }

    private static func component(_ name: String, of logger: Logger) -> Logger {
        var logger = logger
        logger[metadataKey: "component"] = "\(name)"
        return logger
    }

    /// A UDP port that is free now: bound with the options the SSDP listeners use, read, and closed.
    package static func freeUDPPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(
                ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_REUSEPORT)),
                value: 1
            )
            .bind(host: "0.0.0.0", port: 0).get()
        defer { channel.close(promise: nil) }
        guard let port = channel.localAddress?.port else {
            throw MessagingServerError(.cannotStart, "no free UDP port for SSDP")
        }
        return port
    }
}
