import Foundation
import Logging
import MessageStore
import Modem
import ModemSimulator
import Synchronization
import TestSupport
import Testing

@testable import Messaging

/// The Messaging service on a modem run by ``ModemSupervisorService``: while the modem is away the service keeps
/// serving and queues sends; when it is back, the supervisor's `.started` makes the queued send go once and the
/// messages the network held be mirrored once, without waiting for any back-off (the service's clock never moves).
@Suite struct SupervisedModemTests {
    static let logger = Logger(label: "test.supervised", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func whileTheModemIsAwaySendsQueueAndEverythingGoesOnceWhenItIsBack() async throws {
        let networkClock = ManualClock()
        let network = SimulatedNetwork(clock: networkClock, wallClock: networkClock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(profile: .huaweiE3372)
        let path = Mutex<String?>("/dev/ttyUSB2")
        let (sides, feed) = AsyncStream<InMemoryTransport>.makeStream()

        let (placeholder, other) = InMemoryTransport.makePair()
        await other.close()
        let modem = ATModem(transport: placeholder, logger: Self.logger)
        let supervisorClock = ManualClock()
        let supervisor = ModemSupervisorService(
            modem: modem,
            locator: { path.withLock { $0 } },
            open: { opened in
                guard path.withLock({ $0 }) == opened else { throw TransportError.closed }
                let (driverSide, modemSide) = InMemoryTransport.makePair()
                feed.yield(modemSide)
                return driverSide
            },
            clock: supervisorClock,
            logger: Self.logger
        )
        let store = try MessageStore.inMemory()
        let serviceClock = ManualClock(wallOrigin: Date())
        var configuration = MessagingConfiguration()
        configuration.mirrorInterval = .seconds(3600)
        configuration.initialRetryDelay = .seconds(600)
        let service = MessagingService(
            store: store,
            modem: modem,
            configuration: configuration,
            clock: serviceClock,
            wallClock: serviceClock.wallClock,
            logger: Self.logger
        )

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await side in sides { try? await simulated.serve(side) }
            }
            group.addTask { try await supervisor.run() }
            group.addTask { try await service.run() }
            defer {
                feed.finish()
                group.cancelAll()
            }
            try await eventually("ready") { supervisor.status.isReady }
            await network.injectText("before", from: "+15550000077", to: simulated.number)
            try await eventually("first message mirrored") { try await Self.received(store).count == 1 }

            // Unplugged: the supervisor looks for it, the service keeps serving and queues the send.
            path.withLock { $0 = nil }
            await simulated.unplug()
            try await eventually("modem away") { supervisor.status.state == .waitingForDevice(attempt: 1) }
            let id = try await service.sendMessage(ServiceFixture.sms(to: "+15550000042", text: "later"))
            try await eventually("one failed attempt, still queued") {
                let delivery = try await service.readMessage(id: id.description).delivery
                return delivery?.attempts == 1 && delivery?.state == .queued
            }
            #expect(try await service.readMessage(id: id.description).folder == .outgoing)
            await network.injectText("while away", from: "+15550000077", to: simulated.number)
            #expect(try await Self.received(store).count == 1)

            // Back under a new name: both go at once, once.
            path.withLock { $0 = "/dev/ttyUSB3" }
            #expect(await supervisorClock.waitForSleepers(1))
            supervisorClock.advance(by: .seconds(1))
            try await eventually("sent after the return") {
                try await service.readMessage(id: id.description).folder == .sent
            }
            try await eventually("the held message mirrored") { try await Self.received(store).count == 2 }
            #expect(try await Self.received(store).compactMap(\.message.text) == ["before", "while away"])
            let submissions = await network.waitForSubmissions(1).filter { $0.to.hasSuffix("15550000042") }
            #expect(submissions.count == 1)
            #expect(try await service.readMessage(id: id.description).delivery?.attempts == 2)
            #expect(serviceClock.elapsed == .zero)
        }
    }

    static func received(_ store: MessageStore) async throws -> [MessageDetail] {
        var result: [MessageDetail] = []
        for summary in try await store.search(StoreQuery(folder: .received)) {
            if let id = summary.message.id, let detail = try await store.message(id: id) { result.append(detail) }
        }
        return result
    }
}
