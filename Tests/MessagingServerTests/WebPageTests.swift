import Foundation
import HTTPTestSupport
import Messaging
import MessagingWeb
import ModemSimulator
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
import UPnP

@testable import MessagingServer

/// The web page and its JSON API on a whole simulated stack on loopback: sending to the echo subscriber, the
/// conversations, deleting, the live counter, the event stream, and the rules in front (access policy, the
/// custom header against cross-site requests, the password and its cookie, the Host check).
@Suite struct WebPageTests {
    static let echo = "+15550000099"
    static let header = (MessagingWebPage.requestHeader.name, MessagingWebPage.requestHeader.value)

    /// Runs a server on the simulated modem (in-memory database) for the duration of `body`, then stops it.
    static func withRunningServer<R: Sendable>(
        access: AccessRules? = nil,
        password: String? = nil,
        _ body: @escaping @Sendable (MessagingServer, Int) async throws -> R
    ) async throws -> R {
        var configuration = MessagingServerTests.configuration(database: .inMemory)
        configuration.access = access
        configuration.webPassword = password
        let server = try await MessagingServer(configuration: configuration, logger: MessagingServerTests.logger)
        return try await withTimeout(seconds: 60) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let endpoints = try await server.waitUntilRunning()
                let result = try await body(server, endpoints.httpPort)
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            }
        }
    }

    /// An API call as the page makes it: the custom header, JSON in and out.
    static func api(
        _ port: Int,
        _ path: String,
        json: [String: String]? = nil,
        headers: [(String, String)] = [header]
    ) async throws -> (status: HTTPResponseStatus, json: [String: Any], response: TestHTTPResponse) {
        var allHeaders = headers
        var body: [UInt8] = []
        if let json {
            allHeaders.append(("Content-Type", "application/json"))
            body = Array(try JSONSerialization.data(withJSONObject: json))
        }
        let response = try await TestHTTPConnection.request(
            port: port,
            method: json == nil ? .GET : .POST,
            path: "/api/" + path,
            headers: allHeaders,
            body: body
        )
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, object, response)
    }

    static func messages(_ port: Int, peer: String) async throws -> [[String: Any]] {
        let query = "conversation?peer=" + (peer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let answer = try await api(port, query)
        #expect(answer.status == .ok)
        return answer.json["messages"] as? [[String: Any]] ?? []
    }

    @Test func theDescriptionNamesThePageAndThePageCarriesItsLabels() async throws {
        try await Self.withRunningServer { server, port in
            let description = try await MessagingServerTests.description(try await server.waitUntilRunning())
            #expect(description.root.firstElement(named: "device")?.firstElement(named: "presentationURL")?.text == "/")

            let page = try await TestHTTPConnection.request(port: port, path: "/")
            #expect(page.status == .ok)
            #expect(page.headers["Content-Type"].first == "text/html; charset=utf-8")
            #expect(page.headers["Content-Security-Policy"].first?.contains("frame-ancestors 'none'") == true)
            for label in [#"<label for="to">To</label>"#, #"<label for="text">Message</label>"#, ">Send</button>"] {
                #expect(page.text.contains(label), "\(label)")
            }
            // Everything the page needs is served here: no external fonts, scripts or CDNs.
            for path in ["/", "/app.js", "/app.css"] {
                let asset = try await TestHTTPConnection.request(port: port, path: path)
                #expect(asset.status == .ok, "\(path)")
                #expect(!asset.text.contains("http://") && !asset.text.contains("https://"), "\(path)")
            }
        }
    }

    @Test func sendListReadAndDeleteThroughTheAPI() async throws {
        try await Self.withRunningServer { _, port in
            let state = try await Self.api(port, "state")
            #expect(state.status == .ok)
            #expect(state.json["canSend"] as? Bool == true && state.json["loginRequired"] as? Bool == false)

            let sent = try await Self.api(port, "send", json: ["to": Self.echo, "text": "hello web"])
            #expect(sent.status == .created)
            let sentID = try #require(sent.json["id"] as? String)

            // The echo subscriber answers; the conversation then holds both, the reply unread until opened.
            try await eventually("the echo's reply in the conversation list") {
                let list = try await Self.api(port, "conversations").json["conversations"] as? [[String: Any]] ?? []
                return list.first?["peer"] as? String == Self.echo && list.first?["unread"] as? Int == 1
                    && list.first?["lastText"] as? String == "echo: hello web"
            }
            let messages = try await Self.messages(port, peer: Self.echo)
            #expect(messages.map { $0["text"] as? String } == ["hello web", "echo: hello web"])
            let mine = try #require(messages.first)
            #expect(mine["id"] as? String == sentID && mine["isOutgoing"] as? Bool == true)
            let delivery = try #require(mine["delivery"] as? [String: Any])
            #expect(["queued", "sending", "sent", "delivered"].contains(delivery["state"] as? String))
            let reply = try #require(messages.last)
            #expect(reply["isOutgoing"] as? Bool == false && reply["status"] as? String == "Read")
            // Opening the conversation read the reply.
            let list = try await Self.api(port, "conversations").json["conversations"] as? [[String: Any]] ?? []
            #expect(list.first?["unread"] as? Int == 0)

            let found = try await Self.api(port, "search?q=echo%3A").json["messages"] as? [[String: Any]] ?? []
            #expect(found.map { $0["text"] as? String } == ["echo: hello web"])

            let replyID = try #require(reply["id"] as? String)
            #expect(try await Self.api(port, "delete", json: ["id": replyID]).status == .noContent)
            #expect(try await Self.messages(port, peer: Self.echo).map { $0["text"] as? String } == ["hello web"])
            #expect(try await Self.api(port, "delete", json: ["id": "nonsense"]).status == .notFound)
        }
    }

    @Test func theCounterIsTheEncodersLayout() async throws {
        try await Self.withRunningServer { _, port in
            func layout(_ text: String) async throws -> [String: Any] {
                let answer = try await Self.api(port, "layout", json: ["text": text])
                #expect(answer.status == .ok)
                return answer.json
            }
            let short = try await layout("hello")
            #expect(short["encoding"] as? String == "GSM 7-bit" && short["parts"] as? Int == 1)
            #expect(short["characters"] as? Int == 5 && short["remainingInPart"] as? Int == 155)
            // TS 23.038 §6.2.1.1: € is in the extension table, two septets.
            let euro = try await layout("€")
            #expect(euro["encoding"] as? String == "GSM 7-bit" && euro["units"] as? Int == 2)
            // TS 23.040 §9.2.3.24.1: 161 septets need two parts of 153.
            let long = try await layout(String(repeating: "a", count: 161))
            #expect(long["parts"] as? Int == 2 && long["unitsPerPart"] as? Int == 153)
            let ucs2 = try await layout("☺ hi")
            #expect(ucs2["encoding"] as? String == "UCS-2" && ucs2["remainingInPart"] as? Int == 66)
        }
    }

    @Test func aStateChangingRequestNeedsThePagesHeaderAndOrigin() async throws {
        try await Self.withRunningServer { _, port in
            let plain = [("Content-Type", "application/json")]
            // What a cross-site form can send: no custom header.
            let form = try await Self.api(port, "send", json: ["to": Self.echo, "text": "x"], headers: [])
            #expect(form.status == .forbidden)
            let foreign = try await Self.api(
                port,
                "send",
                json: ["to": Self.echo, "text": "x"],
                headers: [Self.header, ("Origin", "http://evil.example")]
            )
            #expect(foreign.status == .forbidden)
            #expect(try await Self.api(port, "conversations", headers: plain).status == .forbidden)
            let sameOrigin = try await Self.api(
                port,
                "layout",
                json: ["text": "x"],
                headers: [Self.header, ("Origin", "http://127.0.0.1:\(port)")]
            )
            #expect(sameOrigin.status == .ok)
            // Nothing was sent.
            let list = try await Self.api(port, "conversations").json["conversations"] as? [[String: Any]]
            #expect(list?.isEmpty == true)
            // A GET to a POST route never reaches it; a body beyond the API's bound is refused from its length.
            #expect(try await Self.api(port, "send").status == .methodNotAllowed)
            let huge = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: "/api/layout",
                headers: [Self.header, ("Content-Type", "application/json")],
                body: Array(repeating: 0x20, count: MessagingWebPage.maximumBodyBytes + 1)
            )
            #expect(huge.status == .payloadTooLarge)
        }
    }

    @Test func aReadOnlyClientSeesButCannotSendOrDelete() async throws {
        let loopback = try #require(IPSubnet("127.0.0.0/8"))
        try await Self.withRunningServer(access: AccessRules(readOnly: [loopback])) { server, port in
            let state = try await Self.api(port, "state")
            #expect(state.json["canSend"] as? Bool == false)
            let send = try await Self.api(port, "send", json: ["to": Self.echo, "text": "x"])
            #expect(send.status == .forbidden)
            // A message sent by the daemon itself is visible, and cannot be deleted from here.
            let id = try await server.messaging.sendMessage(
                MessageToSend(recipients: RecipientsList(to: [Peer(id: Self.echo)]), text: "from inside")
            )
            #expect(try await Self.messages(port, peer: Self.echo).first?["text"] as? String == "from inside")
            #expect(try await Self.api(port, "delete", json: ["id": id.description]).status == .forbidden)
            #expect(try await Self.messages(port, peer: Self.echo).first?["text"] as? String == "from inside")
        }
    }

    @Test func aPasswordAsksForALoginAndAStrictHttpOnlyCookie() async throws {
        try await Self.withRunningServer(password: "s3cret") { _, port in
            let state = try await Self.api(port, "state")
            #expect(state.json["loginRequired"] as? Bool == true && state.json["loggedIn"] as? Bool == false)
            #expect(try await Self.api(port, "conversations").status == .unauthorized)
            #expect(try await TestHTTPConnection.request(port: port, path: "/api/events").status == .unauthorized)
            #expect(try await Self.api(port, "login", json: ["password": "guess"]).status == .unauthorized)

            let login = try await Self.api(port, "login", json: ["password": "s3cret"])
            #expect(login.status == .noContent)
            let cookie = try #require(login.response.headers["Set-Cookie"].first)
            let attributes = Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict"))
            let pair = try #require(cookie.split(separator: ";").first.map(String.init))
            #expect(pair.hasPrefix(MessagingWebPage.cookieName + "=") && pair.count > 40)

            let withCookie = [Self.header, ("Cookie", pair)]
            #expect(try await Self.api(port, "conversations", headers: withCookie).status == .ok)
            let loggedIn = try await Self.api(port, "state", headers: withCookie)
            #expect(loggedIn.json["loggedIn"] as? Bool == true)
            let forged = [
                Self.header, ("Cookie", MessagingWebPage.cookieName + "=" + String(repeating: "0", count: 64)),
            ]
            #expect(try await Self.api(port, "conversations", headers: forged).status == .unauthorized)

            #expect(try await Self.api(port, "logout", json: [:], headers: withCookie).status == .noContent)
            #expect(try await Self.api(port, "conversations", headers: withCookie).status == .unauthorized)
        }
    }

    @Test func wrongPasswordsAreLimitedPerAddress() async throws {
        try await Self.withRunningServer(password: "s3cret") { _, port in
            for _ in 0..<5 {
                let wrong = try await Self.api(port, "login", json: ["password": "guess"])
                #expect(wrong.status == .unauthorized)
            }
            // Past the limit even the right password waits: guessing is bounded.
            let right = try await Self.api(port, "login", json: ["password": "s3cret"])
            #expect(right.status == .tooManyRequests)
        }
    }

    @Test func theHostCheckGuardsThePage() async throws {
        try await Self.withRunningServer { _, port in
            // DNS rebinding: a page that reached us through another name carries that name.
            let rebound = try await TestHTTPConnection.request(port: port, path: "/", host: "evil.example:\(port)")
            #expect(rebound.status == .badRequest)
            let api = try await TestHTTPConnection.request(
                port: port,
                path: "/api/conversations",
                headers: [Self.header],
                host: "evil.example"
            )
            #expect(api.status == .badRequest)
        }
    }

    @Test func theEventStreamTellsOfANewMessage() async throws {
        try await Self.withRunningServer { server, port in
            try await TestHTTPConnection.with(port: port) { connection in
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/events")
                head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                try await connection.outbound.write(contentsOf: [.head(head), .end(nil)])
                var text = ""
                var sawHead = false
                var injected = false
                while let part = try await connection.iterator.next() {
                    switch part {
                    case .head(let response):
                        #expect(response.status == .ok)
                        #expect(response.headers["Content-Type"].first == "text/event-stream")
                        sawHead = true
                    case .body(let buffer):
                        text += String(decoding: buffer.readableBytesView, as: UTF8.self)
                    case .end:
                        Issue.record("the stream ended early: \(text)")
                        return
                    }
                    if !injected, text.contains("event: hello") {
                        injected = true
                        let network = try #require(server.simulatedNetwork)
                        await network.injectText(
                            "ping",
                            from: "+15550000002",
                            to: MessagingServerConfiguration.simulatedNumber
                        )
                    }
                    if text.contains("event: change") { break }
                }
                #expect(sawHead && text.contains("retry: ") && text.contains("event: change"))
            }
        }
    }
}
