import Foundation
import SMSCodec
import Testing

@testable import Modem

/// ModemManager's asserted parse results (modemmanager-response-parsing.json) and the other transcripts.
@Suite struct ATResponseParserTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        var test: String
        var command: String
        var response: String
        var expectJSON: String
        var testDescription: String { test + " " + response.prefix(30).debugDescription }
    }

    static let vectors: [Vector] = {
        guard let object = try? Transcripts.load("modemmanager-response-parsing.json"),
            let responses = object["responses"] as? [[String: Any]]
        else { return [] }
        return responses.compactMap { entry in
            guard let test = entry["test"] as? String, let command = entry["command"] as? String,
                let response = entry["response"] as? String, let expect = entry["parser_expect"],
                let data = try? JSONSerialization.data(withJSONObject: expect, options: [.fragmentsAllowed])
            else { return nil }
            return Vector(
                test: test,
                command: command,
                response: response,
                expectJSON: String(decoding: data, as: UTF8.self)
            )
        }
    }()

    /// The response as the engine would hand it over: lines split at CR/LF by the real framer.
    static func lines(_ response: String) -> [String] {
        var framer = ATLineFramer()
        return framer.feed(Array((response + "\r\n").utf8)).compactMap { frame in
            if case .line(let bytes) = frame { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
    }

    static func expectation(_ vector: Vector) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(vector.expectJSON.utf8), options: [.fragmentsAllowed])
    }

    /// ModemManager's MMSmsStorage numbering (0 unknown, 1 SM, 2 ME, 3 MT, 4 SR, 5 BM, 6 TA).
    static func storageEnum(_ storage: MessageStorage?) -> Int {
        guard let storage else { return 0 }
        return ["SM": 1, "ME": 2, "MT": 3, "SR": 4, "BM": 5][storage.rawValue] ?? 0
    }

    @Test func everyModemManagerVectorWasLoaded() {
        #expect(Self.vectors.count == 22)
    }

    @Test(arguments: vectors.filter { $0.command == "AT+CMGL=4" })
    func cmgl(vector: Vector) throws {
        let expected = try #require(try Self.expectation(vector) as? [[String: Any]])
        let parsed = ATResponseParser.messageList(Self.lines(vector.response))
        #expect(parsed.count == expected.count)
        for (entry, want) in zip(parsed, expected) {
            #expect(entry.index == want["index"] as? Int)
            #expect(entry.status == want["status"] as? Int)
            if let pdu = want["pdu"] as? String { #expect(entry.pduHex == pdu) }
            #expect(!entry.pduHex.isEmpty)
        }
    }

    @Test(arguments: vectors.filter { $0.command == "AT+CMGR=<n>" })
    func cmgr(vector: Vector) throws {
        let want = try #require(try Self.expectation(vector) as? [String: Any])
        let entry = try #require(ATResponseParser.message(Self.lines(vector.response)))
        #expect(entry.index == want["index"] as? Int)
        #expect(entry.status == want["status"] as? Int)
        #expect((try? PDUHex.decode(entry.pduHex, maximumOctets: ATLimits.maximumPDULength)) != nil)
    }

    @Test(arguments: vectors.filter { $0.command == "AT+CNUM" })
    func cnum(vector: Vector) throws {
        let want = try #require(try Self.expectation(vector) as? [String])
        #expect(ATResponseParser.ownNumbers(Self.lines(vector.response)) == want)
    }

    @Test(arguments: vectors.filter { $0.command == "AT+CPMS=?" })
    func cpmsSupport(vector: Vector) throws {
        let want = try #require(try Self.expectation(vector) as? [String: [String]])
        let value = try #require(
            ATResponse(lines: Self.lines(vector.response), result: .ok).values(prefixed: "+CPMS").first
        )
        let lists = ATResponseParser.supportedStorages(value)
        #expect(lists == [want["mem1"] ?? [], want["mem2"] ?? [], want["mem3"] ?? []])
    }

    @Test(arguments: vectors.filter { $0.command == "AT+CPMS?" })
    func cpmsQuery(vector: Vector) throws {
        let want = try #require(try Self.expectation(vector) as? [String: Int])
        let value = try #require(
            ATResponse(lines: Self.lines(vector.response), result: .ok).values(prefixed: "+CPMS").first
        )
        let storages = ATResponseParser.storageQuery(value)
        #expect(storages.count == 3)
        #expect(Self.storageEnum(storages.first?.storage) == want["mem1_enum"])
        #expect(Self.storageEnum(storages.dropFirst().first?.storage) == want["mem2_enum"])
    }

    @Test func cpmsWithoutParenthesesAndNestedAndSpaces() {
        // iwow-unknown-model.json, wavecom-multiband-900e-1800.json, alcatel-s320.json
        #expect(ATResponseParser.supportedStorages("\"SM\",\"SM\",\"SM\"") == [["SM"], ["SM"], ["SM"]])
        #expect(
            ATResponseParser.supportedStorages("((\"SM\",\"BM\",\"SR\"),(\"SM\"))") == [
                ["SM", "BM", "SR"], ["SM"], [],
            ]
        )
        #expect(
            ATResponseParser.supportedStorages(
                "(\"SM\", \"ME\", \"SM_P\", \"ME_P\", \"MT\"), (\"SM\", \"ME\"), (\"MT\")"
            )
                == [["SM", "ME", "SM_P", "ME_P", "MT"], ["SM", "ME"], ["MT"]]
        )
        #expect(ATResponseParser.storageCounters("14,50,14,50").map { [$0.used, $0.total] } == [[14, 50], [14, 50]])
        #expect(ATResponseParser.storageQuery(",,,,,,,,").isEmpty)  // nokia-n79.json
    }

    /// gammu-cmgr-pdu-dumps.json: every +CMGR variant yields the PDU of the dump.
    @Test func gammuCMGRDumpsYieldTheirPDU() throws {
        let object = try Transcripts.load("gammu-cmgr-pdu-dumps.json")
        let dumps = try #require(object["raw_dumps"] as? [[String: Any]])
        #expect(dumps.count >= 20)
        for dump in dumps {
            let raw = try #require(dump["raw"] as? String)
            let lines = Self.lines(raw).dropFirst()  // the echoed command
            let entry = try #require(ATResponseParser.message(Array(lines)), "\(raw.prefix(40))")
            let pduLine = try #require(lines.first { !$0.hasPrefix("+CMGR") && $0 != "OK" })
            #expect(entry.pduHex == pduLine)
            #expect(
                (try? PDUHex.decode(entry.pduHex, maximumOctets: ATLimits.maximumPDULength)) != nil,
                "\(raw.prefix(40))"
            )
        }
    }

    @Test func cmgrVariantsKeepTheirStatus() {
        #expect(ATResponseParser.message(["+CMGR: 0,23", "00"])?.status == 0)
        #expect(ATResponseParser.message(["+CMGR: 24", "00"])?.status == nil)
        #expect(ATResponseParser.message(["+CMGR: 4,1,,151", "00"])?.status == 1)
        #expect(ATResponseParser.message(["+CMGR: ,,27", "00"])?.status == nil)
        #expect(ATResponseParser.message(["+CMGR: 1,\"\",23", "00"])?.length == 23)
    }

    @Test func registrationSignalOperatorAndSMSC() {
        #expect(ATResponseParser.registration("2,1,4CA,81DE445") == .home)  // huawei-unknown-model.json
        #expect(ATResponseParser.registration("0,1,\"5E25\",\"605F\",2") == .home)  // telit.json
        #expect(ATResponseParser.registration("0,5") == .roaming)
        #expect(ATResponseParser.signalQuality("17,99") == SignalQuality(rssi: 17, ber: 99))
        #expect(ATResponseParser.operatorName("0,0,\"Vodafone\",2") == "Vodafone")
        #expect(ATResponseParser.operatorName("0") == nil)
        #expect(ATResponseParser.serviceCenter("\"+447785016005\",145") == "+447785016005")
        #expect(ATResponseParser.serviceCenter("\"\",129") == nil)
        #expect(ATResponseParser.messageReference("183") == 183)
        #expect(ATResponseParser.messageReference("300") == nil)
    }

    @Test func cnmiRangesAndICCIDVariants() {
        let support = ATResponseParser.notificationSupport("(0-2),(0-3),(0,2),(0-2),(0,1)")
        #expect(support == [[0, 1, 2], [0, 1, 2, 3], [0, 2], [0, 1, 2], [0, 1]])
        #expect(ATResponseParser.iccid(["+CCID: \"89441000301641313004\""]) == "89441000301641313004")
        #expect(ATResponseParser.iccid(["^ICCID: 98441000301641313004"]) == "98441000301641313004")
        #expect(ATResponseParser.iccid(["+QCCID: 8944100030164131300F"]) == "8944100030164131300")
        #expect(ATResponseParser.iccid(["89014103211118510720"]) == "89014103211118510720")
        #expect(ATResponseParser.iccid(["ICCID: 89014103211118510720"]) == "89014103211118510720")  // Sierra !ICCID?
        #expect(ATResponseParser.iccid(["+CCID: \"1234\""]) == nil)
        #expect(
            ATResponseParser.iccidFromRestrictedSIMAccess("144,0,\"98101430121181157002\"") == "89014103211118510720"
        )
        #expect(ATResponseParser.iccidFromRestrictedSIMAccess("106,130,\"\"") == nil)
    }

    @Test(arguments: [
        ("+CMS ERROR: 322", ATFinalResult.cmsError(.memoryFull)),
        ("+CMS ERROR: 330", .cmsError(.smscAddressUnknown)),
        ("+CMS ERROR: 331", .cmsError(.noNetworkService)),
        ("+CMS ERROR: 332", .cmsError(.networkTimeout)),
        ("+CMS ERROR: 500", .cmsError(.unknown)),
        ("+CMS ERROR: 310", .cmsError(.simNotInserted)),
        ("+CMS ERROR: 311", .cmsError(.simPINRequired)),
        ("+CMS ERROR: 316", .cmsError(.simPUKRequired)),
        ("+CMS ERROR: memory full", .cmsError(.memoryFull)),
        ("+CMS ERROR: SIM not inserted", .cmsError(.simNotInserted)),
        ("+CMS ERROR: something odd", .cmsError(.unknown)),
        ("+CME ERROR: 10", .cmeError(.simNotInserted)),
        ("+CME ERROR: SIM PIN required", .cmeError(.simPINRequired)),
        ("+CME ERROR: 515", .cmeError(CMEError(rawValue: 515))),
        ("NO CARRIER", .noCarrier),
        ("COMMAND NOT SUPPORT", .notSupported),
        ("OK", .ok),
        ("ERROR", .error),
    ])
    func finalResults(line: String, result: ATFinalResult) {
        #expect(ATFinalResult.parse(line) == result)
    }

    @Test func informationLinesAreNotFinalResults() {
        for line in ["+CMGS: 12", "OKAY", "huawei", "+CPIN: READY", "ERRORS"] {
            #expect(ATFinalResult.parse(line) == nil)
        }
    }
}
