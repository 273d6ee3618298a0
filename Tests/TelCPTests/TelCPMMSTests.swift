import Foundation
import HTTPTestSupport
import NIOHTTP1
import TestSupport
import Testing

/// MMS as a user sends and reads it with `telcp`, against `messagingd --simulate` (whose simulated MMSC carries it):
/// a picture sent with `--attach` to the echo subscriber comes back byte-identical, saved with `read --save` and
/// served at the device's `/attachment` route; two simulated modems exchange a picture.
@Suite struct TelCPMMSTests {
    static let picture = try! Data(Fixtures.data("images/python.jpg"))

    /// The picture as a user's file, `picture.jpg` in `scratch`.
    static func pictureFile(in scratch: ScratchDirectory) throws -> String {
        let path = scratch.path("picture.jpg")
        try picture.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Waits until `location`'s Received folder holds a fetched MMS from `sender` (one with attachments) and returns
    /// its `read --json` object (a list leaves attachments out, messaging-v2.md I-12).
    static func receivedMMS(from sender: String, at location: String) async throws -> [String: Any] {
        var found: [String: Any]?
        try await eventually("an MMS with attachments from \(sender) in Received", timeout: .seconds(90)) {
            let list = try await TelCPTests.telcp(["list", "--location", location, "--folder", "Received", "--json"])
            let candidates = try TelCPTests.objects(list).filter {
                $0["class"] as? String == "MMS" && $0["from"] as? String == sender
            }
            for candidate in candidates {
                let id = try #require(candidate["id"] as? String)
                let read = try await TelCPTests.telcp(["read", "--location", location, id, "--json"])
                let message = try TelCPTests.objects(read).first
                if (message?["attachments"] as? [String])?.isEmpty == false { found = message }
            }
            return found != nil
        }
        return try #require(found)
    }

    /// `telcp read ID --save DIR --json`: the saved files' objects (the message's object, first, left out).
    static func save(
        _ id: String,
        at location: String,
        to directory: String,
        force: Bool = false
    ) async throws
        -> [[String: Any]]
    {
        let run = try await TelCPTests.telcp(
            ["read", "--location", location, id, "--save", directory, "--json"] + (force ? ["--force"] : [])
        )
        #expect(run.status == 0, "\(run.stderr)")
        return Array(try TelCPTests.objects(run).dropFirst())
    }

    @Test func aPictureSentToTheEchoComesBackByteIdentical() async throws {
        let scratch = try ScratchDirectory("telcp-mms")
        defer { scratch.remove() }
        let daemon = try TelCPTests.daemon(scratch)
        defer { daemon.stop() }
        let location = try await TelCPTests.location(of: daemon)
        let ports = try await daemon.line(startingWith: "messagingd: http port ")
        let httpPort = try #require(Int(ports.dropFirst("messagingd: http port ".count).prefix { $0.isNumber }))

        // With --simulate, MMS and File-Transfer are offered.
        let capabilities = try #require(
            try TelCPTests.objects(try await TelCPTests.telcp(["capabilities", "--location", location, "--json"]))
                .first
        )
        #expect(capabilities["messageClasses"] as? [String] == ["SMS", "MMS"])
        #expect(capabilities["sessionClasses"] as? [String] == ["SMS", "MMS", "Mixed", "File-Transfer"])

        let sent = try await TelCPTests.telcp([
            "send", "--location", location, "--to", TelCPTests.echo, "--text", "look", "--subject", "a picture",
            "--attach", try Self.pictureFile(in: scratch), "--wait", "--json",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        let sentObject = try #require(try TelCPTests.objects(sent).first)
        #expect(sentObject["status"] as? String == "sent")
        let sentID = try #require(sentObject["id"] as? String)
        let mine = try #require(
            try TelCPTests.objects(try await TelCPTests.telcp(["read", "--location", location, sentID, "--json"]))
                .first
        )
        #expect(mine["class"] as? String == "MMS" && mine["subject"] as? String == "a picture")

        // The echo: an MMS with the same picture and "echo: " before the text.
        let echo = try await Self.receivedMMS(from: TelCPTests.echo, at: location)
        let echoID = try #require(echo["id"] as? String)
        #expect(echo["text"] as? String == "echo: look")
        let directory = scratch.path("saved")
        let saved = try await Self.save(echoID, at: location, to: directory)
        let jpeg = try #require(saved.first { $0["mimeType"] as? String == "image/jpeg" }, "\(saved)")
        let path = try #require(jpeg["path"] as? String)
        #expect(URL(fileURLWithPath: path).lastPathComponent == "picture.jpg")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.picture)
        #expect(jpeg["bytes"] as? Int == Self.picture.count)

        // Saved again: nothing is replaced; the new file gets a number. With --force the name is reused.
        let again = try await Self.save(echoID, at: location, to: directory)
        let numbered = try #require(again.first { $0["mimeType"] as? String == "image/jpeg" }?["path"] as? String)
        #expect(URL(fileURLWithPath: numbered).lastPathComponent == "picture-1.jpg")
        #expect(try Data(contentsOf: URL(fileURLWithPath: numbered)) == Self.picture)
        try Data("not the picture".utf8).write(to: URL(fileURLWithPath: path))
        let forced = try await Self.save(echoID, at: location, to: directory, force: true)
        #expect(forced.contains { $0["path"] as? String == path })
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.picture)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") }, "\(names)")

        // The device's own route serves the same bytes at the link the message lists: an absolute one, at the
        // address telcp reached the device at.
        var routed: [UInt8] = []
        for uri in try #require(echo["attachments"] as? [String]) {
            let base = "http://127.0.0.1:\(httpPort)"
            #expect(uri.hasPrefix(base + "/attachment?"), "\(uri)")
            let response = try await TestHTTPConnection.request(port: httpPort, path: String(uri.dropFirst(base.count)))
            #expect(response.status.code == 200, "\(uri)")
            if response.headers.first(name: "content-type") == "image/jpeg" { routed = response.body }
        }
        #expect(Data(routed) == Self.picture)
    }

    @Test func twoSimulatedModemsExchangeAPicture() async throws {
        let scratch = try ScratchDirectory("telcp-mms-two")
        defer { scratch.remove() }
        let daemon = try RunningProcess(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--simulate-modems", "2", "--http-port", "0", "--ssdp-port", "0"]
        )
        defer { daemon.stop() }
        var locations: [String] = []
        try await eventually("two description lines: \(daemon.stdout) \(daemon.stderr)", timeout: .seconds(60)) {
            locations = daemon.stdout.split(separator: "\n").filter { $0.hasPrefix("messagingd: description ") }
                .map { String($0.dropFirst("messagingd: description ".count)) }
            return locations.count == 2 || daemon.hasExited
        }
        try #require(locations.count == 2)
        // Which description is which modem: its identity.
        var byNumber: [String: String] = [:]
        for location in locations {
            let identity = try await TelCPTests.telcp(["identity", "--location", location])
            byNumber[identity.stdout.trimmingCharacters(in: .whitespacesAndNewlines)] = location
        }
        let first = try #require(byNumber["tel:+15550000001"])
        let second = try #require(byNumber["tel:+15550000002"])

        let sent = try await TelCPTests.telcp([
            "send", "--location", first, "--to", "+15550000002", "--text", "from one",
            "--attach", try Self.pictureFile(in: scratch), "--wait",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        let received = try await Self.receivedMMS(from: "+15550000001", at: second)
        #expect(received["text"] as? String == "from one")
        let saved = try await Self.save(try #require(received["id"] as? String), at: second, to: scratch.path("two"))
        let path = try #require(saved.first { $0["mimeType"] as? String == "image/jpeg" }?["path"] as? String)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.picture)
    }

    @Test func aSavedAttachmentIsNeverHiddenNorOutsideTheDirectory() async throws {
        let scratch = try ScratchDirectory("telcp-mms-names")
        defer { scratch.remove() }
        let daemon = try TelCPTests.daemon(scratch)
        defer { daemon.stop() }
        let location = try await TelCPTests.location(of: daemon)
        // A file whose name would be hidden, and the name the echo gives back (its part's name) as it was sent.
        let hidden = scratch.path(".profile.jpg")
        try Self.picture.write(to: URL(fileURLWithPath: hidden))
        let sent = try await TelCPTests.telcp([
            "send", "--location", location, "--to", TelCPTests.echo, "--attach", hidden, "--wait",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        let echo = try await Self.receivedMMS(from: TelCPTests.echo, at: location)
        let directory = scratch.path("inbox")
        let saved = try await Self.save(try #require(echo["id"] as? String), at: location, to: directory)
        let path = try #require(saved.first { $0["mimeType"] as? String == "image/jpeg" }?["path"] as? String)
        #expect(path == URL(fileURLWithPath: directory).appendingPathComponent("profile.jpg").path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.picture)
    }

    @Test func aFileThatCannotBeReadIsABadArgument() async throws {
        let run = try await TelCPTests.telcp([
            "send", "--location", "http://127.0.0.1:9/description.xml", "--to", TelCPTests.echo,
            "--attach", "/nonexistent/picture.jpg",
        ])
        #expect(run.status == 64 && run.stderr.contains("/nonexistent/picture.jpg is not a readable file"))
    }
}
