import Foundation
import HTTPTestSupport
import MessagingUPnP
import TestSupport
import Testing
import UPnP

/// `messagingd` against `modemctl simulate --mmsc` (its MMSC is also the MMS proxy), both as subprocesses: MMS sent
/// to the echo subscriber while the MMSC is slow, has lost the content (404, 410), cuts the body short or its proxy
/// refuses (403, or hangs up). Each fault is survived with nothing lost: content that is gone says so, a send
/// refused for good stays in Outgoing as failed, content or a send that failed for a passing reason stays pending
/// and goes through once the fault is cleared through the control channel.
@Suite struct MessagingdMMSFaultTests {
    static let picture = try! Array(Fixtures.data("images/python.jpg"))

    /// SendMessage of an MMS with `text` and the offered picture to the echo; its message ID.
    static func sendMMS(_ text: String, link: String, rig: MessagingdRig) async throws -> String {
        let message = MessageFragment(
            messageID: "",
            messageClass: "MMS",
            messageFolder: "",
            messageStatus: "",
            recipients: RecipientsListFragment(to: [PeerFragment(id: MessagingdRig.echo)]),
            text: text,
            attachments: [.init(uri: link, size: UInt64(picture.count), mimeType: "image/jpeg")]
        )
        return try #require(try await rig.call("SendMessage", [("MessageToSend", message.serialized())])["MessageID"])
    }

    /// The MMS in `folder`, each as ReadMessage gives it (with text and attachments), by ID.
    static func messages(_ folder: String, rig: MessagingdRig) async throws -> [String: MessageFragment] {
        let list = try await rig.call(
            "SearchMessages",
            [("MessageClass", "MMS"), ("MessageFolder", folder), ("MessageStatus", ""), ("SessionID", "")]
        )
        var messages: [String: MessageFragment] = [:]
        for summary in try MessageListFragment(parsing: try #require(list["MessageList"])).messages {
            let read = try await rig.call("ReadMessage", [("MessageID", summary.messageID)])
            messages[summary.messageID] = try MessageFragment(parsing: try #require(read["MessageRequested"]))
        }
        return messages
    }

    /// Waits for the echo of the next MMS: the one Received message not among `known`; returns its ID.
    static func nextEcho(after known: Set<String>, rig: MessagingdRig) async throws -> String {
        var found: String?
        try await eventually("a new MMS from the echo in Received", timeout: .seconds(60)) {
            found = try await messages("Received", rig: rig).keys.first { !known.contains($0) }
            return found != nil
        }
        return try #require(found)
    }

    /// Waits until the Received MMS `id` shows `text` with the picture (fetched through the `/attachment` route).
    static func expectFetched(_ id: String, text: String, rig: MessagingdRig, timeout: Duration) async throws {
        var message: MessageFragment?
        try await eventually("MMS \(id) fetched: \(String(describing: message))", timeout: timeout) {
            message = try await messages("Received", rig: rig)[id]
            return message?.text == text
        }
        var pictures = 0
        for attachment in try #require(message).attachments where attachment.mimeType == "image/jpeg" {
            // The link is absolute, at the address the request reached the daemon at.
            let link = try #require(URL(string: attachment.uri))
            #expect(link.host == "127.0.0.1" && link.port == rig.httpPort, "\(attachment.uri)")
            let path = link.path + "?" + (link.query ?? "")
            let response = try await TestHTTPConnection.request(port: try #require(rig.httpPort), path: path)
            #expect(response.body == picture)
            pictures += 1
        }
        #expect(pictures == 1)
    }

    @Test func everyMMSCFaultIsSurvivedWithNothingLost() async throws {
        let rig = try await MessagingdRig("mms-faults", simulator: ["--profile", "huawei-e3372", "--mmsc"])
        defer { rig.close() }
        let mmscURL = try #require(rig.simulator.start.first?["mmscURL"] as? String)
        let proxy = try #require(rig.simulator.start.first?["mmsProxy"] as? String)
        try await rig.startDaemon(tables: "[mms]\nmmsc-url = \"\(mmscURL)\"\nmms-proxy = \"\(proxy)\"\n")
        let file = OfferedFileServer.File(name: "picture.jpg", mimeType: "image/jpeg", bytes: Self.picture)
        try await OfferedFileServer.with(host: "127.0.0.1", files: [file]) { server in
            let link = server.links[0]
            var known: Set<String> = []

            // A slow MMSC (2 s for every answer, within the exchange's deadline): sent and fetched, only later.
            try await rig.control("mmsc-faults", ["delayMs": 2000])
            _ = try await Self.sendMMS("slow", link: link, rig: rig)
            let slow = try await Self.nextEcho(after: known, rig: rig)
            known.insert(slow)
            try await Self.expectFetched(slow, text: "echo: slow", rig: rig, timeout: .seconds(60))

            // Content gone (404 Not Found, 410 Gone): the message stays and says so.
            for status in [404, 410] {
                try await rig.control("mmsc-faults", ["contentStatus": status])
                _ = try await Self.sendMMS("gone \(status)", link: link, rig: rig)
                let gone = try await Self.nextEcho(after: known, rig: rig)
                known.insert(gone)
                try await eventually("MMS \(gone) says its content is gone", timeout: .seconds(60)) {
                    try await Self.messages("Received", rig: rig)[gone]?.text?.contains("(HTTP \(status))") == true
                }
            }

            // A truncated body: the content stays pending, retried.
            try await rig.control("mmsc-faults", ["truncate": true])
            _ = try await Self.sendMMS("truncated", link: link, rig: rig)
            let truncated = try await Self.nextEcho(after: known, rig: rig)
            known.insert(truncated)
            try await rig.waitForLog("MMS content not fetched, retrying later")
            let pending = try #require(try await Self.messages("Received", rig: rig)[truncated])
            #expect(pending.text?.contains("not downloaded yet") == true && pending.attachments.isEmpty)

            // The proxy refuses with 403 Forbidden, which asking again does not change (RFC 9110 §15.5.4): the MMS
            // fails for good and stays in Outgoing, saying so (I-30).
            try await rig.control("mmsc-faults", ["proxyStatus": 403])
            let forbiddenID = try await Self.sendMMS("forbidden", link: link, rig: rig)
            try await rig.waitForLog("MMS send failed")
            let forbidden = try #require(try await Self.messages("Outgoing", rig: rig)[forbiddenID])
            #expect(forbidden.recipients.to.first?.sendStatus == .failed)

            // The proxy hangs up: the MMS (its picture fetched already) stays in Outgoing, retried.
            try await rig.control("mmsc-faults", ["proxyClose": true])
            let refusedID = try await Self.sendMMS("proxied", link: link, rig: rig)
            try await rig.waitForLog("MMS send failed, retrying later")
            #expect(try await Self.messages("Outgoing", rig: rig)[refusedID] != nil)
            #expect(server.fetches == [6])

            // Faults cleared: the pending content is fetched and the refused MMS sent at their next attempt (the
            // first back-off step is 30 s), and its echo arrives; nothing was lost or duplicated.
            try await rig.control("mmsc-faults")
            try await Self.expectFetched(truncated, text: "echo: truncated", rig: rig, timeout: .seconds(150))
            try await eventually("the refused MMS in Sent", timeout: .seconds(150)) {
                try await Self.messages("Sent", rig: rig)[refusedID] != nil
            }
            let proxied = try await Self.nextEcho(after: known, rig: rig)
            known.insert(proxied)
            try await Self.expectFetched(proxied, text: "echo: proxied", rig: rig, timeout: .seconds(60))
            #expect(Set(try await Self.messages("Received", rig: rig).keys) == known)
            #expect(try await Self.messages("Sent", rig: rig).count == 5)
            #expect(try await Self.messages("Outgoing", rig: rig).keys.sorted() == [forbiddenID])
        }
        #expect(try await rig.stopDaemon() == 0)
    }
}
