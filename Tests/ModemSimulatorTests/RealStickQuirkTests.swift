import Foundation
import Logging
import Modem
import SMSCodec
import TestSupport
import Testing

@testable import ModemSimulator

/// The quirks of real sticks the profiles can switch on: a SIM busy after power-on, SMS-ready URCs, a hung modem that
/// only a reset revives, a status-URC flood, indications routed to another port.
@Suite struct RealStickQuirkTests {
    static let logger = Logger(label: "test.sim", factory: { _ in SwiftLogNoOpLogHandler() })

    static func profile(
        _ base: SimulatorProfile,
        _ change: (inout SimulatorProfile) -> Void
    ) -> SimulatorProfile {
        var profile = base
        change(&profile)
        return profile
    }

    // MARK: - SIM busy after power-on, SMS-ready URCs

    @Test func theSIMIsBusyUntilTheWindowEndsOnTheClock() async throws {
        let clock = ManualClock()
        let quectel = Self.profile(.quectelEC25) { $0.simBusyDuration = .seconds(10) }
        let h = try await DialogueHarness.start(profile: quectel, clock: clock)
        try await h.setUpLikeADriver()
        #expect(await h.modem.isSIMBusy)
        // SIM commands: +CME ERROR: 14; SMS commands: +CMS ERROR: 314; the rest answers.
        #expect(try await h.command("AT+CPIN?") == "\r\n+CME ERROR: 14\r\n")
        #expect(try await h.command("AT+CIMI") == "\r\n+CME ERROR: 14\r\n")
        #expect(try await h.command("AT+CPMS?") == "\r\n+CMS ERROR: 314\r\n")
        #expect(try await h.command("AT+CMGL=4") == "\r\n+CMS ERROR: 314\r\n")
        #expect(try await h.command("AT+CGMI") == "\r\nQuectel\r\n\r\nOK\r\n")
        // The network holds what arrives meanwhile.
        await h.network.injectText("held while busy", from: "+15550000042", to: h.modem.number)
        #expect(await h.network.queuedCount(for: h.modem.number) == 1)

        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(9))
        #expect(try await h.command("AT+CPIN?") == "\r\n+CME ERROR: 14\r\n")
        clock.advance(by: .seconds(1))
        let ready = try await h.read(until: "+QIND: PB DONE\r\n")
        #expect(ready == "\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n")
        #expect(await !h.modem.isSIMBusy)
        #expect(try await h.command("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        try await eventually("the held message delivered") {
            await h.network.queuedCount(for: h.modem.number) == 0
        }
        let listed = listedPDUs(try await h.command("AT+CMGL=4"))
        #expect(try listed.map { try decodeDeliver($0.pdu).text } == ["held while busy"])
        await h.stop()
    }

    @Test func aResetStartsTheSIMBusyWindowAgain() async throws {
        let clock = ManualClock()
        let simcom = Self.profile(.simcomSIM800) { $0.simBusyDuration = .seconds(5) }
        let h = try await DialogueHarness.start(profile: simcom, clock: clock)
        try await h.setUpLikeADriver()
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(5))
        _ = try await h.read(until: "SMS Ready\r\n")
        #expect(try await h.command("AT+CPMS?").hasSuffix("\r\nOK\r\n"))
        #expect(try await h.command("AT+CFUN=1,1") == "\r\nOK\r\n")
        #expect(try await h.read(until: "+CFUN: 1\r\n") == "\r\nRDY\r\n\r\n+CFUN: 1\r\n")
        _ = try await h.command("ATE0")
        #expect(try await h.command("AT+CPMS?") == "\r\n+CMS ERROR: 314\r\n")
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(5))
        #expect(try await h.read(until: "SMS Ready\r\n") == "\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n")
        #expect(try await h.command("AT+CPMS?").hasSuffix("\r\nOK\r\n"))
        await h.stop()
    }

    @Test(arguments: SimulatorProfile.all.filter { !$0.smsReadyURCs.isEmpty })
    func smsReadyURCsComeWhenTheSIMIsReady(base: SimulatorProfile) async throws {
        let clock = ManualClock()
        let profile = Self.profile(base) { $0.simBusyDuration = .seconds(3) }
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let modem = await network.makeModem(profile: profile)
        let h = DialogueHarness(network: network, modem: modem)
        h.serve()
        // Nothing but the start-up lines before the window ends: an `AT` right after them is answered alone.
        let startup = profile.startupURCs.map { "\r\n\($0)\r\n" }.joined()
        try await h.write("AT\r")
        #expect(try await h.read(until: "OK\r\n") == startup + "AT\r\r\nOK\r\n")
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(3))
        let last = try #require(profile.smsReadyURCs.last)
        #expect(try await h.read(until: last + "\r\n") == profile.smsReadyURCs.map { "\r\n\($0)\r\n" }.joined())
        await h.stop()
    }

    @Test func theDriverStartsOnceTheSIMIsReadyAndFindsWhatTheNetworkHeld() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(
            profile: Self.profile(.quectelEC25) { $0.simBusyDuration = .seconds(8) }
        )
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            await network.injectText("while the SIM was busy", from: "+15550000042", to: simulated.number)
            #expect(await network.queuedCount(for: simulated.number) == 1)
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(8))
            try await eventually("the SIM ready") { await !simulated.isSIMBusy }
            let startup = try await modem.start()
            try await eventually("the held message delivered") {
                await network.queuedCount(for: simulated.number) == 0
            }
            var texts: [String] = []
            for storage in startup.storages {
                texts += try await modem.listMessages(in: storage).compactMap { try? decodeDeliver($0.pdu).text }
            }
            #expect(texts == ["while the SIM was busy"])
            await modem.close()
            await modemSide.close()
        }
    }

    // MARK: - A hung modem

    @Test func aHungSMSServiceAnswersOnlyPlainCommandsUntilAReset() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        await h.modem.hang(.smsService)
        // AT+CPMS? is swallowed: the next command's answer is all that comes.
        try await h.write("AT+CPMS?\r")
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        try await h.write("AT+CMGL=4\r")
        #expect(try await h.command("AT+CGMI") == "\r\nhuawei\r\n\r\nOK\r\n")
        await h.network.injectText("held while hung", from: "+15550000042", to: h.modem.number)
        #expect(await h.network.queuedCount(for: h.modem.number) == 1)

        // The reset: answered, then the power-on URCs; settings lost (echo on again), the SMS service back.
        #expect(try await h.command("AT+CFUN=1,1") == "\r\nOK\r\n")
        #expect(
            try await h.read(until: "^RSSI:18\r\n") == "\r\n^BOOT:12345678,0,0,0,75\r\n\r\n^SIMST:1\r\n\r\n^RSSI:18\r\n"
        )
        #expect(await h.modem.hangState == nil)
        #expect(try await h.command("AT") == "AT\r\r\nOK\r\n")
        _ = try await h.command("ATE0")
        try await eventually("the held message delivered") {
            await h.network.queuedCount(for: h.modem.number) == 0
        }
        let listed = listedPDUs(try await h.command("AT+CMGL=4"))
        #expect(try listed.map { try decodeDeliver($0.pdu).text } == ["held while hung"])
        await h.stop()
    }

    @Test func theDriverTimesOutOnAHungSMSServiceAndAResetRevivesIt() async throws {
        let networkClock = ManualClock()
        let network = SimulatedNetwork(clock: networkClock, wallClock: networkClock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(profile: .huaweiE173)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let driverClock = ManualClock()
        let configuration = ATModemConfiguration(commandTimeout: .seconds(5))
        let modem = ATModem(
            transport: driverSide,
            configuration: configuration,
            clock: driverClock,
            logger: Self.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            let startup = try await modem.start()
            let storage = try #require(startup.storages.first)
            await simulated.hang(.smsService)
            // The driver's time runs 1 ms whenever it sleeps (deadlines, recovery pauses): an answered command beats
            // its 5 s deadline by thousands of ticks, the unanswered one reaches it.
            let ticker = Task {
                while !Task.isCancelled {
                    if driverClock.sleeperCount > 0 { driverClock.advance(by: .milliseconds(1)) }
                    await Task.yield()
                }
            }
            defer { ticker.cancel() }
            await #expect(throws: (any Error).self) { try await modem.listMessages(in: storage) }
            // Plain commands still answer; the held message waits in the network.
            #expect(try await modem.signalQuality().rssi >= 0)
            await network.injectText("after the reset", from: "+15550000042", to: simulated.number)
            #expect(await network.queuedCount(for: simulated.number) == 1)
            // The reset: answered, then the restart; the driver starts again and finds the message.
            #expect(try await modem.send(ATCommand("AT+CFUN=1,1")).result == .ok)
            try await eventually("the modem restarted") { await simulated.hangState == nil }
            let again = try await modem.start()
            try await eventually("the held message delivered") {
                await network.queuedCount(for: simulated.number) == 0
            }
            var texts: [String] = []
            for storage in again.storages {
                texts += try await modem.listMessages(in: storage).compactMap { try? decodeDeliver($0.pdu).text }
            }
            #expect(texts == ["after the reset"])
            await modem.close()
            await modemSide.close()
        }
    }

    @Test func aModemThatAnswersNothingRestartsOnItsVendorReset() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE3372)
        try await h.setUpLikeADriver()
        await h.modem.hang(.everything)
        try await h.write("AT\r")
        try await h.write("AT+CGMI\r")
        // AT^RESET (ModemManager's Huawei reset) is not answered either, but the modem restarts.
        try await h.write("AT^RESET\r")
        let restarted = try await h.read(until: "^RSSI:20\r\n")
        #expect(restarted == "\r\n^SIMST:1\r\n\r\n^RSSI:20\r\n")
        #expect(try await h.command("AT") == "AT\r\r\nOK\r\n")
        await h.stop()
    }

    @Test func vendorResetsAnswerThenRestart() async throws {
        let h = try await DialogueHarness.start(profile: .simcomSIM7600)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CRESET") == "\r\nOK\r\n")
        #expect(
            try await h.read(until: "PB DONE\r\n") == "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"
        )
        await h.stop()
    }

    @Test func aReplugAlsoRevivesAHungModem() async throws {
        let h = try await DialogueHarness.start(profile: .simcomSIM800)
        await h.modem.hang(.everything)
        await h.modem.unplug()
        _ = await h.serveTask?.result
        let again = DialogueHarness(network: h.network, modem: h.modem)
        again.serve()
        _ = try await again.read(until: "SMS Ready\r\n")
        #expect(await h.modem.hangState == nil)
        #expect(try await again.command("AT") == "AT\r\r\nOK\r\n")
        await again.stop()
    }

    // MARK: - Status URC flood

    @Test func huaweiStatusURCsFloodUntilCURCTurnsThemOff() async throws {
        let clock = ManualClock()
        let flooding = Self.profile(.huaweiE173) { $0.statusURCInterval = .seconds(1) }
        let h = try await DialogueHarness.start(profile: flooding, clock: clock)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT^CURC?") == "\r\n^CURC: 1\r\n\r\nOK\r\n")
        var seen: [String] = []
        for line in flooding.noiseURCs {
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(1))
            seen.append(try await h.read(until: line + "\r\n"))
        }
        #expect(seen == flooding.noiseURCs.map { "\r\n\($0)\r\n" })
        #expect(try await h.command("AT^CURC=0") == "\r\nOK\r\n")
        for _ in 0..<3 {
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(1))
        }
        // The flood task is asleep again, so whatever it sent is on the line before this answer: nothing.
        #expect(await clock.waitForSleepers(1))
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        #expect(try await h.command("AT^CURC?") == "\r\n^CURC: 0\r\n\r\nOK\r\n")
        await h.stop()
    }

    // MARK: - Indications on another port

    @Test func indicationsGoElsewhereUntilPORTSELSelectsThisPort() async throws {
        let portsel = Self.profile(.huaweiE173) { $0.indicationPortSelection = 1 }
        let h = try await DialogueHarness.start(profile: portsel)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT^PORTSEL?") == "\r\n^PORTSEL: 0\r\n\r\nOK\r\n")
        _ = try await h.command("AT+CPMS=\"SM\",\"SM\",\"SM\"")
        _ = try await h.command("AT+CNMI=2,1,0,2,0")
        await h.network.injectText("first", from: "+15550000042", to: h.modem.number)
        try await eventually("the first message stored") { await h.modem.storedMessages(in: .sim).count == 1 }
        // No +CMTI here: it went to the other port. The message is stored all the same.
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        // +CMT routing (<mt>=2) is not seen here either: the message is stored instead.
        _ = try await h.command("AT+CNMI=2,2,0,1,0")
        await h.network.injectText("second", from: "+15550000042", to: h.modem.number)
        try await eventually("the second message stored") { await h.modem.storedMessages(in: .sim).count == 2 }
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        let listed = listedPDUs(try await h.command("AT+CMGL=4"))
        #expect(try listed.map { try decodeDeliver($0.pdu).text } == ["first", "second"])

        #expect(try await h.command("AT^PORTSEL=1") == "\r\nOK\r\n")
        _ = try await h.command("AT+CNMI=2,1,0,2,0")
        await h.network.injectText("third", from: "+15550000042", to: h.modem.number)
        #expect(try await h.read(until: "+CMTI: \"SM\",2\r\n") == "\r\n+CMTI: \"SM\",2\r\n")
        await h.stop()
    }

    @Test func theDriverFindsMessagesAnnouncedOnTheOtherPort() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(profile: Self.profile(.huaweiE173) { $0.indicationPortSelection = 1 })
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            let startup = try await modem.start()
            await network.injectText("on the other port", from: "+15550000042", to: simulated.number)
            try await eventually("the message stored") { await network.queuedCount(for: simulated.number) == 0 }
            var texts: [String] = []
            for storage in startup.storages {
                texts += try await modem.listMessages(in: storage).compactMap { try? decodeDeliver($0.pdu).text }
            }
            #expect(texts == ["on the other port"])
            await modem.close()
            await modemSide.close()
        }
    }

    // MARK: - Profiles

    @Test func noHuaweiProfileSendsCinterionsStartupCode() {
        for profile in SimulatorProfile.all where profile.manufacturer == "huawei" {
            #expect(!(profile.startupURCs + profile.smsReadyURCs).contains("^SYSSTART"), "\(profile.id)")
        }
    }

    @Test func everyBuiltInProfileKeepsTheQuirksOff() {
        for profile in SimulatorProfile.all {
            #expect(profile.simBusyDuration == .zero, "\(profile.id)")
            #expect(profile.statusURCInterval == nil, "\(profile.id)")
            #expect(profile.indicationPortSelection == nil, "\(profile.id)")
            #expect(profile.refusedStorages.isEmpty, "\(profile.id)")
            #expect(profile.powerOnFunctionality == 1, "\(profile.id)")
        }
    }
}
