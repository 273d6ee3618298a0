import Foundation
import Logging
import Modem

/// A simulated mobile network with one SMS service centre: the modems on it text each other, get status reports,
/// and can text the echo subscriber (``echoNumber``), which answers every message with "echo: <text>".
///
/// ```swift
/// let network = SimulatedNetwork()
/// let modem = await network.makeModem(profile: .huaweiE3372)   // +15550000001
/// let (driverSide, modemSide) = InMemoryTransport.makePair()
/// // run `try await modem.serve(modemSide)` in a task; the driver talks AT on `driverSide`.
/// ```
/// Tests inject incoming messages with ``injectText(_:from:to:messageClass:partOrder:)`` and friends and inspect
/// what the modems sent with ``submissions``; they pass a manual `clock` and the `wallClock` that moves with it, so
/// that no delay, timer or throttled line waits on real time.
public actor SimulatedNetwork {
    /// The service centre's address (AT+CSCA? and the SMSC field of delivered PDUs).
    public static let smscNumber = "+15550000100"
    /// The subscriber that answers every SMS with "echo: <text>" (DESIGN.md "Executables").
    public static let echoNumber = "+15550000099"
    /// Most messages the network holds for one subscriber before it rejects more (a bounded SMSC queue).
    public static let maximumQueuedPerSubscriber = 1000
    /// Most submissions kept for inspection (oldest dropped first).
    public static let maximumRecordedSubmissions = 10_000

    /// A message a modem sent (AT+CMGS/AT+CMSS), as the SMSC received it.
    public struct Submission: Hashable, Sendable {
        public var from: String
        public var to: String
        public var messageReference: UInt8
        /// The SMS-SUBMIT TPDU (no SMSC field), TP-MR as assigned by the modem.
        public var tpdu: [UInt8]
        /// The text of this part (GSM 7-bit or UCS-2 decoded; 8-bit data as UTF-8).
        public var text: String
        /// Concatenation (reference, total, sequence) when the part carries one.
        public var concatenation: (reference: Int, total: Int, sequence: Int)?
        public var requestsStatusReport: Bool
        public var time: Date

        public static func == (a: Submission, b: Submission) -> Bool {
            a.from == b.from && a.to == b.to && a.tpdu == b.tpdu && a.time == b.time
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(from)
            hasher.combine(tpdu)
        }
    }

    struct Queued {
        var delivery: NetworkDelivery
        /// Where to send a status report once this is delivered (TP-SRR of the SUBMIT).
        var report: ReportRequest?
    }

    struct ReportRequest {
        var sender: String
        var messageReference: UInt8
        var recipient: String
        var submitted: Date
    }

    /// Time for delays, timers and the modems' line throttling.
    public nonisolated let clock: any Clock<Duration>
    /// Wall-clock time for the service centre's time stamps (TS 23.040 §9.2.3.11 TP-SCTS, §9.2.3.13 TP-DT).
    public nonisolated let wallClock: @Sendable () -> Date
    let logger: Logger
    /// Time between a submission and its delivery.
    public private(set) var delay: Duration
    /// Time before the network retries a delivery the modem did not acknowledge.
    public private(set) var retryInterval: Duration = .seconds(30)

    var modems: [String: SimulatedModem] = [:]
    var modemOrder: [SimulatedModem] = []
    var queues: [String: [Queued]] = [:]
    var inFlight: [String: UInt64] = [:]
    var pumping: Set<String> = []
    var repump: Set<String> = []
    var nextDeliveryID: UInt64 = 0
    var nextReference: UInt8 = 0
    var echoFragments: [String: [Int: String]] = [:]
    public private(set) var submissions: [Submission] = []
    /// Submissions recorded since the network started, the ones dropped from ``submissions`` included: the absolute
    /// index of ``submissions``' first element is `submissionTotal - submissions.count`.
    public private(set) var submissionTotal = 0
    var submissionWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    var savedState: SimulatorState
    nonisolated let changes = ChangeFlag()

    /// - Parameters:
    ///   - clock: time for delays, timers and the modems' line throttling.
    ///   - wallClock: the current date, for time stamps; a test passes one that moves with its manual `clock`.
    ///   - delay: time between a submission and its delivery.
    ///   - state: stores to start the modems with (by number), e.g. from `--state`.
    public init(
        clock: any Clock<Duration> = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        delay: Duration = .zero,
        state: SimulatorState = SimulatorState(),
        logger: Logger = Logger(label: "ModemSimulator")
    ) {
        self.clock = clock
        self.wallClock = wallClock
        self.delay = delay
        self.savedState = state
        self.logger = logger
    }

    /// Changes the network delay.
    public func setDelay(_ delay: Duration) { self.delay = delay }
    /// Changes the retry interval.
    public func setRetryInterval(_ interval: Duration) { retryInterval = interval }

    /// Digits only: `+15550000001` and `15550000001` are one subscriber.
    static func key(_ number: String) -> String { String(number.filter(\.isNumber)) }

    /// The number of the n-th modem (1-based): +1555000000N (DESIGN.md).
    public static func number(ofModem n: Int) -> String { "+1555" + String(format: "%07d", n) }

    /// Adds a modem to the network.
    /// - Parameters:
    ///   - profile: the model it imitates.
    ///   - number: its number; default ``number(ofModem:)`` of the next position.
    public func makeModem(profile: SimulatorProfile = .huaweiE3372, number: String? = nil) -> SimulatedModem {
        let position = modemOrder.count + 1
        let number = number ?? Self.number(ofModem: position)
        let modem = SimulatedModem(
            profile: profile,
            number: number,
            subscriberIndex: position,
            network: self,
            clock: clock,
            stores: savedState.modems[Self.key(number)],
            logger: logger
        )
        modems[Self.key(number)] = modem
        modemOrder.append(modem)
        return modem
    }

    /// The modem with `number`, if any.
    public func modem(number: String) -> SimulatedModem? { modems[Self.key(number)] }

    /// Every modem, in the order they were made.
    public var allModems: [SimulatedModem] { modemOrder }

    // MARK: - Mobile-originated (from a modem)

    func submit(from sender: String, tpdu: [UInt8], submit: SimSubmit) {
        let decoded =
            SMSCodecBridge.submissionText(tpdu: tpdu)
            ?? SimUserData.decode(
                ud: submit.userData,
                udl: Int(submit.userDataLength),
                dcs: submit.dataCodingScheme,
                hasHeader: submit.hasUserDataHeader
            )
        let record = Submission(
            from: sender,
            to: submit.destination.value,
            messageReference: submit.messageReference,
            tpdu: tpdu,
            text: decoded.text,
            concatenation: decoded.concat.map { ($0.reference, $0.total, $0.sequence) },
            requestsStatusReport: submit.requestsStatusReport,
            time: wallClock()
        )
        submissions.append(record)
        submissionTotal += 1
        if submissions.count > Self.maximumRecordedSubmissions { submissions.removeFirst() }
        let ready = submissionWaiters.filter { $0.count <= submissions.count }
        submissionWaiters.removeAll { $0.count <= submissions.count }
        for waiter in ready { waiter.continuation.resume() }
        let delay = self.delay
        let clock = self.clock
        // Delivery runs after the network delay, independently of the sender's AT+CMGS answer (the SMSC has
        // accepted the message); one short-lived task per message.
        Task {
            try? await clock.sleep(for: delay)
            await self.route(record, submit: submit)
        }
    }

    /// The submissions recorded from absolute index `start` on (see ``submissionTotal``), with the absolute index of
    /// the first one returned: later than `start` when older ones were dropped meanwhile (a caller that reads more
    /// often than ``maximumRecordedSubmissions`` submissions come sees every one).
    public func submissions(since start: Int) -> (first: Int, submissions: [Submission]) {
        let first = submissionTotal - submissions.count
        let from = max(start, first)
        guard from < submissionTotal else { return (submissionTotal, []) }
        return (from, Array(submissions[(from - first)...]))
    }

    /// Waits until at least `count` submissions have been recorded, and returns them all.
    public func waitForSubmissions(_ count: Int) async -> [Submission] {
        if submissions.count < count {
            await withCheckedContinuation { submissionWaiters.append((count, $0)) }
        }
        return submissions
    }

    func route(_ record: Submission, submit: SimSubmit) async {
        let now = wallClock()
        let report =
            submit.requestsStatusReport
            ? ReportRequest(
                sender: record.from,
                messageReference: record.messageReference,
                recipient: record.to,
                submitted: record.time
            )
            : nil
        let destination = Self.key(record.to)
        if destination == Self.key(Self.echoNumber) {
            if let report { await sendStatusReport(for: report, status: 0x00) }
            await echo(record, submit: submit)
            return
        }
        guard modems[destination] != nil else {
            // A subscriber outside the simulation: the SMSC delivers it somewhere we do not model.
            if let report { await sendStatusReport(for: report, status: 0x00) }
            return
        }
        let tpdu = SimTPDU.deliver(
            from: SimAddress.number(record.from),
            pid: submit.protocolIdentifier,
            dcs: submit.dataCodingScheme,
            timestamp: now,
            udl: submit.userDataLength,
            ud: submit.userData,
            hasHeader: submit.hasUserDataHeader,
            statusReportIndication: submit.requestsStatusReport
        )
        await enqueue(tpdu, kind: .deliver, to: destination, report: report)
    }

    /// The echo subscriber: reassembles concatenated parts, then answers "echo: <text>".
    func echo(_ record: Submission, submit: SimSubmit) async {
        var text = record.text
        if let concat = record.concatenation {
            let key = "\(Self.key(record.from))|\(concat.reference)|\(concat.total)"
            var fragments = echoFragments[key] ?? [:]
            fragments[concat.sequence] = record.text
            guard fragments.count >= concat.total else {
                echoFragments[key] = fragments
                return
            }
            echoFragments[key] = nil
            text = fragments.keys.sorted().compactMap { fragments[$0] }.joined()
        }
        nextReference &+= 1
        let tpdus = deliverTPDUs("echo: " + text, from: Self.echoNumber, messageClass: nil)
        for tpdu in tpdus { await enqueue(tpdu, kind: .deliver, to: Self.key(record.from), report: nil) }
    }

    func sendStatusReport(for request: ReportRequest, status: UInt8) async {
        let tpdu = SimTPDU.statusReport(
            messageReference: request.messageReference,
            recipient: SimAddress.number(request.recipient),
            submitted: request.submitted,
            discharged: wallClock(),
            status: status
        )
        await enqueue(tpdu, kind: .statusReport, to: Self.key(request.sender), report: nil)
    }

    // MARK: - Mobile-terminated (to a modem)

    func enqueue(_ tpdu: [UInt8], kind: NetworkDelivery.Kind, to key: String, report: ReportRequest?) async {
        guard modems[key] != nil else { return }
        guard (queues[key]?.count ?? 0) < Self.maximumQueuedPerSubscriber else {
            logger.warning("simulated SMSC queue full; message dropped")
            return
        }
        nextDeliveryID += 1
        let pdu = SimAddress.number(Self.smscNumber).encodeAsSMSC() + tpdu
        queues[key, default: []].append(
            Queued(delivery: NetworkDelivery(id: nextDeliveryID, kind: kind, pdu: pdu), report: report)
        )
        await pump(key)
    }

    /// Delivers what is queued for a subscriber, in order, until the modem cannot take more.
    func pump(_ key: String) async {
        if pumping.contains(key) {
            repump.insert(key)
            return
        }
        pumping.insert(key)
        defer { pumping.remove(key) }
        repeat {
            repump.remove(key)
            while inFlight[key] == nil, let head = queues[key]?.first, let modem = modems[key] {
                inFlight[key] = head.delivery.id
                let outcome = await modem.receive(head.delivery)
                switch outcome {
                case .stored:
                    if inFlight[key] == head.delivery.id { inFlight[key] = nil }
                    await completed(head.delivery.id, for: key)
                case .awaitingAcknowledgement:
                    break
                case .memoryFull, .unavailable:
                    if inFlight[key] == head.delivery.id { inFlight[key] = nil }
                }
                if outcome != .stored { break }
            }
        } while repump.contains(key)
    }

    func completed(_ id: UInt64, for key: String) async {
        guard let index = queues[key]?.firstIndex(where: { $0.delivery.id == id }),
            let done = queues[key]?.remove(at: index)
        else { return }
        if let report = done.report { await sendStatusReport(for: report, status: 0x00) }
    }

    /// The modem's answer to a +CMT/+CDS delivery: +CNMA (accepted), a negative +CNMA or a timeout.
    func deliveryResult(_ id: UInt64, to number: String, accepted: Bool) async {
        let key = Self.key(number)
        guard inFlight[key] == id else { return }
        inFlight[key] = nil
        if accepted {
            await completed(id, for: key)
            await pump(key)
        } else {
            let clock = self.clock
            let interval = retryInterval
            // The SMSC retries later (TS 23.040 §3.2.5); a short-lived task per failed attempt.
            Task {
                try? await clock.sleep(for: interval)
                await self.pump(key)
            }
        }
    }

    /// The modem powered on, registered, or freed memory (RP-SMMA, TS 24.011 §7.3.2): deliver what waits.
    func modemBecameAvailable(_ number: String) async {
        await pump(Self.key(number))
    }

    /// Messages waiting in the SMSC for `number` (full storage, modem off, unacknowledged).
    public func queuedCount(for number: String) -> Int { queues[Self.key(number)]?.count ?? 0 }

    // MARK: - Injection (tests)

    /// Which alphabets an injected text may use (TS 23.038 §6.2.1.2.4).
    public enum NationalTables: Sendable, Hashable {
        /// The GSM 7-bit default alphabet, else UCS-2.
        case none
        /// GSM 7-bit with whichever national locking and single shift tables fit the text best, else UCS-2.
        case auto
    }

    /// Delivers a text to `number` as if `sender` had sent it: one SMS-DELIVER, or concatenated parts when long.
    /// - Parameters:
    ///   - sender: a number (`+1555…`) or an alphanumeric name (`Bank`), which becomes a TON-alphanumeric address.
    ///   - messageClass: TP-DCS message class 0…3 (class 0 = flash), nil for none.
    ///   - partOrder: the 1-based order in which to deliver the parts (e.g. `[2, 1, 3]` for out of order).
    ///   - nationalTables: whether national language tables may encode the text.
    /// - Returns: the delivered TPDUs in sequence order.
    @discardableResult
    public func injectText(
        _ text: String,
        from sender: String,
        to number: String,
        messageClass: Int? = nil,
        partOrder: [Int]? = nil,
        nationalTables: NationalTables = .none
    ) async -> [[UInt8]] {
        nextReference &+= 1
        let tpdus = deliverTPDUs(text, from: sender, messageClass: messageClass, nationalTables: nationalTables)
        guard !tpdus.isEmpty else { return [] }
        let order = partOrder ?? Array(1...tpdus.count)
        for n in order where (1...tpdus.count).contains(n) {
            await enqueue(tpdus[n - 1], kind: .deliver, to: Self.key(number), report: nil)
        }
        return tpdus
    }

    /// SMS-DELIVER TPDUs for a text: SMSCodec's encoder, or the simulator's own when SMSCodec refuses.
    func deliverTPDUs(
        _ text: String,
        from sender: String,
        messageClass: Int?,
        nationalTables: NationalTables = .none
    ) -> [[UInt8]] {
        if let tpdus = SMSCodecBridge.deliverTPDUs(
            text: text,
            from: sender,
            timestamp: wallClock(),
            messageClass: messageClass,
            reference: nextReference,
            nationalLanguages: nationalTables
        ), !tpdus.isEmpty {
            return tpdus
        }
        let address =
            sender.contains(where: \.isLetter)
            ? SimAddress(kind: .alphanumeric, value: sender) : SimAddress.number(sender)
        let parts = SimUserData.encode(text, reference: nextReference, messageClass: messageClass)
        return parts.enumerated().map { n, part in
            SimTPDU.deliver(
                from: address,
                dcs: part.dcs,
                timestamp: wallClock(),
                udl: part.udl,
                ud: part.ud,
                hasHeader: part.hasHeader,
                moreMessagesToSend: n + 1 < parts.count
            )
        }
    }

    /// Fills the free slots of `storage` on the modem `number` with distinct messages from `sender`, "<prefix> 1",
    /// "<prefix> 2"…, as if they had arrived while nobody read the storage (a SIM full on demand), and lets the modem
    /// announce the full storage as its profile does.
    /// - Returns: the texts stored, in slot order (empty when the modem is unknown or the storage already full).
    @discardableResult
    public func fillStorage(
        of number: String,
        _ storage: MessageStorage,
        from sender: String,
        prefix: String
    ) async -> [String] {
        guard let modem = modems[Self.key(number)] else { return [] }
        var texts: [String] = []
        while true {
            let text = "\(prefix) \(texts.count + 1)"
            nextReference &+= 1
            // One part each: a short text.
            guard let tpdu = deliverTPDUs(text, from: sender, messageClass: nil).first,
                await modem.preload(
                    SimAddress.number(Self.smscNumber).encodeAsSMSC() + tpdu,
                    status: .receivedUnread,
                    in: storage
                ) != nil
            else { break }
            texts.append(text)
        }
        await modem.announceFullStorage(storage)
        return texts
    }

    /// Delivers a ready-made TPDU (SMS-DELIVER or SMS-STATUS-REPORT, no SMSC field) to `number`.
    public func injectTPDU(_ tpdu: [UInt8], to number: String) async {
        let kind: NetworkDelivery.Kind = tpdu.first.map { $0 & 0x03 == 0x02 } == true ? .statusReport : .deliver
        await enqueue(tpdu, kind: kind, to: Self.key(number), report: nil)
    }

    /// Delivers a status report for message reference `messageReference` to `number` (TP-ST `status`, 0 =
    /// delivered, TS 23.040 §9.2.3.15).
    /// - Returns: the TPDU delivered.
    @discardableResult
    public func injectStatusReport(
        messageReference: UInt8,
        recipient: String,
        status: UInt8 = 0x00,
        to number: String
    ) async -> [UInt8] {
        let tpdu = SimTPDU.statusReport(
            messageReference: messageReference,
            recipient: SimAddress.number(recipient),
            submitted: wallClock(),
            discharged: wallClock(),
            status: status
        )
        await enqueue(tpdu, kind: .statusReport, to: Self.key(number), report: nil)
        return tpdu
    }

    // MARK: - Persistence

    /// Stores of every modem, for `--state`.
    public func currentState() async -> SimulatorState {
        var state = savedState
        for modem in modemOrder {
            state.modems[Self.key(modem.number)] = await modem.storesSnapshot()
        }
        return state
    }

    /// True once since the last call if any store changed.
    public nonisolated func takeStoresChanged() -> Bool { changes.take() }

    nonisolated func noteStoresChanged() { changes.set() }
}

extension SimulatedModem {
    func storesSnapshot() -> SimulatorState.ModemStores {
        SimulatorState.ModemStores(sim: storages["SM"], phone: storages["ME"], statusReports: storages["SR"])
    }
}
