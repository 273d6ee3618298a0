import Foundation
import HTTPTestSupport
import MessageStore
import MessagingUPnP
import TestSupport
import Testing
import UPnP

/// `messagingd` and `modemctl simulate` as two subprocesses of a test, the daemon on the simulated stick's pty link,
/// both in one scratch directory: the test drives the stick through the simulator's control channel, watches the
/// daemon through its log, `GET /health` and SOAP, and reads the database back after a clean stop.
final class MessagingdRig {
    /// A number that texts the modem.
    static let peer = "+15550000077"
    /// The simulated network's echo: it answers every SMS with "echo: <text>".
    static let echo = "+15550000099"

    let scratch: ScratchDirectory
    let simulator: ControlledSimulator
    /// The pty link the daemon opens (the simulator re-points it when the stick comes back).
    let link: String
    let database: String
    /// The simulated modem's own number.
    let number: String
    private(set) var daemon: RunningProcess?

    /// Starts the simulator with `simulatorArguments` (profile and quirk flags); the daemon is started separately.
    init(_ name: String, simulator simulatorArguments: [String]) async throws {
        scratch = try ScratchDirectory("messagingd-\(name)")
        simulator = try await ControlledSimulator(arguments: simulatorArguments, in: scratch.url)
        link = simulator.link(1)
        database = scratch.path("messages.sqlite")
        number = try #require(simulator.start.first?["number"] as? String)
    }

    /// Starts `messagingd` on the stick with a configuration file (which holds the PIN when one is given, and
    /// `tables`, more TOML tables such as `[mms]`), and waits until it printed its HTTP port.
    @discardableResult
    func startDaemon(pin: String? = nil, tables: String = "") async throws -> RunningProcess {
        // MESSAGINGD_TEST_LOG_LEVEL=debug gives a post-mortem of a failing run (a timeout prints the daemon's log).
        let logLevel = ProcessInfo.processInfo.environment["MESSAGINGD_TEST_LOG_LEVEL"] ?? "info"
        var configuration = """
            log-level = "\(logLevel)"
            [network]
            interfaces = ["lo"]
            http-port = 0
            ssdp-port = 0
            [[modem]]
            device = "\(link)"
            database = "\(database)"

            """
        if let pin { configuration += "pin = \"\(pin)\"\n" }
        configuration += tables
        let path = scratch.path("messagingd.conf")
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try RunningProcess(
            try BuiltProducts.executable("messagingd"),
            ["--config", path]
        )
        self.daemon = daemon
        try await eventually("the daemon's HTTP port", timeout: .seconds(60)) {
            httpPort != nil || daemon.hasExited
        }
        try #require(!daemon.hasExited, "messagingd exited: \(daemon.stderr)")
        return daemon
    }

    /// The running daemon (a test that has none fails).
    var running: RunningProcess {
        get throws { try #require(daemon) }
    }

    /// The HTTP port the daemon printed (`messagingd: http port N, …`).
    var httpPort: Int? {
        guard let output = daemon?.stdout,
            let line = output.split(separator: "\n").first(where: {
                $0.hasPrefix("messagingd: http port ")
            })
        else { return nil }
        return Int(line.dropFirst("messagingd: http port ".count).prefix { $0.isNumber })
    }

    /// Waits until the daemon has logged `text` at least `count` times.
    func waitForLog(_ text: String, count: Int = 1, timeout: Duration = .seconds(60)) async throws {
        let daemon = try running
        try await eventually("\(count)× '\(text)' in the daemon's log:\n\(daemon.stderr)", timeout: timeout) {
            daemon.stderrLines(containing: text) >= count
        }
    }

    /// `GET /health`, parsed.
    func health() async throws -> [String: Any] {
        let response = try await TestHTTPConnection.request(port: try #require(httpPort), path: "/health")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// The modem's part of `GET /health`.
    func modemHealth() async throws -> [String: Any] {
        try #require(try await health()["modem"] as? [String: Any])
    }

    /// The modem's state in `GET /health` (the supervisor's state name while the modem is not ready).
    func modemState() async throws -> String? {
        try await modemHealth()["state"] as? String
    }

    /// Delivers an SMS from ``peer`` to the stick through the simulated network (held while the stick is away).
    func inject(_ text: String) async throws {
        let answer = try await simulator.control(["command": "inject", "from": Self.peer, "text": text])
        #expect(answer["parts"] as? Int == 1)
    }

    /// The simulator's `status` answer.
    func simulatorStatus() async throws -> [String: Any] {
        try await simulator.control(["command": "status"])
    }

    /// Sends a control command to the simulator and expects it to succeed.
    @discardableResult
    func control(_ command: String, _ fields: [String: Any] = [:]) async throws -> [String: Any] {
        var object = fields
        object["command"] = command
        let answer = try await simulator.control(object)
        #expect(answer["ok"] as? Bool == true, "\(command): \(answer)")
        return answer
    }

    /// The service's control URL path, from the device description.
    func controlPath() async throws -> String {
        let response = try await TestHTTPConnection.request(port: try #require(httpPort), path: "/description.xml")
        let root = try XMLDocumentParser.parse(response.body)
        let service = try #require(
            root.firstElement(named: "device")?.firstElement(named: "serviceList")?.elements.first {
                $0.firstElement(named: "serviceType")?.text == MessagingServiceDescription.serviceType
            }
        )
        return try #require(service.firstElement(named: "controlURL")?.text)
    }

    /// A Messaging:2 action over SOAP; a fault fails the test.
    func call(_ action: String, _ arguments: [(String, String)] = []) async throws -> [String: String] {
        try await MessagingServerTests.call(
            port: try #require(httpPort),
            controlPath: try await controlPath(),
            action: action,
            arguments: arguments
        )
    }

    /// SendMessage of `text` to ``echo`` (into Outgoing; the daemon sends it when the modem can).
    func send(_ text: String) async throws {
        let message = MessageFragment(
            messageID: "",
            messageClass: "SMS",
            messageFolder: "Outgoing",
            messageStatus: "Unread",
            recipients: RecipientsListFragment(to: [PeerFragment(id: Self.echo)]),
            text: text
        )
        let answer = try await call("SendMessage", [("MessageToSend", message.serialized())])
        #expect(answer["MessageID"]?.isEmpty == false)
    }

    /// SIGTERM to the daemon; its exit status.
    func stopDaemon() async throws -> Int32 {
        let daemon = try running
        let status = try await daemon.terminate()
        self.daemon = nil
        return status
    }

    /// The texts of `folder` in the database, in the order the store lists them.
    func texts(_ folder: MessageRecord.Folder) async throws -> [String] {
        let store = try MessageStore(path: database)
        var texts: [String] = []
        for summary in try await store.search(StoreQuery(folder: folder)) {
            if let id = summary.message.id, let text = try await store.message(id: id)?.message.text {
                texts.append(text)
            }
        }
        return texts
    }

    /// Stops both processes (SIGKILL for a daemon still running after a failure) and removes the directory.
    func close() {
        daemon?.signal(SIGKILL)
        simulator.stop()
        scratch.remove()
    }
}
