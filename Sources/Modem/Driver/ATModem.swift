import CoreMetrics
import Logging
import SMSCodec
import Synchronization

/// What ``ATModem/start()`` found out and set up.
public struct ATModemStartup: Hashable, Sendable {
    /// The detected (or configured) family.
    public var profile: ATModemProfile
    /// Storages the modem offers for reading (<mem1> of AT+CPMS=?), SM/ME/SR first.
    public var storages: [MessageStorage]
    /// Where new messages are stored (<mem3>), `nil` when the modem has no selectable storage.
    public var incomingStorage: MessageStorage?
    /// The AT+CNMI parameters in force (<mode>,<mt>,<bm>,<ds>,<bfr>), empty if none was accepted.
    public var notificationMode: [Int]
    /// True when +CMT/+CDS must be acknowledged with AT+CNMA (AT+CSMS=1 accepted and <mt>=2 or <ds>=1).
    public var needsAcknowledgement: Bool
    /// The SMSC address from AT+CSCA?, if the SIM has one.
    public var serviceCenter: String?
    /// The phone functionality (AT+CFUN?, TS 27.007 §8.2) after start-up: ``PhoneFunctionality/full`` once the
    /// radio is on; what the modem said when AT+CFUN=1 failed; nil when it does not answer AT+CFUN? with a level.
    public var functionality: PhoneFunctionality?
    /// The TE character set in force (AT+CSCS, TS 27.007 §5.5), nil when the modem accepted none; with "UCS2" the
    /// driver decodes the hex strings of +CNUM and +COPS.
    public var characterSet: String?
}

/// The `Modem` implementation over AT commands (TS 27.007 / TS 27.005 in PDU mode) on any ``ByteTransport``.
///
/// Lifecycle: create it on a transport, run ``run()`` (the reader: a `Service`-style long-running call), then
/// call ``start()``. ``withStarted(_:)`` does all three for a scoped use. When the device vanishes, ``run()``
/// returns after one ``ModemEvent/disconnected(reason:)``; ``reopen(transport:)`` then puts the same driver (and
/// its event subscribers) on a new transport.
public final class ATModem: Modem {
    private struct Session {
        var generation: UInt64
        var engine: ATEngine
        var transport: any ByteTransport
        var isDisconnected = false
        var startup: ATModemStartup?
        var fullStorages: Set<MessageStorage> = []
        var pendingAcknowledgements: [UInt64] = []
        var indicatorNames: [Int: String] = [:]
        var identity: ModemIdentity?
    }

    private struct State {
        var session: Session
        var nextToken: UInt64 = 0
        var nextSubscriber: UInt64 = 0
        var subscribers: [UInt64: AsyncStream<ModemEvent>.Continuation] = [:]
        var codeSubscribers: [UInt64: AsyncStream<ATUnsolicited>.Continuation] = [:]
        var commandTimeouts: UInt64 = 0
        var timeoutSubscribers: [UInt64: AsyncStream<Void>.Continuation] = [:]
        /// SIM/SMS-ready lines seen so far, and the start-up waiting for the next one.
        var readySignals: UInt64 = 0
        var readyWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// The supervisor is recovering the modem (``beginRecovery()``): only its own commands go to the modem.
        var isRecovering = false
        /// Restart lines seen (RDY, ^SYSSTART, SMS Ready, ^SIMST): an operation that spans one cannot trust what
        /// it selected before it (``ATModem/withinOneModemSession(_:)``).
        var restartLines: UInt64 = 0
        /// ``start()`` runs: the restart lines that come meanwhile belong to the boot it follows.
        var isStarting = false
    }

    /// The settings this driver runs with.
    public let configuration: ATModemConfiguration
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let metrics: ModemMetrics
    private let state: Mutex<State>
    /// Where a rejected PIN is remembered so that it is never sent again; nil: only the configuration's checks.
    let rejectedPINs: RejectedPINMemory?
    /// Serialises multi-command operations (select storage + list) so that two callers do not interleave their
    /// AT+CPMS selections.
    private let operations = AsyncSerialGate()

    /// A driver on `transport`; `clock` times the command deadlines and pauses (a test injects a manual clock, so
    /// that no timeout waits on real time). `rejectedPINs` remembers a PIN the SIM refused (across restarts when it
    /// has a file), so that ``start()`` never sends it again. `metricsFactory` counts AT timeouts
    /// (`modem_at_timeouts_total`) and modem restarts (`modem_restarts_total`): the process-wide
    /// `MetricsSystem.factory` unless the caller keeps its own registry (several modems in one process).
    public init(
        transport: any ByteTransport,
        configuration: ATModemConfiguration = .init(),
        clock: any Clock<Duration> = ContinuousClock(),
        rejectedPINs: RejectedPINMemory? = nil,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.clock = clock
        self.rejectedPINs = rejectedPINs
        self.logger = logger
        self.metrics = ModemMetrics(factory: metricsFactory)
        // The real engine needs `self` for its URC callback, so the state starts with an inert one (never run)
        // and installEngine replaces it before init returns.
        let inert = ATEngine(
            transport: transport,
            clock: self.clock,
            logger: logger,
            timeouts: metrics.atTimeouts,
            onUnsolicited: { _ in }
        )
        state = Mutex(State(session: Session(generation: 0, engine: inert, transport: transport)))
        installEngine(on: transport, generation: 0)
    }

    private func installEngine(on transport: any ByteTransport, generation: UInt64) {
        let timeouts = metrics.atTimeouts
        let engine = ATEngine(transport: transport, clock: clock, logger: logger, timeouts: timeouts) {
            [weak self] code in
            self?.handle(code, generation: generation)
        }
        state.withLock { state in
            state.session = Session(generation: generation, engine: engine, transport: transport)
        }
    }

    /// Puts the driver on a new transport after a disconnection (or to switch devices). Subscribers keep their
    /// event streams. Run ``run()`` and ``start()`` again afterwards.
    public func reopen(transport: any ByteTransport) async {
        let (old, generation) = state.withLock { ($0.session.transport, $0.session.generation + 1) }
        // The new session first: the old reader, ending when its transport closes, then belongs to a past
        // generation and reports no disconnection (the device is not gone, the driver left it).
        installEngine(on: transport, generation: generation)
        await old.close()
    }

    /// Leaves the current device (its reader ends without a disconnection event) and fails every command at once
    /// with ``ModemError/Code/disconnected`` until ``reopen(transport:)`` puts the driver on a new one.
    package func detach() async {
        let (placeholder, other) = InMemoryTransport.makePair()
        await other.close()
        await reopen(transport: placeholder)
        markDetached()
    }

    /// Marks the current transport as gone without touching it (for a driver built on a placeholder transport).
    package func markDetached() {
        state.withLock { $0.session.isDisconnected = true }
    }

    // MARK: - Running

    /// Reads from the transport until it ends. Emits ``ModemEvent/disconnected(reason:)`` once when the device
    /// vanished or the stream closed, and returns; returns quietly when cancelled (after closing the transport).
    public func run() async throws {
        let (engine, transport, generation) = state.withLock {
            ($0.session.engine, $0.session.transport, $0.session.generation)
        }
        let error = await engine.runReader()
        if error is CancellationError {
            await transport.close()
            return
        }
        let reason: String
        switch error {
        case let transportError as TransportError: reason = transportError.description
        default: reason = "\(error)"
        }
        reportDisconnection(reason: reason, generation: generation)
    }

    /// Closes the transport (pending commands fail with ``ATError/Code/disconnected``).
    public func close() async {
        let transport = state.withLock { $0.session.transport }
        await transport.close()
    }

    private func reportDisconnection(reason: String, generation: UInt64) {
        let first = state.withLock { state -> Bool in
            guard state.session.generation == generation, !state.session.isDisconnected else { return false }
            state.session.isDisconnected = true
            return true
        }
        guard first else { return }
        logger.info("modem disconnected", metadata: ["modem.reason": "\(reason)"])
        broadcast(.disconnected(reason: reason))
    }

    /// Runs the reader, starts the modem, runs `body`, then closes the transport.
    public func withStarted<R: Sendable>(_ body: @Sendable (ATModem) async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            do {
                _ = try await start()
                let result = try await body(self)
                await close()
                group.cancelAll()
                return result
            } catch {
                await close()
                group.cancelAll()
                throw error
            }
        }
    }

    // MARK: - Commands

    /// Sends a raw AT command (for `modemctl at`, diagnostics and tests) and returns its answer.
    /// +CMS ERROR: 322 is also reported as ``ModemEvent/storageFull(_:)``.
    public func send(_ command: ATCommand) async throws -> ATResponse {
        try await send(command, isRecoveryCommand: false)
    }

    /// Sends a command; `isRecoveryCommand` marks the supervisor's own while it recovers the modem (they alone
    /// go to the modem then).
    /// - Throws: ``ATError`` (``ATError/Code/aborted`` for any other command during a recovery), ``ModemError``
    ///   `.disconnected`.
    package func send(_ command: ATCommand, isRecoveryCommand: Bool) async throws -> ATResponse {
        let engine = state.withLock { $0.session.engine }
        // Read before the recovery flag (beginRecovery() sets the flag, then aborts): a command that finds no
        // recovery under way is still aborted by one that begins before the command is written.
        let epoch = engine.abortEpoch
        let (isGone, isRecovering) = state.withLock { ($0.session.isDisconnected, $0.isRecovering) }
        // Without a device no answer can come: fail now rather than at the command's deadline, so that a send or
        // a mirror pass while the modem is away does not hold the operation gate that the next start-up needs.
        if isGone { throw ModemError(.disconnected, reason: "the modem is away") }
        // The same while it is being recovered: a send to a hung modem would only wait out its deadline.
        if isRecovering, !isRecoveryCommand { throw ATError(.aborted, command: command.text) }
        do {
            return try await engine.send(command, unlessAbortedSince: isRecoveryCommand ? nil : epoch)
        } catch let error as ATError {
            if error.cmsError == .memoryFull || error.cmeError == .memoryFull {
                let storage = state.withLock { $0.session.startup?.incomingStorage }
                noteFull(storage, isFull: true)
            }
            if error.code == .disconnected { throw ModemError(.disconnected, underlying: error) }
            if error.code == .timeout {
                let subscribers = state.withLock { state in
                    state.commandTimeouts += 1
                    return Array(state.timeoutSubscribers.values)
                }
                for subscriber in subscribers { subscriber.yield() }
            }
            throw error
        }
    }

    /// The supervisor starts to recover a hung modem: the command in flight and those waiting for their turn fail
    /// at once with ``ATError/Code/aborted``, and later ones too until ``endRecovery()``, except the supervisor's
    /// own (``send(_:isRecoveryCommand:)``). Without this the recovery's `AT` waits behind every queued command's
    /// deadline (90 s for each AT+CMGS). A send aborted in flight is retried by the outbox: its outcome is
    /// unknown, so it goes again (at least once, `OutboxWorker.swift`).
    package func beginRecovery() async {
        let engine = state.withLock { state in
            state.isRecovering = true
            return state.session.engine
        }
        await engine.abortCommands()
    }

    /// The recovery is over: commands go to the modem again. ``start()`` calls it once it holds the operation gate
    /// (the start-up after a recovery); the supervisor when it gives the modem up or waits.
    package func endRecovery() {
        state.withLock { $0.isRecovering = false }
    }

    /// Commands that got no answer before their deadline, since the driver was made (whoever sent them: the
    /// supervisor compares it between its checks, since a modem can answer `AT` and still hang on SMS commands).
    package var commandTimeouts: UInt64 { state.withLock { $0.commandTimeouts } }

    /// One element each time a command got no answer before its deadline (see ``commandTimeouts``), so that the
    /// supervisor looks at once instead of at its next liveness check.
    package func commandTimeoutSignals() -> AsyncStream<Void> {
        subscribe(\.timeoutSubscribers, bufferingPolicy: .bufferingNewest(1))
    }

    func command(_ text: String, prefix: String? = nil, timeout: Duration? = nil) async throws -> ATResponse {
        try await send(ATCommand(text, timeout: timeout ?? configuration.commandTimeout, responsePrefix: prefix))
    }

    /// The first information line's value (prefix removed when given), trimmed.
    func firstValue(of text: String, prefix: String? = nil) async throws -> String {
        let response = try await command(text, prefix: prefix)
        if let prefix, let value = response.values(prefixed: prefix).first { return value.trimmingSpaces() }
        guard let line = response.lines.first(where: { !$0.isEmpty }) else { return "" }
        if let prefix, line.hasPrefix(prefix + ":") { return line.dropFirst(prefix.count + 1).trimmingSpaces() }
        return line.trimmingSpaces()
    }

    /// Waits on the injected clock.
    func pause(_ duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// ESC (TS 27.005 §3.5.1) ends a prompt an earlier user of the port may have left open.
    func abortPendingInput() async {
        let transport = state.withLock { $0.session.transport }
        try? await transport.write([0x1B])
    }

    // MARK: - Events

    public func events() -> AsyncStream<ModemEvent> {
        subscribe(\.subscribers, bufferingPolicy: .bufferingNewest(ATLimits.eventBufferSize))
    }

    /// Every unsolicited result code, typed (including those ``ModemEvent`` has no case for: RING, +CUSD, ^RSSI).
    public func unsolicitedCodes() -> AsyncStream<ATUnsolicited> {
        subscribe(\.codeSubscribers, bufferingPolicy: .bufferingNewest(ATLimits.eventBufferSize))
    }

    /// A stream registered in `subscribers` (the stream's continuation under a fresh ID) until its reader drops it.
    private func subscribe<Element: Sendable>(
        _ subscribers: WritableKeyPath<State, [UInt64: AsyncStream<Element>.Continuation]> & Sendable,
        bufferingPolicy: AsyncStream<Element>.Continuation.BufferingPolicy
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: bufferingPolicy)
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state[keyPath: subscribers][state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0[keyPath: subscribers].removeValue(forKey: id) }
        }
        return stream
    }

    /// Emits ``ModemEvent/started`` (the supervisor calls it after each successful start-up).
    package func announceStarted() { broadcast(.started) }

    private func broadcast(_ event: ModemEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    private func handle(_ code: ATUnsolicited, generation: UInt64) {
        let codeSubscribers = state.withLock { Array($0.codeSubscribers.values) }
        for subscriber in codeSubscribers { subscriber.yield(code) }
        if let line = Self.readyLine(code), ATModemProfile.allSMSReadyURCs.contains(where: line.hasPrefix) {
            let waiters = state.withLock { state in
                state.readySignals += 1
                defer { state.readyWaiters = [:] }
                return Array(state.readyWaiters.values)
            }
            for waiter in waiters { waiter.resume() }
        }
        switch code {
        case .messageStored(let storage, let index), .statusReportStored(let storage, let index):
            broadcast(.messageStored(storage, index: index))
        case .messageDelivered(let pdu):
            broadcast(.messageDelivered(pdu: pdu, token: makeToken()))
        case .statusReportDelivered(let pdu):
            broadcast(.statusReportDelivered(pdu: pdu, token: makeToken()))
        case .broadcastDelivered(let pdu):
            broadcast(.unrecognized(line: "+CBM: " + PDUHex.encode(pdu)))
        case .registration(let registration, _):
            broadcast(.registrationChanged(registration))
        case .ready(let line):
            // A modem that restarted lost its volatile settings (CNMI, CMGF, CPMS): the layer above restarts it.
            if line == "RDY" || line == "^SYSSTART" || line == "SMS Ready" {
                noteRestart()
                broadcast(.restarted)
            } else {
                broadcast(.unrecognized(line: line))
            }
        case .storageFull(let storage):
            noteFull(storage, isFull: true)
        case .storageAvailable(let storage):
            noteFull(storage, isFull: false)
        case .indicator(let name, let value):
            let resolved = Int(name).flatMap { index in state.withLock { $0.session.indicatorNames[index] } } ?? name
            if resolved.lowercased() == "smsfull" {
                noteFull(nil, isFull: value != 0)
            }
        // Other indicators (signal, service, roam…) are typed on unsolicitedCodes() only: AT+CMER turns them
        // all on, and they would flood the service's stream.
        case .ring:
            broadcast(.unrecognized(line: "RING"))
        case .ussd(let status, let message, let dcs):
            broadcast(
                .unrecognized(
                    line: "+CUSD: \(status)" + (message.map { ",\"\($0)\"" } ?? "") + (dcs.map { ",\($0)" } ?? "")
                )
            )
        case .vendor(let name, let value):
            // Huawei's ^SIMST: <sim_state> comes when the stick (re)reads its SIM: at power-on, the only sign of a
            // restart some sticks give (the E3372 sends no RDY), and when the SIM changes. Either way the volatile
            // settings or the SIM are not those of the start-up: the layer above starts again (a ^SIMST during
            // the start-up is part of it). ModemManager watches it for SIM hot swap on Huawei modems (assumed
            // from its `\^SIMST:.+` pattern in `mm-broadband-modem-huawei.c`; the restart reading is ours).
            if name == "^SIMST" {
                noteRestart()
                broadcast(.restarted)
            }
            broadcast(.unrecognized(line: "\(name): \(value)"))
        case .unknown(let line):
            broadcast(.unrecognized(line: line))
        case .signal, .heartbeat:
            // Periodic; typed on unsolicitedCodes() only, so that they do not flood the service's stream.
            break
        }
    }

    /// The line of an unsolicited code that can be a SIM/SMS-ready signal.
    private static func readyLine(_ code: ATUnsolicited) -> String? {
        switch code {
        case .ready(let line), .unknown(let line): line
        case .vendor(let name, let value): "\(name): \(value)"
        default: nil
        }
    }

    /// Ready lines seen so far (pass it to ``waitForReadySignal(after:timeout:)``).
    var readySignalCount: UInt64 { state.withLock { $0.readySignals } }

    /// Waits until a SIM/SMS-ready line arrives after the `seen`-th, or `timeout` passes on the injected clock.
    /// - Returns: true when a ready line arrived.
    func waitForReadySignal(after seen: UInt64, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                let id = UInt64.random(in: 1...UInt64.max)
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { state -> Bool in
                            if state.readySignals > seen || Task.isCancelled { return true }
                            state.readyWaiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = self.state.withLock { $0.readyWaiters.removeValue(forKey: id) }
                    waiter?.resume()
                }
                return self.readySignalCount > seen
            }
            group.addTask {
                try? await self.clock.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Records a full/available transition of `storage` (nil: the storage the signal did not name) and emits the
    /// event once per transition.
    func noteFull(_ storage: MessageStorage?, isFull: Bool) {
        let key = storage ?? MessageStorage(rawValue: "")
        let changed = state.withLock { state -> Bool in
            if isFull { return state.session.fullStorages.insert(key).inserted }
            if storage == nil {
                let wasFull = !state.session.fullStorages.isEmpty
                state.session.fullStorages.removeAll()
                return wasFull
            }
            return state.session.fullStorages.remove(key) != nil
        }
        // A signal without a storage name is always reported: the modem says it is (still) full.
        guard changed || (isFull && storage == nil) else { return }
        broadcast(isFull ? .storageFull(storage) : .storageAvailable(storage))
    }

    private func makeToken() -> DeliveryToken {
        state.withLock { state in
            state.nextToken += 1
            if state.session.startup?.needsAcknowledgement ?? false {
                state.session.pendingAcknowledgements.append(state.nextToken)
            }
            return DeliveryToken(id: state.nextToken)
        }
    }

    public func acknowledge(_ token: DeliveryToken) async throws {
        let needsCommand = state.withLock { state -> Bool? in
            guard let index = state.session.pendingAcknowledgements.firstIndex(of: token.id) else {
                // Without <service>=1 nothing waits for +CNMA; any token this driver issued is fine.
                let isIssued = token.id > 0 && token.id <= state.nextToken
                return isIssued && !(state.session.startup?.needsAcknowledgement ?? false) ? false : nil
            }
            state.session.pendingAcknowledgements.remove(at: index)
            return true
        }
        guard let needsCommand else { throw ModemError(.unknownDeliveryToken) }
        // TS 27.005 §3.4.4: +CNMA acknowledges the oldest unacknowledged +CMT/+CDS; without <service>=1 the
        // modem acknowledged it itself and there is nothing to send.
        if needsCommand { _ = try await command("AT+CNMA") }
    }

    // MARK: - Session state helpers

    var startupState: ATModemStartup? { state.withLock { $0.session.startup } }

    /// What the last ``start()`` on the current transport set up; nil before.
    public var startup: ATModemStartup? { startupState }

    func setStartup(_ startup: ATModemStartup, indicatorNames: [Int: String]) {
        state.withLock { state in
            state.session.startup = startup
            state.session.indicatorNames = indicatorNames
        }
    }

    /// A restart line came: the modem's volatile settings, <mem1> among them, are back at their power-on values
    /// (TS 27.005 §3.2.2 leaves those to the manufacturer), so an operation that spans it fails (see
    /// ``withinOneModemSession(_:)``).
    ///
    /// The command still in flight then fails at once (`aborted`): the restarted modem lost it, and waiting out its
    /// deadline (a listing's is a minute) would hold the next start-up back. Not during a start-up, whose own
    /// commands run while the boot's lines still come. (A command answered in the same bytes as the line is no
    /// longer in flight: the engine hands lines over before it resumes the commands they follow.)
    private func noteRestart() {
        let (isRestart, engine) = state.withLock { state in
            state.restartLines &+= 1
            // Before start-up it is the modem's first boot (power-on URCs), not a restart.
            let isRestart = state.session.startup != nil
            return (isRestart, isRestart && !state.isStarting ? state.session.engine : nil)
        }
        if isRestart { metrics.restarts.increment() }
        if let engine, let lost = engine.commandInFlight { Task { await engine.abort(lost) } }
    }

    func setStarting(_ isStarting: Bool) { state.withLock { $0.isStarting = isStarting } }

    var restartLines: UInt64 { state.withLock { $0.restartLines } }

    /// Removes a storage the modem refuses from the session's storages (until the next start-up).
    func dropStorage(_ storage: MessageStorage) {
        state.withLock { $0.session.startup?.storages.removeAll { $0 == storage } }
    }

    var cachedIdentity: ModemIdentity? { state.withLock { $0.session.identity } }
    func cacheIdentity(_ identity: ModemIdentity?) { state.withLock { $0.session.identity = identity } }

    /// Runs `body` alone (no other operation's commands in between) and reports AT failures as ``ModemError``
    /// (`.commandFailed` with the ``ATError`` as `underlying`).
    func serialized<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await operations.run(body)
        } catch let error as ATError {
            if error.code == .disconnected { throw ModemError(.disconnected, underlying: error) }
            throw ModemError(.commandFailed, underlying: error)
        }
    }

    var log: Logger { logger }
}
