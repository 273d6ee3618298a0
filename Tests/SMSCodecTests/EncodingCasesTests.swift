import Testing

@testable import SMSCodec

/// Every `split` and `limit` case of `Tests/Fixtures/encode-cases.jsonl`, and the text side of the
/// `exact-pdu` cases (the user data our segments pack to must be the tail of the expected PDU).
@Suite struct EncodingCasesTests {
    @Test func vectorFileIsReadable() throws {
        #expect(EncodingCaseVectors.loadError == nil, "\(EncodingCaseVectors.loadError ?? "")")
        #expect(EncodingCaseVectors.cases(kind: "split").count >= 25)
        #expect(EncodingCaseVectors.cases(kind: "limit").count >= 5)
        #expect(EncodingCaseVectors.cases(kind: "exact-pdu").count >= 15)
    }

    @Test(arguments: EncodingCaseVectors.cases(kind: "split"))
    func split(_ vector: EncodeCase) throws {
        let result = try Segmenter.segment(vector.text, options: vector.options)
        let expect = vector.expect
        #expect(Self.name(result.alphabet) == expect.alphabet)
        if let total = expect.totalUnits { #expect(result.totalUnits == total) }
        if let parts = expect.parts { #expect(result.parts.count == parts) }
        if let partUnits = expect.partUnits { #expect(result.parts.map(\.unitCount) == partUnits) }
        if let partTexts = expect.partTexts { #expect(result.parts.map(\.text) == partTexts) }
        #expect(result.text == vector.text)
    }

    @Test(arguments: EncodingCaseVectors.cases(kind: "limit"))
    func limit(_ vector: EncodeCase) throws {
        let expect = vector.expect
        if expect.error != nil {
            let error = try #require(throws: SegmentationError.self) {
                try Segmenter.segment(vector.text, options: vector.options)
            }
            #expect(error.code == .tooManySegments)
            #expect(error.alphabet.map(Self.name) == expect.alphabet)
            #expect((error.requiredParts ?? 0) > SegmentLimits.maxSegments)
            #expect(error.reason.hasPrefix("too long: would need"))
        } else {
            let result = try Segmenter.segment(vector.text, options: vector.options)
            #expect(Self.name(result.alphabet) == expect.alphabet)
            #expect(result.parts.count == expect.parts)
            #expect(result.text == vector.text)
        }
    }

    /// The SUBMIT serializer (codec-pdu) turns our segments into these PDUs; the last octets of each PDU are the
    /// user data, so our header size, fill bits, septets or UTF-16 octets must reproduce them exactly.
    @Test(arguments: EncodingCaseVectors.cases(kind: "exact-pdu"))
    func exactPDUUserData(_ vector: EncodeCase) throws {
        let expectedPDUs = try #require(vector.expect.pdus)
        let result: SegmentedText
        if vector.input.dcsHex == "04" {
            result = try Segmenter.segment(data: Array(vector.text.utf8), options: vector.options)
        } else {
            result = try Segmenter.segment(vector.text, options: vector.options)
        }
        #expect(result.parts.count == expectedPDUs.count)
        for (part, hex) in zip(result.parts, expectedPDUs) {
            let pdu = try PDUHex.decode(hex)
            let userData: [UInt8]
            let udl: Int
            switch result.alphabet {
            case .gsm7:
                let headerSeptets = (result.headerOctets * 8 + 6) / 7
                userData = SeptetPacking.pack(part.units, fillBits: result.fillBits)
                udl = headerSeptets + part.unitCount
                let userDataOctets = SeptetPacking.octetCount(septets: udl)
                #expect(userDataOctets == result.headerOctets + userData.count)
            case .ucs2, .eightBit:
                userData = part.units
                udl = result.headerOctets + userData.count
            }
            #expect(pdu.count > userData.count)
            #expect(Array(pdu.suffix(userData.count)) == userData, "user data of \(vector.id)")
            // TP-UDL precedes the header and the text.
            let udlOffset = pdu.count - userData.count - result.headerOctets - 1
            #expect(udlOffset > 0 && Int(pdu[udlOffset]) == udl, "TP-UDL of \(vector.id)")
            if result.isConcatenated {
                // The header starts with UDHL, then (here) the 8-bit concatenation element 00 03.
                #expect(pdu[udlOffset + 1] == UInt8(result.headerOctets - 1))
                #expect(pdu[udlOffset + 2] == 0x00)
            }
        }
    }

    static func name(_ alphabet: SegmentedText.Alphabet) -> String {
        switch alphabet {
        case .gsm7: "gsm7"
        case .ucs2: "ucs2"
        case .eightBit: "8bit"
        }
    }
}
