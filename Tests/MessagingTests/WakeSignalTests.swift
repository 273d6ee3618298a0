import Testing

@testable import Messaging

@Suite struct WakeSignalTests {
    /// The service's loops race a wait against a timeout and cancel the loser; a fire that came meanwhile must
    /// still wake the next wait, else the work it announced waits for the next timeout.
    @Test func aCancelledWaitLeavesAPendingFireToTheNextWait() async throws {
        let signal = WakeSignal()
        signal.fire()
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await signal.wait()
        }
        await cancelled.value
        try #require(signal.isPending)
        await signal.wait()  // Returns at once: the fire is taken now.
        #expect(!signal.isPending)
    }

    @Test func aFireWithNoWaiterIsKeptForOneWait() async {
        let signal = WakeSignal()
        #expect(!signal.isPending)
        signal.fire()
        signal.fire()
        #expect(signal.isPending)
        await signal.wait()
        #expect(!signal.isPending)
    }
}
