import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UPnP root device on SwiftNIO: SSDP discovery, HTTP description, SOAP control and GENA eventing for the
/// services in its ``UPnPDeviceConfiguration``.
///
/// Construct it once, then run it as a `Service` in a `ServiceGroup` (after the services it serves):
/// ```swift
/// let device = try UPnPDevice(configuration: configuration, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [.init(service: device)], logger: logger))
/// try await group.run()   // SIGTERM: byebye, close, return
/// ```
/// ``run()`` binds the HTTP server on each served interface's IPv4 address and the SSDP socket, sends
/// `ssdp:alive` and renews it before max-age runs out, answers searches, serves HTTP, and delivers events. On
/// graceful shutdown (or cancellation) it sends `ssdp:byebye` and closes every channel before returning.
/// ``waitUntilRunning()`` returns the bound ports and description URLs (e.g. to print an ephemeral port).
/// A device runs once; make a new one to run again.
public final class UPnPDevice: Service, Sendable {
    /// The validated configuration, with ``UPnPDeviceConfiguration/configID`` set (derived when it was `nil`).
    public let configuration: UPnPDeviceConfiguration
    let logger: Logger
    let services: [ServedService]
    let hub: GENAHub
    let descriptionBody: [UInt8]
    /// The SERVER header of HTTP and SSDP: `OS/version UPnP/1.1 product/version` (UDA 1.1 §1.1.3).
    let server: String
    let metrics: UPnPMetrics
    /// The open HTTP connections of every listener, shared out between client addresses.
    let connections: ConnectionTable
    /// What every HTTP listener of the device serves.
    let http: UPnPHTTPServer
    private let state = Mutex(RunState())

    private struct RunState: Sendable {
        var endpoints: Endpoints?
        var failure: (any Error)?
        var waiters: [UInt64: CheckedContinuation<Endpoints, any Error>] = [:]
        var nextWaiter: UInt64 = 0
    }

    /// Where the device listens once running.
    public struct Endpoints: Sendable, Hashable {
        /// The HTTP port on every served address.
        public var httpPort: Int
        /// The SSDP UDP port (the configured one, or the free port picked for 0).
        public var ssdpPort: Int
        /// The description URL on each served address, e.g. `http://127.0.0.1:49152/description.xml`.
        public var descriptionURLs: [String]
    }

    /// Validates the configuration, derives CONFIGID.UPNP.ORG from the description and the SCPDs when the
    /// configuration gives none, parses every service's SCPD and attaches to every service's
    /// ``UPnPEventPublisher``. Binds nothing yet.
    ///
    /// - Parameters:
    ///   - configuration: what to serve, where, and under which rules.
    ///   - logger: where the device logs.
    ///   - metricsFactory: where the device counts its SOAP actions (`upnp_soap_actions_total{action, result}`,
    ///     result `success` or the fault code): the process-wide `MetricsSystem.factory` unless the caller keeps
    ///     its own registry (several devices in one process).
    /// - Throws: ``UPnPConfigurationError`` for a bad configuration value or a malformed SCPD.
    public init(
        configuration: UPnPDeviceConfiguration,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws {
        try configuration.validate()
        let paths = DeviceDescription.paths(forServiceIDs: configuration.services.map(\.serviceID))
        var configuration = configuration
        let configID =
            configuration.configID
            ?? DeviceDescription.derivedConfigID(
                description: DeviceDescription.document(configuration, paths: paths),
                scpds: configuration.services.map(\.scpdXML)
            )
        configuration.configID = configID
        self.configuration = configuration
        self.logger = logger
        self.connections = ConnectionTable(limits: configuration.limits)
        var served: [ServedService] = []
        for (index, handler) in configuration.services.enumerated() {
            let description: ServiceDescription
            do {
                description = try ServiceDescription(parsing: handler.scpdXML)
            } catch {
                throw UPnPConfigurationError(message: "service \(handler.serviceID): \(error)")
            }
            let undeclared = handler.eventedValueKinds.keys.filter { !description.eventedVariables.contains($0) }
            guard undeclared.isEmpty else {
                throw UPnPConfigurationError(
                    message: "service \(handler.serviceID): eventedValueKinds names variables the SCPD does not "
                        + "event: \(undeclared.sorted())"
                )
            }
            let scpd = ServiceDescription.settingConfigID(configID, in: handler.scpdXML)
            served.append(
                ServedService(
                    index: index,
                    handler: handler,
                    description: description,
                    paths: paths[index],
                    scpdBody: Array(scpd.utf8),
                    argumentAliases: handler.argumentAliases
                )
            )
        }
        self.services = served
        self.metrics = UPnPMetrics(factory: metricsFactory, actions: served.flatMap { $0.description.actions.keys })
        self.descriptionBody = DeviceDescription.document(configuration, paths: paths)
        self.server = "\(UPnPDevice.operatingSystemToken()) UPnP/1.1 \(configuration.product)"
        self.hub = GENAHub(
            services: served.map { ($0.handler, $0.description) },
            limits: configuration.limits,
            logger: logger
        )
        for service in served {
            service.handler.events.attach(GENAHubSink(hub: hub, serviceIndex: service.index))
        }
        self.http = UPnPHTTPServer(
            router: UPnPRequestRouter(
                services: served,
                descriptionBody: descriptionBody,
                hostNames: Set(configuration.hostNames.map { $0.lowercased() }),
                policy: configuration.accessPolicy,
                limits: configuration.limits,
                server: server,
                hub: hub,
                extraRoutes: Dictionary(
                    configuration.extraRoutes.map { ($0.path, $0) },
                    uniquingKeysWith: { first, _ in first }
                ),
                metrics: metrics,
                logger: logger
            ),
            limits: configuration.limits,
            logger: logger,
            connections: connections
        )
    }

    /// Serves `channel`, already active and with both addresses set, as one of the device's HTTP connections. For
    /// measuring the request path without sockets (Benchmarks/UPnPBench drives an `EmbeddedChannel` with it); the
    /// device's listeners set up every connection they accept the same way.
    @_spi(Benchmarking) public func serveHTTPConnection(on channel: any Channel) throws {
        _ = try http.addHandlers(to: channel)
    }

    /// Runs the device until graceful shutdown or cancellation; see the type's overview.
    ///
    /// - Throws: when an interface is unknown or has no IPv4 address, or a socket cannot be bound.
    public func run() async throws {
        do {
            try await runDevice()
        } catch {
            finishStart(.failure(error))
            throw error
        }
        finishStart(.failure(CancellationError()))
        for service in services { service.handler.events.detach() }
    }

    /// Waits until ``run()`` has bound its sockets and returns where it listens.
    ///
    /// - Throws: the error that made ``run()`` fail before it was running, or `CancellationError` when the waiting
    ///   task is cancelled first (a device that is never run would otherwise keep its waiters forever).
    public func waitUntilRunning() async throws -> Endpoints {
        let token = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Endpoints, any Error>? = state.withLock { state in
                    if let endpoints = state.endpoints { return .success(endpoints) }
                    if let failure = state.failure { return .failure(failure) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[token] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func finishStart(_ result: Result<Endpoints, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Endpoints, any Error>] in
            switch result {
            case .success(let endpoints): state.endpoints = endpoints
            case .failure(let error): if state.endpoints == nil { state.failure = error }
            }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Test hook: the GENA hub.
    var genaHub: GENAHub { hub }

    // MARK: - Running

    private func runDevice() async throws {
        let interfaces = try ServedInterface.resolve(configuration.interfaces)
        let group = MultiThreadedEventLoopGroup.singleton
        let http = self.http
        let listener = try await SSDPServer.bindListener(port: configuration.ssdpPort, group: group)
        try await listener.executeThenClose { ssdpInbound, ssdpOutbound in
            let ssdpPort = listener.channel.localAddress?.port ?? configuration.ssdpPort
            try await withHTTPListeners(
                http,
                on: interfaces[...],
                port: configuration.httpPort,
                group: group,
                inbounds: []
            ) { httpPort, httpInbounds in
                let ssdp = SSDPServer(
                    advertisement: SSDPAdvertisement(
                        udn: configuration.udn,
                        deviceType: configuration.deviceType,
                        serviceTypes: uniqued(configuration.services.map(\.serviceType)),
                        maxAge: configuration.maxAge,
                        server: server,
                        bootID: configuration.bootID,
                        configID: configuration.configID ?? 0,
                        multicastHost: "\(SSDPServer.multicastGroup):\(ssdpPort)"
                    ),
                    interfaces: interfaces,
                    httpPort: httpPort,
                    port: ssdpPort,
                    multicastTTL: configuration.multicastTTL,
                    limits: configuration.limits,
                    logger: logger
                )
                try await ssdp.join(listener)
                let senders = try await ssdp.makeSenders(group: group)
                let notifier = GENANotifier(group: group, timeout: configuration.limits.notifyTimeout, logger: logger)
                try await withThrowingDiscardingTaskGroup { tasks in
                    // Child tasks end by cancellation at shutdown; an error after that is the cancellation's echo,
                    // not a failure of run() (which would turn a graceful shutdown into an error).
                    for inbound in httpInbounds {
                        tasks.addTask { try await UPnPDevice.untilCancelled { try await http.serve(inbound) } }
                    }
                    tasks.addTask {
                        try await UPnPDevice.untilCancelled {
                            try await ssdp.answerSearches(inbound: ssdpInbound, outbound: ssdpOutbound)
                        }
                    }
                    tasks.addTask { await self.runEventJobs(notifier: notifier) }
                    tasks.addTask { try await UPnPDevice.untilCancelled { try await self.expireSubscriptions() } }
                    // UDA 1.1 §1.2.2: UDP is unreliable, so announcements go out more than once.
                    await ssdp.sendAlive(senders)
                    await ssdp.sendAlive(senders)
                    tasks.addTask { try await UPnPDevice.untilCancelled { try await ssdp.renewAnnouncements(senders) } }
                    let endpoints = Endpoints(
                        httpPort: httpPort,
                        ssdpPort: ssdpPort,
                        descriptionURLs: interfaces.map { ssdp.location(on: $0) }
                    )
                    logger.info(
                        "upnp.device running",
                        metadata: ["http.port": "\(httpPort)", "upnp.udn": "\(configuration.udn)"]
                    )
                    finishStart(.success(endpoints))
                    // Until SIGTERM through the ServiceGroup, or until our task is cancelled.
                    try? await gracefulShutdown()
                    logger.info("upnp.device stopping")
                    await ssdp.sendByebye(senders)
                    await hub.finish()
                    tasks.cancelAll()
                }
                await SSDPServer.closeSenders(senders)
            }
        }
    }

    /// Binds one HTTP listener per interface (the first picks the port when 0 is asked for, the others reuse it),
    /// each inside its own `executeThenClose`, then runs `body` with all their inbound streams.
    private func withHTTPListeners(
        _ http: UPnPHTTPServer,
        on interfaces: ArraySlice<ServedInterface>,
        port: Int,
        group: any EventLoopGroup,
        inbounds: [NIOAsyncChannelInboundStream<UPnPHTTPServer.Connection>],
        body: (Int, [NIOAsyncChannelInboundStream<UPnPHTTPServer.Connection>]) async throws -> Void
    ) async throws {
        guard let interface = interfaces.first else {
            try await body(port, inbounds)
            return
        }
        let listener = try await http.bind(host: interface.address.description, port: port, group: group)
        let boundPort = listener.channel.localAddress?.port ?? port
        try await listener.executeThenClose { inbound in
            try await withHTTPListeners(
                http,
                on: interfaces.dropFirst(),
                port: boundPort,
                group: group,
                inbounds: inbounds + [inbound],
                body: body
            )
        }
    }

    /// Turns the hub's jobs into child tasks until the hub finishes or the task is cancelled.
    private func runEventJobs(notifier: GENANotifier) async {
        await withDiscardingTaskGroup { group in
            for await job in hub.jobs {
                switch job {
                case .deliver(let sid):
                    group.addTask { await self.deliver(sid: sid, notifier: notifier) }
                }
            }
        }
    }

    /// One subscription's delivery loop: NOTIFYs in SEQ order, one at a time, until its queue is empty.
    private func deliver(sid: String, notifier: GENANotifier) async {
        while !Task.isCancelled, let delivery = await hub.next(for: sid) {
            var changes = delivery.changes
            if changes == nil { changes = await hub.initialValues(serviceIndex: delivery.serviceIndex) }
            let delivered = await notifier.deliver(
                to: delivery.callbacks,
                sid: sid,
                sequence: delivery.sequence,
                body: PropertySet.body(changes ?? [])
            )
            if !delivered {
                // UDA 1.1 §4.3.2: a failed NOTIFY is not retried; the subscription lives until it expires, and the
                // subscriber sees the gap in SEQ.
                logger.debug("upnp.gena event not delivered", metadata: ["upnp.sid": "\(sid)"])
            }
        }
    }

    /// Runs `body`; an error thrown once the task is cancelled is dropped (the loop ended because of shutdown).
    static func untilCancelled(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            if Task.isCancelled || error is CancellationError { return }
            throw error
        }
    }

    /// Drops subscriptions that were not renewed in time.
    private func expireSubscriptions() async throws {
        while true {
            try await Task.sleep(for: .seconds(1))
            await hub.expire()
        }
    }

    private func uniqued(_ types: [String]) -> [String] {
        var seen = Set<String>()
        return types.filter { seen.insert($0).inserted }
    }

    /// `Linux/6.1` from uname(2), for the SERVER header's OS token.
    static func operatingSystemToken() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "Unix/1.0" }
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let system = field(&names.sysname)
        let release = field(&names.release).split(separator: ".").prefix(2).joined(separator: ".")
        let clean: (String) -> String = { $0.filter { $0.isLetter || $0.isNumber || $0 == "." } }
        let os = clean(system).isEmpty ? "Unix" : clean(system)
        let version = clean(release).isEmpty ? "1.0" : clean(release)
        return "\(os)/\(version)"
    }
}
