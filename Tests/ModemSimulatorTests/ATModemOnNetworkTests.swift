import Foundation
import Logging
import Modem
import SMSCodec
import TestSupport
import Testing

@testable import ModemSimulator

/// Two real ATModem drivers on one simulated network: a message crosses it through AT dialogues only, and the
/// status report comes back (the driver's own suite covers one driver against each profile).
@Suite struct ATModemOnNetworkTests {
    static let logger = Logger(label: "test.sim", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The first matching event, or nil after `limit` events / when the stream ends.
    static func next(
        _ iterator: inout AsyncStream<ModemEvent>.Iterator,
        limit: Int = 50,
        where matches: (ModemEvent) -> Bool
    ) async -> ModemEvent? {
        for _ in 0..<limit {
            guard let event = await iterator.next() else { return nil }
            if matches(event) { return event }
        }
        return nil
    }

    @Test func textCrossesTheNetworkAndTheStatusReportReturns() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let simulatedOne = await network.makeModem(profile: .huaweiE173)
        let simulatedTwo = await network.makeModem(profile: .quectelEC25)
        let (driverOne, sideOne) = InMemoryTransport.makePair()
        let (driverTwo, sideTwo) = InMemoryTransport.makePair()
        let one = ATModem(transport: driverOne, logger: Self.logger)
        let two = ATModem(transport: driverTwo, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulatedOne.serve(sideOne) }
            group.addTask { try? await simulatedTwo.serve(sideTwo) }
            group.addTask { try await one.run() }
            group.addTask { try await two.run() }
            defer { group.cancelAll() }
            var eventsOne = one.events().makeAsyncIterator()
            var eventsTwo = two.events().makeAsyncIterator()
            _ = try await one.start()
            _ = try await two.start()

            let pdu = try PDUHex.decode(submitPDU(to: "+15550000002", text: "over the air", statusReport: true)[0])
            let references = try await one.send([OutgoingPDU(pdu: pdu, tpduLength: pdu.count - 1)])
            #expect(references.count == 1)

            let stored = await Self.next(&eventsTwo) { if case .messageStored = $0 { true } else { false } }
            guard case .messageStored(let storage, let index) = stored else {
                Issue.record("no +CMTI on the recipient")
                return
            }
            let message = try await two.readMessage(at: index, in: storage)
            let deliver = try decodeDeliver(message.pdu)
            #expect(deliver.text == "over the air")
            #expect(deliver.originator.value == "+15550000001")

            // The report: stored (+CDSI) or delivered directly (+CDS), whichever routing the driver chose.
            let report = await Self.next(&eventsOne) { event in
                switch event {
                case .messageStored(let s, _): s == .statusReports || s == .sim || s == .phone
                case .statusReportDelivered: true
                default: false
                }
            }
            var reportPDU: [UInt8]?
            switch report {
            case .messageStored(let s, let i): reportPDU = try await one.readMessage(at: i, in: s).pdu
            case .statusReportDelivered(let p, let token):
                reportPDU = p
                try await one.acknowledge(token)
            default: Issue.record("no status report")
            }
            let (_, tpdu) = try SimSubmit.splitSMSC(try #require(reportPDU))
            #expect(tpdu[0] & 0x03 == 0x02)
            #expect(tpdu[1] == references[0])

            try await two.deleteMessage(at: index, in: storage)
            #expect(try await two.listMessages(in: storage).allSatisfy { $0.index != index })
            await one.close()
            await two.close()
            await sideOne.close()
            await sideTwo.close()
        }
    }

    @Test func driverSendsThroughZTEInterleavedURCs() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(profile: .zteMF190)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            _ = try await modem.start()
            var references: [UInt8] = []
            for n in 0..<3 {
                let pdu = try PDUHex.decode(submitPDU(to: "+15550000077", text: "zte \(n)")[0])
                references += try await modem.send([OutgoingPDU(pdu: pdu, tpduLength: pdu.count - 1)])
            }
            #expect(references == [0, 1, 2])
            #expect(await network.waitForSubmissions(3).map(\.text) == ["zte 0", "zte 1", "zte 2"])
            await modem.close()
            await modemSide.close()
        }
    }
}
