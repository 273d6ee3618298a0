import Foundation
import Logging
import ModemSimulator
import Synchronization
import TestSupport
import Testing

@testable import Modem

/// Start-up on real sticks: a SIM busy for up to a minute, SMS-ready lines, the character set, Huawei's port and
/// URC switches, and PIN safety (a refused PIN is never sent again, not even by the next process).
@Suite struct ATModemStartupTests {
    static let logger = Logger(label: "test.startup", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The driver (with `rejectedPINs`) against a scripted modem on `clock`.
    @discardableResult
    static func withScripted<C: Clock, R: Sendable>(
        configuration: ATModemConfiguration = .init(),
        clock: C,
        rejectedPINs: RejectedPINMemory? = nil,
        handler: @escaping @Sendable (String) -> ScriptedModem.Reply,
        _ body: @Sendable (ATModem, ScriptedModem) async throws -> R
    ) async throws -> R where C.Duration == Duration {
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let scripted = ScriptedModem(transport: modemSide, handler: handler)
        let modem = ATModem(
            transport: driverSide,
            configuration: configuration,
            clock: clock,
            rejectedPINs: rejectedPINs,
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await scripted.run() }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            let result: Result<R, any Error>
            do { result = .success(try await body(modem, scripted)) } catch { result = .failure(error) }
            await modem.close()
            await modemSide.close()
            return try result.get()
        }
    }

    /// Counts down: busy while the counter is above zero.
    static func busyCounter(_ count: Int) -> Mutex<Int> { Mutex(count) }

    // MARK: - SIM busy

    /// A SIM busy for 50 s (25 polls 2 s apart) is waited out: the bound is 60 s, not 5 × 1 s.
    @Test func aSIMBusyForMostOfAMinuteIsWaitedOut() async throws {
        let clock = ManualClock()
        let busy = Mutex(25)
        let handler = try ATModemTests.huaweiHandler { command in
            guard command == "AT+CPIN?" else { return nil }
            let isBusy = busy.withLock { value in
                defer { value -= 1 }
                return value > 0
            }
            return isBusy ? .text("\r\n+CME ERROR: 14\r\n") : .text("\r\n+CPIN: READY\r\nOK\r\n")
        }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            let started = Task { try await modem.start() }
            for attempt in 1...25 {
                try await eventually("busy answer \(attempt) and its pause") {
                    scripted.commands.filter { $0 == "AT+CPIN?" }.count == attempt
                        && clock.hasSleeper(dueIn: ATModem.simBusyPause)
                }
                clock.advance(by: ATModem.simBusyPause)
            }
            let startup = try await started.value
            #expect(startup.profile.family == .huawei)
            #expect(scripted.commands.filter { $0 == "AT+CPIN?" }.count == 26)
        }
    }

    /// A SIM that stays busy ends start-up with `.simBusy` after the bound (30 polls of 2 s), not before.
    @Test func aSIMBusyForeverEndsStartUpAfterTheBound() async throws {
        let clock = ManualClock()
        let handler = try ATModemTests.huaweiHandler { command in
            command == "AT+CPIN?" ? .text("\r\n+CMS ERROR: 314\r\n") : nil
        }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            let started = Task { try await modem.start() }
            for attempt in 1...30 {
                try await eventually("busy answer \(attempt) and its pause") {
                    scripted.commands.filter { $0 == "AT+CPIN?" }.count == attempt
                        && clock.hasSleeper(dueIn: ATModem.simBusyPause)
                }
                clock.advance(by: ATModem.simBusyPause)
            }
            let error = await #expect(throws: ModemError(.simBusy)) { try await started.value }
            #expect(error?.underlying?.cmsError == .simBusy)
            #expect(clock.elapsed == .seconds(60))
            #expect(scripted.commands.filter { $0 == "AT+CPIN?" }.count == 31)
        }
    }

    /// A SIM still busy at AT+CPMS=? after the bound fails the start-up (which the supervisor runs again) instead
    /// of leaving a session without storages.
    @Test func aSIMBusyAtTheStorageQueryFailsTheStartUp() async throws {
        let clock = ManualClock()
        let handler = try ATModemTests.huaweiHandler { command in
            command == "AT+CPMS=?" ? .text("\r\n+CMS ERROR: 314\r\n") : nil
        }
        var configuration = ATModemConfiguration()
        configuration.simBusyTimeout = .seconds(4)
        try await Self.withScripted(configuration: configuration, clock: clock, handler: handler) { modem, scripted in
            let started = Task { try await modem.start() }
            for attempt in 1...2 {
                try await eventually("busy answer \(attempt) and its pause") {
                    scripted.commands.filter { $0 == "AT+CPMS=?" }.count == attempt
                        && clock.hasSleeper(dueIn: ATModem.simBusyPause)
                }
                clock.advance(by: ATModem.simBusyPause)
            }
            await #expect(throws: ModemError(.simBusy)) { try await started.value }
            #expect(modem.startup == nil)
        }
    }

    /// Where the profile knows an SMS-ready line (Quectel `+QIND: SMS DONE`), start-up waits for it instead of
    /// polling: the line ends the wait without the clock moving.
    @Test func theSMSReadyLineEndsTheWait() async throws {
        let clock = ManualClock()
        let ready = Mutex(false)
        let handler = try ATModemTests.huaweiHandler { command in
            guard command == "AT+CMGF=0", !ready.withLock({ $0 }) else { return nil }
            return .text("\r\n+CMS ERROR: 314\r\n")
        }
        var configuration = ATModemConfiguration()
        configuration.profile = .profile(for: .quectelEC25)
        try await Self.withScripted(configuration: configuration, clock: clock, handler: handler) { modem, scripted in
            let started = Task { try await modem.start() }
            try await eventually("busy answer and the wait for SMS DONE") {
                scripted.commands.contains("AT+CMGF=0") && clock.hasSleeper(dueIn: ATModem.smsReadyWait)
            }
            ready.withLock { $0 = true }
            try await scripted.inject("\r\n+QIND: SMS DONE\r\n")
            let startup = try await started.value
            #expect(startup.profile.family == .quectelEC25)
            #expect(clock.elapsed == .zero)
            #expect(scripted.commands.filter { $0 == "AT+CMGF=0" }.count == 2)
        }
    }

    // MARK: - Against the simulator's SIM-busy window

    /// The driver and a simulated modem with `profile` on one manual clock (the SIM-busy window and the driver's
    /// pauses move together).
    static func withSimulated<R: Sendable>(
        profile: SimulatorProfile,
        _ body: @Sendable (ATModem, ManualClock) async throws -> R
    ) async throws -> R {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: logger)
        let simulated = await network.makeModem(profile: profile)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, clock: clock, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            let result: Result<R, any Error>
            do { result = .success(try await body(modem, clock)) } catch { result = .failure(error) }
            await modem.close()
            await modemSide.close()
            return try result.get()
        }
    }

    /// A Huawei E3372 whose SIM stays busy for 40 s after power-on: polled every 2 s and waited out (the old
    /// bound of 5 × 1 s gave up long before).
    @Test func aSimulatedHuaweiBusyFor40SecondsStarts() async throws {
        var profile = SimulatorProfile.huaweiE3372
        profile.simBusyDuration = .seconds(40)
        try await Self.withSimulated(profile: profile) { modem, clock in
            let started = Task { try await modem.start() }
            try await eventually("started") {
                if clock.hasSleeper(dueIn: ATModem.simBusyPause) { clock.advance(by: ATModem.simBusyPause) }
                return modem.startup != nil
            }
            let startup = try await started.value
            #expect(startup.profile.family == .huaweiE3372)
            #expect(clock.elapsed >= .seconds(40))
        }
    }

    /// A Quectel EC25 busy for 20 s: the driver waits for `+QIND: SMS DONE` and starts when it comes, not at its
    /// next 15 s poll (which would be at 31 s here).
    @Test func aSimulatedQuectelStartsOnItsSMSReadyLine() async throws {
        var profile = SimulatorProfile.quectelEC25
        profile.simBusyDuration = .seconds(20)
        try await Self.withSimulated(profile: profile) { modem, clock in
            let started = Task { try await modem.start() }
            try await eventually("waiting for SMS DONE") { clock.hasSleeper(dueIn: ATModem.smsReadyWait) }
            clock.advance(by: .seconds(16))  // the poll at 15 s: still busy; the next wait ends at 31 s
            try await eventually("waiting again") { clock.hasSleeper(dueIn: ATModem.smsReadyWait) }
            clock.advance(by: .seconds(4))  // the window ends at 20 s: +QIND: SMS DONE
            try await eventually("started on SMS DONE") { modem.startup != nil }
            let startup = try await started.value
            #expect(startup.profile.family == .quectelEC25)
            #expect(clock.elapsed == .seconds(20))
        }
    }

    /// A Huawei that floods status URCs (^RSSI, ^DSFLOWRPT…) until ^CURC=0: after start-up the flood stops.
    @Test func theHuaweiStatusFloodStopsAfterStartUp() async throws {
        var profile = SimulatorProfile.huaweiE3372
        profile.statusURCInterval = .seconds(1)
        try await Self.withSimulated(profile: profile) { modem, clock in
            let seen = Mutex(0)
            let codes = modem.unsolicitedCodes()
            let counter = Task {
                for await _ in codes { seen.withLock { $0 += 1 } }
            }
            defer { counter.cancel() }
            _ = try await modem.start()
            let before = seen.withLock { $0 }
            for _ in 0..<5 {
                #expect(await clock.waitForSleepers(1))
                clock.advance(by: .seconds(1))
            }
            // A line sent after the flood would have come before this command's answer.
            _ = try await modem.send(ATCommand("AT", timeout: .seconds(5)))
            #expect(seen.withLock { $0 } == before)
        }
    }

    // MARK: - Character set and vendor steps

    @Test func theCharacterSetIsChosenSoThatNumbersDecode() async throws {
        let handler = try ATModemTests.huaweiHandler { command in
            command == "AT+CSCS=?" ? .text("\r\n+CSCS: (\"IRA\",\"GSM\",\"UCS2\")\r\nOK\r\n") : nil
        }
        try await ATModemTests.withScripted(handler: handler) { modem, scripted in
            let startup = try await modem.start()
            #expect(startup.characterSet == "IRA")
            #expect(scripted.commands.contains("AT+CSCS=\"IRA\""))
        }
    }

    /// A modem that offers only UCS2 gets it, and +CNUM/+COPS hex strings are decoded.
    @Test func aUCS2OnlyModemHasItsStringsDecoded() async throws {
        let handler = try ATModemTests.huaweiHandler { command in
            switch command {
            case "AT+CSCS=?": .text("\r\n+CSCS: (\"UCS2\")\r\nOK\r\n")
            case "AT+CNUM": .text("\r\n+CNUM: ,\"002B00320037003800320030003000300031003200330034\",145\r\nOK\r\n")
            case "AT+COPS?": .text("\r\n+COPS: 0,0,\"0056006F006400610063006F006D\",2\r\nOK\r\n")
            default: nil
            }
        }
        try await ATModemTests.withScripted(handler: handler) { modem, _ in
            let startup = try await modem.start()
            #expect(startup.characterSet == "UCS2")
            #expect(try await modem.identity().msisdn == "+27820001234")
            #expect(try await modem.networkStatus().operatorName == "Vodacom")
        }
    }

    /// Huawei: ^CURC=0 (no status flood) and ^PORTSEL=0 (indications on the AT port) before anything else.
    @Test func huaweiSticksGetTheirURCSwitchesFirst() async throws {
        let handler = try ATModemTests.huaweiHandler()
        try await ATModemTests.withScripted(handler: handler) { modem, scripted in
            _ = try await modem.start()
            let commands = scripted.commands
            let curc = try #require(commands.firstIndex(of: "AT^CURC=0"))
            let portsel = try #require(commands.firstIndex(of: "AT^PORTSEL=0"))
            let cfun = try #require(commands.firstIndex(of: "AT+CFUN?"))
            #expect(curc < cfun && portsel < cfun)
        }
    }

    @Test func resetCommandsFollowTheProfile() {
        #expect(ATModemProfile.profile(for: .huaweiE3372).resetCommand == "AT^RESET")
        #expect(ATModemProfile.profile(for: .quectelEC25).resetCommand == "AT+CFUN=1,1")
        #expect(ATModemProfile.profile(for: .generic).resetCommand == "AT+CFUN=1,1")
        #expect(ATModemProfile.profile(for: .nokia).resetCommand == nil)
    }

    // MARK: - PIN safety

    /// A scripted SIM that wants a PIN, accepts `correct`, counts attempts and locks after three wrong ones.
    final class PINSIM: Sendable {
        let correct: String
        private let state = Mutex((attemptsLeft: 3, unlocked: false))
        init(correct: String) { self.correct = correct }

        var attemptsLeft: Int { state.withLock { $0.attemptsLeft } }

        func handler(huawei: Bool = false) throws -> @Sendable (String) -> ScriptedModem.Reply {
            try ATModemTests.huaweiHandler { command in
                switch command {
                case "AT+CPIN?":
                    let (left, unlocked) = self.state.withLock { ($0.attemptsLeft, $0.unlocked) }
                    if unlocked { return .text("\r\n+CPIN: READY\r\nOK\r\n") }
                    return .text(left == 0 ? "\r\n+CPIN: SIM PUK\r\nOK\r\n" : "\r\n+CPIN: SIM PIN\r\nOK\r\n")
                case "AT+CPINR=\"SIM PIN\"":
                    return huawei
                        ? .text("\r\nERROR\r\n") : .text("\r\n+CPINR: SIM PIN,\(self.attemptsLeft),3\r\nOK\r\n")
                case "AT^CPIN?":
                    return huawei
                        ? .text("\r\n^CPIN: SIM PIN,\(self.attemptsLeft),10,\(self.attemptsLeft),10,3\r\nOK\r\n") : nil
                case let text where text.hasPrefix("AT+CPIN=\""):
                    let pin = String(text.dropFirst(9).dropLast())
                    let accepted = self.state.withLock { state -> Bool in
                        if pin == self.correct, state.attemptsLeft > 0 {
                            state.unlocked = true
                            return true
                        }
                        state.attemptsLeft = max(0, state.attemptsLeft - 1)
                        return false
                    }
                    return .text(accepted ? "\r\nOK\r\n" : "\r\n+CME ERROR: 16\r\n")
                default:
                    return nil
                }
            }
        }
    }

    /// A refused PIN is not sent again: not by the next start-up, not by the next process (the record is a file);
    /// a different PIN is tried once, and the right one clears the record.
    @Test func aRefusedPINIsNeverSentAgain() async throws {
        let scratch = try ScratchDirectory("pin")
        defer { scratch.remove() }
        let path = scratch.path("rejected-pin")
        let sim = PINSIM(correct: "4321")
        let wrong = ATModemConfiguration(pin: "1234")
        @Sendable func pinCommands(_ scripted: ScriptedModem) -> Int {
            scripted.commands.filter { $0.hasPrefix("AT+CPIN=") }.count
        }

        // First process: the wrong PIN is sent once, refused, and remembered.
        try await Self.withScripted(
            configuration: wrong,
            clock: ContinuousClock(),
            rejectedPINs: RejectedPINMemory(path: path),
            handler: try sim.handler()
        ) { modem, scripted in
            let error = await #expect(throws: ModemError(.pinRejected)) { try await modem.start() }
            #expect(error?.pinAttemptsLeft == 2)
            // The same driver starting again does not send it either.
            await #expect(throws: ModemError(.pinRejected)) { try await modem.start() }
            #expect(pinCommands(scripted) == 1)
        }
        #expect(sim.attemptsLeft == 2)
        // Only a random salt and a digest, in hex, are kept: not the PIN. (A plain `contains("1234")` on the file
        // fails now and then, when the salt or the digest happens to hold those four digits.)
        let fields = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isWhitespace)
        #expect(!fields.isEmpty)
        #expect(fields.allSatisfy { $0.count >= 32 && $0.allSatisfy(\.isHexDigit) })

        // Second process, same configuration: nothing is sent.
        try await Self.withScripted(
            configuration: wrong,
            clock: ContinuousClock(),
            rejectedPINs: RejectedPINMemory(path: path),
            handler: try sim.handler()
        ) { modem, scripted in
            let error = await #expect(throws: ModemError(.pinRejected)) { try await modem.start() }
            #expect(error?.pinAttemptsLeft == 2)
            #expect(pinCommands(scripted) == 0)
        }
        #expect(sim.attemptsLeft == 2)

        // The user fixes the configuration: the new PIN is tried once, works, and the record is gone.
        try await Self.withScripted(
            configuration: ATModemConfiguration(pin: "4321"),
            clock: ContinuousClock(),
            rejectedPINs: RejectedPINMemory(path: path),
            handler: try sim.handler()
        ) { modem, scripted in
            _ = try await modem.start()
            #expect(pinCommands(scripted) == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(RejectedPINMemory(path: path).isRejected("1234") == false)
    }

    /// A PIN whose answer never comes counts as refused: it is remembered before it is sent.
    @Test func aPINIsRememberedBeforeItIsSent() async throws {
        let memory = RejectedPINMemory(path: nil)
        let seenRemembered = Mutex<Bool?>(nil)
        let handler = try ATModemTests.huaweiHandler { command in
            switch command {
            case "AT+CPIN?": return .text("\r\n+CPIN: SIM PIN\r\nOK\r\n")
            case "AT+CPIN=\"1234\"":
                seenRemembered.withLock { $0 = memory.isRejected("1234") }
                return .text("\r\n+CME ERROR: 16\r\n")
            default: return nil
            }
        }
        try await Self.withScripted(
            configuration: ATModemConfiguration(pin: "1234"),
            clock: ContinuousClock(),
            rejectedPINs: memory,
            handler: handler
        ) { modem, _ in
            await #expect(throws: ModemError(.pinRejected)) { try await modem.start() }
        }
        #expect(seenRemembered.withLock { $0 } == true)
        #expect(memory.isRejected("1234"))
        #expect(!memory.isRejected("4321"))
    }

    /// Huawei tells the attempts left with ^CPIN? (ModemManager `load_unlock_retries`).
    @Test func huaweiTellsTheAttemptsLeftWithItsOwnCommand() async throws {
        let sim = PINSIM(correct: "4321")
        try await Self.withScripted(
            configuration: ATModemConfiguration(pin: "1111"),
            clock: ContinuousClock(),
            rejectedPINs: RejectedPINMemory(path: nil),
            handler: try sim.handler(huawei: true)
        ) { modem, scripted in
            let error = await #expect(throws: ModemError(.pinRejected)) { try await modem.start() }
            #expect(error?.pinAttemptsLeft == 2)
            #expect(scripted.commands.contains("AT^CPIN?"))
        }
    }

    /// With no PIN configured, the PIN state and the attempts are reported; nothing is sent.
    @Test func aSIMThatWantsAPINWithoutOneConfiguredIsReported() async throws {
        let sim = PINSIM(correct: "4321")
        try await ATModemTests.withScripted(handler: try sim.handler()) { modem, scripted in
            let error = await #expect(throws: ModemError(.pinRequired)) { try await modem.start() }
            #expect(error?.pinAttemptsLeft == 3)
            #expect(!scripted.commands.contains { $0.hasPrefix("AT+CPIN=") })
        }
    }

    // MARK: - Parsers

    @Test func pinAttemptAnswers() {
        #expect(ATResponseParser.pinAttempts(["+CPINR: SIM PIN,2,3"]) == 2)
        #expect(ATResponseParser.pinAttempts(["+CPINR: SIM PUK,10,10", "+CPINR: \"SIM PIN\",1,3"]) == 1)
        #expect(ATResponseParser.pinAttempts(["^CPIN: SIM PIN,3,10,3,10,3"]) == 3)
        #expect(ATResponseParser.pinAttempts(["^CPIN: READY,,10,2,10,3"]) == 2)
        #expect(ATResponseParser.pinAttempts(["+QPINC: \"SC\",1,10"]) == 1)
        #expect(ATResponseParser.pinAttempts(["+QPINC: \"P2\",3,10"]) == nil)
        #expect(ATResponseParser.pinAttempts(["+CPINR: SIM PIN,99,3"]) == nil)
        #expect(ATResponseParser.pinAttempts(["OK"]) == nil)
    }

    @Test func ucs2HexDecodes() {
        #expect(ATResponseParser.decodeUCS2Hex("0056006F0064") == "Vod")
        #expect(ATResponseParser.decodeUCS2Hex("00E900E8") == "éè")
        #expect(ATResponseParser.decodeUCS2Hex("Vodacom") == nil)
        #expect(ATResponseParser.decodeUCS2Hex("123") == nil)
        #expect(ATResponseParser.decodeUCS2Hex("") == nil)
    }

    /// FIPS 180-2 Appendix B vectors.
    @Test func sha256KnownVectors() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(
            hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(
            hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
