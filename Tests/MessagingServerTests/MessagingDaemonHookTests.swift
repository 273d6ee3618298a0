import Crypto
import Foundation
import HTTPTestSupport
import NIOHTTP1
import TestSupport
import Testing
import UPnP

/// `messagingd --simulate` as a separate process with hooks: commands and a webhook see the echo subscriber's
/// reply once, with its fields; failures are retried, a SIGKILL replays, a hanging hook is timed out.
@Suite struct MessagingDaemonHookTests {
    static let echoNumber = "+15550000099"
    static let ownNumber = "+15550000001"

    /// A scratch directory with the daemon's database, scripts and their output.
    struct Scratch {
        let directory: ScratchDirectory
        var database: String { directory.path("messages.sqlite") }

        init() throws { directory = try ScratchDirectory("daemon-hooks") }

        /// Writes an executable `/bin/sh` script; `$DIR` in `body` stands for the scratch directory.
        func script(_ name: String, _ body: String) throws -> String {
            let path = directory.path(name)
            let text = "#!/bin/sh\n" + body.replacingOccurrences(of: "$DIR", with: directory.url.path) + "\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return path
        }

        func file(_ name: String, _ text: String) throws -> String {
            let path = directory.path(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// The JSON objects a hook appended to `name`, one per line.
        func objects(_ name: String) -> [[String: Any]] {
            let text = (try? String(contentsOfFile: directory.path(name), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func contents(_ name: String) -> String? { try? String(contentsOfFile: directory.path(name), encoding: .utf8) }
    }

    /// Starts the daemon on the simulated modem; returns it and its HTTP port once it listens.
    static func start(_ scratch: Scratch, _ arguments: [String]) async throws -> (RunningProcess, Int) {
        let daemon = try RunningProcess(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--db", scratch.database, "--http-port", "0", "--ssdp-port", "0", "--log-level", "debug"]
                + arguments
        )
        var port = 0
        try await eventually("the daemon listening: \(daemon.stderr)") {
            if let range = daemon.stdout.range(of: "http port ") {
                port = Int(daemon.stdout[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            return port > 0 || daemon.hasExited
        }
        try #require(port > 0, "\(daemon.stderr)")
        return (daemon, port)
    }

    /// Sends `text` to the echo subscriber through the web page's API.
    static func send(_ text: String, port: Int) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["to": echoNumber, "text": text])
        let response = try await TestHTTPConnection.request(
            port: port,
            method: .POST,
            path: "/api/send",
            headers: [("X-Requested-With", "messagingd"), ("Content-Type", "application/json")],
            body: Array(body)
        )
        try #require(response.status == .created, "\(response.text)")
    }

    /// `messaging_hook_deliveries_total{result=…}` from `/metrics`.
    static func deliveries(_ result: String, port: Int) async throws -> Int {
        let metrics = try await TestHTTPConnection.request(port: port, path: "/metrics").text
        let prefix = "messaging_hook_deliveries_total{result=\"\(result)\"} "
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
        return Int(Double(line.dropFirst(prefix.count)) ?? 0)
    }

    static func health(port: Int) async throws -> [String: Any] {
        let body = try await TestHTTPConnection.request(port: port, path: "/health").body
        return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    @Test func aHookScriptSeesTheEchoReplyOnceWithItsFieldsAndNothingOfTheDaemon() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        let hook = try scratch.script(
            "on-receive",
            """
            cat >> $DIR/received.jsonl
            env >> $DIR/env
            echo from-the-hook
            head -c 20000 /dev/zero | tr '\\0' x
            """
        )
        let (daemon, port) = try await Self.start(scratch, ["--on-receive", hook])
        defer { daemon.signal(SIGKILL) }
        try await Self.send("hi hooks", port: port)
        try await eventually("the reply delivered") { try await Self.deliveries("delivered", port: port) == 1 }
        let objects = scratch.objects("received.jsonl")
        #expect(objects.count == 1)
        let reply = try #require(objects.first)
        #expect(reply["event"] as? String == "received")
        #expect(reply["from"] as? String == Self.echoNumber)
        #expect(reply["to"] as? [String] == [Self.ownNumber])
        #expect(reply["text"] as? String == "echo: hi hooks")
        #expect(reply["folder"] as? String == "Received")
        #expect(reply["status"] as? String == "Unread")
        #expect(reply["class"] as? String == "SMS")
        #expect(reply["dateReceived"] is String)
        #expect(reply["dateSent"] is String)
        let id = try #require(reply["id"] as? String)
        #expect(reply["idempotencyKey"] as? String == "\(id)/received")
        // The environment: the message's essentials and a minimal PATH, nothing of the daemon's.
        let environment = (scratch.contents("env") ?? "").split(separator: "\n").map(String.init)
        #expect(environment.contains("MESSAGE_TEXT=echo: hi hooks"))
        #expect(environment.contains("MESSAGE_FROM=\(Self.echoNumber)"))
        #expect(environment.contains("MESSAGE_IDEMPOTENCY_KEY=\(id)/received"))
        #expect(environment.contains("PATH=/usr/local/bin:/usr/bin:/bin"))
        let foreign = environment.filter { line in
            !line.hasPrefix("MESSAGE_") && !["PATH", "PWD", "SHLVL", "_"].contains(String(line.prefix { $0 != "=" }))
        }
        #expect(foreign.isEmpty, "\(foreign)")
        // Its output goes to the log, bounded.
        #expect(daemon.stderr.contains("from-the-hook"))
        #expect(daemon.stderr.contains(String(repeating: "x", count: 4000)))
        #expect(!daemon.stderr.contains(String(repeating: "x", count: 4097)))
    }

    @Test func aWebhookGetsTheSignedPostAndTheSignatureVerifies() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        try await TestSubscriber.with { receiverPort, requests in
            let config = try scratch.file(
                "messagingd.conf",
                """
                [hooks]
                [[hooks.webhook]]
                url = "http://127.0.0.1:\(receiverPort)/sms?source=test"
                events = ["received"]
                secret = "correct horse"
                """
            )
            let (daemon, port) = try await Self.start(scratch, ["--config", config])
            defer { daemon.signal(SIGKILL) }
            try await Self.send("hi webhook", port: port)
            var iterator = requests.makeAsyncIterator()
            let request = try #require(await iterator.next())
            #expect(request.method == "POST")
            #expect(request.path == "/sms?source=test")
            #expect(request.headers["Content-Type"].first == "application/json")
            let body = Array(request.body.utf8)
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array("correct horse".utf8)))
            let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
            #expect(request.headers["X-Messagingd-Signature-256"].first == expected)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(object["text"] as? String == "echo: hi webhook")
            #expect(object["event"] as? String == "received")
            let id = try #require(object["id"] as? String)
            #expect(request.headers["Idempotency-Key"].first == "\(id)/received")
            #expect(request.headers["X-Messagingd-Event"].first == "received")
            try await eventually("delivered") { try await Self.deliveries("delivered", port: port) == 1 }
        }
    }

    @Test func aWebhookAnsweringAnErrorIsRetriedAndShownInTheHealthReport() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        try await TestSubscriber.with(status: .internalServerError) { receiverPort, requests in
            let url = "http://127.0.0.1:\(receiverPort)/down"
            let (daemon, port) = try await Self.start(scratch, ["--webhook", "received=\(url)"])
            defer { daemon.signal(SIGKILL) }
            try await Self.send("nobody home", port: port)
            var iterator = requests.makeAsyncIterator()
            let request = try #require(await iterator.next())
            #expect(request.headers["X-Messagingd-Signature-256"].isEmpty)
            try await eventually("the failure recorded") { try await Self.deliveries("failed", port: port) >= 1 }
            let health = try await Self.health(port: port)
            #expect(health["status"] as? String == "degraded")
            let hooks = try #require(health["hooks"] as? [[String: Any]])
            #expect(hooks.first?["hook"] as? String == "webhook:\(url)")
            #expect(hooks.first?["lastError"] as? String == "HTTP 500 Internal Server Error")
        }
    }

    @Test func aHookThatFailsTwiceIsRetriedAndDeliveredOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        let hook = try scratch.script(
            "flaky",
            """
            n=$(cat $DIR/count 2>/dev/null || echo 0)
            n=$((n + 1))
            echo $n > $DIR/count
            [ "$n" -ge 3 ] || exit 1
            cat >> $DIR/received.jsonl
            echo >> $DIR/received.jsonl
            """
        )
        let config = try scratch.file(
            "messagingd.conf",
            "[hooks]\non-receive = [\"\(hook)\"]\nfirst-retry-delay = 1\nmax-retry-delay = 1\n"
        )
        let (daemon, port) = try await Self.start(scratch, ["--config", config])
        defer { daemon.signal(SIGKILL) }
        try await Self.send("third time lucky", port: port)
        try await eventually("delivered") { try await Self.deliveries("delivered", port: port) == 1 }
        #expect(try await Self.deliveries("failed", port: port) == 2)
        #expect(scratch.contents("count") == "3\n")
        let objects = scratch.objects("received.jsonl")
        #expect(objects.count == 1)
        #expect(objects.first?["text"] as? String == "echo: third time lucky")
        #expect(daemon.stderr.contains("hook failed, will retry"))
    }

    @Test func aHookPendingWhenTheDaemonIsKilledRunsAfterTheRestart() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        // The first run hangs (the daemon is killed meanwhile); the one after the restart delivers.
        let hook = try scratch.script(
            "once-hangs",
            """
            if [ ! -e $DIR/started ]; then echo $$ > $DIR/started; exec sleep 600; fi
            cat >> $DIR/received.jsonl
            echo >> $DIR/received.jsonl
            """
        )
        let (first, port) = try await Self.start(scratch, ["--on-receive", hook])
        try await Self.send("survive a crash", port: port)
        try await eventually("the hook running") { scratch.contents("started")?.hasSuffix("\n") == true }
        first.signal(SIGKILL)
        try await eventually("the daemon gone") { first.hasExited }
        if let pid = Int32((scratch.contents("started") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
        #expect(scratch.objects("received.jsonl").isEmpty)

        let (second, secondPort) = try await Self.start(scratch, ["--on-receive", hook])
        defer { second.signal(SIGKILL) }
        try await eventually("replayed") { try await Self.deliveries("delivered", port: secondPort) == 1 }
        let objects = scratch.objects("received.jsonl")
        #expect(objects.count == 1)
        #expect(objects.first?["text"] as? String == "echo: survive a crash")
        let id = try #require(objects.first?["id"] as? String)
        #expect(objects.first?["idempotencyKey"] as? String == "\(id)/received")
    }

    @Test func aHookThatHangsIsTimedOutAndTheDaemonKeepsMirroring() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        let hook = try scratch.script("hangs", "exec sleep 600")
        let config = try scratch.file("messagingd.conf", "[hooks]\non-receive = \"\(hook)\"\ntimeout = 1\n")
        let (daemon, port) = try await Self.start(scratch, ["--config", config])
        defer { daemon.signal(SIGKILL) }
        try await Self.send("first", port: port)
        try await eventually("the first hook timed out") { try await Self.deliveries("failed", port: port) >= 1 }
        #expect(daemon.stderr.contains("timed out after"))
        // Mirroring goes on: the second reply is imported while the hooks keep failing.
        try await Self.send("second", port: port)
        try await eventually("both replies mirrored") {
            let mirror = try await Self.health(port: port)["mirror"] as? [String: Any]
            return (mirror?["importedParts"] as? Int ?? 0) >= 2
        }
        let health = try await Self.health(port: port)
        #expect(health["status"] as? String == "degraded")
        let hooks = try #require(health["hooks"] as? [[String: Any]])
        #expect(hooks.first?["hook"] as? String == "command:\(hook)")
        #expect((hooks.first?["retrying"] as? Int ?? 0) >= 1)
        #expect(try await Self.deliveries("delivered", port: port) == 0)
    }

    @Test func checkConfigShowsTheHooksWithTheSecretMasked() async throws {
        let scratch = try Scratch()
        defer { scratch.directory.remove() }
        let config = try scratch.file(
            "messagingd.conf",
            """
            [hooks]
            on-receive = ["/bin/true", "--flag"]
            [[hooks.webhook]]
            url = "http://127.0.0.1:9/hook"
            secret = "do-not-print"
            """
        )
        let run = try await Subprocess.run(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--config", config, "--check-config"]
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.lines.contains("on-receive = [\"/bin/true\", \"--flag\"]"))
        #expect(run.lines.contains("url = \"http://127.0.0.1:9/hook\""))
        #expect(run.lines.contains("events = [\"received\", \"sent\", \"failed\"]"))
        #expect(run.lines.contains("secret = \"****\""))
        #expect(!run.stdout.contains("do-not-print"))
        // On the command line: EVENTS=URL filters, and flags replace the file's webhooks.
        let flags = try await Subprocess.run(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--config", config, "--check-config", "--webhook", "sent,failed=http://127.0.0.1:9/x?a=b"]
        )
        #expect(flags.status == 0, "\(flags.stderr)")
        #expect(flags.lines.contains("url = \"http://127.0.0.1:9/x?a=b\""))
        #expect(flags.lines.contains("events = [\"sent\", \"failed\"]"))
        #expect(!flags.lines.contains("url = \"http://127.0.0.1:9/hook\""))
        // An unknown key is refused, naming it.
        let bad = try scratch.file("bad.conf", "[hooks]\non-recieve = \"/bin/true\"\n")
        let refused = try await Subprocess.run(
            try BuiltProducts.executable("messagingd"),
            ["--simulate", "--config", bad, "--check-config"]
        )
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("hooks.on-recieve: unknown key"), "\(refused.stderr)")
    }
}
