import Foundation
import InMemoryLogging
import Logging
import MessageStore
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// The log lines of a received and a sent message at info level: one each, with the message's ID, without its text
/// or a full phone number (STYLE.md §9 rule 9).
@Suite struct JournalLogTests {
    @Test func receivedAndSentMessagesLogTheirIDButNeitherTextNorNumber() async throws {
        let log = InMemoryLogHandler()
        var logger = Logger(label: "journal", factory: { _ in log })
        logger.logLevel = .info
        let rig = try await SimulatorRig(logger: logger)
        let sender = "+15550000077"
        await rig.network.injectText("the secret of the received text", from: sender, to: rig.ownNumber)
        try await rig.eventually("the message received") { try await rig.messages(in: .received).count == 1 }
        let sentText = "the secret of the sent text"
        let sentID = try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)]), text: sentText)
        )
        try await rig.eventually("the echo reply") { try await rig.messages(in: .received).count == 2 }
        try await rig.eventually("the message sent") { try await rig.messages(in: .sent).count == 1 }
        let received = try await rig.messages(in: .received)
        let receivedIDs = received.map { MessageID(record: $0.message).description }
        await rig.stop()

        func lines(_ message: String) -> [InMemoryLogHandler.Entry] {
            log.entries.filter { $0.message.description == message && $0.level == .info }
        }
        // One line per message, each with its ID as control points see it.
        #expect(lines("message received").compactMap { $0.metadata["message.id"]?.description } == receivedIDs)
        #expect(lines("message sent").compactMap { $0.metadata["message.id"]?.description } == [sentID.description])
        #expect(lines("message received").first?.metadata["message.peer"]?.description == "+15*******77")
        #expect(lines("message sent").first?.metadata["message.to"]?.description == "+15*******99")

        // Nothing at info or above carries a text or a full number.
        let numbers = [sender, SimulatedNetwork.echoNumber, rig.ownNumber].map { String($0.dropFirst()) }
        for entry in log.entries where entry.level >= .info {
            let line = "\(entry.message) \(entry.metadata) \(entry.error.map { "\($0)" } ?? "")"
            for secret in ["secret", "echo:"] + numbers {
                #expect(!line.contains(secret), "\(entry.level) line shows '\(secret)': \(line)")
            }
        }
    }

    @Test(arguments: [
        ("+4917612345678", "+49*********78"),
        ("015112345678", "015*******78"),
        ("12345", "1****"),
        ("", ""),
        ("Vodafone", "Vod***ne"),
    ])
    func numbersAreMaskedButTheirEnds(_ example: (number: String, masked: String)) {
        #expect(PeerAddress.masked(example.number) == example.masked)
    }
}
