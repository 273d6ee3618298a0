import Foundation
import InMemoryLogging
import Logging
import MessageStore
import Modem
import ModemSimulator
import Synchronization
import Testing

@testable import Messaging

/// The service on the simulator end to end: real ATModem, real simulated modem and network.
@Suite(.serialized) struct EndToEndTests {
    @Test func aSingleMessageArrivesInReceivedAsUnread() async throws {
        let rig = try await SimulatorRig()
        await rig.network.injectText("Dinner at eight?", from: "+15550000077", to: rig.ownNumber)
        try await rig.eventually("message in Received") { try await rig.messages(in: .received).count == 1 }
        let message = try #require(try await rig.messages(in: .received).first)
        #expect(message.message.text == "Dinner at eight?")
        #expect(message.message.fromID == "+15550000077")
        #expect(message.message.status == .unread)
        #expect(message.message.dateSent != nil)
        #expect(message.recipients.map(\.peerID) == [rig.ownNumber])
        // Moved off the SIM after the import committed (policy move).
        try await rig.eventually("SIM emptied") { await rig.simulated.storedMessages(in: .sim).isEmpty }
        let news = try await rig.service.getNewMessages()
        #expect(news.entries.count == 1)
        #expect(news.entries.first?.overview == "SMS from +15550000077:Dinner at eight?")
        #expect(try await rig.service.getTelephonyIdentity() == "tel:\(rig.ownNumber)")
        await rig.stop()
    }

    @Test func concatenatedPartsOutOfOrderBecomeOneMessage() async throws {
        let rig = try await SimulatorRig()
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 8)
        await rig.network.injectText(text, from: "+15550000077", to: rig.ownNumber, partOrder: [3, 1, 2])
        try await rig.eventually("reassembled message") { try await rig.messages(in: .received).count == 1 }
        let message = try #require(try await rig.messages(in: .received).first)
        #expect(message.message.text == text)
        #expect(message.message.isComplete)
        #expect(try await rig.store.pendingSegmentCount() == 0)
        await rig.stop()
    }

    @Test func alphanumericSenderAndFlashMessagesAreReceived() async throws {
        let rig = try await SimulatorRig()
        await rig.network.injectText("Your code is 1234", from: "MyBank", to: rig.ownNumber)
        await rig.network.injectText("Flash!", from: "+15550000078", to: rig.ownNumber, messageClass: 0)
        try await rig.eventually("two messages") { try await rig.messages(in: .received).count == 2 }
        let messages = try await rig.messages(in: .received)
        let bank = try #require(messages.first { $0.message.text == "Your code is 1234" })
        #expect(bank.message.fromID == "MyBank")
        let flash = try #require(messages.first { $0.message.text == "Flash!" })
        #expect(flash.message.kind == .flash)
        let found = try await rig.service.searchMessages(MessageQuery(peer: "MyBank"))
        #expect(found.count == 1)
        await rig.stop()
    }

    @Test func aSentMessageReachesSentAndEveryPartGetsItsDeliveryReport() async throws {
        let rig = try await SimulatorRig()
        let text = String(repeating: "0123456789", count: 20)  // 200 characters: two segments
        let id = try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)]), text: text)
        )
        #expect(try await rig.service.readMessage(id: id.description).folder == .outgoing)
        try await rig.eventually("delivered") {
            let message = try await rig.service.readMessage(id: id.description)
            return message.folder == .sent && message.delivery?.isDelivered == true
        }
        let message = try await rig.service.readMessage(id: id.description)
        #expect(message.status == .read)
        #expect(message.dateSent != nil)
        #expect(message.delivery?.parts.count == 2)
        #expect(message.delivery?.parts.allSatisfy { $0.messageReference != nil && $0.status == .delivered } == true)
        let submissions = await rig.network.submissions
        #expect(submissions.count == 2)
        #expect(Set(submissions.compactMap { $0.concatenation?.reference }).count == 1)
        // The echo subscriber answers; its reply lands in Received.
        try await rig.eventually("echo reply") {
            try await rig.messages(in: .received).contains { $0.message.text == "echo: " + text }
        }
        await rig.stop()
    }

    @Test func aPermanentErrorEndsInAFailedStateInOutgoing() async throws {
        let rig = try await SimulatorRig()
        await rig.simulated.failNextCommand("+CMGS", with: .cms(21))
        let id = try await rig.service.sendMessage(ServiceFixture.sms(to: "+15550000055"))
        try await rig.eventually("failed") {
            try await rig.service.readMessage(id: id.description).delivery?.state == .failed
        }
        let message = try await rig.service.readMessage(id: id.description)
        #expect(message.folder == .outgoing)
        #expect(message.status == .unread)
        #expect(message.delivery?.lastError?.cmsError == 21)
        #expect(message.delivery?.lastError?.isPermanent == true)
        #expect(message.delivery?.attempts == 1)
        await rig.stop()
    }

    @Test func aTemporaryErrorIsRetried() async throws {
        let rig = try await SimulatorRig()
        await rig.simulated.failNextCommand("+CMGS", with: .cms(332))
        let id = try await rig.service.sendMessage(ServiceFixture.sms(to: SimulatedNetwork.echoNumber))
        try await rig.eventually("sent after a retry") {
            try await rig.service.readMessage(id: id.description).folder == .sent
        }
        let message = try await rig.service.readMessage(id: id.description)
        #expect(message.delivery?.attempts == 2)
        await rig.stop()
    }

    @Test func aFullSIMIsEmptiedAndTheCountersReported() async throws {
        let filler: [UInt8] = {
            // SMS-DELIVER from +15550000077, GSM 7-bit "hi", SCTS 2026-01-01 00:00:00 +00.
            [
                0x00, 0x04, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x00, 0x77, 0xF7, 0x00, 0x00,
                0x62, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0xE8, 0x34,
            ]
        }()
        let rig = try await SimulatorRig(prepare: { await $0.fill(.sim, with: filler) })
        await rig.network.injectText("after the flood", from: "+15550000078", to: rig.ownNumber)
        try await rig.eventually("the new message arrives once space is free") {
            try await rig.messages(in: .received).contains { $0.message.text == "after the flood" }
        }
        // Every copy of the filler is the same PDU: stored once, however many slots held it.
        let copies = try await rig.messages(in: .received).filter { $0.message.text == "hi" }
        #expect(copies.count == 1)
        let status = try await rig.service.mirrorStatus()
        #expect(status.deletedFromModem > 1)
        #expect(status.duplicateParts > 0)
        let sim = try #require(status.storages.first { $0.storage == .sim })
        #expect(!sim.isFull)
        await rig.stop()
    }

    @Test func aStorageThatRefusesSelectionIsSkippedAndTheOthersMirrored() async throws {
        // SMS-DELIVER from +15550000777, GSM 7-bit, SCTS 2026-01-01 00:00:00 +00; `text` is "hi" or "ho" packed.
        func deliver(_ text: [UInt8]) -> [UInt8] {
            [0x00, 0x04, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x00, 0x77, 0xF7, 0x00, 0x00]
                + [0x62, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02] + text
        }
        // A Huawei stick that advertises SR in AT+CPMS=? but answers AT+CPMS="SR" with +CMS ERROR: 302.
        var profile = SimulatorProfile.huaweiE173
        profile.refusedStorages = ["SR"]
        let log = InMemoryLogHandler()
        var logger = Logger(label: "storage-refusal", factory: { _ in log })
        logger.logLevel = .info
        let rig = try await SimulatorRig(
            profile: profile,
            logger: logger,
            prepare: {
                await $0.preload(deliver([0xE8, 0x34]), status: .receivedUnread, in: .sim)
                await $0.preload(deliver([0xE8, 0x37]), status: .receivedRead, in: .phone)
            }
        )
        try await rig.eventually("stored messages of SM and ME") {
            Set(try await rig.messages(in: .received).map(\.message.text)) == ["hi", "ho"]
        }
        // A new message arrives with +CMTI and a later pass.
        await rig.network.injectText("after the refusal", from: "+15550000078", to: rig.ownNumber)
        try await rig.eventually("the +CMTI delivery") {
            try await rig.messages(in: .received).contains { $0.message.text == "after the refusal" }
        }
        // Two parts, two status reports stored in SR and announced with +CDSI: SR is learnt, fails, and is dropped.
        let text = String(repeating: "0123456789", count: 20)
        _ = try await rig.service.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)]), text: text)
        )
        try await rig.eventually("the echo reply") {
            try await rig.messages(in: .received).contains { $0.message.text == "echo: " + text }
        }
        func entries(_ message: String) -> [InMemoryLogHandler.Entry] {
            log.entries.filter { $0.message.description == message && $0.metadata["modem.storage"] == "SR" }
        }
        try await rig.eventually("the announced SR skipped") {
            !entries("message storage skipped by the mirror").isEmpty
        }
        rig.service.requestMirrorPass()
        await rig.network.injectText("one more", from: "+15550000078", to: rig.ownNumber)
        try await rig.eventually("a pass after the skip") {
            try await rig.messages(in: .received).contains { $0.message.text == "one more" }
        }
        // Logged once each, however many passes and +CDSI followed; no pass failed because of SR.
        #expect(entries("message storage refused selection; left out").count == 1)
        #expect(entries("message storage skipped by the mirror").count == 1)
        #expect(!log.entries.contains { $0.message.description == "mirror pass failed" })
        let status = try await rig.service.mirrorStatus()
        #expect(status.lastError == nil)
        #expect(Set(status.storages.map(\.storage)) == [.sim, .phone])
        #expect(try await rig.messages(in: .received).count == 5)
        // Moved off SM and ME after their imports committed (policy move).
        try await rig.eventually("SM and ME emptied") {
            let sim = await rig.simulated.storedMessages(in: .sim)
            let phone = await rig.simulated.storedMessages(in: .phone)
            return sim.isEmpty && phone.isEmpty
        }
        await rig.stop()
    }

    @Test func aStorageThatRefusesListingIsSkippedAndTheOthersMirrored() async throws {
        // SMS-DELIVER from +15550000777, GSM 7-bit "hi"/"ho", SCTS 2026-01-01 00:00:00 +00.
        func deliver(_ text: [UInt8]) -> [UInt8] {
            [0x00, 0x04, 0x0B, 0x91, 0x51, 0x55, 0x00, 0x00, 0x77, 0xF7, 0x00, 0x00]
                + [0x62, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02] + text
        }
        let log = InMemoryLogHandler()
        let rig = try await SimulatorRig(
            logger: Logger(label: "listing-refusal", factory: { _ in log }),
            prepare: {
                await $0.preload(deliver([0xE8, 0x34]), status: .receivedUnread, in: .sim)
                await $0.preload(deliver([0xE8, 0x37]), status: .receivedRead, in: .phone)
                // The first pass lists SM first: its AT+CMGL is refused.
                await $0.failNextCommand("+CMGL", with: .cms(500))
            }
        )
        try await rig.eventually("ME mirrored") {
            try await rig.messages(in: .received).map(\.message.text) == ["ho"]
        }
        rig.service.requestMirrorPass()
        await rig.network.injectText("still here", from: "+15550000078", to: rig.ownNumber)
        try await rig.eventually("a later pass") {
            try await rig.messages(in: .received).contains { $0.message.text == "still here" }
        }
        let skipped = log.entries.filter { $0.message.description == "message storage skipped by the mirror" }
        #expect(skipped.map { $0.metadata["modem.storage"] } == ["SM"])
        #expect(!log.entries.contains { $0.message.description == "mirror pass failed" })
        #expect(try await rig.service.mirrorStatus().lastError == nil)
        // SM is left alone from then on: its message is still on the SIM, not imported.
        #expect(await rig.simulated.storedMessages(in: .sim).count == 1)
        #expect(!(try await rig.messages(in: .received).contains { $0.message.text == "hi" }))
        await rig.stop()
    }

    @Test func keepOnSIMMirrorsWithoutDeletingOrDuplicating() async throws {
        let rig = try await SimulatorRig(configure: { $0.mirrorPolicy = .keepOnSIM })
        await rig.network.injectText("keep me", from: "+15550000077", to: rig.ownNumber)
        try await rig.eventually("imported") { try await rig.messages(in: .received).count == 1 }
        rig.service.requestMirrorPass()
        rig.service.requestMirrorPass()
        try await rig.eventually("passes recognise it") { try await rig.service.mirrorStatus().duplicateParts >= 1 }
        #expect(try await rig.messages(in: .received).count == 1)
        let onModem = await rig.simulated.storedMessages(in: .sim) + rig.simulated.storedMessages(in: .phone)
        #expect(onModem.count == 1)
        await rig.stop()
    }

    @Test func anUnpluggedModemDuringTheMirrorLosesNothing() async throws {
        let rig = try await SimulatorRig()
        await rig.network.injectText("before", from: "+15550000077", to: rig.ownNumber)
        try await rig.eventually("first message") { try await rig.messages(in: .received).count == 1 }
        await rig.unplug()
        // While the modem is away the network keeps what arrives; the mirror's passes fail and are retried.
        await rig.network.injectText("while away", from: "+15550000077", to: rig.ownNumber)
        rig.service.requestMirrorPass()
        try await rig.eventually("a failed pass is reported") { try await rig.service.mirrorStatus().lastError != nil }
        try await rig.replug()
        try await rig.eventually("message after replug") { try await rig.messages(in: .received).count == 2 }
        let texts = try await rig.messages(in: .received).compactMap(\.message.text)
        #expect(texts == ["before", "while away"])
        await rig.stop()
    }

    @Test func aMessageQueuedWhileTheModemIsUnpluggedIsSentAfterReplug() async throws {
        let rig = try await SimulatorRig(configure: { $0.maximumSendAttempts = 2 })
        await rig.unplug()
        let id = try await rig.service.sendMessage(ServiceFixture.sms(to: SimulatedNetwork.echoNumber, text: "later"))
        // More failed attempts than the limit: modem failures do not count against it.
        try await rig.eventually("several failed attempts") {
            try await rig.service.readMessage(id: id.description).delivery?.attempts ?? 0 >= 3
        }
        #expect(try await rig.service.readMessage(id: id.description).delivery?.state == .queued)
        try await rig.replug()
        try await rig.eventually("sent after replug") {
            try await rig.service.readMessage(id: id.description).folder == .sent
        }
        await rig.stop()
    }

    @Test func newMessagesAreEventedModerated() async throws {
        let rig = try await SimulatorRig()
        let largest = Mutex(0)
        let publications = Mutex(0)
        let collector = Task {
            for await event in rig.service.events() {
                guard let value = event.newMessages else { continue }
                publications.withLock { $0 += 1 }
                largest.withLock { $0 = max($0, value.entries.count) }
            }
        }
        await rig.network.injectText("one", from: "+15550000077", to: rig.ownNumber)
        await rig.network.injectText("two", from: "+15550000077", to: rig.ownNumber)
        try await rig.eventually("both in one NewMessages value") { largest.withLock { $0 } == 2 }
        // Reading one removes it from the value (I-1), which is evented too.
        let first = try #require(try await rig.service.getNewMessages().entries.first)
        _ = try await rig.service.readMessage(id: first.id.description)
        let before = publications.withLock { $0 }
        try await rig.eventually("a publication after the read") { publications.withLock { $0 } > before }
        collector.cancel()
        await rig.stop()
    }
}
