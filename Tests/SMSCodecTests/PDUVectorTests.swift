import TestSupport
import Testing

@testable import SMSCodec

/// Every line of Tests/Fixtures/sms-deliver.jsonl, sms-submit.jsonl and sms-status-report.jsonl: decode, compare
/// every field `expect` gives, and re-serialize to the same bytes.
@Suite struct PDUVectorTests {
    static let deliver = PDUVector.load("sms-deliver.jsonl")
    static let submit = PDUVector.load("sms-submit.jsonl")
    static let statusReport = PDUVector.load("sms-status-report.jsonl")

    /// Fields of vectors that this codec deliberately reports differently (each has its own test below).
    static let disputedFields: [String: Set<String>] = [
        // TS 23.040 §9.2.3.15: 0x43 (1000011) is "not obtainable"; "validity period expired" is 0x46 (1000110).
        "pm-deliver-sms-confirmation": ["expect.status_meaning"]
    ]

    /// Vectors whose user data is shorter than TP-UDL announces; they match `expect` only in lenient mode.
    static let truncatedVectors: Set<String> = ["gammu-at-sms-41"]

    static func options(for vector: PDUVector) -> PDUDecodingOptions {
        truncatedVectors.contains(vector.id) ? .lenient : .strict
    }

    @Test func everyLineOfEveryFileIsLoaded() {
        #expect(Self.deliver.count == PDUVector.lineCount("sms-deliver.jsonl"))
        #expect(Self.submit.count == PDUVector.lineCount("sms-submit.jsonl"))
        #expect(Self.statusReport.count == PDUVector.lineCount("sms-status-report.jsonl"))
        #expect(Self.deliver.count >= 50 && Self.submit.count >= 36 && Self.statusReport.count >= 10)
    }

    @Test(arguments: deliver + submit + statusReport)
    func decodesEveryExpectedField(_ vector: PDUVector) throws {
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC, options: Self.options(for: vector))
        expectMatch(pdu.json, vector.expect, path: "expect", skipping: Self.disputedFields[vector.id] ?? [])
    }

    @Test(arguments: deliver + submit + statusReport)
    func reserializesToTheSameBytes(_ vector: PDUVector) throws {
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC, options: Self.options(for: vector))
        #expect(pdu.hex == vector.pdu.uppercased())
        // And the decoded value survives a second trip unchanged.
        #expect(try SMSPDU.decode(pdu.encoded(), hasSMSC: vector.hasSMSC, options: Self.options(for: vector)) == pdu)
    }

    /// ``SMSPDU/tpduLength`` is counted field by field; it must be the count of the TPDU's encoding.
    @Test(arguments: deliver + submit + statusReport)
    func tpduLengthIsTheCountOfTheEncodedTPDU(_ vector: PDUVector) throws {
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC, options: Self.options(for: vector))
        #expect(pdu.tpduLength == pdu.tpdu.encoded().count)
    }

    @Test(arguments: (deliver + submit + statusReport).filter(\.hasSMSC))
    func decodesAsBareTPDUAfterTheSMSCPrefix(_ vector: PDUVector) throws {
        let bytes = try PDUHex.decode(vector.pdu)
        let smscLength = Int(bytes[0]) + 1
        let bare = try SMSPDU.decode(bytes.dropFirst(smscLength), hasSMSC: false, options: Self.options(for: vector))
        let full = try SMSPDU.decode(bytes, hasSMSC: true, options: Self.options(for: vector))
        #expect(bare.tpdu == full.tpdu)
        #expect(bare.tpduLength == vector.expect["tpdu_length"]?.int)
    }

    /// The vector says "permanent error: validity period expired" for TP-ST 0x43. TS 23.040 §9.2.3.15 lists
    /// 1000011 (0x43) as "Not obtainable" and 1000110 (0x46) as "SM Validity Period Expired"; ofono and gammu's
    /// tables agree with the spec. Both are permanent errors, which is what a service acts on.
    @Test func statusMeaningOfVectorFollowsTheSpecNotTheVector() throws {
        let vector = try #require(Self.statusReport.first { $0.id == "pm-deliver-sms-confirmation" })
        #expect(vector.expect["status_meaning"]?.string == "permanent error: validity period expired")
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC, options: Self.options(for: vector))
        guard case .statusReport(let report) = pdu.tpdu else {
            Issue.record("not a status report")
            return
        }
        #expect(report.status.rawValue == 0x43)
        #expect(report.status.category == .permanent)
        #expect(report.status.isFinalFailure)
        #expect(report.status.meaning == "permanent error: not obtainable")
        #expect(TPStatus(rawValue: 0x46).meaning == "permanent error: validity period expired")
    }

    /// gammu's at-sms/41.dump ("+CMGR: 0,,93") announces TP-UDL 93 septets (82 octets) but carries 79: the modem
    /// cut the PDU. The vector's text is the 82 septets present (gammu and smspdudecoder decode leniently).
    /// ModemManager's test_pdu_insufficient_data demands rejection of exactly this shape (sms-malformed.jsonl), so
    /// the strict default rejects it with the offset of TP-UD, and the lenient mode decodes it and says what is
    /// missing.
    @Test func truncatedSubmitIsRejectedStrictlyAndSalvagedLeniently() throws {
        let vector = try #require(Self.submit.first { $0.id == "gammu-at-sms-41" })
        let error = try #require(throws: PDUError.self) {
            try SMSPDU.decode(hex: vector.pdu, hasSMSC: true)
        }
        #expect(error.code == .truncated)
        #expect(error.offset == 14)
        #expect(error.reason.contains("93 septets"))
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: true, options: .lenient)
        #expect(pdu.tpdu.userData?.missingOctets == 3)
        #expect(pdu.tpdu.userData?.content.text == vector.expect["text"]?.string)
    }
}
