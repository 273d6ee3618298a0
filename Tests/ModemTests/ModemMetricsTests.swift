import MetricsTestKit
import Synchronization
import TestSupport
import Testing

@testable import Modem

/// The driver's counters (`modem_at_timeouts_total`, `modem_restarts_total`), through a test metrics factory.
@Suite struct ModemMetricsTests {
    @Test func aCommandThatTimesOutIsCounted() async throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        let stalls = Mutex(true)
        let handler = try ATModemTests.huaweiHandler { command in
            guard command == "AT+CSQ" else { return nil }
            // The first AT+CSQ gets no answer at all; later ones get the transcript's.
            return stalls.withLock { value in
                defer { value = false }
                return value ? .silent : nil
            }
        }
        try await ATModemTests.withScripted(clock: clock, metricsFactory: metrics, handler: handler) {
            modem,
            scripted in
            try await modem.start()
            let timeouts = try metrics.expectCounter("modem_at_timeouts_total")
            #expect(timeouts.totalValue == 0)  // The series exists before the first timeout.
            let stalled = Task { try await modem.signalQuality() }
            await scripted.waitForCommand(prefix: "AT+CSQ")
            try #require(await clock.waitForSleepers(1))  // the command's deadline
            clock.advance(by: .seconds(6))
            await #expect(throws: ModemError(.commandFailed)) { try await stalled.value }
            #expect(timeouts.totalValue == 1)
            #expect(try await modem.signalQuality() == SignalQuality(rssi: 17, ber: 99))
            #expect(timeouts.totalValue == 1)
        }
    }

    @Test func aPowerOnIndicationAfterStartUpCountsAsARestart() async throws {
        let metrics = TestMetrics()
        try await ATModemTests.withScripted(
            clock: ContinuousClock(),
            metricsFactory: metrics,
            handler: try ATModemTests.huaweiHandler()
        ) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            let restarts = try metrics.expectCounter("modem_restarts_total")
            // The first boot's indication, before start-up, is no restart.
            try await scripted.inject("\r\nRDY\r\n")
            #expect(await ATModemTests.next(&events) { $0 == .restarted } == .restarted)
            #expect(restarts.totalValue == 0)
            try await modem.start()
            try await scripted.inject("\r\nRDY\r\n")
            #expect(await ATModemTests.next(&events) { $0 == .restarted } == .restarted)
            #expect(restarts.totalValue == 1)
        }
    }
}
