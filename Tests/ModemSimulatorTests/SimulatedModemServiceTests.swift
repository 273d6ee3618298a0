import Logging
import Modem
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import TestSupport
import Testing

@testable import ModemSimulator

@Suite struct SimulatedModemServiceTests {
    /// In a `ServiceGroup` the driver's service shuts down first and closes its end of the pipe. The simulated
    /// modem's service must not end on its own then: a service that returns before its shutdown fails the group
    /// ("a service has finished unexpectedly").
    @Test func theModemKeepsRunningAfterTheDriverClosesItsEndUntilShutdown() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Logger(label: "test"))
        let modem = await network.makeModem()
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let service = SimulatedModemService(network: network, modem: modem, transport: modemSide)
        let returned = Flag()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await service.run()
                    returned.set()
                }
                try await eventually("the modem serves its end") { await modem.transport != nil }
                await driverSide.close()
                try await eventually("the modem's session ended") { await modem.transport == nil }
                #expect(!returned.isSet)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
                #expect(returned.isSet)
            }
        }
    }
}

/// Set once, read from another task.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
