import Foundation
import Modem
import SMSCodec
import TestSupport
import Testing

@testable import ModemSimulator

@Suite struct SimulatedNetworkTests {
    @Test func modemToModemWithStatusReport() async throws {
        let one = try await DialogueHarness.start(profile: .huaweiE173)
        let two = try await one.addModem(profile: .simcomSIM800)
        try await one.setUpLikeADriver()
        try await two.setUpLikeADriver()
        #expect(try await one.command("AT+CNMI=2,1,0,2,0") == "\r\nOK\r\n")
        #expect(try await two.command("AT+CNMI=2,1,0,0,0") == "\r\nOK\r\n")
        let answer = try await one.sendPDU(submitPDU(to: "+15550000002", text: "hello two", statusReport: true)[0])
        #expect(answer == "\r\n+CMGS: 0\r\n\r\nOK\r\n")
        // The recipient stores it first and announces it (SIM800 counts from 1).
        #expect(try await two.read(until: "+CMTI: \"SM\",1\r\n").hasSuffix("\r\n+CMTI: \"SM\",1\r\n"))
        let read = listedPDUs(try await two.command("AT+CMGR=1"))
        let deliver = try decodeDeliver(try #require(read.first).pdu)
        #expect(deliver.originator == SimAddress(kind: .international, value: "+15550000001"))
        #expect(deliver.text == "hello two")
        // The status report comes back to the sender, stored in SR (Huawei E173 has SR, 0-based).
        #expect(try await one.read(until: "+CDSI: \"SR\",0\r\n").hasSuffix("+CDSI: \"SR\",0\r\n"))
        #expect(try await one.command("AT+CPMS=\"SR\"") == "\r\n+CPMS: 1,20,0,30,0,30\r\n\r\nOK\r\n")
        let report = try #require(listedPDUs(try await one.command("AT+CMGR=0")).first).pdu
        let (_, tpdu) = try SimSubmit.splitSMSC(report)
        #expect(tpdu[0] & 0x03 == 0x02)  // SMS-STATUS-REPORT
        #expect(tpdu[1] == 0)  // TP-MR of the submission
        let (recipient, next) = try SimAddress.decode(tpdu, at: 2)
        #expect(recipient.value == "+15550000002")
        #expect(tpdu[next + 14] == 0x00)  // TP-ST: received by the SME
        await one.stop()
        await two.stop()
    }

    @Test func statusReportDeliveredDirectly() async throws {
        let one = try await DialogueHarness.start()
        try await one.setUpLikeADriver()
        _ = try await one.command("AT+CNMI=2,1,0,1,0")
        _ = try await one.sendPDU(submitPDU(to: "+19990000000", text: "outside", statusReport: true)[0])
        let cds = try await one.read(until: "\r\n+CDS: ")
        #expect(cds.hasSuffix("+CDS: "))
        let rest = try await one.read(until: "\r\n")
        #expect(rest.hasPrefix("25\r\n") || rest == "25\r\n")
        await one.stop()
    }

    @Test func echoSubscriberAnswers() async throws {
        let h = try await DialogueHarness.start(profile: .quectelEC25)
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=2,1,0,0,0")
        _ = try await h.sendPDU(submitPDU(to: SimulatedNetwork.echoNumber, text: "ping")[0])
        _ = try await h.read(until: "+CMTI: \"SM\",0\r\n")
        let pdu = try #require(listedPDUs(try await h.command("AT+CMGR=0")).first).pdu
        let reply = try decodeDeliver(pdu)
        #expect(reply.text == "echo: ping")
        #expect(reply.originator.value == SimulatedNetwork.echoNumber)
        await h.stop()
    }

    @Test func echoSubscriberReassemblesAndSplits() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=2,1,0,0,0")
        let text = String(repeating: "0123456789", count: 20)  // 200 septets: two parts
        let parts = submitPDU(to: SimulatedNetwork.echoNumber, text: text)
        #expect(parts.count == 2)
        // Out of order on purpose: the echo subscriber reassembles by sequence number.
        _ = try await h.sendPDU(parts[1])
        _ = try await h.sendPDU(parts[0])
        _ = try await h.read(until: "+CMTI: \"SM\",1\r\n")
        let listed = listedPDUs(try await h.command("AT+CMGL=4")).map { try? decodeDeliver($0.pdu) }
        #expect(listed.count == 2)
        let texts = listed.compactMap { $0 }.sorted { ($0.concat?.sequence ?? 0) < ($1.concat?.sequence ?? 0) }
        #expect(texts.map(\.text).joined() == "echo: " + text)
        #expect(texts.allSatisfy { $0.concat?.total == 2 })
        await h.stop()
    }

    @Test func injectedMessages() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=2,1,0,2,0")
        // Concatenated, out of order.
        let long = String(repeating: "abcdefghij", count: 17)
        let tpdus = await h.network.injectText(long, from: "+15551230000", to: "+15550000001", partOrder: [2, 1])
        #expect(tpdus.count == 2)
        _ = try await h.read(until: "+CMTI: \"SM\",1\r\n")
        let listed = listedPDUs(try await h.command("AT+CMGL=4")).compactMap { try? decodeDeliver($0.pdu) }
        #expect(listed.map { $0.concat?.sequence } == [2, 1])
        #expect((listed[1].text + listed[0].text) == long)
        // Class 0 and an alphanumeric sender.
        await h.network.injectText("flash", from: "MyBank", to: "+15550000001", messageClass: 0)
        _ = try await h.read(until: "+CMTI: \"SM\",2\r\n")
        let flash = try decodeDeliver(try #require(listedPDUs(try await h.command("AT+CMGR=2")).first).pdu)
        #expect(flash.dcs == 0x10)
        #expect(flash.originator == SimAddress(kind: .alphanumeric, value: "MyBank"))
        #expect(flash.text == "flash")
        // A status report.
        await h.network.injectStatusReport(messageReference: 42, recipient: "+15550000002", to: "+15550000001")
        _ = try await h.read(until: "+CDSI: \"SR\",0\r\n")
        await h.stop()
    }

    @Test func fullStorageHoldsMessagesInTheNetwork() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=2,1,0,0,0")
        await h.modem.fill(.sim, with: try PDUHex.decode("00" + deliverHex))
        #expect(try await h.command("AT+CPMS?").contains("\"SM\",30,30"))
        // Writing is refused (TS 27.005 §3.2.5 322 memory full).
        _ = try await h.command("AT+CMGW=10")
        try await h.write("00" + String(repeating: "00", count: 10) + "\u{1A}")
        #expect(try await h.readResponse() == "\r\n+CMS ERROR: 322\r\n")
        // Huawei announces it too, after the final result (URCs never split a response).
        #expect(try await h.read(until: "^SMMEMFULL: \"SM\"\r\n") == "\r\n^SMMEMFULL: \"SM\"\r\n")
        await h.network.injectText("waiting", from: "+15550000009", to: "+15550000001")
        #expect(await h.network.queuedCount(for: "+15550000001") == 1)
        // Freeing a slot lets the network deliver (RP-SMMA).
        #expect(try await h.command("AT+CMGD=5") == "\r\nOK\r\n")
        _ = try await h.read(until: "+CMTI: \"SM\",5\r\n")
        #expect(await h.network.queuedCount(for: "+15550000001") == 0)
        let stored = try decodeDeliver(try #require(listedPDUs(try await h.command("AT+CMGR=5")).first).pdu)
        #expect(stored.text == "waiting")
        await h.stop()
    }

    @Test func huaweiAnnouncesFullStorage() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=2,1,0,0,0")
        let filler = try PDUHex.decode("00" + deliverHex)
        for _ in 0..<29 { await h.modem.preload(filler, status: .receivedRead, in: .sim) }
        await h.network.injectText("last slot", from: "+15550000009", to: "+15550000001")
        let urcs = try await h.read(until: "^SMMEMFULL: \"SM\"\r\n")
        #expect(urcs.contains("+CMTI: \"SM\",29"))
        await h.stop()
    }

    @Test func indicatorEventsSignalFullAndAvailable() async throws {
        // TS 27.007 §8.9/§8.10: +CIND=? names the indicators, +CMER turns +CIEV on, "smsfull" is the 7th here.
        let h = try await DialogueHarness.start(profile: .sierraMC7455)
        try await h.setUpLikeADriver()
        let cind = try await h.command("AT+CIND=?")
        #expect(cind.contains("(\"smsfull\",(0-1))"))
        #expect(try await h.command("AT+CMER=3,0,0,1") == "\r\nOK\r\n")
        _ = try await h.command("AT+CNMI=2,1,0,0,0")
        let filler = try PDUHex.decode("00" + deliverHex)
        for _ in 0..<29 { await h.modem.preload(filler, status: .receivedRead, in: .sim) }
        await h.network.injectText("fills it", from: "+15550000009", to: "+15550000001")
        #expect(try await h.read(until: "+CIEV: 7,1\r\n").contains("+CMTI: \"SM\",29"))
        #expect(try await h.command("AT+CIND?") == "\r\n+CIND: 5,3,1,0,0,0,1\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CMGD=0") == "\r\nOK\r\n")
        // Room again: the indicator goes back to 0 right after the answer.
        #expect(try await h.read(until: "+CIEV: 7,0\r\n") == "\r\n+CIEV: 7,0\r\n")
        await h.stop()
    }

    @Test func directDeliveryNeedsAcknowledgement() async throws {
        let clock = ManualClock()
        let h = try await DialogueHarness.start(clock: clock)
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CSMS=1")
        _ = try await h.command("AT+CNMI=2,2,0,1,0")
        await h.network.injectText("direct", from: "+15550000009", to: "+15550000001")
        let cmt = try await h.read(until: "\r\n+CMT: ,")
        #expect(cmt.hasSuffix("+CMT: ,"))
        #expect(try await h.read(until: "\r\n") == "\(deliverLength("direct"))\r\n")
        let pdu = try await h.read(until: "\r\n")
        #expect(try decodeDeliver(PDUHex.decode(pdu.trimmingCharacters(in: .whitespacesAndNewlines))).text == "direct")
        #expect(try await h.command("AT+CNMA") == "\r\nOK\r\n")
        #expect(await h.network.queuedCount(for: "+15550000001") == 0)
        #expect(try await h.command("AT+CNMA") == "\r\n+CMS ERROR: 340\r\n")

        // Not acknowledged: routing is switched off (TS 27.005 §3.4.1), the network retries, the message is stored.
        await h.network.injectText("again", from: "+15550000009", to: "+15550000001")
        _ = try await h.read(until: "\r\n+CMT: ,")
        _ = try await h.read(until: "\r\n")
        _ = try await h.read(until: "\r\n")
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(15))
        #expect(await clock.waitForSleepers(1))  // the SMSC's retry timer
        #expect(await h.modem.indicationSettings == [2, 0, 0, 0, 0])
        #expect(await h.network.queuedCount(for: "+15550000001") == 1)
        clock.advance(by: .seconds(30))
        for _ in 0..<10_000 where await h.network.queuedCount(for: "+15550000001") > 0 { await Task.yield() }
        #expect(await h.network.queuedCount(for: "+15550000001") == 0)
        let stored = await h.modem.storedMessages(in: .sim)
        #expect(try stored.map { try decodeDeliver($0.pdu).text } == ["again"])
        await h.stop()
    }

    @Test func networkDelayUsesTheClock() async throws {
        let clock = ManualClock()
        let one = try await DialogueHarness.start(clock: clock)
        let two = try await one.addModem()
        await one.network.setDelay(.seconds(5))
        try await one.setUpLikeADriver()
        try await two.setUpLikeADriver()
        _ = try await two.command("AT+CNMI=2,1,0,0,0")
        _ = try await one.sendPDU(submitPDU(to: "+15550000002", text: "later")[0])
        #expect(await clock.waitForSleepers(1))
        #expect(await two.modem.storedMessages(in: .sim).isEmpty)
        clock.advance(by: .seconds(5))
        _ = try await two.read(until: "+CMTI: \"SM\",0\r\n")
        #expect(clock.elapsed == .seconds(5))
        await one.stop()
        await two.stop()
    }

    @Test func modemOffMessagesWaitInTheNetwork() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock)
        let modem = await network.makeModem(profile: .quectelEC25)
        await network.injectText("while off", from: "+15550000009", to: modem.number)
        #expect(await network.queuedCount(for: modem.number) == 1)
        let h = DialogueHarness(network: network, modem: modem)
        h.serve()
        _ = try await h.read(until: "+QIND: PB DONE\r\n")
        for _ in 0..<10_000 where await network.queuedCount(for: modem.number) > 0 { await Task.yield() }
        // Default +CNMI 0,0: stored silently.
        #expect(await modem.storedMessages(in: .sim).count == 1)
        await h.stop()
    }

    @Test func bufferedIndicationsFlushOnCNMI() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        _ = try await h.command("AT+CNMI=0,1,0,0,0")
        await h.network.injectText("buffered", from: "+15550000009", to: "+15550000001")
        #expect(await h.modem.storedMessages(in: .sim).count == 1)
        let answer = try await h.command("AT+CNMI=2,1,0,0,0")
        #expect(answer == "\r\nOK\r\n\r\n+CMTI: \"SM\",0\r\n" || answer == "\r\nOK\r\n")
        if answer == "\r\nOK\r\n" { _ = try await h.read(until: "+CMTI: \"SM\",0\r\n") }
        await h.stop()
    }
}

/// TPDU length of a single GSM 7-bit SMS-DELIVER from an 11-digit international number.
func deliverLength(_ text: String) -> Int { 1 + 2 + 6 + 2 + 7 + 1 + (text.count * 7 + 7) / 8 }
