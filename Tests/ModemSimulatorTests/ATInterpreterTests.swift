import Foundation
import Modem
import SMSCodec
import Testing

@testable import ModemSimulator

@Suite struct ATInterpreterTests {
    @Test func echoStartupAndBasicCommands() async throws {
        let h = try await DialogueHarness.start(profile: .simcomSIM800)
        // Echo is on after power-on: the command comes back, then the framed result.
        let at = try await h.command("AT")
        #expect(at == "AT\r\r\nOK\r\n")
        let off = try await h.command("ATE0")
        #expect(off == "ATE0\r\r\nOK\r\n")
        #expect(try await h.command("AT") == "\r\nOK\r\n")
        // Several commands on one line (V.250 §5.4): basic then extended, separated by ';'.
        let combined = try await h.command("ATV1+CMEE=2;+CMEE?")
        #expect(combined == "\r\n+CMEE: 2\r\n\r\nOK\r\n")
        // Numeric result codes with ATV0.
        try await h.write("ATV0\r")
        #expect(try await h.read(until: "\r") == "0\r")
        try await h.write("AT+FOO\r")
        #expect(try await h.read(until: "\r") == "4\r")
        #expect(try await h.command("ATV1") == "\r\nOK\r\n")
        // ATZ restores echo.
        #expect(try await h.command("ATZ") == "\r\nOK\r\n")
        #expect(try await h.command("AT") == "AT\r\r\nOK\r\n")
        // Characters before "AT" are ignored (V.250 §5.2.1), lines without AT are ignored.
        try await h.write("ATE0\r")
        _ = try await h.readResponse()
        try await h.write("garbage\r")
        #expect(try await h.command("xxAT") == "\r\nOK\r\n")
        await h.stop()
    }

    @Test(arguments: SimulatorProfile.all)
    func identityPerProfile(profile: SimulatorProfile) async throws {
        let h = try await DialogueHarness.start(profile: profile)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CGMI") == "\r\n\(profile.manufacturer)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CGMM") == "\r\n\(profile.model)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CGMR") == "\r\n\(profile.revision)\r\n\r\nOK\r\n")
        let imei = try await h.command("AT+CGSN")
        #expect(imei.contains(h.modem.imei) && h.modem.imei.count == 15 && h.modem.imei.hasPrefix(profile.imeiTAC))
        #expect(try await h.command("AT+CIMI") == "\r\n\(h.modem.imsi)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CNUM") == "\r\n+CNUM: \"\",\"+15550000001\",145\r\n\r\nOK\r\n")
        let iccidCommand: String? =
            switch profile.iccidCommand {
            case .huawei: "AT^ICCID?"
            case .zte: "AT+ZGETICCID"
            case .quectel: "AT+QCCID"
            case .simcom(let prefixed): prefixed ? "AT+CICCID" : "AT+CCID"
            case .sierra: "AT!ICCID?"
            case .none: nil
            }
        if let iccidCommand {
            let answer = try await h.command(iccidCommand)
            #expect(answer.contains(h.modem.iccid) && answer.hasSuffix("\r\nOK\r\n"))
        }
        // EF_ICCID through AT+CRSM: nibble-swapped BCD (TS 51.011 §10.1.1).
        let crsm = try await h.command("AT+CRSM=176,12258,0,0,10")
        let swappedFirst = String(h.modem.iccid.prefix(2).reversed())
        #expect(crsm.contains("+CRSM: 144,0,\"\(swappedFirst)"))
        #expect(try await h.command("AT+CSQ") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CREG?") == "\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        let cops = try await h.command("AT+COPS?")
        #expect(cops.contains("+COPS: 0,0,\"\(profile.operatorName)\""))
        #expect(try await h.command("AT+CPMS=?") == "\r\n+CPMS: \(profile.cpmsTestAnswer)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CSCA?") == "\r\n+CSCA: \"+15550000100\",145\r\n\r\nOK\r\n")
        await h.stop()
    }

    @Test func unknownCommandsFollowTheProfile() async throws {
        // huawei-e1752.json: Huawei answers COMMAND NOT SUPPORT; zte-k3565-z.json: ERROR.
        let huawei = try await DialogueHarness.start(profile: .huaweiE173)
        try await huawei.setUpLikeADriver()
        #expect(try await huawei.command("AT+WIND?") == "\r\nCOMMAND NOT SUPPORT\r\n")
        await huawei.stop()
        let zte = try await DialogueHarness.start(profile: .zteMF190)
        try await zte.setUpLikeADriver()
        #expect(try await zte.command("AT+WIND?") == "\r\nERROR\r\n")
        await zte.stop()
    }

    @Test func creg2FormatsFollowTheProfile() async throws {
        let huawei = try await DialogueHarness.start(profile: .huaweiE173)
        try await huawei.setUpLikeADriver()
        _ = try await huawei.command("AT+CREG=2")
        // huawei-unknown-model.json: LAC/CI without quotes.
        #expect(try await huawei.command("AT+CREG?") == "\r\n+CREG: 2,1,00A1,0001B2C3\r\n\r\nOK\r\n")
        await huawei.modem.setRegistration(.searching)
        #expect(try await huawei.read(until: "+CREG: 2\r\n").hasSuffix("\r\n+CREG: 2\r\n"))
        await huawei.stop()
        let quectel = try await DialogueHarness.start(profile: .quectelEC25)
        try await quectel.setUpLikeADriver()
        _ = try await quectel.command("AT+CEREG=2")
        #expect(try await quectel.command("AT+CEREG?") == "\r\n+CEREG: 2,1,\"00A1\",\"0001B2C3\"\r\n\r\nOK\r\n")
        await quectel.stop()
    }

    @Test func errorsFollowCMEE() async throws {
        let h = try await DialogueHarness.start { await $0.setSIMPIN("1234") }
        _ = try await h.command("ATE0")
        #expect(try await h.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        // CMEE=0: plain ERROR for +CME errors.
        #expect(try await h.command("AT+CIMI") == "\r\nERROR\r\n")
        _ = try await h.command("AT+CMEE=1")
        #expect(try await h.command("AT+CIMI") == "\r\n+CME ERROR: 11\r\n")
        // SMS commands answer +CMS ERROR (TS 27.005 §3.2.5).
        #expect(try await h.command("AT+CMGL=4") == "\r\n+CMS ERROR: 311\r\n")
        _ = try await h.command("AT+CMEE=2")
        #expect(try await h.command("AT+CIMI") == "\r\n+CME ERROR: SIM PIN required\r\n")
        #expect(try await h.command("AT+CPIN=\"0000\"") == "\r\n+CME ERROR: incorrect password\r\n")
        #expect(try await h.command("AT+CPIN=\"1234\"") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CIMI").contains(h.modem.imsi))
        await h.stop()
    }

    @Test func threeWrongPINsRequirePUK() async throws {
        let h = try await DialogueHarness.start { await $0.setSIMPIN("1234") }
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CPIN=1111") == "\r\n+CME ERROR: 16\r\n")
        #expect(try await h.command("AT+CPIN=1111") == "\r\n+CME ERROR: 16\r\n")
        #expect(try await h.command("AT+CPIN=1111") == "\r\n+CME ERROR: 12\r\n")
        #expect(try await h.command("AT+CPIN?") == "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CMGL=4") == "\r\n+CMS ERROR: 316\r\n")
        #expect(try await h.command("AT+CPIN=\"12345678\",\"4321\"") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        await h.stop()
    }

    @Test func aWrongPINIsCountedAndItsAttemptSurvivesAReboot() async throws {
        let h = try await DialogueHarness.start { await $0.setSIMPIN("1234") }
        try await h.setUpLikeADriver()
        // TS 27.007 §8.3 and §9.2.1: a wrong PIN is +CME ERROR: 16 (incorrect password) and uses up one attempt.
        #expect(try await h.command("AT+CPIN=1111") == "\r\n+CME ERROR: 16\r\n")
        #expect(await h.modem.simPINEntries == 1)
        #expect(await h.modem.simPINAttemptsLeft == 2)
        await h.modem.reboot()
        _ = try await h.command("ATE0")
        _ = try await h.command("AT+CMEE=1")
        #expect(try await h.command("AT+CPIN?").contains("+CPIN: SIM PIN"))
        #expect(await h.modem.simPINAttemptsLeft == 2)
        #expect(try await h.command("AT+CPIN=1111").hasSuffix("+CME ERROR: 16\r\n"))
        #expect(try await h.command("AT+CPIN=1111").hasSuffix("+CME ERROR: 12\r\n"))
        #expect(await h.modem.simPINEntries == 3)
        #expect(await h.modem.simPINAttemptsLeft == 0)
        await h.stop()
    }

    @Test func missingSIM() async throws {
        let h = try await DialogueHarness.start { await $0.setSIMInserted(false) }
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CPIN?") == "\r\n+CME ERROR: 10\r\n")
        #expect(try await h.command("AT+CMGL=4") == "\r\n+CMS ERROR: 310\r\n")
        await h.stop()
    }

    @Test func storageSelectionAndCounters() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CPMS?") == "\r\n+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CPMS=\"ME\",\"ME\",\"SM\"") == "\r\n+CPMS: 0,255,0,255,0,30\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CPMS=\"MT\"") == "\r\n+CPMS: 0,285,0,255,0,30\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CPMS=\"BM\"") == "\r\n+CMS ERROR: 302\r\n")
        #expect(try await h.command("AT+CNMI=?") == "\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0-1)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CNMI=2,1,0,2,0") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CNMI?") == "\r\n+CNMI: 2,1,0,2,0\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CNMI=2,9") == "\r\n+CMS ERROR: 303\r\n")
        #expect(try await h.command("AT+CMGF=0") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CMGF=1") == "\r\nERROR\r\n")
        #expect(try await h.command("AT+CSMS=1") == "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CMMS=1") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CMMS?") == "\r\n+CMMS: 1\r\n\r\nOK\r\n")
        await h.stop()
    }

    @Test func anAdvertisedStorageCanRefuseSelection() async throws {
        var profile = SimulatorProfile.huaweiE173
        profile.refusedStorages = ["SR"]
        let h = try await DialogueHarness.start(profile: profile)
        try await h.setUpLikeADriver()
        // Still advertised, as the real sticks do, but refused alone or as any of <mem1>…<mem3>.
        #expect(try await h.command("AT+CPMS=?") == "\r\n+CPMS: \(profile.cpmsTestAnswer)\r\n\r\nOK\r\n")
        #expect(profile.cpmsTestAnswer.contains(#""SR""#))
        #expect(try await h.command("AT+CPMS=\"SR\"") == "\r\n+CMS ERROR: 302\r\n")
        #expect(try await h.command("AT+CPMS=\"SM\",\"SM\",\"SR\"") == "\r\n+CMS ERROR: 302\r\n")
        // The refusal changes nothing; the other storages still answer.
        #expect(try await h.command("AT+CPMS?") == "\r\n+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CPMS=\"ME\"") == "\r\n+CPMS: 0,255,0,30,0,30\r\n\r\nOK\r\n")
        await h.stop()
    }

    @Test func writeListReadDelete() async throws {
        let h = try await DialogueHarness.start(profile: .simcomSIM800)
        try await h.setUpLikeADriver()
        let pdu = submitPDU(to: "+15550000002", text: "stored draft")[0]
        let length = pdu.count / 2 - 1
        #expect(try await h.command("AT+CMGW=\(length)").hasSuffix("\r\n> "))
        try await h.write(pdu + "\u{1A}")
        #expect(try await h.readResponse() == "\r\n+CMGW: 1\r\n\r\nOK\r\n")
        // A received message, stored unread.
        await h.modem.preload(try PDUHex.decode("00" + deliverHex), status: .receivedUnread, in: .sim)
        let unread = try await h.command("AT+CMGL=0")
        #expect(unread.hasPrefix("\r\n+CMGL: 2,0,,\(deliverHex.count / 2)\r\n00\(deliverHex)\r\n"))
        // Listing made it read (TS 27.005 §3.4.2).
        #expect(try await h.command("AT+CMGL=0") == "\r\nOK\r\n")
        let all = try await h.command("AT+CMGL=4")
        let listed = listedPDUs(all)
        #expect(listed.map(\.header) == ["+CMGL: 1,2,,\(length)", "+CMGL: 2,1,,\(deliverHex.count / 2)"])
        let read = try await h.command("AT+CMGR=1")
        #expect(read == "\r\n+CMGR: 2,,\(length)\r\n\(pdu)\r\n\r\nOK\r\n")
        // Empty slot in range: OK only; out of range: invalid memory index.
        #expect(try await h.command("AT+CMGR=5") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CMGR=31") == "\r\n+CMS ERROR: 321\r\n")
        #expect(try await h.command("AT+CMGD=1") == "\r\nOK\r\n")
        #expect(listedPDUs(try await h.command("AT+CMGL=4")).count == 1)
        // delflag 1 deletes read messages whatever the index.
        #expect(try await h.command("AT+CMGD=0,1") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CMGL=4") == "\r\nOK\r\n")
        #expect(try await h.command("AT+CPMS?") == "\r\n+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n")
        await h.stop()
    }

    @Test func huaweiIndicesStartAtZero() async throws {
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        let pdu = submitPDU(to: "+15550000002", text: "zero")[0]
        _ = try await h.command("AT+CMGW=\(pdu.count / 2 - 1)")
        try await h.write(pdu + "\u{1A}")
        #expect(try await h.readResponse() == "\r\n+CMGW: 0\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CMGR=0").contains("+CMGR: 2,,"))
        #expect(try await h.command("AT+CMGR=30") == "\r\n+CMS ERROR: 321\r\n")
        await h.stop()
    }

    @Test func sendPromptAndEscape() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        // The prompt is "\r\n> " with no line end (TS 27.005 §3.5.1).
        let prompt = try await h.command("AT+CMGS=20")
        #expect(prompt == "\r\n> ")
        try await h.write("0011\u{1B}")
        #expect(try await h.readResponse() == "\r\nOK\r\n")
        let none = await h.network.submissions
        #expect(none.isEmpty)
        let pdu = submitPDU(to: "+15550000077", text: "hello")[0]
        #expect(try await h.sendPDU(pdu) == "\r\n+CMGS: 0\r\n\r\nOK\r\n")
        #expect(try await h.sendPDU(pdu) == "\r\n+CMGS: 1\r\n\r\nOK\r\n")
        let sent = await h.network.waitForSubmissions(2)
        #expect(sent.map(\.text) == ["hello", "hello"])
        #expect(sent.map(\.to) == ["+15550000077", "+15550000077"])
        #expect(sent.map(\.messageReference) == [0, 1])
        // A length that does not match the PDU, and a PDU that is not hex.
        _ = try await h.command("AT+CMGS=5")
        try await h.write(pdu + "\u{1A}")
        #expect(try await h.readResponse() == "\r\n+CMS ERROR: 304\r\n")
        _ = try await h.command("AT+CMGS=5")
        try await h.write("ZZZZ\u{1A}")
        #expect(try await h.readResponse() == "\r\n+CMS ERROR: 304\r\n")
        #expect(try await h.command("AT+CMGS=0") == "\r\n+CMS ERROR: 304\r\n")
        await h.stop()
    }

    @Test func zteInterleavesURCsBeforeTheSendAnswer() async throws {
        // python-gsmmodem-generic-sms.json: +ZDONR/+ZPASR arrive between the PDU and +CMGS.
        let h = try await DialogueHarness.start(profile: .zteMF190)
        try await h.setUpLikeADriver()
        let answer = try await h.sendPDU(submitPDU(to: "+15550000077", text: "zte")[0])
        #expect(answer.hasPrefix("\r\n+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"\r\n\r\n+ZPASR: \"UMTS\"\r\n"))
        #expect(answer.hasSuffix("\r\n+ZPASR: \"UMTS\"\r\n\r\n+CMGS: 0\r\n\r\nOK\r\n"))
        await h.stop()
    }

    @Test func notRegisteredRefusesToSend() async throws {
        let h = try await DialogueHarness.start()
        try await h.setUpLikeADriver()
        await h.modem.setRegistration(.searching)
        #expect(try await h.sendPDU(submitPDU(to: "+15550000002", text: "x")[0]) == "\r\n+CMS ERROR: 331\r\n")
        await h.stop()
    }

    /// A profile with the radio off at power-on: AT+CFUN? says so, the modem is not registered and refuses to send
    /// (+CMS ERROR: 331, also after ATZ) until AT+CFUN=1, which registers it (announced by +CREG) and sends.
    @Test(arguments: [0, 4])
    func radioOffAtPowerOnUntilFullFunctionality(level: Int) async throws {
        var profile = SimulatorProfile.huaweiE3372
        profile.powerOnFunctionality = level
        let h = try await DialogueHarness.start(profile: profile)
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CFUN?") == "\r\n+CFUN: \(level)\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CREG?") == "\r\n+CREG: 0,0\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CEREG?") == "\r\n+CEREG: 0,0\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CSQ") == "\r\n+CSQ: 99,99\r\n\r\nOK\r\n")
        let pdu = submitPDU(to: "+15550000077", text: "radio")[0]
        #expect(try await h.sendPDU(pdu) == "\r\n+CMS ERROR: 331\r\n")
        _ = try await h.command("ATZ")
        try await h.setUpLikeADriver()
        #expect(try await h.command("AT+CFUN?") == "\r\n+CFUN: \(level)\r\n\r\nOK\r\n")
        #expect(try await h.sendPDU(pdu) == "\r\n+CMS ERROR: 331\r\n")
        let none = await h.network.submissions
        #expect(none.isEmpty)

        _ = try await h.command("AT+CREG=1")
        #expect(try await h.command("AT+CFUN=1") == "\r\nOK\r\n")
        #expect(try await h.read(until: "+CREG: 1\r\n").hasSuffix("\r\n+CREG: 1\r\n"))
        #expect(try await h.command("AT+CFUN?") == "\r\n+CFUN: 1\r\n\r\nOK\r\n")
        #expect(try await h.command("AT+CREG?") == "\r\n+CREG: 1,1\r\n\r\nOK\r\n")
        #expect(try await h.sendPDU(pdu) == "\r\n+CMGS: 0\r\n\r\nOK\r\n")
        let sent = await h.network.waitForSubmissions(1)
        #expect(sent.map(\.text) == ["radio"])
        await h.stop()
    }

    @Test func clacUsesTheProfileLineEnd() async throws {
        // huawei-e1752.json: AT+CLAC entries end with "\r\r\n".
        let h = try await DialogueHarness.start(profile: .huaweiE173)
        try await h.setUpLikeADriver()
        let clac = try await h.command("AT+CLAC")
        #expect(clac.contains("+CMGS\r\r\n+CMSS\r\r\n"))
        await h.stop()
    }
}

/// An SMS-DELIVER from sms-deliver.jsonl style (bare TPDU, GSM 7-bit "hellohello" from +31641600986).
let deliverHex = "040B911346610089F60000208062917314080CC8F71D14969741F977FD07"
