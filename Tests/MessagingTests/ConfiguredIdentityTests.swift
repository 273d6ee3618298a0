import Foundation
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// The configured SMSC and own number: the SMSC goes into every SMS-SUBMIT, the own number answers
/// GetTelephonyIdentity on a SIM that stores none, and `recipientFrom` never has an empty `peer:id`.
@Suite struct ConfiguredIdentityTests {
    /// The stored PDUs of a message the outbox has sent.
    func sentPDUs(_ rig: SimulatorRig, text: String) async throws -> [[UInt8]] {
        try await rig.eventually("'\(text)' in Sent") {
            try await rig.messages(in: .sent).contains { $0.message.text == text }
        }
        let detail = try #require(try await rig.messages(in: .sent).first { $0.message.text == text })
        let rowID = try #require(detail.message.id)
        // The parts were prepared by the first attempt; this returns them and encodes nothing.
        let parts = try await rig.store.preparePartsIfNeeded(messageID: rowID) { _ in [] }
        return parts.map { Array($0.pdu) }
    }

    func send(_ rig: SimulatorRig, _ text: String) async throws -> MessageID {
        try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)]), text: text)
        )
    }

    @Test func aConfiguredSMSCIsTheAddressFieldOfEverySubmit() async throws {
        let rig = try await SimulatorRig(configure: { $0.serviceCentre = "+15550000100" })
        let text = String(repeating: "long enough for two parts ", count: 8)
        _ = try await send(rig, text)
        let pdus = try await sentPDUs(rig, text: text)
        #expect(pdus.count == 2)
        for pdu in pdus {
            // TS 23.040 §9.1.2.5 before the TPDU (TS 27.005 §3.5.1): length 7 (type + 6 octets), type 0x91
            // (international, ISDN), 15550000100 in swapped semi-octets with an F filler.
            #expect(Array(pdu.prefix(8)) == [0x07, 0x91, 0x51, 0x55, 0x00, 0x00, 0x01, 0xF0])
            // Then the SMS-SUBMIT (TP-MTI 01).
            #expect(pdu.count > 8 && pdu[8] & 0x03 == 0x01)
        }
        await rig.stop()
    }

    @Test func withoutAConfiguredSMSCTheModemUsesTheSIMs() async throws {
        let rig = try await SimulatorRig()
        _ = try await send(rig, "via AT+CSCA")
        let pdus = try await sentPDUs(rig, text: "via AT+CSCA")
        // TS 27.005 §3.5.1: an SMSC length of zero makes the modem use the +CSCA address.
        #expect(pdus.map { $0.first } == [0x00])
        await rig.stop()
    }

    @Test func theConfiguredOwnNumberAnswersOnASIMThatStoresNone() async throws {
        let rig = try await SimulatorRig(
            prepare: { await $0.failNextCommand("+CNUM", with: .error) },
            configure: { $0.ownNumber = "+15550000042" }
        )
        rig.service.requestMirrorPass()
        try await rig.eventually("the identity read") { await rig.service.modemIdentity != nil }
        #expect(await rig.service.modemIdentity?.msisdn == "")
        #expect(try await rig.service.getTelephonyIdentity() == "tel:+15550000042")
        // What the device sends carries it as the sender.
        let id = try await send(rig, "from the configured number")
        _ = try await sentPDUs(rig, text: "from the configured number")
        #expect(try await rig.service.readMessage(id: id.description).recipients.from?.id == "+15550000042")
        await rig.stop()
    }

    @Test func withNoNumberAnywhereTheSenderIsNeverEmpty() async throws {
        let rig = try await SimulatorRig(prepare: { await $0.failNextCommand("+CNUM", with: .error) })
        rig.service.requestMirrorPass()
        try await rig.eventually("the identity read") { await rig.service.modemIdentity != nil }
        await #expect(throws: MessagingError.self) { try await rig.service.getTelephonyIdentity() }
        let id = try await send(rig, "from nobody known")
        _ = try await sentPDUs(rig, text: "from nobody known")
        let sent = try await rig.service.readMessage(id: id.description)
        #expect(sent.recipients.from?.id == MessagingService.unknownPeerID)
        let found = try await rig.service.searchMessages(MessageQuery())
        #expect(!found.isEmpty)
        for message in found {
            #expect(message.recipients.from.map { !$0.id.isEmpty } == true, "\(message.id)")
        }
        // A session the device creates has the device as its creator (`recipientFrom`).
        _ = try await rig.service.createSession(
            sessionClass: .sms,
            recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)])
        )
        let sessions = try await rig.service.getSessions(.all)
        #expect(sessions.count == 1)
        #expect(sessions.allSatisfy { $0.recipients.from?.id == MessagingService.unknownPeerID })
        await rig.stop()
    }
}
