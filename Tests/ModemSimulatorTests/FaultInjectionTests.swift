import Foundation
import Modem
import SMSCodec
import TestSupport
import Testing

@testable import ModemSimulator

@Suite struct FaultInjectionTests {
    @Test func garbageBytesArriveAndCommandsStillWork() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.injectGarbage([0xFF, 0x00, 0x41, 0x0D, 0x0A])
        #expect(try await h.read(until: "A\r\n") == "\u{FF}\u{0}A\r\n")
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        await h.stop()
    }

    @Test func droppedBytes() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.dropNextOutputBytes(3)
        try await h.write("AT+CSQ\r")
        // "\r\n+" is gone.
        #expect(try await h.read(until: "OK\r\n") == "CSQ: 20,99\r\n\r\nOK\r\n")
        await h.modem.dropEveryNthOutputByte(2)
        try await h.write("AT+CGMI\r")
        let full = Array("\r\nhuawei\r\n\r\nOK\r\n".utf8)
        let halves = [0, 1].map { parity in full.enumerated().filter { $0.offset % 2 == parity }.map(\.element) }
        let received = try await h.read { text in
            text.unicodeScalars.count >= 8 ? text.unicodeScalars.index(text.startIndex, offsetBy: 8) : nil
        }
        #expect(halves.contains(received.unicodeScalars.map { UInt8($0.value) }))
        await h.modem.dropEveryNthOutputByte(nil)
        await h.stop()
    }

    @Test func stallSwallowsCommandsUntilResumed() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.stall()
        try await h.write("AT\r")
        var swallowed = 0
        for _ in 0..<10_000 {
            swallowed = await h.modem.bytesSwallowedWhileStalled
            if swallowed >= 3 { break }
            await Task.yield()
        }
        #expect(swallowed == 3)
        await h.modem.resume()
        // Resynchronisation: the next AT is answered, and nothing from the stalled command comes first.
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        await h.stop()
    }

    @Test func theInputSwallowedSinceTheStallIsKept() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.stall()
        try await h.write("AT+CMGS=23\r")
        try await eventually("11 bytes swallowed") { await h.modem.inputSwallowedSinceStall.count >= 11 }
        #expect(String(decoding: await h.modem.inputSwallowedSinceStall, as: UTF8.self) == "AT+CMGS=23\r")
        // A new stall starts empty; resuming does not answer what was swallowed.
        await h.modem.resume()
        await h.modem.stall()
        #expect(await h.modem.inputSwallowedSinceStall.isEmpty)
        #expect(await h.modem.bytesSwallowedWhileStalled == 11)
        await h.modem.resume()
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        await h.stop()
    }

    @Test func forcedAndRandomCMSErrors() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.failNextCommand("+CMGS", with: .cms(500))
        #expect(try await h.command("AT+CMGS=20") == "\r\n+CMS ERROR: 500\r\n")
        // Only the next one.
        #expect(try await h.command("AT+CMGS=20") == "\r\n> ")
        try await h.write("\u{1B}")
        _ = try await h.readResponse()
        await h.modem.setRandomSendFailures(rate: 1.0, codes: [332])
        let pdu = submitPDU(to: "+15550000002", text: "x")[0]
        #expect(try await h.sendPDU(pdu) == "\r\n+CMS ERROR: 332\r\n")
        // A rate of one half, seeded: some fail with one of the codes, some succeed, the same way every run.
        await h.modem.setRandomSendFailures(rate: 0.5, codes: [500, 331, 332], seed: 42)
        var outcomes: [String] = []
        for _ in 0..<12 { outcomes.append(try await h.sendPDU(pdu)) }
        let failures = outcomes.filter { $0.contains("+CMS ERROR: ") }
        #expect(!failures.isEmpty && failures.count < 12)
        let codes = Set(failures.map { $0.replacingOccurrences(of: "\r\n+CMS ERROR: ", with: "").prefix(3) })
        #expect(codes.isSubset(of: ["500", "331", "332"]))
        await h.stop()
    }

    @Test func unplugClosesTheTransportAndKeepsMessages() async throws {
        let h = try await DialogueHarness.start(profile: .simcomSIM800)
        try await h.setUpLikeADriver()
        let pdu = submitPDU(to: "+15550000002", text: "kept")[0]
        _ = try await h.command("AT+CMGW=\(pdu.count / 2 - 1)")
        try await h.write(pdu + "\u{1A}")
        _ = try await h.readResponse()
        await h.modem.unplug()
        await #expect(throws: TransportError.closed) { _ = try await h.client.read() }
        _ = await h.serveTask?.result
        // While unplugged the network holds what arrives.
        await h.network.injectText("while unplugged", from: "+15550000009", to: h.modem.number)
        #expect(await h.network.queuedCount(for: h.modem.number) == 1)
        // Plug in again on a new transport: start-up URCs, settings back to defaults, stores kept.
        let again = DialogueHarness(network: h.network, modem: h.modem)
        again.serve()
        _ = try await again.read(until: "SMS Ready\r\n")
        // SIM800 powers on with +CNMI 2,1: the held message is stored and announced.
        #expect(try await again.read(until: "+CMTI: \"SM\",2\r\n") == "\r\n+CMTI: \"SM\",2\r\n")
        #expect(try await again.command("AT") == "AT\r\r\nOK\r\n")  // echo is on again
        _ = try await again.command("ATE0")
        let listed = listedPDUs(try await again.command("AT+CMGL=4"))
        #expect(listed.count == 2)
        #expect(listed.first?.header == "+CMGL: 1,2,,\(pdu.count / 2 - 1)")
        #expect(await h.network.queuedCount(for: h.modem.number) == 0)
        await again.stop()
    }

    @Test func rebootLosesRAMStateAndKeepsTheSIM() async throws {
        let h = try await DialogueHarness.start(profile: .quectelEC25) { await $0.setSIMPIN("1234") }
        _ = try await h.command("ATE0")
        _ = try await h.command("AT+CPIN=1234")
        _ = try await h.command("AT+CMEE=2")
        _ = try await h.command("AT+CNMI=2,1,0,2,0")
        await h.modem.preload(try PDUHex.decode("00" + deliverHex), status: .receivedUnread, in: .sim)
        #expect(try await h.command("AT+CFUN=1,1") == "\r\nOK\r\n")
        let startup = try await h.read(until: "+QIND: PB DONE\r\n")
        #expect(startup.hasPrefix("\r\nRDY\r\n"))
        #expect(try await h.command("AT+CNMI?") == "AT+CNMI?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CPIN?").contains("+CPIN: SIM PIN"))
        _ = try await h.command("AT+CPIN=1234")
        #expect(listedPDUs(try await h.command("AT+CMGL=4")).count == 1)
        await h.stop()
    }

    @Test func baudRateThrottlesOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let h = try await DialogueHarness.start(clock: clock)
        try await h.setUpLikeADriver()
        await h.modem.setBaudRate(9600)
        try await h.write("AT+CGMI\r")
        // Input (8 bytes) then output ("\r\nhuawei\r\n\r\nOK\r\n", 16 bytes): 24 × 10 / 9600 s = 25 ms of wire.
        // A driver task moves the clock 1 ms whenever the modem sleeps on it.
        let driver = Task {
            while !Task.isCancelled {
                if clock.sleeperCount > 0 { clock.advance(by: .milliseconds(1)) }
                await Task.yield()
            }
        }
        let answer = try await h.read(until: "OK\r\n")
        driver.cancel()
        #expect(answer == "\r\nhuawei\r\n\r\nOK\r\n")
        #expect(clock.elapsed >= .milliseconds(25))
        #expect(clock.elapsed < .milliseconds(40))
        await h.stop()
    }

    @Test func noiseURCsOnTheClock() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock)
        let modem = await network.makeModem(profile: .huaweiE173)
        await modem.setNoiseInterval(.seconds(2))
        let h = DialogueHarness(network: network, modem: modem)
        h.serve()
        _ = try await h.read(until: "^RSSI:18\r\n")
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(2))
        #expect(try await h.read(until: "\r\n^RSSI:18\r\n") == "\r\n^RSSI:18\r\n")
        await h.stop()
    }

    @Test func stateSurvivesSaveAndLoad() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simstate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("state.json")
        let clock = ManualClock()
        let first = SimulatedNetwork(clock: clock, wallClock: clock.wallClock)
        let modem = await first.makeModem(profile: .huaweiE3372)
        let pdu = try PDUHex.decode("00" + deliverHex)
        await modem.preload(pdu, status: .receivedUnread, in: .sim)
        await modem.preload(pdu, status: .receivedRead, in: .phone)
        #expect(first.takeStoresChanged())
        try await first.currentState().save(to: file)
        let second = SimulatedNetwork(
            clock: clock,
            wallClock: clock.wallClock,
            state: try SimulatorState.load(from: file)
        )
        let restored = await second.makeModem(profile: .huaweiE3372)
        #expect(await restored.storedMessages(in: .sim).map(\.pdu) == [pdu])
        #expect(await restored.storedMessages(in: .phone).map(\.status) == [.receivedRead])
        // A missing file is an empty state; a corrupt one is an error.
        #expect(try SimulatorState.load(from: dir.appendingPathComponent("none.json")).modems.isEmpty)
        try Data("not json".utf8).write(to: file)
        #expect(throws: (any Error).self) { try SimulatorState.load(from: file) }
    }
}
