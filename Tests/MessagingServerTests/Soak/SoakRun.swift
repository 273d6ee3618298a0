import Foundation
import HTTPTestSupport
import MessageStore
import MessagingUPnP
import TestSupport
import Testing
import UPnP

/// The soak's processes: `modemctl simulate` with two modems on one network, and `messagingd` serving both (device 1
/// on modem 1, device 2 on modem 2), in one scratch directory. The soak kills and restarts the daemon; the
/// simulator lives throughout, so that what the network saw is one log.
final class SoakRig {
    let scratch: ScratchDirectory
    let simulator: ControlledSimulator
    let databases: [String]
    let configuration: String
    private(set) var daemon: RunningProcess?
    /// The HTTP port of each device of the running daemon, in configuration order.
    private(set) var ports: [Int] = []
    private(set) var controlPath = ""
    /// CPU seconds of the daemons that have ended (killed or stopped), read from /proc just before.
    private(set) var endedDaemonCPU = 0.0
    private(set) var starts = 0
    /// The log (standard error) of each daemon that has ended, for a failure's post-mortem.
    private(set) var endedDaemonLogs: [String] = []

    init() async throws {
        scratch = try ScratchDirectory("messagingd-soak")
        simulator = try await ControlledSimulator(
            count: 2,
            arguments: ["--profile", "huawei-e3372", "--mmsc"],
            in: scratch.url
        )
        // One MMSC for both devices: only device 1 sends, at the URL that names modem 1 as the sender; device 2
        // fetches what its push names.
        let mmscURL = try #require(simulator.start.first?["mmscURL"] as? String)
        let proxy = try #require(simulator.start.first?["mmsProxy"] as? String)
        databases = [scratch.path("device1/messages.sqlite"), scratch.path("device2/messages.sqlite")]
        configuration = scratch.path("messagingd.conf")
        try """
        log-level = "\(ProcessInfo.processInfo.environment["SOAK_LOG_LEVEL"] ?? "info")"
        [network]
        interfaces = ["lo"]
        http-port = 0
        ssdp-port = 0
        [mms]
        mmsc-url = "\(mmscURL)"
        mms-proxy = "\(proxy)"
        [[modem]]
        device = "\(simulator.link(1))"
        database = "\(databases[0])"
        [[modem]]
        device = "\(simulator.link(2))"
        database = "\(databases[1])"
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
    }

    /// Starts the daemon and waits until both devices serve HTTP.
    func start() async throws {
        let daemon = try RunningProcess(try BuiltProducts.executable("messagingd"), ["--config", configuration])
        self.daemon = daemon
        starts += 1
        // Each device prints its lines once it listens.
        try await eventually("both devices listening: \(daemon.stdout) \(daemon.stderr)", timeout: .seconds(60)) {
            daemon.stdout.components(separatedBy: "messagingd: http port ").count == 3 || daemon.hasExited
        }
        let prefix = "messagingd: description http://127.0.0.1:"
        let listening = daemon.stdout.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap {
            Int($0.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        try #require(listening.count == 2, "two devices: \(daemon.stdout)")
        // The devices come up in any order: each is known by the UDN kept beside its database.
        var ports: [Int?] = [nil, nil]
        for port in listening {
            let response = try await TestHTTPConnection.request(port: port, path: "/description.xml")
            let root = try XMLDocumentParser.parse(response.body)
            let device = try #require(root.firstElement(named: "device"))
            let udn = device.firstElement(named: "UDN")?.text
            let index = try #require(try databases.firstIndex { try Self.udn(database: $0) == udn })
            ports[index] = port
            if index == 0, controlPath.isEmpty {
                let service = try #require(
                    device.firstElement(named: "serviceList")?.elements.first {
                        $0.firstElement(named: "serviceType")?.text == MessagingServiceDescription.serviceType
                    }
                )
                controlPath = try #require(service.firstElement(named: "controlURL")?.text)
            }
        }
        self.ports = try ports.map { try #require($0) }
    }

    /// The UDN a device keeps beside its database.
    static func udn(database: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: database + ".device.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["udn"] as? String
    }

    /// SIGKILL (a crash or power cut of the daemon alone); ``start()`` starts it again.
    func kill() async throws {
        let daemon = try #require(daemon)
        endedDaemonCPU += Self.cpuSeconds(of: daemon.pid) ?? 0
        daemon.signal(SIGKILL)
        _ = try await daemon.exit()
        endedDaemonLogs.append(daemon.stderr)
        self.daemon = nil
    }

    /// SIGTERM and the exit status (a clean stop: everything flushed).
    func stop() async throws -> Int32 {
        let daemon = try #require(daemon)
        endedDaemonCPU += Self.cpuSeconds(of: daemon.pid) ?? 0
        self.daemon = nil
        let status = try await daemon.terminate()
        endedDaemonLogs.append(daemon.stderr)
        return status
    }

    /// SendMessage of `text` to `recipient` on device 1 (SOAP, as a control point on the LAN sends): an SMS, or an
    /// MMS when `picture` is given, the link at which the control point offers the JPEG (messaging-v2.md §5.6).
    func send(_ text: String, to recipient: String, picture: (link: String, size: Int)? = nil) async throws {
        let message = MessageFragment(
            messageID: "",
            messageClass: picture == nil ? "SMS" : "MMS",
            messageFolder: "Outgoing",
            messageStatus: "Unread",
            recipients: RecipientsListFragment(to: [PeerFragment(id: recipient)]),
            text: text,
            attachments: picture.map { [.init(uri: $0.link, size: UInt64($0.size), mimeType: "image/jpeg")] } ?? []
        )
        let answer = try await MessagingServerTests.call(
            port: ports[0],
            controlPath: controlPath,
            action: "SendMessage",
            arguments: [("MessageToSend", message.serialized())]
        )
        try #require(answer["MessageID"]?.isEmpty == false, "SendMessage: \(answer)")
    }

    /// Device 1's outbox depth (`GET /health`).
    func outboxDepth() async throws -> Int? {
        let response = try await TestHTTPConnection.request(port: ports[0], path: "/health")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["outbox"] as? Int
    }

    /// A control command to the simulator, which must succeed.
    @discardableResult
    func control(_ command: String, _ fields: [String: Any] = [:]) async throws -> [String: Any] {
        var object = fields
        object["command"] = command
        let answer = try await simulator.control(object)
        try #require(answer["ok"] as? Bool == true, "\(command): \(answer)")
        return answer
    }

    /// Resident memory of the running daemon in kB (`VmRSS` of /proc/<pid>/status).
    var daemonRSS: Int? {
        guard let pid = daemon?.pid,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// The running daemon's CPU seconds so far.
    var daemonCPU: Double { daemon.flatMap { Self.cpuSeconds(of: $0.pid) } ?? 0 }

    /// User + system CPU seconds of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks; proc(5)).
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // The fields after the command name (which may hold spaces), from field 3 on.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The content of each JPEG attachment of each MMS of a database, by the MMS's text.
    static func mmsAttachments(of database: String) async throws -> [String: [[UInt8]]] {
        let store = try MessageStore(path: database)
        var contents: [String: [[UInt8]]] = [:]
        for summary in try await store.search(StoreQuery()) where summary.message.messageClass == "MMS" {
            guard let id = summary.message.id else { continue }
            contents[summary.message.text ?? "", default: []] += try await store.attachmentContents(messageID: id)
                .filter { $0.row.mimeType == "image/jpeg" }.map(\.bytes)
        }
        return contents
    }

    /// Every message of a database: folder, text, peers, and for sent ones the parts' states (status reports).
    static func contents(of database: String) async throws -> [MessageDetail] {
        let store = try MessageStore(path: database)
        var details: [MessageDetail] = []
        for summary in try await store.search(StoreQuery()) {
            if let id = summary.message.id, let detail = try await store.message(id: id) { details.append(detail) }
        }
        return details
    }

    func close() {
        daemon?.signal(SIGKILL)
        simulator.stop()
        // For a post-mortem (`SOAK_DAEMON_LOG`), also of a run that failed early: every daemon's log, the one
        // still running at the end last.
        if let path = ProcessInfo.processInfo.environment["SOAK_DAEMON_LOG"] {
            let logs = endedDaemonLogs + (daemon.map { [$0.stderr] } ?? [])
            try? logs.joined(separator: "\n--- restart ---\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        // For a post-mortem (`SOAK_KEEP_SCRATCH=1`): the databases, the configuration and the simulator's state.
        if ProcessInfo.processInfo.environment["SOAK_KEEP_SCRATCH"] == nil {
            scratch.remove()
        } else {
            print("soak: scratch directory kept at \(scratch.url.path)")
        }
    }
}
