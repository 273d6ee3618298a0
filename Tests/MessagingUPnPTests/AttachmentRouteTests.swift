import Foundation
import Logging
import MessageStore
import Messaging
import TestSupport
import Testing
import UPnP

@testable import MessagingUPnP

/// `GET /attachment?message=<ID>&part=<n>`: the stored bytes with their type for a caller that may read, 403 for
/// one the policy refuses, 404 for what does not exist.
@Suite struct AttachmentRouteTests {
    static let quietLogger = Logger(label: "route", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A Received MMS with `contents` stored as its attachments, and a service over the store; its row ID.
    static func receivedMMS(
        _ contents: [AttachmentContent],
        in store: MessageStore
    ) async throws -> (id: Int64, service: MessagingService) {
        let rows = try await store.writeAttachments(
            contents,
            limits: AttachmentLimits(maximumMessageBytes: 10_000, maximumTotalBytes: 10_000)
        )
        let id = try await insertReceivedMMS(rows, into: store)
        let service = MessagingService(
            store: store,
            modem: nil,
            configuration: MessagingConfiguration(),
            logger: quietLogger
        )
        return (id, service)
    }

    /// A Received MMS with `rows` as its attachments; its row ID.
    static func insertReceivedMMS(_ rows: [AttachmentRow], into store: MessageStore) async throws -> Int64 {
        let id = try await store.insertMessage(
            MessageRecord(
                messageClass: "MMS",
                folder: .received,
                status: .unread,
                direction: .incoming,
                fromID: "+15550000077",
                sortTime: 0
            ),
            recipients: [],
            attachments: rows
        )
        store.unpin(rows)
        return id
    }

    @Test func servesStoredBytesUnderTheReadRule() async throws {
        let scratch = try ScratchDirectory("route")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let rows = try await store.writeAttachments(
            [AttachmentContent(bytes: bytes, mimeType: "image/png", name: "dot \"x\".png")],
            limits: AttachmentLimits(maximumMessageBytes: 10_000, maximumTotalBytes: 10_000)
        )
        let id = try await Self.insertReceivedMMS(rows, into: store)
        var configuration = MessagingConfiguration()
        configuration.accessPolicy = AccessPolicy(
            isAllowed: { _, caller in caller.address != "192.168.1.66" },
            mayReadOverviews: { _ in true }
        )
        let service = MessagingService(
            store: store,
            modem: nil,
            configuration: configuration,
            logger: Logger(label: "route", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let messageID = try #require(MessageID(messageID: String(id, radix: 36)))
        let path = MessagingService.attachmentPath(messageID: messageID, position: 0)
        let query = String(path.split(separator: "?")[1])
        func get(_ query: String, from address: String) async throws -> UPnPHTTPRoute.Response {
            await AttachmentRoute.answer(
                UPnPHTTPRoute.Request(
                    method: "GET",
                    path: MessagingService.attachmentRoutePath,
                    query: query,
                    client: try #require(IPAddress(address))
                ),
                service: service
            )
        }
        let ok = try await get(query, from: "192.168.1.20")
        #expect(ok.status == 200)
        #expect(ok.body == bytes)
        #expect(ok.headers.contains { $0.0 == "Content-Type" && $0.1 == "image/png" })
        #expect(ok.headers.contains { $0.0 == "Content-Disposition" && $0.1 == "inline; filename=\"dot x.png\"" })
        #expect(try await get(query, from: "192.168.1.66").status == 403)
        #expect(try await get("message=\(messageID)&part=1", from: "192.168.1.20").status == 404)
        #expect(try await get("message=zz&part=0", from: "192.168.1.20").status == 404)
        #expect(try await get("part=0", from: "192.168.1.20").status == 404)
        // As a download: the same bytes, `attachment`.
        let download = try await get(query + "&download=1", from: "192.168.1.20")
        #expect(download.status == 200 && download.body == bytes)
        #expect(download.headers.contains { $0 == ("Content-Disposition", "attachment; filename=\"dot x.png\"") })
        #expect(try await get(query + "&download=1", from: "192.168.1.66").status == 403)
    }

    /// A sender's SVG or HTML part is never rendered as a page of the device's origin: a download, its declared
    /// type used as it is (`nosniff`), no script (`sandbox`); a name that is a path or a type that is not a
    /// token is made harmless.
    @Test func markupIsADownloadAndNamesAndTypesAreMadeSafe() async throws {
        let scratch = try ScratchDirectory("route")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        let markup = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)
        let (id, service) = try await Self.receivedMMS(
            [
                AttachmentContent(bytes: markup, mimeType: "image/svg+xml", name: "../evil\".svg"),
                AttachmentContent(bytes: markup, mimeType: "text/html; charset=utf-8", name: "page.html"),
                AttachmentContent(bytes: [1, 2], mimeType: "image/jpeg\r\nSet-Cookie: x=1", name: "Grüße.jpg"),
            ],
            in: store
        )
        let messageID = try #require(MessageID(messageID: String(id, radix: 36)))
        func get(part: Int) async throws -> [String: String] {
            let path = MessagingService.attachmentPath(messageID: messageID, position: part)
            let response = await AttachmentRoute.answer(
                UPnPHTTPRoute.Request(
                    method: "GET",
                    path: MessagingService.attachmentRoutePath,
                    query: String(path.split(separator: "?")[1]),
                    client: try #require(IPAddress("127.0.0.1"))
                ),
                service: service
            )
            #expect(response.status == 200)
            #expect(response.headers.contains { $0 == ("X-Content-Type-Options", "nosniff") })
            #expect(response.headers.contains { $0.0 == "Content-Security-Policy" && $0.1.contains("sandbox") })
            return Dictionary(response.headers, uniquingKeysWith: { first, _ in first })
        }
        let svg = try await get(part: 0)
        #expect(svg["Content-Type"] == "image/svg+xml")
        #expect(svg["Content-Disposition"] == "attachment; filename=\"_evil.svg\"")
        let html = try await get(part: 1)
        #expect(html["Content-Type"] == "text/html")
        #expect(html["Content-Disposition"] == "attachment; filename=\"page.html\"")
        let forged = try await get(part: 2)
        #expect(forged["Content-Type"] == "application/octet-stream")
        #expect(
            forged["Content-Disposition"] == "attachment; filename=\"Gre.jpg\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.jpg"
        )
    }

    /// ReadMessage answers with links a control point can fetch: the device's references made
    /// absolute against the address the request came in on; the same link given back in SendMessage is the stored
    /// part again, while a link naming another host is not taken for one of ours.
    @Test func answersGiveAbsoluteLinksAndTakeThemBack() async throws {
        let scratch = try ScratchDirectory("links")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        let (id, service) = try await Self.receivedMMS(
            [AttachmentContent(bytes: [0xFF, 0xD8, 0xFF, 0xD9], mimeType: "image/jpeg", name: "a.jpg")],
            in: store
        )
        let binding = MessagingUPnPService(service: service, logger: Self.quietLogger)
        let context = UPnPActionContext(
            clientAddress: try #require(IPAddress("192.168.1.20")),
            requestedServiceType: "urn:schemas-upnp-org:service:Messaging:2",
            baseURL: "http://192.168.1.2:8080"
        )
        let messageID = String(id, radix: 36)
        let read = try await binding.invoke(
            action: "ReadMessage",
            arguments: [("MessageID", messageID)],
            context: context
        )
        let fragment = try MessageFragment(parsing: try #require(read.first?.value))
        let link = "http://192.168.1.2:8080/attachment?message=\(messageID)&part=0"
        #expect(fragment.attachments.map(\.uri) == [link])

        #expect(
            fragment.localizingAttachments(of: context.baseURL).attachments.map(\.uri) == [
                "/attachment?message=\(messageID)&part=0"
            ]
        )
        var elsewhere = fragment
        elsewhere.attachments[0].uri = "http://192.168.1.3:8080/attachment?message=\(messageID)&part=0"
        #expect(elsewhere.localizingAttachments(of: context.baseURL) == elsewhere)
        #expect(fragment.resolvingAttachments(against: nil) == fragment)
    }
}
