import Foundation
import MessageStore
import TestSupport
import Testing
import UPnP

/// The soak: `messagingd` as a subprocess on two simulated modems exchanging many messages both ways while seeded
/// faults hit the modem and the daemon, then a reconciliation of every message sent, stored and seen by the network:
/// nothing lost, nothing duplicated, nothing corrupted. A duplicate that the outbox's at-least-once rule allows (a
/// segment in flight when the daemon was SIGKILLed, sent again at the next start: OutboxWorker.swift,
/// docs/messaging-mapping.md) is counted on its own line.
///
/// 500 messages in the test command; `scripts/soak [SEED] [N]` runs any count (environment `SOAK_SEED`,
/// `SOAK_MESSAGES`, `SOAK_REPORT`, a file the report is also written to, and for a post-mortem `SOAK_DAEMON_LOG`, a
/// file for the daemons' logs, `SOAK_LOG_LEVEL`, and `SOAK_KEEP_SCRATCH` to keep the databases). MMS are in the mix
/// (``SoakPlan/Kind/mms``): sent through the simulated MMSC with a JPEG the test offers as a control point would.
@Suite struct MessagingdSoakTests {
    static let modem1 = "+15550000001"
    static let modem2 = "+15550000002"
    static let echo = "+15550000099"
    static let peer = "+15550000077"
    /// The MMS's picture (543 bytes).
    static let picture = try! Array(Fixtures.data("images/python.jpg"))

    @Test func aSeedGivesOneFaultPlanWithEveryFault() {
        let a = SoakPlan(seed: 42, count: 500)
        let b = SoakPlan(seed: 42, count: 500)
        let c = SoakPlan(seed: 43, count: 500)
        #expect(a.messages.map(\.text) == b.messages.map(\.text))
        #expect(a.faults == b.faults)
        #expect(a.faults != c.faults)
        #expect(Set(a.faultCounts.keys) == Set(SoakPlan.Fault.allCases))
        #expect(Set(a.messages.map(\.kind)) == Set(SoakPlan.Kind.allCases))
        #expect(a.messages.allSatisfy { SoakPlan.index(ofText: $0.text) == $0.index })
        #expect(SoakPlan.index(ofText: "echo: " + a.messages[7].text) == 7)
    }

    @Test(.timeLimit(.minutes(60)))
    func messagesSurviveSeededFaultsBothWays() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SOAK_MESSAGES"].flatMap { Int($0) } ?? 500
        let seed = environment["SOAK_SEED"].flatMap { UInt64($0) } ?? 15
        try #require((1...100_000).contains(count), "SOAK_MESSAGES must be 1…100000")
        let rig = try await SoakRig()
        defer { rig.close() }
        let file = OfferedFileServer.File(name: "picture.jpg", mimeType: "image/jpeg", bytes: Self.picture)
        let report = try await OfferedFileServer.with(host: "127.0.0.1", files: [file]) { server in
            var soak = Soak(plan: SoakPlan(seed: seed, count: count), rig: rig, pictureLink: server.links[0])
            return try await soak.run()
        }
        print(report.text)
        if let path = environment["SOAK_REPORT"] {
            try report.text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(report.daemonExitStatus == 0)
        #expect(report.reconciliation.lost == [], "lost")
        #expect(report.reconciliation.duplicated == [], "duplicated")
        #expect(report.reconciliation.corrupted == [], "corrupted")
        #expect(report.reconciliation.statusReportsNotApplied == [], "status reports not applied")
    }
}

/// One run of a ``SoakPlan``: drives the traffic and the faults, then waits for the traffic to settle, stops the
/// daemon cleanly and reconciles.
struct Soak {
    var plan: SoakPlan
    let rig: SoakRig
    /// Where the MMS's picture is offered (``MessagingdSoakTests/picture``).
    let pictureLink: String
    /// The texts of the MMS still in device 1's Outgoing at a SIGKILL: the MMSC may have taken one just before, and
    /// the restart sends it again (at least once, as for SMS), so a second copy at the far end is allowed.
    var mmsInFlightAtKill: Set<String> = []
    let clock = ContinuousClock()
    var injected: [SoakPlan.Fault: Int] = [:]
    /// What the network saw, in order, with absolute indexes (the simulator's `submissions`).
    var submissions: [NetworkPart] = []
    /// The network's submission count just after each SIGKILL: a part submitted before and again after one of these
    /// is the at-least-once resend.
    var killMarks: [Int] = []
    /// The network's submission count just after each fault that can lose a modem's answer on the line.
    var lineFaultMarks: [Int] = []
    var fillers: [String] = []
    /// (seconds since start, kB) of the daemon.
    var rss: [(Double, Int)] = []
    /// Each fault with the message index and time it came at, and how long the traffic waited for the daemon.
    var timeline: [String] = []
    var started = ContinuousClock.now

    init(plan: SoakPlan, rig: SoakRig, pictureLink: String) {
        self.plan = plan
        self.rig = rig
        self.pictureLink = pictureLink
    }

    mutating func run() async throws -> SoakReport {
        started = clock.now
        try await rig.start()
        var lastSample = clock.now - .seconds(10)
        for message in plan.messages {
            for fault in plan.faults[message.index] ?? [] {
                timeline.append("\(fault.rawValue) before m\(message.index) at \(Int((clock.now - started).seconds)) s")
                try await inject(fault)
            }
            try await deliver(message)
            if clock.now - lastSample >= .seconds(1) {
                lastSample = clock.now
                if let kB = rig.daemonRSS { rss.append(((clock.now - started).seconds, kB)) }
            }
            if message.index % 25 == 24 { try await keepUp(after: message.index) }
        }
        let sendingDone = clock.now
        var settling = "settled"
        do {
            try await settle()
        } catch is EventuallyTimedOut {
            // The test has failed; the report still comes, and the reconciliation names what never arrived.
            settling = "gave up settling"
        }
        let settled = clock.now
        if let kB = rig.daemonRSS { rss.append(((clock.now - started).seconds, kB)) }
        try await readSubmissions()
        let unrouted = try await rig.control("status", ["modem": 1])["unroutedStatusReports"] as? [[String: Any]] ?? []
        let cpu = rig.endedDaemonCPU + rig.daemonCPU
        let simulatorCPU = SoakRig.cpuSeconds(of: rig.simulator.process.processIdentifier) ?? 0
        let status = try await rig.stop()
        let reconciliation = try await Reconciliation(
            plan: plan,
            fillers: fillers,
            submissions: submissions,
            killMarks: killMarks,
            lineFaultMarks: lineFaultMarks,
            unroutedReports: unrouted.compactMap { report in
                (report["mr"] as? Int).map { ($0, report["to"] as? String ?? "") }
            },
            mmsInFlightAtKill: mmsInFlightAtKill,
            device1: SoakRig.contents(of: rig.databases[0]),
            device2: SoakRig.contents(of: rig.databases[1]),
            mmsAttachments: [
                SoakRig.mmsAttachments(of: rig.databases[0]), SoakRig.mmsAttachments(of: rig.databases[1]),
            ],
            picture: MessagingdSoakTests.picture
        )
        return SoakReport(
            plan: plan,
            injected: injected,
            fillers: fillers.count,
            daemonStarts: rig.starts,
            daemonExitStatus: status,
            reconciliation: reconciliation,
            rss: rss,
            daemonCPU: cpu,
            simulatorCPU: simulatorCPU,
            trafficSeconds: (sendingDone - started).seconds,
            totalSeconds: (clock.now - started).seconds,
            timeline: timeline + ["\(settling) \(Int((settled - sendingDone).seconds)) s after the last message"]
        )
    }

    mutating func deliver(_ message: SoakPlan.Message) async throws {
        let picture = message.kind == .mms ? (pictureLink, MessagingdSoakTests.picture.count) : nil
        switch message.direction {
        case .toEcho: try await rig.send(message.text, to: MessagingdSoakTests.echo, picture: picture)
        case .toModem2: try await rig.send(message.text, to: MessagingdSoakTests.modem2, picture: picture)
        case .injected:
            let answer = try await rig.control(
                "inject",
                ["from": MessagingdSoakTests.peer, "text": message.text, "national": "auto"]
            )
            try #require((answer["parts"] as? Int ?? 0) > 0)
        }
    }

    mutating func inject(_ fault: SoakPlan.Fault) async throws {
        injected[fault, default: 0] += 1
        switch fault {
        case .garbage: try await rig.control("garbage", ["text": plan.garbage()])
        case .droppedBytes: try await rig.control("drop", ["count": plan.next(in: 1...40)])
        case .cmsError:
            // TS 27.005 §3.2.5: 500 unknown error, 331 no network service, 332 network timeout.
            try await rig.control("fail", ["name": "+CMGS", "cms": [500, 331, 332][plan.next(in: 0...2)]])
        case .stall:
            try await rig.control("stall")
            // The fault's length, not a synchronisation: the daemon meets the silence meanwhile.
            try await clock.sleep(for: .milliseconds(plan.next(in: 500...3000)))
            try await rig.control("resume")
        case .hang: try await rig.control("hang", ["mode": "sms"])
        case .replug: try await rig.control("reenumerate", ["awayMs": plan.next(in: 200...1500)])
        case .reboot: try await rig.control("reboot")
        case .simFull:
            let answer = try await rig.control(
                "fill",
                ["storage": "SM", "from": MessagingdSoakTests.peer, "text": "f\(injected[.simFull]!)"]
            )
            fillers += answer["texts"] as? [String] ?? []
        case .sigkill:
            let outgoing = try await SoakRig.contents(of: rig.databases[0]).filter {
                $0.message.folder == .outgoing && $0.message.messageClass == "MMS"
            }
            try await rig.kill()
            mmsInFlightAtKill.formUnion(outgoing.compactMap(\.message.text))
            // Before the restart, which resends at once what was in flight.
            try await readSubmissions()
            killMarks.append(submissions.count)
            try await rig.start()
        }
        if fault.losesAnswers {
            try await readSubmissions()
            lineFaultMarks.append(submissions.count)
        }
    }

    /// Reads what the network saw since the last read (the simulator keeps the newest 10,000).
    mutating func readSubmissions() async throws {
        let answer = try await rig.control("submissions", ["since": submissions.count])
        try #require(answer["first"] as? Int == submissions.count, "the simulator dropped submissions unread")
        for case let object as [String: Any] in answer["submissions"] as? [Any] ?? [] {
            let concat = object["concat"] as? [Int]
            submissions.append(
                NetworkPart(
                    index: submissions.count,
                    from: object["from"] as? String ?? "",
                    to: object["to"] as? String ?? "",
                    text: object["text"] as? String ?? "",
                    concat: concat.map { ($0[0], $0[1], $0[2]) }
                )
            )
        }
    }

    /// Holds the traffic while the daemon's outbox or the network's queue for modem 1 is long (a modem away, hung or
    /// recovering), so that the soak measures a daemon that keeps up rather than a queue that grows without bound.
    mutating func keepUp(after index: Int) async throws {
        try await readSubmissions()
        let rig = self.rig
        let waitStarted = clock.now
        defer {
            let waited = clock.now - waitStarted
            if waited > .seconds(2) {
                timeline.append("waited \(Int(waited.seconds)) s for the daemon after m\(index)")
            }
        }
        // A last resort: a hung modem's recovery takes the daemon about 20 s (resync, reopen, reset, start-up).
        try await eventually("the daemon to keep up (outbox ≤ 50, network queue ≤ 100)", timeout: .seconds(600)) {
            let queued = try await rig.control("status")["queued"] as? Int ?? 0
            let outbox = try await rig.outboxDepth() ?? 0
            return queued <= 100 && outbox <= 50
        }
    }

    /// Waits until every message has reached its end: the outbox empty, the network's queues empty, and the
    /// databases holding as many messages as were sent and received.
    func settle() async throws {
        let outbound = plan.messages.filter { $0.direction != .injected }.count
        let toEcho = plan.messages.filter { $0.direction == .toEcho }.count
        let toModem2 = plan.messages.filter { $0.direction == .toModem2 }.count
        let inbound = plan.messages.count - outbound + toEcho + fillers.count
        let mmsArrivals = Set(
            plan.messages.filter { $0.kind == .mms }.map { $0.direction == .toEcho ? "echo: " + $0.text : $0.text }
        )
        let rig = self.rig
        try await eventually(
            "everything delivered: \(outbound) sent, \(inbound) received by device 1, \(toModem2) by device 2",
            timeout: .seconds(300),
            interval: .seconds(1)
        ) {
            let queued1 = try await rig.control("status", ["modem": 1])["queued"] as? Int ?? 0
            let queued2 = try await rig.control("status", ["modem": 2])["queued"] as? Int ?? 0
            guard queued1 == 0, queued2 == 0, try await rig.outboxDepth() == 0 else { return false }
            let store1 = try MessageStore(path: rig.databases[0])
            let store2 = try MessageStore(path: rig.databases[1])
            let sent = try await store1.search(StoreQuery(folder: .sent)).count
            let received1 = try await store1.search(StoreQuery(folder: .received))
            let received2 = try await store2.search(StoreQuery(folder: .received))
            // An MMS is in Received from its push on, with its text once its content is fetched.
            let texts = Set((received1 + received2).compactMap(\.message.text))
            return sent >= outbound && received1.count >= inbound && received2.count >= toModem2
                && mmsArrivals.isSubset(of: texts)
        }
        // The network reports each part once the far end has it, so the last reports trail the last messages: wait
        // for them (bounded), but not for those the modem routed nowhere (see Reconciliation). A timeout fails the
        // test, and the run goes on to the reconciliation, which names any that never came.
        do {
            try await eventually(
                "every sent part's status report applied",
                timeout: .seconds(60),
                interval: .seconds(1)
            ) {
                let unrouted = try await rig.control("status", ["modem": 1])["unroutedStatusReports"] as? [Any] ?? []
                let waiting = try await SoakRig.contents(of: rig.databases[0]).filter { $0.message.folder == .sent }
                    .flatMap(\.outboxParts).filter { $0.state != .delivered }
                return waiting.count <= unrouted.count
            }
        } catch is EventuallyTimedOut {}
    }
}

/// One SMS-SUBMIT as the service centre received it.
struct NetworkPart {
    var index: Int
    var from: String
    var to: String
    var text: String
    var concat: (reference: Int, total: Int, sequence: Int)?
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
