import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one ``ATModem`` under a ``ModemSupervisor``: finds its tty with a locator, opens it, runs the reader and
/// the start-up, watches it, and brings it back after an unplug, a restart, a SIM swap or a hang. It never ends
/// because the modem is absent or misbehaves; only a configuration error (``ConfigurationError``, from
/// ``ATModem/start()``) or cancellation ends ``run()``.
///
/// Every (re)open goes through ``ATModem/reopen(transport:)``, so the driver's event subscribers (the Messaging
/// service's mirror and outbox) keep their streams. After each successful start-up the driver emits
/// ``ModemEvent/started``, which tells them that messages held meanwhile can be read and queued sends can go.
///
/// Its ``status`` is public for health reporting; ``statusUpdates()`` streams it.
public final class ModemSupervisorService: Service, Sendable {
    /// What the supervisor knows of the modem, for logs and the health endpoint.
    public struct Status: Hashable, Sendable {
        /// The supervisor's state.
        public var state: ModemSupervisor.State
        /// The tty last found by the locator.
        public var devicePath: String?
        /// Start-ups that ran again after the modem had been ready.
        public var restartCount: Int
        /// The last failure, nil once the modem is ready.
        public var lastError: String?
        /// The family detected at the last start-up.
        public var profile: ATModemProfile.Family?

        /// The state's short name (``ModemSupervisor/State/name``).
        public var stateName: String { state.name }
        /// True when the modem is started and answering.
        public var isReady: Bool { state == .ready }
        /// "pinRequired", "pinRejected", "pukRequired", "simMissing", or nil when the SIM is not the problem.
        public var pinState: String? {
            switch state {
            case .pinRequired, .pinRejected, .pukRequired, .simMissing: state.name
            default: nil
            }
        }
        /// The PIN attempts left, where the modem told them.
        public var pinAttemptsLeft: Int? {
            switch state {
            case .pinRequired(let attempts), .pinRejected(let attempts): attempts
            default: nil
            }
        }
    }

    /// The driver this service runs.
    public let modem: ATModem
    private let locator: @Sendable () async -> String?
    private let openTransport: @Sendable (String) async throws -> any ByteTransport
    private let timing: ModemSupervisor.Timing
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let current: Mutex<Status>
    private let watchers = Mutex<[UInt64: AsyncStream<Status>.Continuation]>([:])
    private let inbox = SupervisorInbox()

    /// - Parameters:
    ///   - modem: the driver; its initial transport is replaced at the first open.
    ///   - locator: the tty to open, or nil while there is none; called at every attempt (so a
    ///     `/dev/serial/by-id/…` link, or a udev lookup, is resolved anew after a re-enumeration).
    ///   - open: opens the tty (e.g. `SerialPort(path:options:)`).
    ///   - timing: back-offs and the liveness interval.
    ///   - clock: the clock of every wait (a test injects a manual one).
    ///   - logger: where state changes go.
    public init(
        modem: ATModem,
        locator: @escaping @Sendable () async -> String?,
        open: @escaping @Sendable (String) async throws -> any ByteTransport,
        timing: ModemSupervisor.Timing = .init(),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) {
        self.modem = modem
        self.locator = locator
        self.openTransport = open
        self.timing = timing
        self.clock = clock
        self.logger = logger
        current = Mutex(Status(state: .waitingForDevice(attempt: 0), restartCount: 0))
        // Until the first open, the driver's transport is not a device (commands fail at once).
        modem.markDetached()
    }

    /// A locator for a fixed path: the path when it exists (a symbolic link such as `/dev/serial/by-id/…` is
    /// resolved to its tty at each call), nil otherwise.
    public static func locator(path: String) -> @Sendable () async -> String? {
        {
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            return FileManager.default.fileExists(atPath: resolved) ? resolved : nil
        }
    }

    /// Tells the supervisor that a device was plugged in or removed (a udev event): while it waits for its device
    /// it looks again at once instead of at the end of its back-off; while the modem is ready, the liveness check
    /// runs at once (the device may be the one that vanished).
    public func deviceMayHaveChanged() {
        inbox.noteHotplug()
    }

    /// The current status.
    public var status: Status { current.withLock { $0 } }

    /// The status now and after every change; a slow reader sees the latest only.
    public func statusUpdates() -> AsyncStream<Status> {
        let (stream, continuation) = AsyncStream<Status>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UInt64.random(in: 0...UInt64.max)
        watchers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.watchers.withLock { $0.removeValue(forKey: id) } }
        continuation.yield(status)
        return stream
    }

    // MARK: - Running

    public func run() async throws {
        let events = modem.events()
        let timeouts = modem.commandTimeoutSignals()
        defer { finishWatchers() }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        for await event in events { self.inbox.note(event) }
                    }
                    group.addTask {
                        for await _ in timeouts { self.inbox.noteTimeout() }
                    }
                    try await self.supervise(group: &group)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
        await modem.close()
    }

    private func supervise(group: inout ThrowingDiscardingTaskGroup<any Error>) async throws {
        var machine = ModemSupervisor(timing: timing)
        var action = machine.begin()
        var imsi: String?
        var attached = false
        var timeoutsSeen = modem.commandTimeouts
        publish(machine)
        while true {
            try Task.checkCancellation()
            // A recovery takes the line from every other command (a send to a hung modem would hold it for its
            // whole deadline); anything else gives it back. The start-up that follows a recovery gives it back
            // itself, once it holds the operation gate (``ATModem/start()``): an operation that queued on the gate
            // while the modem was being recovered fails at once instead of running on a modem whose SMS service
            // may still hang, before the start-up has checked it.
            switch action {
            case .resync, .reopen, .reset: await modem.beginRecovery()
            case .start: break
            default: modem.endRecovery()
            }
            let event: ModemSupervisor.Event
            switch action {
            case .locate:
                if attached {
                    await detach()
                    attached = false
                }
                event = await locator().map { .deviceFound(path: $0) } ?? .deviceNotFound
            case .open(let path):
                event = await open(path, group: &group)
                if event == .opened { attached = true }
            case .start:
                let result = try await start()
                event = result.event
                imsi = result.imsi
                if event == .startSucceeded { machine.resetCommand = modem.startup?.profile.resetCommand }
                timeoutsSeen = modem.commandTimeouts
            case .watch(let checksSIM):
                event = await watch(checksSIM: checksSIM ? imsi : nil, timeoutsSeen: &timeoutsSeen)
            case .wait(let duration):
                event = await inbox.next(within: duration, clock: clock) ?? .waitElapsed
            case .resync:
                event = await resync()
            case .reopen:
                await detach()
                attached = false
                let path = await locator() ?? machine.devicePath
                if let path, await open(path, group: &group) == .opened {
                    attached = true
                    event = .recoverySucceeded
                } else {
                    event = .recoveryFailed("the tty could not be opened again")
                }
            case .reset(let command):
                event = await reset(command)
            }
            let before = machine.state
            action = machine.handle(event)
            if machine.state != before { logTransition(machine, event: event) }
            if machine.state == .ready, before != .ready { modem.announceStarted() }
            publish(machine)
        }
    }

    /// Puts the driver on a closed placeholder, so that its reader ends without a disconnection event and
    /// commands fail at once while no device is open.
    private func detach() async {
        await modem.detach()
    }

    private func open(
        _ path: String,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) async
        -> ModemSupervisor.Event
    {
        let transport: any ByteTransport
        do {
            transport = try await openTransport(path)
        } catch {
            return .openFailed("\(error)")
        }
        await modem.reopen(transport: transport)
        // Whatever the old session reported is stale now.
        inbox.clear()
        group.addTask { try? await self.modem.run() }
        return .opened
    }

    /// Runs the start-up; restart lines that arrive meanwhile are part of it (a booting modem's RDY, SMS Ready).
    private func start() async throws -> (event: ModemSupervisor.Event, imsi: String?) {
        inbox.dropRestarts()
        defer { inbox.dropRestarts() }
        do {
            _ = try await modem.start()
            return (.startSucceeded, await readIMSI())
        } catch let error as ModemError {
            let failure: ModemSupervisor.StartFailure
            switch error.code {
            case .simBusy: failure = .simBusy
            case .pinRequired: failure = .pinRequired(attemptsLeft: error.pinAttemptsLeft)
            case .pinRejected: failure = .pinRejected(attemptsLeft: error.pinAttemptsLeft)
            case .pukRequired: failure = .pukRequired
            case .simNotInserted: failure = .simMissing
            case .simLocked:
                // PH-SIM PIN, PIN2…: a lock the daemon has no code for; parked like a missing PIN, never reset.
                failure = .pinRequired(attemptsLeft: nil)
            case .disconnected: failure = .disconnected
            default:
                failure = error.underlying?.code == .timeout ? .unresponsive : .failed("\(error.code)")
            }
            return (.startFailed(failure), nil)
        } catch let error as ATError {
            if error.code == .timeout { return (.startFailed(.unresponsive), nil) }
            if error.code == .disconnected { return (.startFailed(.disconnected), nil) }
            return (.startFailed(.failed("\(error.code)")), nil)
        } catch let error as ConfigurationError {
            // The only failure that ends the service (and the daemon): the settings cannot work.
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Whatever else the device does is survived.
            return (.startFailed(.failed("\(error)")), nil)
        }
    }

    private func readIMSI() async -> String? {
        guard let response = try? await modem.send(ATCommand("AT+CIMI", timeout: modem.configuration.commandTimeout))
        else { return nil }
        return response.lines.map { $0.trimmingSpaces() }.first { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// Waits for a modem event or the liveness interval; then a cheap command: `AT+CIMI` when the SIM's identity
    /// is checked (`imsi`), `AT` otherwise. A command of anyone (the mirror, a send) that timed out since the last
    /// check counts as a hang even when `AT` still answers: sticks hang in their SMS service alone (gammu resets
    /// them after a timeout, `libgammu/gsmphones.c` F_RESET_AFTER_TIMEOUT).
    /// A timeout wakes the watch at once: the mirror or a send that got no answer has found a hang, and waiting for
    /// the next check would leave the modem hung for up to the liveness interval.
    private func watch(checksSIM imsi: String?, timeoutsSeen: inout UInt64) async -> ModemSupervisor.Event {
        // Cleared before the count is read, so that a timeout after the read still wakes the wait.
        inbox.clearTimeout()
        if modem.commandTimeouts > timeoutsSeen {
            timeoutsSeen = modem.commandTimeouts
            return .unresponsive
        }
        if let event = await inbox.next(within: timing.livenessInterval, clock: clock, wakingOnTimeout: true) {
            return event
        }
        let timeouts = modem.commandTimeouts
        // The count before the check's own command: one that times out meanwhile is seen at the next watch.
        defer { timeoutsSeen = timeouts }
        if timeouts > timeoutsSeen { return .unresponsive }
        let text = imsi == nil ? "AT" : "AT+CIMI"
        do {
            let response = try await modem.send(ATCommand(text, timeout: modem.configuration.commandTimeout))
            guard let imsi else { return .alive }
            let now = response.lines.map { $0.trimmingSpaces() }.first { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            return now == nil || now == imsi ? .alive : .simChanged
        } catch let error as ATError {
            switch error.code {
            case .timeout: return .unresponsive
            case .disconnected: return .disconnected("the tty closed")
            default:
                // An error result is an answer: the modem lives. A SIM that is gone or locked now was swapped.
                let simGone = error.cmeError == .simNotInserted || error.cmeError == CMEError(rawValue: 11)
                return imsi != nil && simGone ? .simChanged : .alive
            }
        } catch let error as ModemError where error.code == .disconnected {
            return .disconnected("the tty closed")
        } catch {
            return .alive
        }
    }

    /// ESC (ends a prompt, TS 27.005 §3.5.1), then `AT` up to twice (after a timeout the driver's engine itself
    /// sends `AT` until OK before each command, so each attempt is several).
    private func resync() async -> ModemSupervisor.Event {
        await modem.abortPendingInput()
        var last = "no answer"
        for _ in 0..<2 {
            do {
                _ = try await modem.send(
                    ATCommand("AT", timeout: modem.configuration.commandTimeout),
                    isRecoveryCommand: true
                )
                return .recoverySucceeded
            } catch let error as ATError where error.code == .disconnected {
                return .disconnected("the tty closed")
            } catch let error as ModemError where error.code == .disconnected {
                return .disconnected("the tty closed")
            } catch {
                last = "\(error)"
            }
        }
        return .recoveryFailed(last)
    }

    private func reset(_ command: String) async -> ModemSupervisor.Event {
        logger.notice("resetting the modem", metadata: ["at.command": "\(command)"])
        do {
            _ = try await modem.send(
                ATCommand(command, timeout: modem.configuration.commandTimeout),
                isRecoveryCommand: true
            )
            return .recoverySucceeded
        } catch let error as ModemError where error.code == .disconnected {
            // The reset took the device away at once: as good as accepted.
            return .recoverySucceeded
        } catch let error as ATError where error.code == .timeout {
            // Many modems reboot before they answer: whether the reset worked, the next start-up tells (and a
            // modem still hung then is reported absent).
            return .recoverySucceeded
        } catch {
            return .recoveryFailed("\(error)")
        }
    }

    // MARK: - Status

    private func publish(_ machine: ModemSupervisor) {
        let status = Status(
            state: machine.state,
            devicePath: machine.devicePath,
            restartCount: machine.restartCount,
            lastError: machine.lastError,
            profile: modem.startup?.profile.family
        )
        let changed = current.withLock { current -> Bool in
            defer { current = status }
            return current != status
        }
        guard changed else { return }
        for watcher in watchers.withLock({ Array($0.values) }) { watcher.yield(status) }
    }

    private func finishWatchers() {
        for watcher in watchers.withLock({ Array($0.values) }) { watcher.finish() }
    }

    private func logTransition(_ machine: ModemSupervisor, event: ModemSupervisor.Event) {
        var metadata: Logger.Metadata = ["modem.state": "\(machine.state.name)"]
        if let path = machine.devicePath { metadata["modem.port"] = "\(path)" }
        if let error = machine.lastError { metadata["modem.error"] = "\(error)" }
        switch machine.state {
        case .ready:
            logger.info("modem ready", metadata: metadata)
        case .pinRejected(let attempts), .pinRequired(let attempts):
            metadata["sim.pinAttemptsLeft"] = "\(attempts.map(String.init) ?? "unknown")"
            logger.warning("modem SIM locked: not unlocking", metadata: metadata)
        case .pukRequired:
            logger.warning("modem SIM wants its PUK: not touched", metadata: metadata)
        case .absent, .simMissing:
            logger.warning("modem unavailable", metadata: metadata)
        default:
            logger.info("modem state changed", metadata: metadata)
        }
    }
}

/// The modem events the supervisor acts on (disconnection, restart), kept until it looks, with one waiter.
final class SupervisorInbox: Sendable {
    private struct State {
        var disconnected: String?
        var restarted = false
        /// A command timed out since the last wait that wakes on one.
        var timedOut = false
        /// A device appeared or vanished somewhere (udev): a pending wait ends early, so that the locator looks now.
        var hotplug = false
        var waiter: CheckedContinuation<Void, Never>?
        var waiterWakesOnTimeout = false
    }

    private let state = Mutex(State())

    func note(_ event: ModemEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch event {
            case .disconnected(let reason): state.disconnected = reason
            case .restarted: state.restarted = true
            default: return nil
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// A command got no answer: wakes a wait that asked for it (the watch), which then looks at the count.
    func noteTimeout() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.timedOut = true
            guard state.waiterWakesOnTimeout else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func clearTimeout() { state.withLock { $0.timedOut = false } }

    /// Ends the current (or the next) wait early, without an event.
    func noteHotplug() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.hotplug = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func clear() {
        state.withLock {
            $0.disconnected = nil
            $0.restarted = false
        }
    }

    func dropRestarts() { state.withLock { $0.restarted = false } }

    private func take() -> ModemSupervisor.Event? {
        state.withLock { state in
            if let reason = state.disconnected {
                state.disconnected = nil
                state.restarted = false
                return .disconnected(reason)
            }
            if state.restarted {
                state.restarted = false
                return .restarted
            }
            return nil
        }
    }

    /// The next event, waiting at most `duration` on `clock`; nil when none came (or, with `wakingOnTimeout`, when
    /// a command timed out meanwhile).
    func next(
        within duration: Duration,
        clock: any Clock<Duration>,
        wakingOnTimeout: Bool = false
    ) async -> ModemSupervisor.Event? {
        if let event = take() { return event }
        let woken = state.withLock { state -> Bool in
            defer { state.hotplug = false }
            return state.hotplug
        }
        if woken { return nil }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { state -> Bool in
                            if state.disconnected != nil || state.restarted || state.hotplug || Task.isCancelled {
                                return true
                            }
                            if wakingOnTimeout && state.timedOut { return true }
                            state.waiter?.resume()
                            state.waiter = continuation
                            state.waiterWakesOnTimeout = wakingOnTimeout
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume()
                }
            }
            group.addTask { try? await clock.sleep(for: duration) }
            await group.next()
            group.cancelAll()
        }
        state.withLock { $0.hotplug = false }
        return take()
    }
}
