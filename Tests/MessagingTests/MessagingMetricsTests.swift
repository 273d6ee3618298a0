import MetricsTestKit
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// The service's counters on the simulator rig, through a test metrics factory: what counts as received, sent and
/// failed, and the mirror passes.
@Suite struct MessagingMetricsTests {
    /// "hi" (GSM 7-bit) from +15550000777 as a stored SMS-DELIVER (TS 23.040 §9.2.2.1), empty SMSC field first.
    static let storedDeliver: [UInt8] =
        [0x00, 0x04, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x00, 0x77, 0xF7, 0x00, 0x00]
        + [0x62, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0xE8, 0x34]
    /// "hi" to +15550000777 as a stored SMS-SUBMIT (TS 23.040 §9.2.2.2, no validity period): another UI's sent
    /// message, which the mirror imports into Sent (`STO SENT`).
    static let storedSubmit: [UInt8] = [
        0x00, 0x01, 0x00, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x00, 0x77, 0xF7, 0x00, 0x00, 0x02, 0xE8, 0x34,
    ]

    @Test func aStoredSentMessageIsNotCountedAsReceived() async throws {
        let metrics = TestMetrics()
        let rig = try await SimulatorRig(
            metricsFactory: metrics,
            prepare: {
                await $0.preload(Self.storedDeliver, status: .receivedUnread, in: .sim)
                await $0.preload(Self.storedSubmit, status: .storedSent, in: .sim)
            }
        )
        let received = try metrics.expectCounter("messaging_messages_received_total")
        let passes = try metrics.expectCounter("messaging_mirror_passes_total", [("result", "ok")])
        try await rig.eventually("both stored messages imported") {
            try await rig.service.mirrorStatus().importedParts == 2 && passes.totalValue >= 1
        }
        #expect(try await rig.messages(in: .received).count == 1)
        #expect(try await rig.messages(in: .sent).count == 1)
        #expect(received.totalValue == 1)
        #expect(try metrics.expectCounter("messaging_mirror_passes_total", [("result", "failed")]).totalValue == 0)
        await rig.stop()
    }

    @Test func aPermanentRefusalCountsAFailedAttemptAndAFailedMessage() async throws {
        let metrics = TestMetrics()
        // +CMS ERROR: 21, short message transfer rejected (TS 24.011 Table 8.4): permanent, not retried.
        let rig = try await SimulatorRig(
            metricsFactory: metrics,
            prepare: { await $0.failNextCommand("+CMGS", with: .cms(21)) }
        )
        let failed = try metrics.expectCounter("messaging_messages_failed_total")
        _ = try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: "+15550000777")]), text: "refused")
        )
        try await rig.eventually("the message marked failed") { failed.totalValue == 1 }
        #expect(try metrics.expectCounter("messaging_send_attempts_failed_total").totalValue == 1)
        #expect(try metrics.expectCounter("messaging_messages_sent_total").totalValue == 0)
        #expect(try await rig.service.outboxDepth() == 0)

        // The next one goes: sent, and nothing more failed.
        _ = try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: "+15550000777")]), text: "accepted")
        )
        let sent = try metrics.expectCounter("messaging_messages_sent_total")
        try await rig.eventually("the second message sent") { sent.totalValue == 1 }
        #expect(failed.totalValue == 1)
        await rig.stop()
    }
}
