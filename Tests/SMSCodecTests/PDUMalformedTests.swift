import TestSupport
import Testing

@testable import SMSCodec

/// Tests/Fixtures/sms-malformed.jsonl plus hand-made bad inputs: each gives a typed error with an offset and a
/// reason, or (for real-world broken PDUs) decodes without trapping and re-serializes exactly.
@Suite struct PDUMalformedTests {
    static let malformed = PDUVector.load("sms-malformed.jsonl")

    /// The error each `reject` vector must give: ModemManager's parser tests name the defect.
    static let expectedRejections: [String: (PDUError.Code, Int)] = [
        // TP-UDL 11 septets need 10 octets; 9 follow (TP-UD starts at octet 27).
        "mm-pdu-insufficient-data": (.truncated, 27),
        // TP-OA announces 1 semi-octet after TOA 0x1C, and the PDU ends.
        "mm-pdu-wrong-address-size": (.truncated, 4),
        // TP-UDHI set with TP-UDL 0: there is no room for a header (TP-UD starts at octet 10).
        "mm-pdu-wrong-udh": (.headerExceedsUserData, 10),
    ]

    @Test func everyLineIsLoaded() {
        #expect(Self.malformed.count == PDUVector.lineCount("sms-malformed.jsonl"))
        #expect(Self.malformed.count >= 7)
    }

    @Test(arguments: malformed)
    func malformedVector(_ vector: PDUVector) throws {
        switch vector.expect["outcome"]?.string {
        case "reject":
            let error = try #require(throws: PDUError.self) {
                try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC)
            }
            let (code, offset) = try #require(Self.expectedRejections[vector.id], "no expectation for \(vector.id)")
            #expect(error.code == code)
            #expect(error.offset == offset)
            #expect(!error.reason.isEmpty)
        case "malformed-real-world":
            // Must not crash: either a typed error or a value that re-serializes to the same bytes.
            for options in [PDUDecodingOptions.strict, .lenient] {
                do {
                    let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: vector.hasSMSC, options: options)
                    #expect(pdu.hex == vector.pdu.uppercased())
                    _ = pdu.json.serialized
                } catch {
                    #expect(!error.reason.isEmpty)
                    #expect(error.offset >= 0 && error.offset <= vector.pdu.count / 2)
                }
            }
        default:
            Issue.record("unknown outcome in \(vector.id)")
        }
    }

    /// The ZTE report with a "#" (0xB) first digit and TOA 0x97: decoded, with the agreed MR/status/times.
    @Test func brokenZTEStatusReportDecodes() throws {
        let vector = try #require(Self.malformed.first { $0.id == "gsmmodem-decode-zte-broken-sr" })
        let pdu = try SMSPDU.decode(hex: vector.pdu, hasSMSC: true)
        guard case .statusReport(let report) = pdu.tpdu else {
            Issue.record("not a status report")
            return
        }
        #expect(report.messageReference == 28)
        #expect(report.status == .delivered)
        #expect(report.recipient.digits == "#08427829207025")
        #expect(report.serviceCentreTimestamp.iso8601() == "2013-07-26T14:29:27+02:00")
        #expect(report.dischargeTime.iso8601() == "2013-07-26T14:29:31+02:00")
    }

    /// UDL 0xA0 octets of UCS-2 exceeds the 140 octets TP-UD can hold: rejected in both modes.
    @Test func ucs2LengthBeyondMaximumIsOutOfRange() throws {
        let vector = try #require(Self.malformed.first { $0.id == "gsmmodem-decode-ucs2-bad-udl" })
        for options in [PDUDecodingOptions.strict, .lenient] {
            let error = try #require(throws: PDUError.self) {
                try SMSPDU.decode(hex: vector.pdu, hasSMSC: true, options: options)
            }
            #expect(error.code == .lengthOutOfRange)
            #expect(error.offset == 13)  // the TP-UDL octet
        }
    }

    // MARK: - Hand-made bad inputs

    static let hello = "07912143658709F1040B918100551512F20000111010214365000AE8329BFD4697D9EC37"

    @Test func oddHexIsATypedError() {
        let error = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: "0011000", hasSMSC: true) }
        #expect(error?.code == .oddHexLength)
    }

    @Test func nonHexCharacterGivesItsOctetOffset() {
        let error = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: "00110G00", hasSMSC: true) }
        #expect(error?.code == .invalidHexDigit)
        #expect(error?.offset == 2)
        #expect(error?.reason.contains("'G'") == true)
    }

    @Test func emptyInputIsRejected() {
        #expect(throws: PDUError(.invalidPDULength, offset: 0, reason: "")) {
            try SMSPDU.decode(hex: "  ", hasSMSC: true)
        }
        #expect(throws: PDUError(.truncated, offset: 0, reason: "")) { try SMSPDU.decode(hex: "00", hasSMSC: true) }
    }

    /// Every prefix of a valid PDU is truncated somewhere: a typed error at or before the end, never a trap.
    @Test func everyTruncationIsATypedError() throws {
        let bytes = try PDUHex.decode(Self.hello)
        for length in 1..<bytes.count {
            let error = try #require(throws: PDUError.self) { try SMSPDU.decode(bytes.prefix(length), hasSMSC: true) }
            #expect(error.code == .truncated)
            #expect(error.offset <= length)
        }
        // Strict mode rejects, lenient mode salvages, truncation inside the user data.
        let cut = try SMSPDU.decode(bytes.dropLast(2), hasSMSC: true, options: .lenient)
        #expect(cut.tpdu.userData?.content.text == "hellohel")  // 7 octets hold 8 septets
        #expect(cut.tpdu.userData?.missingOctets == 2)
    }

    @Test func lyingAddressLengthIsOutOfRange() {
        // TP-OA length 0x30 (48 semi-octets) > 20.
        let error = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: "0004309181", hasSMSC: true) }
        #expect(error?.code == .lengthOutOfRange)
        #expect(error?.offset == 2)
    }

    @Test func lyingSMSCLengthIsOutOfRange() {
        let error = #expect(throws: PDUError.self) {
            try SMSPDU.decode(hex: "0C91" + Self.hello.dropFirst(4), hasSMSC: true)
        }
        #expect(error?.code == .lengthOutOfRange)
        #expect(error?.offset == 0)
    }

    @Test func userDataLengthBeyondMaximum() {
        // GSM 7-bit TP-UDL 0xA1 = 161 septets.
        let pdu = String(Self.hello.dropLast(20)) + "A1" + String(repeating: "00", count: 141)
        let error = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: pdu, hasSMSC: true) }
        #expect(error?.code == .lengthOutOfRange)
        #expect(error?.offset == 26)  // the TP-UDL octet
    }

    /// TP-UDHI with TP-UDHL larger than the user data, or an IE running past the header.
    @Test func headerLongerThanUserData() throws {
        // 8-bit DELIVER, TP-UDL 4, UDHL 5.
        let base = "07912143658709F1440B918100551512F2000411101021436500"
        let error = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: base + "0405000301", hasSMSC: true) }
        #expect(error?.code == .headerExceedsUserData)
        #expect(error?.offset == 27)  // TP-UD
        // UDHL 4, and the IE at octet 28 claims 5 data octets where 2 are left in the header.
        let ie = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: base + "0504000500AA", hasSMSC: true) }
        #expect(ie?.code == .malformedInformationElement)
        #expect(ie?.offset == 28)
        // GSM 7-bit: UDHL 5 needs 7 septets, TP-UDL says 3.
        let gsm = "07912143658709F1440B918100551512F2000011101021436500"
        let septets = #expect(throws: PDUError.self) { try SMSPDU.decode(hex: gsm + "03050003010201", hasSMSC: true) }
        #expect(septets?.code == .headerExceedsUserData)
    }

    /// Zero-length parts, total = 0, seq = 0 and seq > total decode (the header is well formed) and are flagged;
    /// the reassembler refuses them.
    @Test(arguments: [
        ("050003070000", Concatenation.Problem.zeroTotal), ("050003070200", .zeroSequence),
        ("050003070203", .sequenceBeyondTotal),
    ])
    func invalidConcatenationIsFlagged(_ udh: String, _ problem: Concatenation.Problem) throws {
        let base = "07912143658709F1440B918100551512F2000411101021436500"
        let pdu = try SMSPDU.decode(hex: base + "06" + udh, hasSMSC: true)
        let header = try #require(pdu.tpdu.userData?.header)
        #expect(header.concatenation?.problem == problem)
        #expect(pdu.tpdu.userData?.content == .data([]))
        #expect(pdu.hex == base + "06" + udh)
    }

    /// Random bytes never trap: a fixed-seed sweep (the fuzzer does the real work).
    @Test func randomInputsNeverTrap() {
        var rng = SeededRandom(seed: 0x5EED)
        var decoded = 0
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 60) + 1
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for hasSMSC in [true, false] {
                if let pdu = try? SMSPDU.decode(bytes, hasSMSC: hasSMSC, options: .lenient) {
                    decoded += 1
                    #expect(pdu.encoded() == bytes)
                }
            }
        }
        #expect(decoded > 0)
    }
}
