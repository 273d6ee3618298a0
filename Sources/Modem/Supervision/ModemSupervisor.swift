/// The life of one modem as a state machine: find the device, open it, run the start-up, watch it, and recover when
/// it vanishes, restarts, changes SIM or hangs (STYLE.md §4: the logic returns actions, a runner performs them).
///
/// It is a pure value: ``handle(_:)`` takes what happened and returns what to do next; time is a ``Duration`` in
/// ``Action/wait(_:)`` that the runner sleeps on its own clock. ``ModemSupervisorService`` performs the actions.
///
/// A hung modem escalates (``RecoveryStep``): ESC and `AT` to resynchronise, then the tty is closed and opened
/// again, then the profile's reset command, and then the modem is reported ``State/absent(retry:)`` and looked
/// for again after a back-off. Nothing the modem does ends the machine: it has no final state.
public struct ModemSupervisor: Hashable, Sendable {
    /// Where the modem is in its life.
    public enum State: Hashable, Sendable {
        /// No device to open yet (not plugged, still mode-switching, or re-enumerating); `attempt` counts the
        /// look-ups that found nothing.
        case waitingForDevice(attempt: Int)
        /// The tty is being opened.
        case opening(path: String)
        /// The start-up dialogue runs (``ATModem/start()``).
        case starting
        /// The SIM was still initialising when start-up gave up waiting; start-up runs again after a pause.
        case simBusy
        /// Started and answering.
        case ready
        /// The modem stopped answering; `step` is the recovery under way.
        case recovering(RecoveryStep)
        /// The SIM wants a PIN and the configuration has none.
        case pinRequired(attemptsLeft: Int?)
        /// The SIM refused the configured PIN (or it was refused before): it is not sent again.
        case pinRejected(attemptsLeft: Int?)
        /// The SIM is blocked and wants its PUK, which the daemon never enters.
        case pukRequired
        /// The modem reports no SIM.
        case simMissing
        /// The modem did not come back from every recovery step; `retry` counts the rounds so far.
        case absent(retry: Int)

        /// A short name for logs and the health endpoint.
        public var name: String {
            switch self {
            case .waitingForDevice: "waitingForDevice"
            case .opening: "opening"
            case .starting: "starting"
            case .simBusy: "simBusy"
            case .ready: "ready"
            case .recovering(let step): "recovering.\(step.rawValue)"
            case .pinRequired: "pinRequired"
            case .pinRejected: "pinRejected"
            case .pukRequired: "pukRequired"
            case .simMissing: "simMissing"
            case .absent: "absent"
            }
        }
    }

    /// The escalation of a hung modem, mildest first.
    public enum RecoveryStep: String, Hashable, Sendable, CaseIterable {
        /// ESC (TS 27.005 §3.5.1 ends a pending prompt) then `AT` until it answers.
        case resync
        /// Close the tty and open it again (the link is looked up again: the stick may have re-enumerated).
        case reopen
        /// The profile's reset command (``ATModemProfile/resetCommand``).
        case reset
    }

    /// Why a start-up failed, as far as the machine cares.
    public enum StartFailure: Hashable, Sendable {
        /// The SIM stayed busy for the whole bounded wait.
        case simBusy
        /// The SIM wants a PIN and none is configured.
        case pinRequired(attemptsLeft: Int?)
        /// The configured PIN was refused, now or before.
        case pinRejected(attemptsLeft: Int?)
        /// The SIM wants its PUK.
        case pukRequired
        /// No SIM.
        case simMissing
        /// A command timed out: the modem is hung.
        case unresponsive
        /// The device went away during start-up.
        case disconnected
        /// Anything else (an error result the driver cannot work around).
        case failed(String)
    }

    /// What happened.
    public enum Event: Hashable, Sendable {
        /// The locator found the tty at `path`.
        case deviceFound(path: String)
        /// The locator found nothing.
        case deviceNotFound
        /// The tty is open and its reader runs.
        case opened
        /// The tty could not be opened.
        case openFailed(String)
        /// Start-up completed.
        case startSucceeded
        /// Start-up failed.
        case startFailed(StartFailure)
        /// A ``Action/wait(_:)`` ended.
        case waitElapsed
        /// The periodic liveness command answered (with the same SIM).
        case alive
        /// The periodic liveness command timed out.
        case unresponsive
        /// The SIM's identity (ICCID/IMSI) changed, or the SIM went away, while the modem was ready.
        case simChanged
        /// The modem announced a restart (RDY, ^SYSSTART, …): it lost its settings.
        case restarted
        /// The device vanished (the reader ended).
        case disconnected(String)
        /// The current recovery step worked (the modem answers `AT`, the tty reopened, the reset was accepted).
        case recoverySucceeded
        /// The current recovery step did not help.
        case recoveryFailed(String)
    }

    /// What the runner does next.
    public enum Action: Hashable, Sendable {
        /// Close any open tty, then ask the locator for the device (→ ``Event/deviceFound(path:)`` or
        /// ``Event/deviceNotFound``).
        case locate
        /// Open the tty and start its reader (→ ``Event/opened`` or ``Event/openFailed(_:)``).
        case open(path: String)
        /// Run the start-up dialogue (→ ``Event/startSucceeded`` or ``Event/startFailed(_:)``).
        case start
        /// Watch the modem: its events and, every ``Timing/livenessInterval``, a cheap command; `checksSIM` also
        /// compares the SIM's identity with the one start-up saw (→ ``Event/alive``, ``Event/unresponsive``,
        /// ``Event/simChanged``, ``Event/restarted``, ``Event/disconnected(_:)``).
        case watch(checksSIM: Bool)
        /// Wait, still listening for the modem's restart and disconnection (→ ``Event/waitElapsed``).
        case wait(Duration)
        /// ESC, then `AT` (→ ``Event/recoverySucceeded`` or ``Event/recoveryFailed(_:)``).
        case resync
        /// Close the tty, look it up again and open it (→ ``Event/recoverySucceeded`` or
        /// ``Event/recoveryFailed(_:)``).
        case reopen
        /// Send `command` to reset the modem (→ ``Event/recoverySucceeded`` when it was accepted).
        case reset(command: String)
    }

    /// The back-offs and intervals, as values so that tests need no clock.
    public struct Timing: Hashable, Sendable {
        /// First pause after a look-up that found no device; doubled per miss up to ``maximumDeviceRetry``.
        public var deviceRetry: Duration
        public var maximumDeviceRetry: Duration
        /// First pause after every recovery step failed; doubled per round up to ``maximumAbsentRetry``.
        public var absentRetry: Duration
        public var maximumAbsentRetry: Duration
        /// Pause before start-up runs again after the SIM stayed busy, or after it failed otherwise.
        public var startRetry: Duration
        /// Pause after a reset command before the device is looked for again (the stick reboots).
        public var afterReset: Duration
        /// Interval of the liveness command while watching.
        public var livenessInterval: Duration

        public init(
            deviceRetry: Duration = .seconds(1),
            maximumDeviceRetry: Duration = .seconds(30),
            absentRetry: Duration = .seconds(30),
            maximumAbsentRetry: Duration = .seconds(600),
            startRetry: Duration = .seconds(10),
            afterReset: Duration = .seconds(10),
            livenessInterval: Duration = .seconds(60)
        ) {
            self.deviceRetry = deviceRetry
            self.maximumDeviceRetry = maximumDeviceRetry
            self.absentRetry = absentRetry
            self.maximumAbsentRetry = maximumAbsentRetry
            self.startRetry = startRetry
            self.afterReset = afterReset
            self.livenessInterval = livenessInterval
        }
    }

    /// The current state.
    public private(set) var state: State = .waitingForDevice(attempt: 0)
    /// The tty last found by the locator.
    public private(set) var devicePath: String?
    /// Start-ups that ran again after the modem had been ready (restart, replug, SIM swap, recovery).
    public private(set) var restartCount = 0
    /// The last failure, cleared when the modem is ready.
    public private(set) var lastError: String?
    /// The timing in force.
    public let timing: Timing
    /// The profile's reset command; `nil` skips the reset step.
    public var resetCommand: String?

    private var hasBeenReady = false
    private var absentRounds = 0
    /// The last recovery step that succeeded and that the modem has not yet outlived: it is forgotten at the first
    /// liveness check the modem passes (``Event/alive``), or when start-up succeeds after a reset.
    private var lastRecovery: RecoveryStep?

    public init(timing: Timing = .init(), resetCommand: String? = "AT+CFUN=1,1") {
        self.timing = timing
        self.resetCommand = resetCommand
    }

    /// The first action.
    public mutating func begin() -> Action {
        state = .waitingForDevice(attempt: 0)
        return .locate
    }

    /// Feeds `event` to the machine and returns the action to perform next.
    public mutating func handle(_ event: Event) -> Action {
        // Leaving for good or coming back are handled the same in every state.
        switch event {
        case .disconnected(let reason):
            lastError = "disconnected: \(reason)"
            // Unplugged (or re-enumerated after a reset): the stick that comes back has been powered afresh.
            lastRecovery = nil
            return lookForDevice()
        case .restarted:
            switch state {
            case .waitingForDevice, .opening:
                break  // Nothing is open: a late URC of the previous session.
            default:
                return startAgain()
            }
        default:
            break
        }

        switch (state, event) {
        case (.waitingForDevice(let attempt), .deviceNotFound):
            state = .waitingForDevice(attempt: attempt + 1)
            return .wait(Self.backOff(timing.deviceRetry, doublings: attempt, maximum: timing.maximumDeviceRetry))
        case (.waitingForDevice, .waitElapsed), (.absent, .waitElapsed):
            return .locate
        case (.waitingForDevice, .deviceFound(let path)), (.absent, .deviceFound(let path)):
            devicePath = path
            state = .opening(path: path)
            return .open(path: path)
        case (.absent(let retry), .deviceNotFound):
            // Still gone: keep the absent state (with its slower back-off) until a device appears.
            return .wait(Self.backOff(timing.absentRetry, doublings: retry, maximum: timing.maximumAbsentRetry))

        case (.opening, .opened):
            if hasBeenReady { restartCount += 1 }
            state = .starting
            return .start
        case (.opening, .openFailed(let reason)):
            lastError = "cannot open \(devicePath ?? "the device"): \(reason)"
            return waitForDevice()

        case (.starting, .startSucceeded):
            state = .ready
            lastError = nil
            absentRounds = 0
            // A start-up that succeeds after a resync or a reopen does not prove the modem well: a stick whose SMS
            // service alone hangs answers the start-up and then times out on the first AT+CMGS or AT+CMGL. That
            // hang takes the next step rather than the same one again, so that it reaches the reset (gammu resets
            // such sticks after a timeout, `libgammu/gsmphones.c` F_RESET_AFTER_TIMEOUT). After a reset the
            // escalation starts afresh: there is no stronger step to take.
            if lastRecovery == .reset { lastRecovery = nil }
            hasBeenReady = true
            return .watch(checksSIM: true)
        case (.starting, .startFailed(let failure)):
            return startFailed(failure)

        case (.simBusy, .waitElapsed), (.simMissing, .waitElapsed):
            state = .starting
            return .start

        case (.ready, .alive):
            // A liveness interval without a timeout: the last recovery worked.
            lastRecovery = nil
            return .watch(checksSIM: true)
        case (.ready, .simChanged):
            lastError = "SIM changed"
            return startAgain()
        case (.ready, .unresponsive):
            lastError = "modem unresponsive"
            return recover()

        case (.pinRequired, .alive), (.pinRejected, .alive), (.pukRequired, .alive):
            return .watch(checksSIM: false)
        case (.pinRequired, .unresponsive), (.pinRejected, .unresponsive), (.pukRequired, .unresponsive):
            lastError = "modem unresponsive"
            return recover()

        case (.recovering(let step), .recoverySucceeded):
            lastRecovery = step
            if step == .reset {
                // The stick reboots (and usually re-enumerates): look for it again once it had time.
                state = .waitingForDevice(attempt: 0)
                return .wait(timing.afterReset)
            }
            return startAgain()
        case (.recovering(let step), .recoveryFailed(let reason)):
            lastError = "recovery \(step.rawValue) failed: \(reason)"
            return escalate(after: step)

        default:
            // An event that does not apply to the state (a late answer, a second disconnection): nothing to do
            // but carry on with what the state does.
            return resume()
        }
    }

    // MARK: - Transitions

    private mutating func startFailed(_ failure: StartFailure) -> Action {
        switch failure {
        case .simBusy:
            lastError = "SIM busy"
            state = .simBusy
            return .wait(timing.startRetry)
        case .pinRequired(let attemptsLeft):
            lastError = "SIM PIN required"
            state = .pinRequired(attemptsLeft: attemptsLeft)
            return .watch(checksSIM: false)
        case .pinRejected(let attemptsLeft):
            lastError = "PIN rejected"
            state = .pinRejected(attemptsLeft: attemptsLeft)
            return .watch(checksSIM: false)
        case .pukRequired:
            lastError = "SIM PUK required"
            state = .pukRequired
            return .watch(checksSIM: false)
        case .simMissing:
            lastError = "no SIM"
            state = .simMissing
            return .wait(timing.startRetry)
        case .unresponsive:
            lastError = "modem unresponsive during start-up"
            return recover()
        case .disconnected:
            lastError = "disconnected during start-up"
            return lookForDevice()
        case .failed(let reason):
            // Start-up met an error it cannot work around: treat the modem as hung, so that the same escalation
            // (resync, reopen, reset) gets it into a state where start-up can succeed.
            lastError = "start-up failed: \(reason)"
            return recover()
        }
    }

    /// The modem hangs: the mildest step not yet tried since the modem last proved well. A step that "worked" (the
    /// port reopened, even start-up succeeded) but left a modem that still hangs is not repeated: the next one is
    /// taken, and after the reset the modem is reported absent.
    private mutating func recover() -> Action {
        guard let last = lastRecovery else {
            state = .recovering(.resync)
            return .resync
        }
        return escalate(after: last)
    }

    private mutating func escalate(after step: RecoveryStep) -> Action {
        switch step {
        case .resync:
            state = .recovering(.reopen)
            return .reopen
        case .reopen:
            if let resetCommand {
                state = .recovering(.reset)
                return .reset(command: resetCommand)
            }
            return reportAbsent()
        case .reset:
            return reportAbsent()
        }
    }

    private mutating func reportAbsent() -> Action {
        let retry = absentRounds
        absentRounds += 1
        state = .absent(retry: retry)
        return .wait(Self.backOff(timing.absentRetry, doublings: retry, maximum: timing.maximumAbsentRetry))
    }

    /// Start-up again on the open tty (restart, SIM swap, successful resync or reopen).
    private mutating func startAgain() -> Action {
        if hasBeenReady { restartCount += 1 }
        state = .starting
        return .start
    }

    /// The device went away: look for it at once.
    private mutating func lookForDevice() -> Action {
        state = .waitingForDevice(attempt: 0)
        return .locate
    }

    /// Opening failed: look for it again after the back-off.
    private mutating func waitForDevice() -> Action {
        state = .waitingForDevice(attempt: 1)
        return .wait(timing.deviceRetry)
    }

    /// The action that keeps the current state going.
    private func resume() -> Action {
        switch state {
        case .waitingForDevice, .absent: .locate
        case .opening(let path): .open(path: path)
        case .starting, .simBusy, .simMissing: .start
        case .ready: .watch(checksSIM: true)
        case .pinRequired, .pinRejected, .pukRequired: .watch(checksSIM: false)
        case .recovering(.resync): .resync
        case .recovering(.reopen): .reopen
        case .recovering(.reset): resetCommand.map { .reset(command: $0) } ?? .locate
        }
    }

    /// `initial · 2^doublings`, capped at `maximum`.
    static func backOff(_ initial: Duration, doublings: Int, maximum: Duration) -> Duration {
        min(initial * (1 << min(max(0, doublings), 20)), maximum)
    }
}
