import Foundation
import MMSCodec
import MessageStore
import TestSupport
import Testing

@testable import Messaging

/// Sending MMS: SendMessage with attachments builds an m-send-req, posts it from the outbox and moves the message to
/// Sent on an m-send-conf Ok; failures follow the response status; m-delivery-ind updates each recipient; files of
/// a file-transfer session go out as MMS with their session events.
@Suite struct MMSSendTests {
    static let photoLink = "http://192.168.1.20:8000/photo.jpg"

    static func fetcher(_ bytes: [UInt8]) -> FakeFileFetcher {
        FakeFileFetcher(files: [photoLink: FetchedFile(bytes: bytes, mimeType: "image/jpeg")])
    }

    static func mms(text: String = "Look", subject: String? = "Photo", to: String = "+15550000099") -> MessageToSend {
        MessageToSend(
            recipients: RecipientsList(to: [Peer(id: to)]),
            subject: subject,
            text: text,
            attachments: [Attachment(uri: photoLink)]
        )
    }

    @Test func sendMessageWithAnAttachmentGoesOutAsMMSAndReachesSent() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let photo = MMSFixtures.picture(size: 20_000)
        let rig = try await MMSServiceRig(
            store: MessageStore(path: scratch.path("m.sqlite")),
            fileFetcher: Self.fetcher(photo)
        )
        let id = try await rig.service.sendMessage(Self.mms(text: "Schöne Grüße"))
        let queued = try await rig.service.readMessage(id: id.description)
        #expect(queued.folder == .outgoing)
        #expect(queued.messageClass == .mms)
        #expect(queued.attachments.first?.size == 20_000)
        rig.start()
        try await rig.eventually("sent") { try await rig.service.readMessage(id: id.description).folder == .sent }
        let sent = try await rig.service.readMessage(id: id.description)
        #expect(sent.status == .read)
        #expect(sent.dateSent != nil)
        guard case .sendReq(let request) = try #require(rig.mmsc.posted.first) else {
            Issue.record("expected an m-send-req, got \(rig.mmsc.posted)")
            return
        }
        #expect(request.to.map(\.text) == ["+15550000099/TYPE=PLMN"])
        #expect(request.from == nil)  // Insert-address-token: the MMSC fills it in
        #expect(request.subject?.text == "Photo")
        #expect(request.content.contentType.parameter("start") == "<smil>")
        let parts = request.content.parts
        #expect(parts.map(\.contentType.name) == ["application/smil", "text/plain", "image/jpeg"])
        #expect(parts[1].contentType.charset == .utf8)
        #expect(parts[1].text == "Schöne Grüße")
        #expect(parts[2].data == photo)
        #expect(parts[2].fileName == "photo.jpg")
        await rig.stop()
    }

    @Test func aTransientRefusalIsRetriedAndAPermanentStatusFails() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(
            store: MessageStore(path: scratch.path("m.sqlite")),
            fileFetcher: Self.fetcher([1, 2, 3])
        )
        rig.mmsc.failPosts([.refused(status: 503), .unreachable(reason: "proxy down")])
        rig.start()
        let retried = try await rig.service.sendMessage(Self.mms())
        try await rig.eventually("sent after two failures") {
            try await rig.service.readMessage(id: retried.description).folder == .sent
        }
        #expect(try await rig.service.readMessage(id: retried.description).delivery?.attempts == 3)

        // X-Mms-Response-Status 0xE2 Error-permanent-sending-address-unresolved (OMA-TS-MMS_ENC §7.3.48).
        rig.mmsc.setSendStatus(0x62)
        let refused = try await rig.service.sendMessage(Self.mms(to: "+15550000098"))
        try await rig.eventually("failed") {
            try await rig.service.readMessage(id: refused.description).delivery?.state == .failed
        }
        let failed = try await rig.service.readMessage(id: refused.description)
        #expect(failed.folder == .outgoing)
        #expect(failed.delivery?.lastError?.reason.contains("0xe2") == true)
        await rig.stop()
    }

    @Test func aDeliveryReportUpdatesTheRecipientsState() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(
            store: MessageStore(path: scratch.path("m.sqlite")),
            fileFetcher: Self.fetcher([1, 2, 3])
        )
        rig.start()
        let id = try await rig.service.sendMessage(Self.mms())
        try await rig.eventually("sent") { try await rig.service.readMessage(id: id.description).folder == .sent }
        #expect(try await rig.service.readMessage(id: id.description).mms?.recipients.map(\.state) == ["pending"])
        let report = MMSMessage.deliveryInd(
            MMSDeliveryInd(
                messageID: "mmsc-1",
                to: EncodedStringValue("+15550000099/TYPE=PLMN"),
                date: 1_800_000_100,
                status: 0x01
            )
        )
        let outcomes = try await rig.receive([
            MMSFixtures.pushPDU(WSPPush.mms(transactionID: 2, pdu: report.encoded()).encoded())
        ])
        guard case .statusReport(_, let messageID) = try #require(outcomes.first) else {
            Issue.record("expected a status report, got \(outcomes)")
            return
        }
        #expect(messageID != nil)
        let recipients = try #require(try await rig.service.readMessage(id: id.description).mms?.recipients)
        #expect(recipients.map(\.recipient) == ["+15550000099"])
        #expect(recipients.map(\.state) == ["retrieved"])
        #expect(recipients.first?.date?.date == Date(timeIntervalSince1970: 1_800_000_100))
        // A report does not create a message.
        #expect(try await rig.received().isEmpty)
        await rig.stop()
    }

    @Test func anMMSWithoutAttachmentsOrOverTheCapIsRefusedWith703() async throws {
        let rig = try await MMSServiceRig(
            store: MessageStore.inMemory(attachmentDirectory: nil),
            fileFetcher: Self.fetcher(MMSFixtures.picture(size: 5000))
        ) { $0.mms.maximumMessageBytes = 1000 }
        var plain = Self.mms()
        plain.attachments = []
        plain.messageClass = .mms
        let noAttachment = await #expect(throws: MessagingError.self) { try await rig.service.sendMessage(plain) }
        #expect(noAttachment?.code == .invalidMessage)
        #expect(noAttachment?.reason == "an MMS needs attachments")
        let tooLarge = await #expect(throws: MessagingError.self) { try await rig.service.sendMessage(Self.mms()) }
        #expect(tooLarge?.code == .invalidMessage)
        #expect(tooLarge?.reason.contains("larger than 1000 bytes") == true)
        var unknown = Self.mms()
        unknown.attachments = [Attachment(uri: "http://192.168.1.20:8000/missing.jpg")]
        let missing = await #expect(throws: MessagingError.self) { try await rig.service.sendMessage(unknown) }
        #expect(missing?.reason.contains("could not be fetched: HTTP 404") == true)
        #expect(try await rig.store.search(StoreQuery()).isEmpty)
    }

    @Test func aFileTransferSessionSendsEachFileAsAnMMS() async throws {
        let scratch = try ScratchDirectory("mms")
        defer { scratch.remove() }
        let photo = MMSFixtures.picture(size: 4000)
        let rig = try await MMSServiceRig(
            store: MessageStore(path: scratch.path("m.sqlite")),
            fileFetcher: Self.fetcher(photo)
        )
        rig.start()
        let session = try await rig.service.createSession(
            sessionClass: .fileTransfer,
            recipients: RecipientsList(to: [Peer(id: "+15550000099")])
        )
        #expect(try await rig.service.getSessions(.session(id: session)).first?.status == .pending)
        let files = FileInfoList(
            sessionID: session,
            files: [
                FileInfo(
                    fileType: "image/jpeg",
                    fileSize: 4000,
                    fileLink: Self.photoLink,
                    progressNotification: .atCompletion
                )
            ]
        )
        try await rig.service.startFileTransfer(files)
        try await rig.eventually("completed") {
            try await rig.store.fileTransfers(sessionID: StoredID.decode(session)!).first?.state == .completed
        }
        let events = try await rig.store.sessionEvents(after: 0).map(\.kind)
        #expect(events.suffix(2) == ["fileTransferStarted", "fileTransferCompleted"])
        guard case .sendReq(let request) = try #require(rig.mmsc.posted.first) else {
            Issue.record("expected an m-send-req")
            return
        }
        #expect(request.content.parts.last?.data == photo)
        try await rig.service.closeSession(id: session)
        #expect(try await rig.service.getFileTransferSession(sessionID: session) == files)
        await rig.stop()
    }

    @Test func aDeclaredSizeOverTheLimitIs501AndAFailedFetchIsReported() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory(), fileFetcher: Self.fetcher([1]))
        rig.start()
        let session = try await rig.service.createSession(
            sessionClass: .fileTransfer,
            recipients: RecipientsList(to: [Peer(id: "+15550000099")])
        )
        let huge = FileInfo(
            fileType: "video/mp4",
            fileSize: 50_000_000,
            fileLink: Self.photoLink,
            progressNotification: .atCompletion
        )
        let error = await #expect(throws: MessagingError.self) {
            try await rig.service.startFileTransfer(FileInfoList(sessionID: session, files: [huge]))
        }
        #expect(error?.code == .actionFailed)
        let missing = FileInfo(
            fileType: "image/jpeg",
            fileSize: 10,
            fileLink: "http://192.168.1.20:8000/gone.jpg",
            progressNotification: .atCompletion
        )
        try await rig.service.startFileTransfer(FileInfoList(sessionID: session, files: [missing]))
        try await rig.eventually("download failed") {
            try await rig.store.sessionEvents(after: 0).last?.kind == "fileDownloadFailed"
        }
        #expect(rig.mmsc.posted.isEmpty)
        await rig.stop()
    }

    @Test func aLinksLastSegmentPercentDecodedIsThePartsName() {
        #expect(MessagingService.fileName(of: "http://192.168.1.2:8000/f00d/a%20picture.jpg") == "a picture.jpg")
        #expect(MessagingService.fileName(of: "http://h/t/x.jpg?size=1") == "x.jpg")
        // A name that would decode into a directory or hide its end is kept as sent.
        #expect(MessagingService.fileName(of: "http://h/t/..%2Fetc%2Fpasswd") == "..%2Fetc%2Fpasswd")
        #expect(MessagingService.fileName(of: "http://h/t/a%00.jpg") == "a%00.jpg")
    }
}
