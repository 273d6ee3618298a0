import Foundation
import TestSupport
import Testing

/// `telcp` as a user runs it, against `messagingd --simulate` in another process: discovery on lo, a text to the
/// echo subscriber followed until sent, the echo in Received, read, deleted, and announced to `telcp watch`.
@Suite struct TelCPTests {
    /// The echo subscriber of the simulated network: it answers every SMS with "echo: <text>".
    static let echo = "+15550000099"

    /// Runs `telcp` to completion.
    static func telcp(_ arguments: [String], input: String? = nil) async throws -> Subprocess.Run {
        try await Subprocess.run(try BuiltProducts.executable("telcp"), arguments, input: input, timeout: .seconds(60))
    }

    /// `messagingd --simulate` on ports of the system's choosing, its database in `scratch`.
    static func daemon(_ scratch: ScratchDirectory) throws -> RunningProcess {
        try RunningProcess(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--http-port", "0", "--ssdp-port", "0", "--db", scratch.path("messages.sqlite")]
        )
    }

    /// The URL of the daemon's device description, once it has printed it.
    static func location(of daemon: RunningProcess) async throws -> String {
        try await daemon.line(startingWith: "messagingd: description ").replacing("messagingd: description ", with: "")
    }

    /// The JSON objects of a `--json` output, one per line.
    static func objects(_ run: Subprocess.Run) throws -> [[String: Any]] {
        try run.lines.map { line in
            try #require(
                JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not an object: \(line)"
            )
        }
    }

    @Test func discoverSendWaitListReadDeleteAndWatchAgainstTheSimulatedDaemon() async throws {
        let scratch = try ScratchDirectory("telcp")
        defer { scratch.remove() }
        let daemon = try Self.daemon(scratch)
        defer { daemon.stop() }
        let ports = try await daemon.line(startingWith: "messagingd: http port")
        let ssdpPort = try #require(ports.split(separator: " ").last.map(String.init))
        let location = try await Self.location(of: daemon)

        // discover: the daemon, found with SSDP on lo, with its identity and location.
        let discovered = try await Self.telcp(["discover", "--ssdp-port", ssdpPort, "--search-time", "1", "--json"])
        #expect(discovered.status == 0, "\(discovered.stderr)")
        let device = try #require(try Self.objects(discovered).first)
        #expect(device["identity"] as? String == "tel:+15550000001")
        #expect(device["location"] as? String == location)
        #expect(device["deviceType"] as? String == "urn:schemas-upnp-org:device:TelephonyServer:2")
        let udn = try #require(device["udn"] as? String)
        #expect(udn.hasPrefix("uuid:"))
        // The same device, found again and picked by UDN; readable text without --json.
        let identity = try await Self.telcp([
            "identity", "--ssdp-port", ssdpPort, "--search-time", "1", "--device", udn,
        ])
        #expect(identity.status == 0 && identity.stdout == "tel:+15550000001\n", "\(identity.stderr)")

        // watch: subscribed before the text goes out, so that the echo's NewMessages event reaches it.
        let watch = try RunningProcess(
            try BuiltProducts.executable("telcp"),
            ["watch", "--location", location, "--count", "1", "--json"]
        )
        defer { watch.stop() }
        _ = try await watch.line(startingWith: "telcp: watching", onStandardError: true)

        // send --wait: the message ID, once the service centre accepted it.
        let sent = try await Self.telcp(
            ["send", "--location", location, "--to", Self.echo, "--text", "hello telcp", "--wait", "--json"]
        )
        #expect(sent.status == 0, "\(sent.stderr)")
        let sentObject = try #require(try Self.objects(sent).first)
        let sentID = try #require(sentObject["id"] as? String)
        #expect(sentObject["status"] as? String == "sent")
        let inSent = try Self.objects(
            try await Self.telcp(["list", "--location", location, "--folder", "Sent", "--json"])
        )
        #expect(inSent.contains { $0["id"] as? String == sentID && ($0["to"] as? [String]) == [Self.echo] })

        // The echo arrives: watch prints its NewMessages event and ends after that one event.
        #expect(try await watch.exit() == 0, "\(watch.stderr)")
        let event = try #require(
            try JSONSerialization.jsonObject(with: Data(watch.stdout.split(separator: "\n")[0].utf8)) as? [String: Any]
        )
        #expect(event["event"] as? String == "NewMessages")
        let announced = try #require((event["messages"] as? [[String: Any]])?.first)
        let replyID = try #require(announced["id"] as? String)
        #expect(replyID != sentID)

        // list --folder Received: the echo, unread, from the echo subscriber.
        let received = try Self.objects(
            try await Self.telcp(["list", "--location", location, "--folder", "Received", "--json"])
        )
        let reply = try #require(received.first { $0["id"] as? String == replyID })
        #expect(reply["from"] as? String == Self.echo)
        #expect(reply["folder"] as? String == "Received" && reply["status"] as? String == "Unread")
        #expect(reply["class"] as? String == "SMS" && reply["dateReceived"] is String)
        // The shape hooks get: attachments (none for SMS), and no send status for a message received.
        #expect(reply["attachments"] as? [String] == [] && reply["sendStatus"] is NSNull)

        // read: the text, and the message is Read from then on.
        let read = try await Self.telcp(["read", "--location", location, replyID, "--json"])
        #expect(read.status == 0, "\(read.stderr)")
        let message = try #require(try Self.objects(read).first)
        #expect(message["text"] as? String == "echo: hello telcp" && message["status"] as? String == "Read")
        let readText = try await Self.telcp(["read", "--location", location, replyID])
        #expect(readText.stdout.contains("From:     \(Self.echo)") && readText.stdout.hasSuffix("echo: hello telcp\n"))

        // delete: out of Received, into Deleted.
        let deleted = try await Self.telcp(["delete", "--location", location, replyID])
        #expect(deleted.status == 0 && deleted.stdout == "deleted \(replyID)\n", "\(deleted.stderr)")
        let afterwards = try Self.objects(
            try await Self.telcp(["list", "--location", location, "--folder", "Received", "--json"])
        )
        #expect(!afterwards.contains { $0["id"] as? String == replyID })
        let bin = try Self.objects(
            try await Self.telcp(["list", "--location", location, "--folder", "Deleted", "--json"])
        )
        #expect(bin.contains { $0["id"] as? String == replyID })

        // A UPnP fault: its code and meaning on standard error, exit status 1.
        let unknown = try await Self.telcp(["read", "--location", location, "zzzzzzzz"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("UPnP fault 701") && unknown.stderr.contains("no message has this ID"))

        // The text from standard input; search by number finds both directions of the conversation.
        let piped = try await Self.telcp(["send", "--location", location, "--to", Self.echo], input: "from stdin\n")
        #expect(piped.status == 0 && !piped.stdout.isEmpty, "\(piped.stderr)")
        let found = try Self.objects(try await Self.telcp(["search", "--location", location, "0000099", "--json"]))
        #expect(found.contains { $0["id"] as? String == sentID })
    }

    @Test func sessionsThroughTheCommandLine() async throws {
        let scratch = try ScratchDirectory("telcp-session")
        defer { scratch.remove() }
        let daemon = try Self.daemon(scratch)
        defer { daemon.stop() }
        let location = try await Self.location(of: daemon)
        let capabilities = try #require(
            try Self.objects(try await Self.telcp(["capabilities", "--location", location, "--json"])).first
        )
        // --simulate carries MMS through its simulated MMSC, so MMS and File-Transfer are offered.
        #expect(capabilities["messageClasses"] as? [String] == ["SMS", "MMS"])
        #expect(capabilities["sessionClasses"] as? [String] == ["SMS", "MMS", "Mixed", "File-Transfer"])
        #expect((capabilities["folders"] as? [String])?.contains("Received") == true)

        let created = try await Self.telcp(
            ["session", "create", "--location", location, "--to", "+15550000002", "--subject", "plans", "--json"]
        )
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try Self.objects(created).first?["id"] as? String)
        let listed = try Self.objects(try await Self.telcp(["session", "list", "--location", location, "--json"]))
        let session = try #require(listed.first { $0["id"] as? String == id })
        #expect(session["subject"] as? String == "plans" && session["to"] as? [String] == ["+15550000002"])
        let modified = try await Self.telcp(["session", "modify", "--location", location, id, "--subject", "later"])
        #expect(modified.status == 0, "\(modified.stderr)")
        let closed = try await Self.telcp(["session", "close", "--location", location, id])
        #expect(closed.status == 0 && closed.stdout == "closed \(id)\n", "\(closed.stderr)")
        let after = try Self.objects(
            try await Self.telcp(["session", "list", "--location", location, "--id", id, "--json"])
        )
        #expect(after.first?["status"] as? String == "Closed" && after.first?["subject"] as? String == "later")
        // A closed session takes no more messages: the service's fault, exit 1.
        let refused = try await Self.telcp(["session", "send", "--location", location, id, "--text", "too late"])
        #expect(refused.status == 1 && refused.stderr.contains("UPnP fault 708"), "\(refused.stderr)")
        // Files are transferred in File-Transfer and Mixed sessions only: the standard's code for another class.
        let transfer = try await Self.telcp(["transfer", "status", "--location", location, id])
        #expect(transfer.status == 1 && transfer.stderr.contains("UPnP fault 710"), "\(transfer.stderr)")
    }

    @Test func exitStatusesForNoDeviceNoConnectionAndBadArguments() async throws {
        // Nothing answers SSDP on the discard port.
        let none = try await Self.telcp(["identity", "--ssdp-port", "9", "--search-time", "1"])
        #expect(none.status == 3 && none.stderr.contains("no TelephonyServer:2"), "\(none.stderr)")
        let refused = try await Self.telcp(["identity", "--location", "http://127.0.0.1:9/description.xml"])
        #expect(refused.status == 5 && refused.stderr.contains("connection failed"), "\(refused.stderr)")
        let badURL = try await Self.telcp(["identity", "--location", "ftp://127.0.0.1/description.xml"])
        #expect(badURL.status == 64)
        let noRecipient = try await Self.telcp(["send", "--to", ",", "--text", "x"])
        #expect(noRecipient.status == 64)
        let help = try await Self.telcp(["--help"])
        let helpText = help.stdout.replacing("\n", with: " ")
        #expect(helpText.contains("3 no device found") && helpText.contains("64 bad arguments"), "\(helpText)")
    }
}
