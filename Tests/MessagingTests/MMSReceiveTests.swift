import Foundation
import Logging
import MMSCodec
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// Receiving MMS: the WAP push becomes a Received message of class MMS at once (content pending), the content is
/// fetched through the transport with back-off and stored in the same message, the MMSC gets its answer, and
/// nothing is lost or doubled across failures, duplicates and restarts.
@Suite struct MMSReceiveTests {
    static let location = "http://mmsc.example/m/1"

    @Test func aPushInTwoSMSIsReassembledShownPendingThenFetched() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(store: MessageStore(path: scratch.path("m.sqlite")))
        rig.mmsc.failRetrieve([.unreachable(reason: "no route")])
        let push = MMSFixtures.notificationPush(transactionID: "T-two", location: Self.location)
        let half = push.count / 2
        let outcomes = try await rig.receive([
            MMSFixtures.pushPDU(Array(push[half...]), part: (9, 2, 2)),
            MMSFixtures.pushPDU(Array(push[..<half]), part: (9, 2, 1)),
        ])
        guard case .pending = outcomes[0], case .created = outcomes[1] else {
            Issue.record("expected pending then created, got \(outcomes)")
            return
        }
        // Shown at once, before any fetch: class MMS, sender, subject, and a text that says the content is pending.
        let pending = try #require(try await rig.received().first)
        #expect(pending.messageClass == .mms)
        #expect(pending.recipients.from?.id == MMSFixtures.sender)
        #expect(pending.subject == "Holiday")
        #expect(pending.text?.contains("not downloaded yet") == true)
        #expect(pending.mms?.fetchState == .pending)
        #expect(pending.mms?.size == 1234)
        #expect(try await rig.service.getNewMessages().entries.count == 1)

        let image = MMSFixtures.picture(size: 3000)
        rig.mmsc.setContent(MMSFixtures.retrieveConf(text: "Grüße aus Köln", image: image), at: Self.location)
        rig.start()
        try await rig.eventually("content fetched") { try await rig.received().first?.mms?.fetchState == .fetched }
        let message = try #require(try await rig.received().first)
        #expect(message.id == pending.id)
        #expect(message.text == "Grüße aus Köln")
        #expect(message.attachments.map(\.mimeType) == ["application/smil", "image/jpeg"])
        #expect(message.attachments.last?.size == 3000)
        #expect(message.attachments.last?.name == "picture.jpg")
        let path = try #require(message.attachments.last?.uri)
        #expect(path == "/attachment?message=\(message.id)&part=1")
        #expect(try await rig.service.attachment(path: path)?.bytes == image)
        // Immediate retrieval is confirmed with m-notifyresp-ind, status Retrieved, in the notification's
        // transaction (OMA-TS-MMS_CTR §6.3).
        try await rig.eventually("notifyresp posted") { !rig.mmsc.posted.isEmpty }
        guard case .notifyRespInd(let answer) = try #require(rig.mmsc.posted.first) else {
            Issue.record("expected m-notifyresp-ind, got \(rig.mmsc.posted)")
            return
        }
        #expect(answer.transactionID == "T-two")
        #expect(answer.status == MMSNotifyRespInd.statusRetrieved)
        try await rig.eventually("answer no longer owed") { try await rig.store.pendingMMSResponses(limit: 10).isEmpty }
        await rig.stop()
    }

    /// A push whose other SMS never arrive is shown, after the reassembly timeout of texts (decided on the
    /// injected clock), as a Received message that says the notification was incomplete; nothing stays hidden.
    @Test func aPushMissingASegmentIsShownIncompleteAtTheReassemblyTimeout() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        let push = MMSFixtures.notificationPush(transactionID: "T-half", location: Self.location)
        let outcomes = try await rig.receive([
            MMSFixtures.pushPDU(Array(push[..<(push.count / 2)]), part: (5, 2, 1))
        ])
        guard case .pending = outcomes[0] else {
            Issue.record("expected pending, got \(outcomes)")
            return
        }
        let rules = MirrorImportRules(reassemblyTimeout: .seconds(3600))
        func flush() async throws -> [Int64] {
            try await rig.store.flushStaleSegments(
                rules: rules,
                ownNumber: MMSFixtures.own,
                routingClasses: [],
                now: rig.clock.wallClock().timeIntervalSince1970,
                offset: 0
            )
        }
        rig.clock.advance(by: .seconds(3599))
        #expect(try await flush().isEmpty)
        #expect(try await rig.received().isEmpty)
        rig.clock.advance(by: .seconds(1))
        #expect(try await flush().count == 1)
        let shown = try #require(try await rig.received().first)
        #expect(shown.recipients.from?.id == MMSFixtures.sender)
        #expect(shown.text?.contains("MMS notification incomplete: 1 of its 2 SMS arrived") == true)
        #expect(shown.status == .unread)
        // Shown once.
        #expect(try await flush().isEmpty)
        #expect(try await rig.received().count == 1)
    }

    /// Which segments make a push is SMSCodec's rule (``Reassembler/Group``): a copy of a waiting segment is a
    /// duplicate; another segment with a waiting one's sequence number means the reference was reused, so the
    /// waiting one is shown incomplete and the new one starts the next push, which then completes.
    @Test func pushSegmentsFollowTheCodecsReassemblyRules() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        let old = MMSFixtures.notificationPush(transactionID: "T-old", location: Self.location)
        let new = MMSFixtures.notificationPush(transactionID: "T-new", location: Self.location + "n")
        let outcomes = try await rig.receive([
            MMSFixtures.pushPDU(Array(old[..<(old.count / 2)]), part: (7, 2, 1)),
            MMSFixtures.pushPDU(Array(old[..<(old.count / 2)]), part: (7, 2, 1), second: 0x05),
            MMSFixtures.pushPDU(Array(new[..<(new.count / 2)]), part: (7, 2, 1), second: 0x09),
            MMSFixtures.pushPDU(Array(new[(new.count / 2)...]), part: (7, 2, 2), second: 0x0A),
        ])
        guard case .pending = outcomes[0], case .duplicate = outcomes[1], case .restarted = outcomes[2],
            case .created = outcomes[3]
        else {
            Issue.record("expected pending, duplicate, restarted, created; got \(outcomes)")
            return
        }
        let received = try await rig.received()
        #expect(received.count == 2)
        #expect(received.first?.text?.contains("MMS notification incomplete: 1 of its 2 SMS arrived") == true)
        #expect(received.last?.messageClass == .mms)
        let newID = try #require(received.last?.id.description)
        let rowID = try #require(MessagingService.messageRowID(newID))
        #expect(try await rig.store.mms(messageID: rowID)?.transactionID == "T-new")
    }

    @Test func contentGoneWith404IsShownInTheMessage() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        rig.mmsc.failRetrieve([.contentGone(status: 404)])
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-gone", location: Self.location))
        ])
        try await rig.eventually("marked gone") { try await rig.received().first?.mms?.fetchState == .gone }
        let message = try #require(try await rig.received().first)
        #expect(message.text?.contains("no longer available at the MMSC (HTTP 404)") == true)
        #expect(message.mms?.lastError == "HTTP 404")
        #expect(message.folder == .received)
        // Nothing more is tried for it.
        let attempts = rig.mmsc.retrievals.count
        rig.clock.advance(by: .seconds(3600))
        rig.service.requestMMSPass()
        #expect(rig.mmsc.retrievals.count == attempts)
        await rig.stop()
    }

    @Test func aTransientFailureIsRetriedAfterARestart() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let path = scratch.path("m.sqlite")
        let clock = ManualClock()
        do {
            let rig = try await MMSServiceRig(store: MessageStore(path: path), clock: clock)
            rig.mmsc.failRetrieve(Array(repeating: .refused(status: 503), count: 100))
            rig.start()
            try await rig.receive([
                MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-later", location: Self.location))
            ])
            try await rig.eventually("a failed attempt") { try await rig.received().first?.mms?.attempts ?? 0 >= 2 }
            let message = try #require(try await rig.received().first)
            #expect(message.mms?.fetchState == .pending)
            #expect(message.mms?.lastError?.contains("503") == true)
            #expect(message.text?.contains("not downloaded yet") == true)
            await rig.stop()
        }
        // The daemon restarts; the MMSC answers now.
        let rig = try await MMSServiceRig(store: MessageStore(path: path), clock: clock)
        rig.mmsc.setContent(MMSFixtures.retrieveConf(text: "later", image: [1, 2, 3]), at: Self.location)
        rig.start()
        try await rig.eventually("fetched after the restart") {
            try await rig.received().first?.mms?.fetchState == .fetched
        }
        #expect(try await rig.received().map(\.text) == ["later"])
        await rig.stop()
    }

    @Test func theExpiryEndsTheRetries() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        rig.mmsc.failRetrieve(Array(repeating: .timedOut, count: 1000))
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(
                MMSFixtures.notificationPush(transactionID: "T-exp", location: Self.location, expiry: .relative(60))
            )
        ])
        try await rig.eventually("expired") { try await rig.received().first?.mms?.fetchState == .gone }
        let message = try #require(try await rig.received().first)
        #expect(message.text?.contains("expired") == true)
        // Back-off from 10 s doubling, capped at the expiry: a handful of attempts, not one a second.
        #expect(rig.mmsc.retrievals.count <= 5)
        await rig.stop()
    }

    /// Content the device will never retrieve still gets its m-notifyresp-ind (OMA-TS-MMS_ENC §6.2), with the
    /// X-Mms-Status that says why (§7.3.54), posted once: Expired for HTTP 410 and for an expiry that passed,
    /// Rejected for content larger than allowed.
    @Test func contentNeverRetrievedIsAnsweredOnceWithItsStatus() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        rig.mmsc.failRetrieve([.contentGone(status: 410)], at: "http://mmsc.example/m/gone")
        rig.mmsc.failRetrieve(Array(repeating: .timedOut, count: 1000), at: "http://mmsc.example/m/late")
        rig.mmsc.failRetrieve([.tooLarge(limit: 1000)], at: "http://mmsc.example/m/big")
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(
                MMSFixtures.notificationPush(transactionID: "T-410", location: "http://mmsc.example/m/gone")
            ),
            MMSFixtures.pushPDU(
                MMSFixtures.notificationPush(
                    transactionID: "T-late",
                    location: "http://mmsc.example/m/late",
                    expiry: .relative(60)
                ),
                second: 0x01
            ),
            MMSFixtures.pushPDU(
                MMSFixtures.notificationPush(transactionID: "T-big", location: "http://mmsc.example/m/big"),
                second: 0x02
            ),
        ])
        try await rig.eventually("three answers posted") { rig.mmsc.posted.count >= 3 }
        // Long past every back-off and the expiry: nothing is posted again.
        for _ in 0..<5 {
            rig.clock.advance(by: .seconds(3600))
            rig.service.requestMMSPass()
        }
        try await rig.eventually("no answer owed") { try await rig.store.pendingMMSResponses(limit: 10).isEmpty }
        var statuses: [String: UInt8] = [:]
        for case .notifyRespInd(let answer) in rig.mmsc.posted {
            #expect(statuses[answer.transactionID] == nil, "\(answer.transactionID) answered twice")
            statuses[answer.transactionID] = answer.status
        }
        #expect(rig.mmsc.posted.count == 3)
        #expect(statuses["T-410"] == MMSNotifyRespInd.statusExpired)
        #expect(statuses["T-late"] == MMSNotifyRespInd.statusExpired)
        #expect(statuses["T-big"] == MMSNotifyRespInd.statusRejected)
        #expect(try await rig.received().map { $0.mms?.fetchState } == [.gone, .gone, .failed])
        await rig.stop()
    }

    @Test func aPushSeenTwiceIsStoredOnce() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        let push = MMSFixtures.notificationPush(transactionID: "T-dup", location: Self.location)
        // The same push again in another SMS (another time stamp), as an MMSC repeating its notification sends it.
        let outcomes = try await rig.receive([
            MMSFixtures.pushPDU(push, second: 0x00), MMSFixtures.pushPDU(push, second: 0x10),
        ])
        guard case .created = outcomes[0], case .duplicate = outcomes[1] else {
            Issue.record("expected created then duplicate, got \(outcomes)")
            return
        }
        #expect(try await rig.received().count == 1)
        #expect(try await rig.store.receivedPartCount() == 2)
    }

    @Test func theOfonoFixturePushDecodesAsItsSidecarSays() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        let payload = [UInt8](try Fixtures.data("mms/notif-ofono-wap-push-1.wsp"))
        try await rig.receive([MMSFixtures.pushPDU(payload)])
        let message = try #require(try await rig.received().first)
        #expect(message.subject == "Pin-Ups")
        #expect(message.mms?.size == 16384)
        let mms = try #require(try await rig.store.mms(messageID: 1))
        #expect(mms.transactionID == "OgQKKB")
        #expect(mms.contentLocation == "http://eps3.de/O/Z9IZO")
        #expect(mms.expiry == rig.clock.wallClock().timeIntervalSince1970 + 259_200)
    }

    @Test func attachmentsOverTheCapAreRefusedClearlyAndTheTextKept() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(store: MessageStore(path: scratch.path("m.sqlite"))) {
            $0.mms.maximumMessageBytes = 1000
        }
        rig.mmsc.setContent(MMSFixtures.retrieveConf(text: "big one", image: MMSFixtures.picture(size: 5000)), at: "*")
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-big", location: Self.location))
        ])
        try await rig.eventually("failed") { try await rig.received().first?.mms?.fetchState == .failed }
        let message = try #require(try await rig.received().first)
        #expect(message.text?.hasPrefix("big one\n[MMS: the attachments were not stored:") == true)
        #expect(message.text?.contains("more than the 1000 bytes allowed per message") == true)
        #expect(message.attachments.isEmpty)
        // Retrieved all the same: the MMSC is told so.
        try await rig.eventually("answer posted") { !rig.mmsc.posted.isEmpty }
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path("m.sqlite-attachments"))
        #expect(files.isEmpty)
        await rig.stop()
    }

    @Test func attachmentBytesAreIdenticalAfterTheStoreIsReopened() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let path = scratch.path("m.sqlite")
        let image = MMSFixtures.picture(size: 200_000, seed: 42)
        do {
            let rig = try await MMSServiceRig(store: MessageStore(path: path))
            rig.mmsc.setContent(MMSFixtures.retrieveConf(text: "pic", image: image), at: "*")
            rig.start()
            try await rig.receive([
                MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-pic", location: Self.location))
            ])
            try await rig.eventually("fetched") { try await rig.received().first?.mms?.fetchState == .fetched }
            await rig.stop()
        }
        let reopened = try MessageStore(path: path)
        let content = try #require(try await reopened.attachmentContent(messageID: 1, position: 1))
        #expect(content.bytes == image)
        #expect(content.row.sha256 == AttachmentFiles.sha256(of: image))
        #expect(FileManager.default.fileExists(atPath: path + "-attachments/" + AttachmentFiles.sha256(of: image)))
    }

    @Test func filesWithoutRowsAndInterruptedWritesAreCollected() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        let files = try #require(store.attachmentFiles)
        let kept = try await store.writeAttachments(
            [AttachmentContent(bytes: [1, 2, 3], mimeType: "image/png", name: "a.png")],
            limits: AttachmentLimits(maximumMessageBytes: 100, maximumTotalBytes: 100)
        )
        _ = try await store.insertMessage(
            MessageRecord(
                messageClass: "MMS",
                folder: .received,
                status: .unread,
                direction: .incoming,
                fromID: "+1555",
                sortTime: 0
            ),
            recipients: [],
            attachments: kept
        )
        files.unpin(kept[0].sha256!)
        // A crash after a file's write, before its row: a file no row names, and a temporary file.
        let orphan = try files.write([9, 9, 9])
        files.unpin(orphan)
        #expect(FileManager.default.createFile(atPath: files.directory + "/.tmp-interrupted", contents: Data([1])))
        // A content being written (pinned) is left alone.
        let inFlight = try files.write([7, 7])
        #expect(try await store.collectAttachmentFiles() == 2)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: files.directory))
        #expect(left == [kept[0].sha256!, inFlight])
    }

    @Test func theTotalCapIsEnforced() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        let limits = AttachmentLimits(maximumMessageBytes: 100, maximumTotalBytes: 150)
        let first = try await store.writeAttachments(
            [AttachmentContent(bytes: Array(repeating: 1, count: 100), mimeType: "image/png", name: nil)],
            limits: limits
        )
        _ = try await store.insertMessage(
            MessageRecord(
                messageClass: "MMS",
                folder: .sent,
                status: .read,
                direction: .outgoing,
                fromID: "",
                sortTime: 0
            ),
            recipients: [],
            attachments: first
        )
        await #expect(throws: AttachmentError.storeFull(needed: 200, limit: 150)) {
            _ = try await store.writeAttachments(
                [AttachmentContent(bytes: Array(repeating: 2, count: 100), mimeType: "image/png", name: nil)],
                limits: limits
            )
        }
        // The same content again costs nothing: it is one file.
        let again = try await store.writeAttachments(
            [AttachmentContent(bytes: Array(repeating: 1, count: 100), mimeType: "image/png", name: nil)],
            limits: limits
        )
        #expect(again.first?.sha256 == first.first?.sha256)
    }

    @Test func mmsAndFileTransferAreAdvertisedOnlyWithATransport() async throws {
        let store = try MessageStore.inMemory()
        let without = MessagingService(store: store, modem: nil, logger: .init(label: "t"))
        let plain = try await without.getMessagingCapabilities()
        #expect(plain.messageClasses == [.sms])
        #expect(!plain.sessionClasses.contains(.fileTransfer))
        let rig = try await MMSServiceRig(store: store)
        let offered = try await rig.service.getMessagingCapabilities()
        #expect(offered.messageClasses == [.sms, .mms])
        #expect(offered.sessionClasses.contains(.fileTransfer) && offered.sessionClasses.contains(.mms))
    }

    /// The real stack: the two SMS of python-messaging's MMS notification (`set-pm-wap-a`) arrive through the
    /// simulated network and ATModem, last part first; one MMS appears in Received, the SMS leave the SIM, and the
    /// content is fetched from the location the notification names.
    @Test func aTwoPartFixturePushThroughTheSimulatedModem() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let mmsc = FakeMMSC()
        mmsc.setContent(
            MMSFixtures.retrieveConf(text: "from the fixture", image: MMSFixtures.picture(size: 1000)),
            at: "http://promms/servlets/NOK5CiKcoTMYSG4MBSwAAsKv14FUHAAAAAAAA"
        )
        let rig = try await SimulatorRig(
            store: MessageStore.inMemory(attachmentDirectory: scratch.path("attachments")),
            mmsTransport: mmsc
        )
        let pdus = try #require(IncomingDecoderTests.concatSets.first { $0.id == "set-pm-wap-a" }).pdus
        for pdu in pdus.reversed() {
            await rig.network.injectTPDU(Array(IncomingDecoder.tpdu(of: pdu)), to: rig.ownNumber)
        }
        try await rig.eventually("one MMS fetched") {
            let received = try await rig.messages(in: .received)
            guard received.count == 1, let id = received[0].message.id else { return false }
            return try await rig.store.mms(messageID: id)?.fetchState == .fetched
        }
        let message = try #require(try await rig.messages(in: .received).first)
        #expect(message.message.messageClass == "MMS")
        #expect(message.message.text == "from the fixture")
        #expect(message.attachments.last?.size == 1000)
        #expect(message.message.fromID == "+447785342749")
        try await rig.eventually("SIM emptied") { await rig.simulated.storedMessages(in: .sim).isEmpty }
        try await rig.eventually("MMSC answered") { !mmsc.posted.isEmpty }
        await rig.stop()
    }
}
