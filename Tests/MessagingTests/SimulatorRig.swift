import CoreMetrics
import Foundation
import Logging
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// The real stack on the simulator: `MessagingService` → `ATModem` → in-memory byte pipe → `SimulatedModem` on a
/// `SimulatedNetwork` (never a mocked driver). Every task it starts is cancelled by ``stop()``.
final class SimulatorRig: @unchecked Sendable {
    // @unchecked: every mutable field is only touched from the test's own task (setup, replug, stop).
    let network: SimulatedNetwork
    let simulated: SimulatedModem
    let modem: ATModem
    let store: MessageStore
    let clock: ManualClock
    let service: MessagingService
    private var tasks: [Task<Void, any Error>] = []
    static let logger = Logger(label: "rig", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The number of the service's modem on the simulated network.
    var ownNumber: String { simulated.number }

    init(
        store: MessageStore? = nil,
        profile: SimulatorProfile = .huaweiE3372,
        logger: Logger = SimulatorRig.logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        mmsTransport: (any MMSTransport)? = nil,
        prepare: (SimulatedModem) async -> Void = { _ in },
        configure: (inout MessagingConfiguration) -> Void = { _ in }
    ) async throws {
        network = SimulatedNetwork(logger: Self.logger)
        simulated = await network.makeModem(profile: profile)
        await prepare(simulated)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        modem = ATModem(transport: driverSide, logger: logger)
        self.store = try store ?? MessageStore.inMemory()
        clock = ManualClock(wallOrigin: Date())
        var configuration = MessagingConfiguration()
        configuration.mirrorInterval = .seconds(3600)
        configuration.initialRetryDelay = .seconds(1)
        configure(&configuration)
        service = MessagingService(
            store: self.store,
            modem: modem,
            mmsTransport: mmsTransport,
            configuration: configuration,
            clock: clock,
            wallClock: clock.wallClock,
            logger: logger,
            metricsFactory: metricsFactory
        )
        let simulated = self.simulated
        let modem = self.modem
        tasks.append(Task { try await simulated.serve(modemSide) })
        tasks.append(Task { try await modem.run() })
        try await modem.start()
        let service = self.service
        tasks.append(Task { try await service.run() })
    }

    /// Unplugs the simulated modem (the driver sees its transport end).
    func unplug() async {
        await simulated.unplug()
    }

    /// Plugs it back in on a fresh pipe: the driver is reopened, run and started again, as messagingd would.
    func replug() async throws {
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        await modem.reopen(transport: driverSide)
        let simulated = self.simulated
        let modem = self.modem
        tasks.append(Task { try await simulated.serve(modemSide) })
        tasks.append(Task { try await modem.run() })
        try await modem.start()
        service.requestMirrorPass()
    }

    func stop() async {
        for task in tasks.reversed() { task.cancel() }
        for task in tasks.reversed() { _ = await task.result }
        tasks = []
    }

    /// Waits (bounded) until `condition` holds, moving the service's clock a second per round so that moderated
    /// events and retry back-offs come due. Polls: the stack runs on real tasks and I/O.
    func eventually(
        _ what: String,
        timeout: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = self.clock
        try await TestSupport.eventually(
            what,
            timeout: timeout,
            interval: .milliseconds(25),
            sourceLocation: sourceLocation
        ) {
            if try await condition() { return true }
            clock.advance(by: .seconds(1))
            return false
        }
    }

    /// Messages of a folder, oldest first, with their text (ReadMessage marks them Read, so this reads the store).
    func messages(in folder: MessageFolder) async throws -> [MessageDetail] {
        var result: [MessageDetail] = []
        for summary in try await store.search(StoreQuery(folder: MessageRecord.Folder(rawValue: folder.rawValue))) {
            if let id = summary.message.id, let detail = try await store.message(id: id) { result.append(detail) }
        }
        return result
    }
}
