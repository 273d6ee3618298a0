import Logging
import Modem

// MARK: - Fault injection

extension SimulatedModem {
    /// Writes `bytes` onto the line now, between whatever else is sent (line noise).
    public func injectGarbage(_ bytes: [UInt8]) async {
        await send(bytes)
    }

    /// Drops the next `count` bytes the modem sends.
    public func dropNextOutputBytes(_ count: Int) { faults.dropNextOutputBytes += max(0, count) }

    /// Drops every `n`-th byte the modem sends (nil: stop).
    public func dropEveryNthOutputByte(_ n: Int?) { faults.dropEveryNthOutputByte = n }

    /// Stops answering: input is swallowed until ``resume()`` (a hung firmware).
    public func stall() {
        faults.isStalled = true
        faults.inputSinceStall = []
        lineBuffer = []
        prompt = nil
    }

    /// Answers again after ``stall()``.
    public func resume() {
        faults.isStalled = false
        isBusy = false
    }

    /// What a hung modem still answers.
    public enum Hang: Sendable, Hashable {
        /// SMS and storage commands (AT+CPMS, AT+CMGL, AT+CMGR, AT+CMGS, AT+CNMI…) are never answered; `AT`,
        /// AT+CFUN and the other commands are. Assumed: gammu only records that these sticks stop answering until
        /// reset (`libgammu/gsmphones.c` F_RESET_AFTER_TIMEOUT on the Huawei E1xx family, E173 included).
        case smsService
        /// No command is answered; a reset command (AT+CFUN=1,1 or the profile's vendor reset) still restarts the
        /// modem (assumed).
        case everything
    }

    /// Hangs the modem as a stick that needs a reset does: commands go unanswered (see ``Hang``) and the network
    /// holds incoming messages, until AT+CFUN=1,1, the profile's vendor reset
    /// (``SimulatorProfile/vendorResetCommands``), ``reboot()`` or a new ``serve(_:)`` (a USB re-plug cuts the power).
    public func hang(_ kind: Hang = .smsService) {
        faults.hang = kind
    }

    /// How the modem is hung, nil when it is not.
    public var hangState: Hang? { faults.hang }

    /// Bytes swallowed while stalled.
    public var bytesSwallowedWhileStalled: Int { faults.swallowedWhileStalled }

    /// The input swallowed since the last ``stall()`` (the newest 4 KiB): which command a hung modem was given, for
    /// example an `AT+CMGS=<length>` whose answer never comes, or the PDU and Ctrl-Z when the stall came after the
    /// `> ` prompt (TS 27.005 §3.5.1).
    public var inputSwallowedSinceStall: [UInt8] { faults.inputSinceStall }

    /// The next command called `name` (e.g. "+CMGS", "+CMGL") fails with `failure` instead of running.
    public func failNextCommand(_ name: String, with failure: ATFailure) {
        faults.forcedFailures.append((name.uppercased(), failure))
    }

    /// Each AT+CMGS/AT+CMSS fails with probability `rate` with a +CMS ERROR drawn from `codes` (seeded: repeatable).
    public func setRandomSendFailures(rate: Double, codes: [Int] = [500, 331, 332], seed: UInt64 = 1) {
        faults.sendFailureRate = rate
        faults.sendFailureCodes = codes
        faults.random = SplitMix64(seed: seed)
    }

    /// USB unplug or modem reset: the transport closes; the SIM, ME storage and the network's queue for this
    /// modem are kept. Serve a new transport to plug it back in.
    public func unplug() async {
        let transport = self.transport
        self.transport = nil
        sessionGeneration += 1
        // Power is gone: the SIM-ready timer of this power-on must not fire (the next serve powers on anew).
        powerCycle += 1
        simReadyTimer?.cancel()
        simReadyTimer = nil
        pendingAcknowledgement?.timer?.cancel()
        if let id = pendingAcknowledgement?.deliveryID {
            pendingAcknowledgement = nil
            await network?.deliveryResult(id, to: number, accepted: false)
        }
        await transport?.close()
    }

    /// Reboot on the same line: RAM state (echo, +CMEE, +CNMI, +CPMS, ^CURC, ^PORTSEL, PIN entry, unacknowledged
    /// +CMT) is lost, a hang is cleared, SIM and ME storage and the SIM's PIN retry counter are kept, the start-up
    /// URCs are sent again and the SIM is busy again for the profile's window (``SimulatorProfile/simBusyDuration``).
    ///
    /// For `bootTime` before that the modem is gone: it answers nothing, what comes in on the line is lost and the
    /// network holds what it would deliver. A real stick takes seconds to boot, and a command sent meanwhile never
    /// runs; without that time a command written just before the reboot would run with the power-on settings
    /// (another storage for AT+CMGD), which no real modem does that fast. The returned value is after the boot.
    public func reboot(bootTime: Duration = .zero) async {
        pendingAcknowledgement?.timer?.cancel()
        let lost = pendingAcknowledgement?.deliveryID
        pendingAcknowledgement = nil
        // The PIN retry counter is kept: it lives on the SIM, not in the modem's RAM (TS 102 221 §9, the PIN
        // status is in the card), so a reboot gives no new attempts.
        lineBuffer = []
        prompt = nil
        heldURCs = []
        faults.isStalled = false
        isBusy = false
        if bootTime > .zero {
            isBooting = true
            try? await clock.sleep(for: bootTime)
            isBooting = false
            lineBuffer = []
        }
        powerOn()
        await flush()
        if let lost { await network?.deliveryResult(lost, to: number, accepted: false) }
        // Up again (a hang or radio-off cleared): the network delivers what it held, unless the SIM is still busy
        // (then it does so at the end of the window).
        if isSIMReady { await network?.modemBecameAvailable(number) }
    }
}
