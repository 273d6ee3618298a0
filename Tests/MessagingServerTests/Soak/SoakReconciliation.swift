import Foundation
import MessageStore

/// Every planned message against what the network saw and what the two databases hold after a clean stop.
///
/// - Sent through device 1 (to the echo or to modem 2): once in device 1's Sent, once in the network's log (its
///   parts reassembled), and once at the other end: "echo: <text>" in device 1's Received, or the text in device 2's
///   Received. Every part of it has its status report applied (TS 23.040 §9.2.3.15: delivered).
/// - An MMS (through the MMSC, not the SMS network log): once in device 1's Sent and once at the other end, as for
///   SMS, each copy with the one picture sent, byte for byte. One in device 1's Outgoing at a SIGKILL may arrive
///   twice (the MMSC may have taken it just before the kill: at least once).
/// - Injected from the network, and the SIM-full fillers: once in device 1's Received.
/// - Any text stored or seen that is not one of these exactly is corrupted.
///
/// A status report the modem itself routed nowhere (it came while the modem's AT+CNMI <ds> was 0: after a restart,
/// a re-plug or the ATZ of a start-up, before the daemon set it again; TS 27.005 §3.4.1) never reaches the daemon:
/// the part it reports on is counted in ``statusReportsRoutedNowhere``, not as a report the daemon lost.
///
/// A part the network saw twice, first before and again after a SIGKILL of the daemon, is the outbox's
/// at-least-once resend (OutboxWorker.swift): counted in ``allowedDuplicates``, and so is the second copy it causes at
/// the far end (a single-part message arrives twice). Any other second copy is a duplicate.
struct Reconciliation {
    var lost: [String] = []
    var duplicated: [String] = []
    var corrupted: [String] = []
    var allowedDuplicates: [String] = []
    var statusReportsApplied = 0
    /// Parts of sent messages whose status report the network sent but the store did not apply.
    var statusReportsNotApplied: [String] = []
    /// Parts whose status report the modem received while its <ds> was 0 and gave to nobody.
    var statusReportsRoutedNowhere: [String] = []
    var partsSent = 0
    var networkParts = 0
    var stored: [String: Int] = [:]

    init(
        plan: SoakPlan,
        fillers: [String],
        submissions: [NetworkPart],
        killMarks: [Int],
        lineFaultMarks: [Int],
        unroutedReports: [(reference: Int, recipient: String)],
        mmsInFlightAtKill: Set<String>,
        device1: [MessageDetail],
        device2: [MessageDetail],
        mmsAttachments: [[String: [[UInt8]]]],
        picture: [UInt8]
    ) {
        func counts(_ details: [MessageDetail], _ folder: MessageRecord.Folder) -> [String: Int] {
            details.filter { $0.message.folder == folder }.reduce(into: [:]) {
                $0[$1.message.text ?? "", default: 0] += 1
            }
        }
        let sent = counts(device1, .sent)
        let received1 = counts(device1, .received)
        let received2 = counts(device2, .received)
        stored = [
            "device 1 Sent": device1.filter { $0.message.folder == .sent }.count,
            "device 1 Received": device1.filter { $0.message.folder == .received }.count,
            "device 1 Outgoing": device1.filter { $0.message.folder == .outgoing }.count,
            "device 2 Received": device2.filter { $0.message.folder == .received }.count,
        ]
        for detail in device1 + device2 where detail.message.isComplete == false {
            lost.append("stored incomplete: \(Self.short(detail.message.text ?? ""))")
        }

        let network = NetworkLog(submissions.filter { $0.from == MessagingdSoakTests.modem1 })
        networkParts = network.parts
        /// The outbox's at-least-once rule: a part whose AT+CMGS outcome the daemon could not know is sent again.
        /// That is a part in flight at a SIGKILL (submitted before it, again after), or one whose answer a line fault
        /// may have lost (submitted within two submissions of the fault, again after it).
        func allowed(_ first: Int, _ second: Int) -> Bool {
            killMarks.contains { first < $0 && $0 <= second }
                || lineFaultMarks.contains { abs(first - $0) <= 2 && first < second && $0 <= second }
        }
        for (first, second, text) in network.repeatedParts {
            let line = "network saw a part of \(Self.short(text)) twice (submissions \(first), \(second))"
            if allowed(first, second) { allowedDuplicates.append(line) } else { duplicated.append(line) }
        }
        corrupted += network.fragments.map { "network: a part of no message: \(Self.short($0))" }

        /// Checks that `text` is in `place` once, or `1 + extra` times when the network allowed extra copies.
        func expectOnce(_ text: String, in table: [String: Int], _ place: String, allowedExtra: Int = 0) {
            let count = table[text] ?? 0
            if count == 0 {
                lost.append("\(place): \(Self.short(text))")
            } else if count > 1 {
                let line = "\(place): \(count)× \(Self.short(text))"
                if count - 1 <= allowedExtra { allowedDuplicates.append(line) } else { duplicated.append(line) }
            }
        }
        var expectedSent: Set<String> = []
        var expected1: Set<String> = Set(fillers)
        var expected2: Set<String> = []
        for message in plan.messages {
            switch message.direction {
            case .injected:
                expected1.insert(message.text)
                expectOnce(message.text, in: received1, "device 1 Received (injected)")
            case .toEcho where message.kind == .mms, .toModem2 where message.kind == .mms:
                expectOnce(message.text, in: sent, "device 1 Sent (MMS)")
                expectedSent.insert(message.text)
                let extra = mmsInFlightAtKill.contains(message.text) ? 1 : 0
                let (arrival, table, device, place) =
                    message.direction == .toEcho
                    ? ("echo: " + message.text, received1, 0, "device 1 Received (MMS echo)")
                    : (message.text, received2, 1, "device 2 Received (MMS)")
                if message.direction == .toEcho { expected1.insert(arrival) } else { expected2.insert(arrival) }
                expectOnce(arrival, in: table, place, allowedExtra: extra)
                // Each stored copy carries the picture, byte for byte (the far end's also has the SMIL the MMSC added).
                for (text, database, copies, label) in [
                    (message.text, 0, sent[message.text] ?? 0, "device 1 Sent (MMS)"),
                    (arrival, device, table[arrival] ?? 0, place),
                ] {
                    let contents = mmsAttachments[database][text] ?? []
                    if contents.count != copies || contents.contains(where: { $0 != picture }) {
                        corrupted.append(
                            "\(label): attachments of \(Self.short(text)) are \(contents.map(\.count)) bytes, "
                                + "not \(copies)× the \(picture.count)-byte picture"
                        )
                    }
                }
            case .toEcho, .toModem2:
                expectOnce(message.text, in: sent, "device 1 Sent")
                expectedSent.insert(message.text)
                let seen = network.messages[message.text] ?? []
                var extra = 0
                if seen.isEmpty { lost.append("network never saw \(Self.short(message.text))") }
                for pair in zip(seen, seen.dropFirst()) {
                    let line = "network saw \(Self.short(message.text)) twice (submissions \(pair.0), \(pair.1))"
                    if allowed(pair.0, pair.1) {
                        allowedDuplicates.append(line)
                        extra += 1
                    } else {
                        duplicated.append(line)
                    }
                }
                if message.direction == .toEcho {
                    expected1.insert("echo: " + message.text)
                    expectOnce("echo: " + message.text, in: received1, "device 1 Received (echo)", allowedExtra: extra)
                } else {
                    expected2.insert(message.text)
                    expectOnce(message.text, in: received2, "device 2 Received", allowedExtra: extra)
                }
            }
        }
        for text in fillers { expectOnce(text, in: received1, "device 1 Received (SIM full filler)") }
        for (table, expected, place) in [
            (sent, expectedSent, "device 1 Sent"), (received1, expected1, "device 1 Received"),
            (received2, expected2, "device 2 Received"),
            (network.messages.mapValues(\.count), expectedSent, "network"),
        ] {
            for text in table.keys where !expected.contains(text) {
                corrupted.append("\(place): unexpected \(Self.short(text))")
            }
        }
        var unrouted = unroutedReports
        for detail in device1 where detail.message.folder == .sent {
            partsSent += detail.outboxParts.count
            for part in detail.outboxParts {
                if part.state == .delivered {
                    statusReportsApplied += 1
                    continue
                }
                let line =
                    "status report of part \(part.seq)/\(part.total) (\(part.state.rawValue), TP-MR \(part.mr ?? -1)) "
                    + "of \(Self.short(detail.message.text ?? ""))"
                // Same TP-MR and recipient (the network's number has no '+', the store's has): each unrouted report
                // accounts for one part.
                if let index = unrouted.firstIndex(where: {
                    $0.reference == part.mr && $0.recipient.hasSuffix(part.recipient.filter(\.isNumber))
                }) {
                    unrouted.remove(at: index)
                    statusReportsRoutedNowhere.append(line)
                } else {
                    statusReportsNotApplied.append(line)
                }
            }
        }
    }

    /// The start of a text, for a report line.
    static func short(_ text: String) -> String {
        let head = text.prefix(32)
        return "\"\(head)\(head.count < text.count ? "…" : "")\" (\(text.count) characters)"
    }
}

/// The parts one modem submitted, reassembled as the recipient would (TS 23.040 §9.2.3.24.1: reference, total,
/// sequence): each message's text with the network index of its first part, parts repeated, and parts of no message.
struct NetworkLog {
    /// Text → the submission index of each copy (more than one: it went twice).
    var messages: [String: [Int]] = [:]
    var repeatedParts: [(first: Int, second: Int, text: String)] = []
    var fragments: [String] = []
    var parts = 0

    init(_ submissions: [NetworkPart]) {
        parts = submissions.count
        var open: [String: [Int: NetworkPart]] = [:]
        var completed: [String: [[Int: NetworkPart]]] = [:]
        for part in submissions {
            guard let concat = part.concat else {
                messages[part.text, default: []].append(part.index)
                continue
            }
            let key = "\(part.to)|\(concat.reference)|\(concat.total)"
            if let earlier = open[key]?[concat.sequence] {
                repeatedParts.append((earlier.index, part.index, part.text))
                continue
            }
            open[key, default: [:]][concat.sequence] = part
            if let group = open[key], group.count == concat.total {
                let sorted = group.keys.sorted().compactMap { group[$0] }
                messages[sorted.map(\.text).joined(), default: []].append(sorted[0].index)
                completed[key, default: []].append(group)
                open[key] = nil
            }
        }
        // A part left over after its message was complete: sent again (it matches a part of that message).
        for (key, group) in open {
            for (sequence, part) in group {
                if let earlier = completed[key]?.last(where: { $0[sequence]?.text == part.text })?[sequence] {
                    repeatedParts.append((earlier.index, part.index, part.text))
                } else {
                    fragments.append(part.text)
                }
            }
        }
    }
}

/// What the soak prints: the seed, the counts, the faults, the reconciliation, memory over time and CPU time.
struct SoakReport {
    var plan: SoakPlan
    var injected: [SoakPlan.Fault: Int]
    var fillers: Int
    var daemonStarts: Int
    var daemonExitStatus: Int32
    var reconciliation: Reconciliation
    var rss: [(seconds: Double, kB: Int)]
    var daemonCPU: Double
    var simulatorCPU: Double
    var trafficSeconds: Double
    var totalSeconds: Double
    var timeline: [String]

    var text: String {
        let messages = plan.messages
        var lines: [String] = []
        func figure(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        lines.append("soak: seed \(plan.seed), \(messages.count) messages, 2 simulated modems (huawei-e3372)")
        lines.append(
            "soak: kinds "
                + SoakPlan.Kind.allCases.map { kind in "\(kind.rawValue) \(messages.filter { $0.kind == kind }.count)" }
                .joined(separator: ", ")
        )
        lines.append(
            "soak: directions "
                + SoakPlan.Direction.allCases.map { direction in
                    "\(direction.rawValue) \(messages.filter { $0.direction == direction }.count)"
                }.joined(separator: ", ") + ", SIM-full fillers \(fillers); MMS (kind mms) through the simulated MMSC"
        )
        lines.append(
            "soak: faults "
                + SoakPlan.Fault.allCases.map { "\($0.rawValue) \(injected[$0] ?? 0)" }.joined(separator: ", ")
                + "; daemon starts \(daemonStarts)"
        )
        let r = reconciliation
        lines.append(
            "soak: stored "
                + r.stored.keys.sorted().map { "\($0) \(r.stored[$0]!)" }.joined(separator: ", ")
                + "; network parts from modem 1 \(r.networkParts); status reports applied \(r.statusReportsApplied)"
                + " of \(r.partsSent) parts"
        )
        lines.append("soak: lost \(r.lost.count), duplicated \(r.duplicated.count), corrupted \(r.corrupted.count)")
        lines.append(
            "soak: allowed duplicates (at-least-once: a segment in flight at a SIGKILL or whose AT+CMGS answer a line "
                + "fault lost, sent again) \(r.allowedDuplicates.count)"
        )
        lines.append("soak: status reports not applied \(r.statusReportsNotApplied.count)")
        lines.append(
            "soak: status reports the modem routed nowhere (they came while its AT+CNMI <ds> was 0: after a restart, "
                + "re-plug or start-up ATZ; TS 27.005 §3.4.1) \(r.statusReportsRoutedNowhere.count)"
        )
        for (name, list) in [
            ("lost", r.lost), ("duplicated", r.duplicated), ("corrupted", r.corrupted),
            ("allowed duplicate", r.allowedDuplicates), ("status report not applied", r.statusReportsNotApplied),
            ("status report routed nowhere", r.statusReportsRoutedNowhere),
        ] {
            lines += list.prefix(20).map { "soak:   \(name): \($0)" }
            if list.count > 20 { lines.append("soak:   … \(list.count - 20) more \(name)") }
        }
        // At most 12 samples, evenly spread, and the peak.
        let step = max(1, rss.count / 12)
        let samples = stride(from: 0, to: rss.count, by: step).map { rss[$0] } + (rss.last.map { [$0] } ?? [])
        lines.append(
            "soak: daemon RSS MB over time (s: MB) "
                + samples.map { "\(Int($0.seconds)): \(figure(Double($0.kB) / 1024))" }.joined(separator: ", ")
                + "; peak \(figure(Double(rss.map(\.kB).max() ?? 0) / 1024)) MB"
        )
        let perMessage = daemonCPU / Double(max(1, messages.count)) * 1000
        lines.append(
            "soak: CPU messagingd \(figure(daemonCPU, 2)) s (\(figure(perMessage, 2)) ms per message), "
                + "simulator \(figure(simulatorCPU, 2)) s"
        )
        lines.append("soak: timeline: " + timeline.joined(separator: "; "))
        lines.append("soak: wall \(figure(trafficSeconds)) s traffic, \(figure(totalSeconds)) s in all")
        return lines.joined(separator: "\n")
    }
}
