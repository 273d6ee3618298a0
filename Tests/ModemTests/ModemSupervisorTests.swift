import Modem
import Testing

/// The supervisor's state machine alone: events in, state and actions out; back-offs are values, no clock.
@Suite struct ModemSupervisorTests {
    typealias Event = ModemSupervisor.Event
    typealias Action = ModemSupervisor.Action

    static let timing = ModemSupervisor.Timing(
        deviceRetry: .seconds(1),
        maximumDeviceRetry: .seconds(8),
        absentRetry: .seconds(30),
        maximumAbsentRetry: .seconds(120),
        startRetry: .seconds(10),
        afterReset: .seconds(15),
        livenessInterval: .seconds(60)
    )

    /// A machine that found `/dev/ttyUSB2`, opened it and started.
    static func ready() -> ModemSupervisor {
        var machine = ModemSupervisor(timing: timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        _ = machine.handle(.startSucceeded)
        return machine
    }

    @Test func findsOpensStartsAndWatches() {
        var machine = ModemSupervisor(timing: Self.timing)
        #expect(machine.begin() == .locate)
        #expect(machine.state == .waitingForDevice(attempt: 0))
        #expect(machine.handle(.deviceFound(path: "/dev/ttyUSB2")) == .open(path: "/dev/ttyUSB2"))
        #expect(machine.state == .opening(path: "/dev/ttyUSB2"))
        #expect(machine.devicePath == "/dev/ttyUSB2")
        #expect(machine.handle(.opened) == .start)
        #expect(machine.state == .starting)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
        #expect(machine.state == .ready)
        #expect(machine.handle(.alive) == .watch(checksSIM: true))
        #expect(machine.restartCount == 0)
        #expect(machine.lastError == nil)
    }

    @Test func waitsForTheDeviceWithCappedBackOffAndNeverGivesUp() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        var waits: [Duration] = []
        for _ in 0..<7 {
            guard case .wait(let duration) = machine.handle(.deviceNotFound) else {
                Issue.record("expected a wait")
                return
            }
            waits.append(duration)
            #expect(machine.handle(.waitElapsed) == .locate)
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8), .seconds(8)])
        #expect(machine.state == .waitingForDevice(attempt: 7))
        // Found at last, under another name.
        #expect(machine.handle(.deviceFound(path: "/dev/ttyUSB5")) == .open(path: "/dev/ttyUSB5"))
    }

    @Test func aPortThatCannotBeOpenedIsLookedForAgain() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        #expect(machine.handle(.openFailed("EACCES")) == .wait(.seconds(1)))
        #expect(machine.state == .waitingForDevice(attempt: 1))
        #expect(machine.lastError?.contains("EACCES") == true)
        #expect(machine.handle(.waitElapsed) == .locate)
    }

    @Test func disconnectionInAnyStateLooksForTheDeviceAtOnce() {
        var machine = Self.ready()
        #expect(machine.handle(.disconnected("EIO")) == .locate)
        #expect(machine.state == .waitingForDevice(attempt: 0))
        #expect(machine.handle(.deviceFound(path: "/dev/ttyUSB3")) == .open(path: "/dev/ttyUSB3"))
        #expect(machine.handle(.opened) == .start)
        #expect(machine.restartCount == 1)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))

        for setUp in [Event.opened, .startFailed(.pinRejected(attemptsLeft: 2)), .unresponsive] {
            var other = Self.ready()
            _ = other.handle(.disconnected("first"))
            _ = other.handle(.deviceFound(path: "/dev/ttyUSB2"))
            _ = other.handle(setUp)
            #expect(other.handle(.disconnected("again")) == .locate)
            #expect(other.state == .waitingForDevice(attempt: 0))
        }
    }

    @Test func restartAndSIMSwapRunStartUpAgain() {
        var machine = Self.ready()
        #expect(machine.handle(.restarted) == .start)
        #expect(machine.state == .starting)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
        #expect(machine.handle(.simChanged) == .start)
        #expect(machine.restartCount == 2)
        #expect(machine.lastError == "SIM changed")
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
        #expect(machine.lastError == nil)
    }

    @Test func aRestartURCWithNothingOpenIsIgnored() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        #expect(machine.handle(.restarted) == .locate)
        #expect(machine.state == .waitingForDevice(attempt: 0))
    }

    @Test func aHungModemEscalatesResyncReopenResetThenAbsent() {
        var machine = Self.ready()
        #expect(machine.handle(.unresponsive) == .resync)
        #expect(machine.state == .recovering(.resync))
        #expect(machine.handle(.recoveryFailed("timeout")) == .reopen)
        #expect(machine.state == .recovering(.reopen))
        #expect(machine.handle(.recoveryFailed("timeout")) == .reset(command: "AT+CFUN=1,1"))
        #expect(machine.state == .recovering(.reset))
        #expect(machine.handle(.recoveryFailed("timeout")) == .wait(.seconds(30)))
        #expect(machine.state == .absent(retry: 0))
        #expect(machine.state.name == "absent")
        // Retried later: looked for again, and when it is hung again the next round waits longer.
        #expect(machine.handle(.waitElapsed) == .locate)
        #expect(machine.handle(.deviceFound(path: "/dev/ttyUSB2")) == .open(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        #expect(machine.handle(.startFailed(.unresponsive)) == .resync)
        _ = machine.handle(.recoveryFailed("timeout"))
        _ = machine.handle(.recoveryFailed("timeout"))
        #expect(machine.handle(.recoveryFailed("timeout")) == .wait(.seconds(60)))
        #expect(machine.state == .absent(retry: 1))
        // An absent device that is not found keeps the slow back-off.
        #expect(machine.handle(.waitElapsed) == .locate)
        #expect(machine.handle(.deviceNotFound) == .wait(.seconds(60)))
        #expect(machine.state == .absent(retry: 1))
    }

    @Test func eachRecoveryStepThatWorksRunsStartUpAgain() {
        var resynced = Self.ready()
        _ = resynced.handle(.unresponsive)
        #expect(resynced.handle(.recoverySucceeded) == .start)
        #expect(resynced.restartCount == 1)

        var reopened = Self.ready()
        _ = reopened.handle(.unresponsive)
        _ = reopened.handle(.recoveryFailed("timeout"))
        #expect(reopened.handle(.recoverySucceeded) == .start)

        var reset = Self.ready()
        _ = reset.handle(.unresponsive)
        _ = reset.handle(.recoveryFailed("timeout"))
        _ = reset.handle(.recoveryFailed("timeout"))
        // After a reset the stick reboots: look for it again once it had time.
        #expect(reset.handle(.recoverySucceeded) == .wait(.seconds(15)))
        #expect(reset.state == .waitingForDevice(attempt: 0))
        #expect(reset.handle(.waitElapsed) == .locate)
    }

    /// A step that "works" (AT answers, the port reopens) but leaves a modem whose start-up still hangs is not
    /// repeated: the next step is taken, so the escalation always ends.
    @Test func aModemThatHangsAgainAfterEachStepStillEscalates() {
        var machine = Self.ready()
        #expect(machine.handle(.unresponsive) == .resync)
        #expect(machine.handle(.recoverySucceeded) == .start)
        #expect(machine.handle(.startFailed(.unresponsive)) == .reopen)
        #expect(machine.state == .recovering(.reopen))
        #expect(machine.handle(.recoverySucceeded) == .start)
        #expect(machine.handle(.startFailed(.unresponsive)) == .reset(command: "AT+CFUN=1,1"))
        #expect(machine.handle(.recoverySucceeded) == .wait(.seconds(15)))
        #expect(machine.handle(.waitElapsed) == .locate)
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        #expect(machine.handle(.startFailed(.failed("+CME ERROR: 100"))) == .wait(.seconds(30)))
        #expect(machine.state == .absent(retry: 0))
        // Once it is ready again, the next hang starts from the mildest step.
        #expect(machine.handle(.waitElapsed) == .locate)
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        _ = machine.handle(.startSucceeded)
        #expect(machine.handle(.unresponsive) == .resync)
    }

    /// A stick whose SMS service alone hangs answers `AT` and the whole start-up, then times out on the first send:
    /// each such hang takes the next step, up to the reset, instead of looping on resync.
    @Test func aModemThatHangsAgainBeforeItsNextLivenessCheckEscalates() {
        var machine = Self.ready()
        #expect(machine.handle(.unresponsive) == .resync)
        #expect(machine.handle(.recoverySucceeded) == .start)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
        #expect(machine.handle(.unresponsive) == .reopen)
        #expect(machine.handle(.recoverySucceeded) == .start)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
        #expect(machine.handle(.unresponsive) == .reset(command: "AT+CFUN=1,1"))
        // After the reset the escalation starts afresh.
        #expect(machine.handle(.recoverySucceeded) == .wait(.seconds(15)))
        _ = machine.handle(.waitElapsed)
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        _ = machine.handle(.startSucceeded)
        #expect(machine.handle(.unresponsive) == .resync)
    }

    /// A modem that passed a liveness check after its recovery has outlived it: its next hang starts again from
    /// the mildest step. So does a stick that was unplugged.
    @Test func aModemThatOutlivesItsRecoveryStartsAgainFromResync() {
        var checked = Self.ready()
        _ = checked.handle(.unresponsive)
        _ = checked.handle(.recoverySucceeded)
        _ = checked.handle(.startSucceeded)
        #expect(checked.handle(.alive) == .watch(checksSIM: true))
        #expect(checked.handle(.unresponsive) == .resync)

        var replugged = Self.ready()
        _ = replugged.handle(.unresponsive)
        _ = replugged.handle(.recoverySucceeded)
        _ = replugged.handle(.startSucceeded)
        #expect(replugged.handle(.disconnected("the tty closed")) == .locate)
        _ = replugged.handle(.deviceFound(path: "/dev/ttyUSB3"))
        _ = replugged.handle(.opened)
        _ = replugged.handle(.startSucceeded)
        #expect(replugged.handle(.unresponsive) == .resync)
    }

    @Test func aProfileWithoutResetGoesFromReopenToAbsent() {
        var machine = Self.ready()
        machine.resetCommand = nil
        _ = machine.handle(.unresponsive)
        _ = machine.handle(.recoveryFailed("timeout"))
        #expect(machine.handle(.recoveryFailed("timeout")) == .wait(.seconds(30)))
        #expect(machine.state == .absent(retry: 0))
    }

    @Test func theVendorResetCommandIsUsed() {
        var machine = ModemSupervisor(timing: Self.timing, resetCommand: "AT^RESET")
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        _ = machine.handle(.startFailed(.failed("+CMS ERROR: 500")))
        _ = machine.handle(.recoveryFailed("timeout"))
        #expect(machine.handle(.recoveryFailed("timeout")) == .reset(command: "AT^RESET"))
    }

    @Test func aBusySIMIsWaitedOutAndStartedAgain() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        #expect(machine.handle(.startFailed(.simBusy)) == .wait(.seconds(10)))
        #expect(machine.state == .simBusy)
        #expect(machine.handle(.waitElapsed) == .start)
        #expect(machine.state == .starting)
        #expect(machine.handle(.startSucceeded) == .watch(checksSIM: true))
    }

    @Test func aMissingSIMIsAskedForAgain() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        #expect(machine.handle(.startFailed(.simMissing)) == .wait(.seconds(10)))
        #expect(machine.state == .simMissing)
        #expect(machine.handle(.waitElapsed) == .start)
    }

    @Test(arguments: [
        (ModemSupervisor.StartFailure.pinRejected(attemptsLeft: 2), ModemSupervisor.State.pinRejected(attemptsLeft: 2)),
        (.pinRequired(attemptsLeft: nil), .pinRequired(attemptsLeft: nil)),
        (.pukRequired, .pukRequired),
    ])
    func aLockedSIMIsWatchedNeverRetried(failure: ModemSupervisor.StartFailure, parked: ModemSupervisor.State) {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        #expect(machine.handle(.startFailed(failure)) == .watch(checksSIM: false))
        #expect(machine.state == parked)
        // Watching goes on; no start-up (which could send the PIN again) is scheduled by time alone.
        for _ in 0..<5 { #expect(machine.handle(.alive) == .watch(checksSIM: false)) }
        #expect(machine.handle(.waitElapsed) == .watch(checksSIM: false))
        #expect(machine.state == parked)
        // A restart of the modem runs start-up again (which decides itself whether a PIN may be sent).
        #expect(machine.handle(.restarted) == .start)
    }

    @Test func aLockedSIMOnAHungModemIsRecovered() {
        var machine = ModemSupervisor(timing: Self.timing)
        _ = machine.begin()
        _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
        _ = machine.handle(.opened)
        _ = machine.handle(.startFailed(.pukRequired))
        #expect(machine.handle(.unresponsive) == .resync)
    }

    @Test func startFailuresMapToTheirRecovery() {
        for (failure, action, state) in [
            (ModemSupervisor.StartFailure.unresponsive, Action.resync, ModemSupervisor.State.recovering(.resync)),
            (.failed("+CMS ERROR: 500"), .resync, .recovering(.resync)),
            (.disconnected, .locate, .waitingForDevice(attempt: 0)),
        ] {
            var machine = ModemSupervisor(timing: Self.timing)
            _ = machine.begin()
            _ = machine.handle(.deviceFound(path: "/dev/ttyUSB2"))
            _ = machine.handle(.opened)
            #expect(machine.handle(.startFailed(failure)) == action)
            #expect(machine.state == state)
            #expect(machine.lastError != nil)
        }
    }

    @Test func stateNamesAreStable() {
        let names = [
            ModemSupervisor.State.waitingForDevice(attempt: 3), .opening(path: "/dev/x"), .starting, .simBusy, .ready,
            .recovering(.reopen), .pinRequired(attemptsLeft: 3), .pinRejected(attemptsLeft: nil), .pukRequired,
            .simMissing, .absent(retry: 2),
        ].map(\.name)
        #expect(
            names == [
                "waitingForDevice", "opening", "starting", "simBusy", "ready", "recovering.reopen", "pinRequired",
                "pinRejected", "pukRequired", "simMissing", "absent",
            ]
        )
    }
}
