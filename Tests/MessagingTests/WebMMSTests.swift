import Foundation
import Logging
import MMSCodec
import MessageStore
import MessagingWeb
import TestSupport
import Testing
import UPnP

@testable import Messaging

/// The web page's JSON API on received MMS: the subject, where the content stands (pending, gone), and each
/// attachment with its part, name, type, size and URLs; only raster images are marked for showing inline.
@Suite struct WebMMSTests {
    static let location = "http://mmsc.example/m/web"

    /// `GET /api/conversation?peer=…` as the page asks it, decoded.
    static func conversation(_ page: MessagingWebPage, peer: String) async throws -> [[String: Any]] {
        let route = try #require(page.routes.first { $0.path == "/api/conversation" })
        let peerQuery = peer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let response = await route.handler(
            UPnPHTTPRoute.Request(
                method: "GET",
                path: route.path,
                query: "peer=" + peerQuery,
                client: try #require(IPAddress("192.168.1.20")),
                headers: [(name: MessagingWebPage.requestHeader.name, value: MessagingWebPage.requestHeader.value)]
            )
        )
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["messages"] as? [[String: Any]] ?? []
    }

    static func page(_ rig: MMSServiceRig) -> MessagingWebPage {
        MessagingWebPage(
            service: rig.service,
            configuration: .init(),
            logger: Logger(label: "web", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    @Test func anMMSShowsPendingThenItsSubjectAndAttachments() async throws {
        let scratch = try ScratchDirectory("web-mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(store: MessageStore(path: scratch.path("m.sqlite")))
        let page = Self.page(rig)
        try await rig.receive([
            MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-web", location: Self.location))
        ])
        let pending = try #require(try await Self.conversation(page, peer: MMSFixtures.sender).first)
        #expect(pending["messageClass"] as? String == "MMS")
        #expect(pending["subject"] as? String == "Holiday")
        #expect(pending["content"] as? String == "pending")
        #expect((pending["attachments"] as? [Any])?.isEmpty == true)

        let image = MMSFixtures.picture(size: 3000)
        rig.mmsc.setContent(MMSFixtures.retrieveConf(text: "Grüße", image: image), at: Self.location)
        rig.start()
        try await rig.eventually("content fetched") { try await rig.received().first?.mms?.fetchState == .fetched }
        let fetched = try #require(try await Self.conversation(page, peer: MMSFixtures.sender).first)
        let id = try #require(fetched["id"] as? String)
        #expect(fetched["text"] as? String == "Grüße")
        #expect(fetched["content"] as? String == "fetched")
        let attachments = try #require(fetched["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["mimeType"] as? String } == ["application/smil", "image/jpeg"])
        #expect(attachments.map { $0["isInlineImage"] as? Bool } == [false, true])
        let picture = try #require(attachments.last)
        #expect(picture["part"] as? Int == 1)
        #expect(picture["name"] as? String == "picture.jpg")
        #expect(picture["size"] as? Int == 3000)
        #expect(picture["url"] as? String == "/attachment?message=\(id)&part=1")
        #expect(picture["downloadURL"] as? String == "/attachment?message=\(id)&part=1&download=1")
        // The URL is the one the attachment route serves, with the stored bytes.
        #expect(try await rig.service.attachment(path: try #require(picture["url"] as? String))?.bytes == image)
        await rig.stop()
    }

    @Test func goneContentSaysSo() async throws {
        let rig = try await MMSServiceRig(store: MessageStore.inMemory())
        let page = Self.page(rig)
        rig.mmsc.failRetrieve([.contentGone(status: 410)])
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-gone", location: Self.location))
        ])
        try await rig.eventually("marked gone") { try await rig.received().first?.mms?.fetchState == .gone }
        let message = try #require(try await Self.conversation(page, peer: MMSFixtures.sender).first)
        #expect(message["content"] as? String == "gone")
        #expect(message["contentError"] as? String == "HTTP 410")
        #expect((message["text"] as? String)?.contains("no longer available") == true)
        await rig.stop()
    }

    @Test func svgAndHTMLPartsAreNeverMarkedInline() async throws {
        let scratch = try ScratchDirectory("web-mms")
        defer { scratch.remove() }
        let rig = try await MMSServiceRig(store: MessageStore(path: scratch.path("m.sqlite")))
        let page = Self.page(rig)
        let markup = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)
        let parts = [
            WSPPart(contentType: WSPContentType("image/svg+xml"), headers: [.contentLocation("x.svg")], data: markup),
            WSPPart(contentType: WSPContentType("text/html"), headers: [.contentLocation("x.html")], data: markup),
            WSPPart(
                contentType: WSPContentType("image/png"),
                headers: [.contentLocation("x.png")],
                data: [0x89, 0x50]
            ),
        ]
        let conf = MMSRetrieveConf(
            messageID: "msg-svg",
            date: 1_800_000_000,
            from: EncodedStringValue(MMSFixtures.sender + "/TYPE=PLMN"),
            content: .multipart(parts)
        )
        rig.mmsc.setContent(MMSMessage.retrieveConf(conf).encoded(), at: Self.location)
        rig.start()
        try await rig.receive([
            MMSFixtures.pushPDU(MMSFixtures.notificationPush(transactionID: "T-svg", location: Self.location))
        ])
        try await rig.eventually("content fetched") { try await rig.received().first?.mms?.fetchState == .fetched }
        let message = try #require(try await Self.conversation(page, peer: MMSFixtures.sender).first)
        let attachments = try #require(message["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["mimeType"] as? String } == ["image/svg+xml", "text/html", "image/png"])
        #expect(attachments.map { $0["isInlineImage"] as? Bool } == [false, false, true])
        // Each is still offered as a download.
        #expect(attachments.allSatisfy { ($0["downloadURL"] as? String)?.hasSuffix("&download=1") == true })
        await rig.stop()
    }
}
