import Foundation
import Logging
import Modem

/// A simulated modem: it speaks AT (3GPP TS 27.007 / 27.005, ITU-T V.250) on the modem side of a
/// ``ByteTransport``, so that the real driver — or gammu, smstools, minicom on a pty — is what talks to it.
///
/// Make one with ``SimulatedNetwork/makeModem(profile:number:)``, then run ``serve(_:)`` with the modem end of a
/// transport for as long as the modem is "plugged in". The SIM (SM) and phone (ME) stores survive ``reboot()`` and a
/// new ``serve(_:)``; settings (echo, +CMEE, +CNMI, +CPMS, PIN state) live in RAM and do not.
public actor SimulatedModem {
    /// Longest PDU in hex characters accepted after the `> ` prompt: SMSC field (12) + longest TPDU (164 octets,
    /// TS 23.040 §9.2.2.2) with slack for vendor padding.
    static let maximumPDUHexLength = 2 * 200
    /// Longest TPDU length AT+CMGS/AT+CMGW accept (TS 27.005 §3.5.1 <length>).
    static let maximumTPDULength = 175
    /// Longest bytes kept of an unterminated command line before it is discarded.
    static let maximumLineBuffer = ATCommandLine.maximumLength
    /// Most indications kept while +CNMI <mode> 0 buffers them (TS 27.005 §3.4.1: oldest discarded).
    static let maximumBufferedIndications = 64

    // MARK: Identity (fixed)

    /// The model this modem imitates.
    public nonisolated let profile: SimulatorProfile
    /// The subscriber number (MSISDN) on the simulated network.
    public nonisolated let number: String
    public nonisolated let imsi: String
    public nonisolated let imei: String
    public nonisolated let iccid: String

    let clock: any Clock<Duration>
    let logger: Logger
    weak var network: SimulatedNetwork?

    // MARK: Non-volatile state (SIM and flash)

    var storages: [String: SlotStore]
    /// The SIM's PIN, nil when the SIM has PIN checking disabled.
    var simPIN: String?
    let simPUK = "12345678"
    var pinAttemptsLeft = 3
    /// How many PINs or PUKs were entered with AT+CPIN=<pin> while the SIM asked for one (kept across reboots: a
    /// test counts what its client sent the SIM).
    var pinEntries = 0
    /// Status reports the modem received with <ds>=0 and so routed nowhere (TS 27.005 §3.4.1): after a restart or
    /// an ATZ, until the client sets AT+CNMI again, as a real modem does. TP-MR and TP-RA, oldest first, the newest
    /// ``unroutedStatusReportLimit`` kept across reboots (a test tells them from reports its client lost).
    var unroutedStatusReports: [UnroutedStatusReport] = []
    static let unroutedStatusReportLimit = 1000
    var isSIMInserted = true
    var smscAddress = SimulatedNetwork.smscNumber

    // MARK: RAM state (lost on reboot)

    struct Settings {
        var echo = true
        var verbose = true
        var quiet = false
        var cmee = 0
        var cmgf = 0
        var cnmi: [Int]
        var mem1 = "SM"
        var mem2 = "SM"
        var mem3 = "SM"
        var csms = 0
        var cmms = 0
        var cregN = 0
        var ceregN = 0
        var cscs = "GSM"
        var pinUnlocked: Bool
        var functionality = 1
        /// AT+CMER <mode> and <ind> (TS 27.007 §8.10): +CIEV is sent when both are non-zero.
        var cmerMode = 0
        var cmerInd = 0
        /// Huawei AT^CURC: 1 = status URCs (^RSSI, ^MODE, ^DSFLOWRPT…) on, as at power-on; 0 = off.
        var curc = 1
        /// Huawei AT^PORTSEL: 0 at power-on (assumed, see ``SimulatorProfile/indicationPortSelection``).
        var portSelection = 0
    }
    var settings: Settings
    /// False during the SIM-busy window after power-on (``SimulatorProfile/simBusyDuration``).
    var isSIMReady = true
    /// Counts power-ons, so that the SIM-ready timer of an earlier power-on does nothing.
    var powerCycle: UInt64 = 0
    var simReadyTimer: Task<Void, Never>?
    var nextMessageReference: UInt8 = 0
    var registration: RegistrationState = .home
    var rssi = 20

    // MARK: Session state

    var transport: (any ByteTransport)?
    var sessionGeneration: UInt64 = 0
    var lineBuffer: [UInt8] = []
    var lineOverflow = false
    var lastWasCR = false
    enum PromptKind {
        case send(length: Int)
        case write(length: Int, status: StoredMessageStatus)
    }
    var prompt: (kind: PromptKind, hex: [UInt8])?
    var isBusy = false
    /// Rebooting (``reboot(bootTime:)``): input is lost and nothing is delivered until the power-on.
    var isBooting = false
    var heldURCs: [[UInt8]] = []
    var bufferedIndications: [[UInt8]] = []
    var outBuffer: [UInt8] = []
    var isDraining = false
    /// A message delivered by +CMT/+CDS that waits for +CNMA (TS 27.005 §3.4.4).
    struct PendingAcknowledgement {
        var deliveryID: UInt64
        var timer: Task<Void, Never>?
    }
    var pendingAcknowledgement: PendingAcknowledgement?
    var reportedFull: Set<String> = []
    /// Set by AT+CFUN=<fun>,1: reboot once the answer is out.
    var rebootAfterCommand = false

    // MARK: Realism and faults

    /// Bytes per second on the simulated serial line (10 bits per byte, 8N1); nil = no throttling.
    public var baudRate: Int?
    /// How long the network waits for +CNMA before it treats a direct delivery as failed (TS 24.011 TR2M).
    public var acknowledgementTimeout: Duration = .seconds(15)
    /// Interval of the profile's noise URCs (^RSSI, ^DSFLOWRPT…) while serving; nil = no noise.
    public var noiseInterval: Duration?
    var faults = FaultState()

    init(
        profile: SimulatorProfile,
        number: String,
        subscriberIndex: Int,
        network: SimulatedNetwork,
        clock: any Clock<Duration>,
        stores: SimulatorState.ModemStores?,
        logger: Logger
    ) {
        self.profile = profile
        self.number = number
        let serial = String(format: "%07d", subscriberIndex % 10_000_000)
        // MCC 001 / MNC 01 is the ITU test network (E.212), so nothing collides with a real operator.
        self.imsi = "00101" + "000" + serial
        self.imei = Self.imei(tac: profile.imeiTAC, serial: String(format: "%06d", subscriberIndex % 1_000_000))
        self.iccid = "8900101" + "0000" + serial + "1"
        self.network = network
        self.clock = clock
        self.logger = logger
        var stores = stores
        if let saved = stores?.sim, saved.capacity != profile.simSlots { stores?.sim = nil }
        if let saved = stores?.phone, saved.capacity != profile.phoneSlots { stores?.phone = nil }
        var storages: [String: SlotStore] = [
            "SM": stores?.sim ?? SlotStore(storage: .sim, capacity: profile.simSlots),
            "ME": stores?.phone ?? SlotStore(storage: .phone, capacity: profile.phoneSlots),
        ]
        if profile.statusReportSlots > 0 {
            storages["SR"] =
                stores?.statusReports ?? SlotStore(storage: .statusReports, capacity: profile.statusReportSlots)
        }
        self.storages = storages
        self.settings = Settings(cnmi: profile.defaultCNMI, pinUnlocked: true)
    }

    /// Luhn check digit over TAC + serial (3GPP TS 23.003 §6.2.1).
    static func imei(tac: String, serial: String) -> String {
        let body = Array((tac + serial).prefix(14))
        var sum = 0
        for (i, c) in body.enumerated() {
            var d = c.wholeNumberValue ?? 0
            if i % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return String(body) + String((10 - sum % 10) % 10)
    }

    // MARK: - Serving a transport

    /// Runs the modem on `transport` until the transport closes, the modem is unplugged, or the task is cancelled.
    ///
    /// Sends the profile's start-up URCs first. Only one transport is served at a time: a new call replaces the
    /// previous session (which then ends).
    /// - Throws: `CancellationError` when cancelled; transport errors other than `TransportError.closed`.
    public func serve(_ transport: any ByteTransport) async throws {
        sessionGeneration += 1
        let generation = sessionGeneration
        if let old = self.transport { await old.close() }
        self.transport = transport
        resetSession()
        logger.debug("simulated modem powered on", metadata: ["modem.profile": "\(profile.id)"])
        powerOn()
        await flush()
        let network = self.network
        await network?.modemBecameAvailable(number)
        defer {
            if sessionGeneration == generation {
                self.transport = nil
                pendingAcknowledgement?.timer?.cancel()
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let interval = noiseInterval ?? profile.statusURCInterval, !profile.noiseURCs.isEmpty {
                group.addTask { [weak self] in
                    var n = 0
                    while !Task.isCancelled {
                        try await self?.clock.sleep(for: interval)
                        guard let self else { return }
                        await self.emitNoise(n)
                        n += 1
                    }
                }
            }
            group.addTask { [weak self] in
                while true {
                    let bytes: [UInt8]
                    do {
                        bytes = try await transport.read()
                    } catch TransportError.closed {
                        return
                    }
                    guard let self else { return }
                    guard await self.isCurrent(generation) else { return }
                    await self.throttle(bytes.count)
                    await self.receive(bytes)
                }
            }
            // The read loop ends the session; the noise loop, if any, is cancelled with it.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Power-on, on a new line or on the same one: RAM settings back to their defaults (the SIM asks for its PIN
    /// again), a hang cleared, the start-up URCs, and the SIM busy for the profile's window before the SMS-ready URCs.
    func powerOn() {
        settings = powerOnSettings()
        bufferedIndications = []
        faults.hang = nil
        for line in profile.startupURCs { emitURC([line]) }
        powerCycle += 1
        simReadyTimer?.cancel()
        simReadyTimer = nil
        let window = profile.simBusyDuration
        guard window > .zero else {
            isSIMReady = true
            for line in profile.smsReadyURCs { emitURC([line]) }
            return
        }
        isSIMReady = false
        let cycle = powerCycle
        let clock = self.clock
        simReadyTimer = Task { [weak self] in
            do {
                try await clock.sleep(for: window)
            } catch {
                return
            }
            await self?.simBecameReady(cycle)
        }
    }

    /// The end of the SIM-busy window: the SMS-ready URCs, then the network delivers what it held.
    func simBecameReady(_ cycle: UInt64) async {
        guard cycle == powerCycle, !isSIMReady else { return }
        isSIMReady = true
        simReadyTimer = nil
        for line in profile.smsReadyURCs { emitURC([line]) }
        await flush()
        await network?.modemBecameAvailable(number)
    }

    /// RAM settings as the modem powers up: defaults, the SIM asking for its PIN, the radio as the profile says.
    func powerOnSettings() -> Settings {
        var settings = Settings(cnmi: profile.defaultCNMI, pinUnlocked: simPIN == nil)
        settings.functionality = profile.powerOnFunctionality
        return settings
    }

    func isCurrent(_ generation: UInt64) -> Bool { sessionGeneration == generation && transport != nil }

    func resetSession() {
        lineBuffer = []
        lineOverflow = false
        prompt = nil
        isBusy = false
        heldURCs = []
        outBuffer = []
        isDraining = false
    }

    func emitNoise(_ n: Int) async {
        // AT^CURC=0 turns the status URCs off (see SimulatorProfile.statusURCInterval).
        guard !profile.noiseURCs.isEmpty, settings.curc != 0 else { return }
        emitURC([profile.noiseURCs[n % profile.noiseURCs.count]])
        await flush()
    }

    /// Waits `count` bytes of wire time when a baud rate is set (8N1: 10 bits per byte).
    func throttle(_ count: Int) async {
        guard let baud = baudRate, baud > 0, count > 0 else { return }
        let nanoseconds = Int64(count) * 10 * 1_000_000_000 / Int64(baud)
        try? await clock.sleep(for: .nanoseconds(nanoseconds))
    }

    // MARK: - Output

    /// Queues bytes for the line and drains the queue (one drainer at a time keeps the order).
    func send(_ bytes: [UInt8]) async {
        outBuffer += bytes
        await flush()
    }

    func flush() async {
        guard !isDraining else { return }
        isDraining = true
        defer { isDraining = false }
        while !outBuffer.isEmpty, let transport {
            var chunk = outBuffer
            outBuffer = []
            chunk = faults.applyOutputFaults(chunk)
            await throttle(chunk.count)
            do {
                try await transport.write(chunk)
            } catch {
                logger.debug("simulated modem write failed", metadata: ["error": "\(error)"])
                outBuffer = []
                return
            }
        }
    }

    /// Formats lines as a URC (`\r\n<line>\r\n` each, V.250 §5.7.1) and sends it now, or after the command in
    /// progress (TS 27.005 §3.4.1 <mode>=2: buffered while the link is reserved).
    func emitURC(_ lines: [String]) {
        // A multi-line URC (+CMT header and PDU) is one block: "\r\n<line>\r\n<line>\r\n".
        let bytes = Array(("\r\n" + lines.joined(separator: "\r\n") + "\r\n").utf8)
        if isBusy || prompt != nil {
            heldURCs.append(bytes)
        } else {
            outBuffer += bytes
        }
    }

    /// An SMS indication (+CMTI, +CMT, +CDSI, +CDS) under the rules of +CNMI <mode> (TS 27.005 §3.4.1).
    func emitIndication(_ lines: [String]) {
        if settings.cnmi.first == 0 {
            bufferedIndications.append(Array(("\r\n" + lines.joined(separator: "\r\n") + "\r\n").utf8))
            if bufferedIndications.count > Self.maximumBufferedIndications { bufferedIndications.removeFirst() }
        } else {
            emitURC(lines)
        }
    }

    // MARK: - Input

    /// Feeds bytes from the line into the command interpreter.
    func receive(_ bytes: [UInt8]) async {
        if isBooting { return }
        if faults.isStalled {
            faults.swallow(bytes)
            return
        }
        var echo: [UInt8] = []
        for byte in bytes {
            if prompt != nil {
                if settings.echo, byte != 0x1A, byte != 0x1B { echo.append(byte) }
                if !echo.isEmpty, byte == 0x1A || byte == 0x1B {
                    await send(echo)
                    echo = []
                }
                await promptByte(byte)
                continue
            }
            if settings.echo { echo.append(byte) }
            switch byte {
            case 0x0D:
                if !echo.isEmpty {
                    await send(echo)
                    echo = []
                }
                let line = lineBuffer
                let overflow = lineOverflow
                lineBuffer = []
                lineOverflow = false
                lastWasCR = true
                await commandLine(line, overflow: overflow)
            case 0x0A:
                // LF after CR (or alone) is not part of a command (V.250 §5.2.1 uses S3 only).
                break
            case 0x08:
                if !lineBuffer.isEmpty { lineBuffer.removeLast() }
            default:
                if lineBuffer.count < Self.maximumLineBuffer {
                    lineBuffer.append(byte)
                } else {
                    lineOverflow = true
                }
            }
        }
        if !echo.isEmpty { await send(echo) }
    }

    func promptByte(_ byte: UInt8) async {
        guard var current = prompt else { return }
        switch byte {
        case 0x1B:
            // ESC aborts the message; the modem answers OK (TS 27.005 §3.5.1).
            prompt = nil
            await finishCommand(.success([]))
        case 0x1A:
            prompt = nil
            let result = await completePrompt(current.kind, hex: current.hex)
            await finishCommand(result)
        case 0x0D, 0x0A, 0x20:
            break
        default:
            if current.hex.count < Self.maximumPDUHexLength + 1 { current.hex.append(byte) }
            prompt = current
        }
    }

    /// Executes one command line: each command in turn, stopping at the first error (V.250 §5.2.1).
    func commandLine(_ raw: [UInt8], overflow: Bool) async {
        var text = String(decoding: raw, as: UTF8.self)
        // V.250 §5.2.1: characters before the "AT" prefix are ignored; a line without it is ignored entirely.
        guard let range = text.range(of: "AT", options: .caseInsensitive) else { return }
        text = String(text[range.lowerBound...])
        logger.trace("simulated modem command", metadata: ["at.command": "\(text)"])
        isBusy = true
        if overflow {
            await finishCommand(.failure(.error))
            return
        }
        let commands: [ATCommand]
        do {
            commands = try ATCommandLine.parse(text)
        } catch {
            await finishCommand(.failure(.error))
            return
        }
        if let hang = faults.hang, hang == .everything || commands.contains(where: { hangs(on: $0, hang) }) {
            // A hung modem never completes the command: no answer, not even an error (gammu resets such sticks
            // after a timeout: `libgammu/gsmstate.c` `GSM_WaitFor`, F_RESET_AFTER_TIMEOUT). Only a reset revives it;
            // when nothing answers, the reset still acts (assumed).
            isBusy = false
            logger.debug("simulated modem is hung; command not answered", metadata: ["at.command": "\(text)"])
            if hang == .everything, commands.contains(where: isReset) { await reboot() }
            return
        }
        var info: [[String]] = []
        for (n, command) in commands.enumerated() {
            if let forced = faults.forcedFailure(for: command.name) {
                await finishCommand(.failure(forced), info: info)
                return
            }
            let outcome = await execute(command)
            switch outcome {
            case .success(let lines):
                if !lines.isEmpty { info.append(lines) }
            case .failure(let failure):
                await finishCommand(.failure(failure), info: info)
                return
            case .prompt(let kind):
                guard n == commands.count - 1 else {
                    await finishCommand(.failure(.error), info: info)
                    return
                }
                // The prompt has no line end (TS 27.005 §3.5.1: "<CR><LF><greater_than><space>").
                prompt = (kind, [])
                await send(formatInfo(info) + Array("\r\n> ".utf8))
                return
            case .raw(let bytes):
                await send(formatInfo(info) + bytes)
                info = []
            }
        }
        await finishCommand(.success([]), info: info)
    }

    /// What one command produced.
    enum Outcome {
        case success([String])
        case failure(ATFailure)
        case prompt(PromptKind)
        /// Already formatted bytes (AT+CLAC's vendor line ends).
        case raw([UInt8])
    }

    func formatInfo(_ info: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        for block in info {
            if settings.verbose {
                out += Array(("\r\n" + block.joined(separator: "\r\n") + "\r\n").utf8)
            } else {
                out += Array((block.joined(separator: "\r\n") + "\r\n").utf8)
            }
        }
        return out
    }

    /// Sends the information text and the final result code, then any URC held during the command.
    func finishCommand(_ outcome: Outcome, info: [[String]] = []) async {
        var out = formatInfo(info)
        if case .success(let lines) = outcome, !lines.isEmpty { out += formatInfo([lines]) }
        if !settings.quiet {
            let final: String
            switch outcome {
            case .failure(let failure):
                final = failure.text(cmee: settings.cmee, verbose: settings.verbose, profile: profile)
            default: final = settings.verbose ? "OK" : "0"
            }
            out += Array((settings.verbose ? "\r\n\(final)\r\n" : "\(final)\r").utf8)
        }
        isBusy = false
        for held in heldURCs { out += held }
        heldURCs = []
        await send(out)
        if rebootAfterCommand {
            rebootAfterCommand = false
            await reboot()
        }
    }
}

/// A final result code other than OK (V.250 §5.7.1, TS 27.007 §9.2, TS 27.005 §3.2.5).
public enum ATFailure: Error, Hashable, Sendable {
    /// ERROR, or the profile's own word for an unknown command.
    case error
    /// The profile's answer to a command it does not know (Huawei: COMMAND NOT SUPPORT).
    case unknownCommand
    /// +CME ERROR: <err> (TS 27.007 §9.2).
    case cme(Int)
    /// +CMS ERROR: <err> (TS 27.005 §3.2.5).
    case cms(Int)

    func text(cmee: Int, verbose: Bool, profile: SimulatorProfile) -> String {
        switch self {
        case .error: return verbose ? "ERROR" : "4"
        case .unknownCommand: return verbose ? profile.unknownCommandResult : "4"
        case .cme(let code):
            switch cmee {
            case 0: return verbose ? "ERROR" : "4"
            case 2: return "+CME ERROR: \(Self.cmeText[code] ?? "unknown")"
            default: return "+CME ERROR: \(code)"
            }
        case .cms(let code):
            // +CMS ERROR is the final result of SMS commands whatever +CMEE says (TS 27.005 §3.2.5); +CMEE=2
            // selects the verbose form on the modems that have one.
            if cmee == 2, let text = Self.cmsText[code] { return "+CMS ERROR: \(text)" }
            return "+CMS ERROR: \(code)"
        }
    }

    static let cmeText: [Int: String] = [
        3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted", 11: "SIM PIN required",
        12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy", 16: "incorrect password", 21: "invalid index",
        30: "no network service", 100: "unknown",
    ]
    static let cmsText: [Int: String] = [
        300: "ME failure", 302: "operation not allowed", 303: "operation not supported",
        304: "invalid PDU mode parameter", 310: "SIM not inserted", 311: "SIM PIN required", 316: "SIM PUK required",
        321: "invalid memory index", 322: "memory full", 330: "SMSC address unknown", 331: "no network service",
        332: "network timeout", 340: "no +CNMA acknowledgement expected", 500: "unknown error",
    ]
}
