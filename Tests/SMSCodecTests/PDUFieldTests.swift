import Testing

@testable import SMSCodec

/// Field codecs on their own: DCS groups, addresses, timestamps, validity periods, UDH elements, reports.
@Suite struct PDUFieldTests {
    // MARK: - Hex

    @Test func hexAcceptsCaseWhitespaceAndSubstrings() throws {
        #expect(try PDUHex.decode(" 00aBcD\r\n") == [0x00, 0xAB, 0xCD])
        let line = "+CMGR: 0,,2\r\n0A0b"
        let substring = line[line.index(line.endIndex, offsetBy: -4)...]
        #expect(try PDUHex.decode(substring) == [0x0A, 0x0B])
        #expect(PDUHex.encode([0x00, 0xAB, 0xFF]) == "00ABFF")
        let error = #expect(throws: PDUError.self) { try PDUHex.decode("00 111") }
        #expect(error?.code == .invalidHexDigit)
        #expect(error?.offset == 1)
        let long = #expect(throws: PDUError.self) { try PDUHex.decode(String(repeating: "00", count: 401)) }
        #expect(long?.code == .invalidPDULength)
    }

    @Test func hexRejectsOddAndNonHexAndOverLong() {
        #expect((try? PDUHex.decode("0041000b81")) == [0x00, 0x41, 0x00, 0x0B, 0x81])
        #expect((try? PDUHex.decode("079")) == nil)
        #expect((try? PDUHex.decode("BAD0")) == [0xBA, 0xD0])
        #expect((try? PDUHex.decode("XYZ0")) == nil)
        #expect((try? PDUHex.decode("")) == nil)
        #expect((try? PDUHex.decode(String(repeating: "00", count: PDUHex.maximumOctets))) != nil)
    }

    /// Decoding into a reused buffer accepts, rejects and reports exactly what decoding into a new array does.
    @Test func hexIntoAReusedBufferAgreesWithDecode() {
        var buffer: [UInt8] = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE]
        for text in [
            " 00aBcD\r\n", "0041000b81", "079", "XYZ0", "00 111", "", "\t", "0011", String(repeating: "0", count: 802),
        ] {
            let bytes = Array(text.utf8)
            let expected = Result { () throws(PDUError) in try PDUHex.decode(text) }
            let got = Result { () throws(PDUError) in
                try bytes.withUnsafeBufferPointer { (utf8) throws(PDUError) in
                    try PDUHex.decode(utf8: utf8, into: &buffer)
                }
                return buffer
            }
            switch (expected, got) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(text)")
            case (.failure(let a), .failure(let b)):
                #expect(a.code == b.code && a.offset == b.offset && a.reason == b.reason, "\(text)")
            default: Issue.record("\(text): decode gave \(expected), decoding into a buffer gave \(got)")
            }
        }
    }

    /// Every byte value at every position of a run of digits long enough for the eight-at-a-time path and its
    /// scalar tail: the octets, or the error naming the first bad digit, are what a digit-by-digit parse gives.
    @Test func hexAgreesWithADigitByDigitParseForEveryByteAtEveryPosition() {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        let base = Array("0123456789abcdefABCDEF0f9A".utf8)  // 26 digits: 3 words of 8 and a tail of 2
        var buffer: [UInt8] = []
        for position in base.indices {
            for byte in UInt8.min...UInt8.max where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                var digits = base
                digits[position] = byte
                let expectedBad = digits.firstIndex { nibble($0) == nil }
                let result = Result { () throws(PDUError) in
                    try digits.withUnsafeBufferPointer { (utf8) throws(PDUError) in
                        try PDUHex.decode(utf8: utf8, into: &buffer)
                    }
                }
                if let expectedBad {
                    guard case .failure(let error) = result else {
                        Issue.record("byte \(byte) at \(position): accepted")
                        continue
                    }
                    #expect(error.code == .invalidHexDigit && error.offset == expectedBad / 2, "\(byte) at \(position)")
                    #expect(error.reason.contains("at position \(expectedBad) "), "\(error.reason)")
                } else {
                    let expected = stride(from: 0, to: digits.count, by: 2).map {
                        nibble(digits[$0])! << 4 | nibble(digits[$0 + 1])!
                    }
                    #expect(buffer == expected, "byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test func hexHonoursACallersTighterBound() {
        #expect((try? PDUHex.decode("0011", maximumOctets: 2)) == [0x00, 0x11])
        let long = #expect(throws: PDUError.self) { try PDUHex.decode("001122", maximumOctets: 2) }
        #expect(long?.code == .invalidPDULength)
        #expect(long?.offset == 2)
    }

    @Test(arguments: [
        ("0041000b81", true), ("079", true), ("abcdefABCDEF0123456789", true), ("BAD", true),
        ("", false), ("00 11", false), (" 0011", false), ("0011\r", false), ("XYZ0", false), ("+CMT: ,5", false),
        ("00é1", false),
    ])
    func hexDigitsRecognisesAPDULineAndNothingElse(text: String, isHex: Bool) {
        #expect(PDUHex.isHexDigits(text) == isHex)
        #expect(PDUHex.isHexDigits(text[...]) == isHex)
    }

    // MARK: - DCS (TS 23.038 §4)

    @Test func generalDataCodingGroup() {
        #expect(DataCodingScheme(rawValue: 0x00).coding == .alphabet(.gsm7))
        #expect(DataCodingScheme(rawValue: 0x04).coding == .alphabet(.eightBit))
        #expect(DataCodingScheme(rawValue: 0x08).coding == .alphabet(.ucs2))
        #expect(DataCodingScheme(rawValue: 0x0C).coding == .reservedAlphabet)
        #expect(DataCodingScheme(rawValue: 0x00).messageClass == nil)
        #expect(DataCodingScheme(rawValue: 0x03).messageClass == nil)  // bit 4 clear: bits 1…0 are no class
        #expect(DataCodingScheme(rawValue: 0x12).messageClass == .class2)
        #expect(DataCodingScheme(rawValue: 0x19).messageClass == .class1)
        #expect(DataCodingScheme(rawValue: 0x19).alphabet == .ucs2)
        #expect(DataCodingScheme(rawValue: 0x20).coding == .compressed(.gsm7))
        #expect(DataCodingScheme(rawValue: 0x2A).coding == .compressed(.ucs2))
        #expect(DataCodingScheme(rawValue: 0x2A).isCompressed)
        #expect(!DataCodingScheme(rawValue: 0x2A).userDataLengthCountsSeptets)  // compressed: octets
        #expect(DataCodingScheme(rawValue: 0x53).group == .automaticDeletion)
        #expect(DataCodingScheme(rawValue: 0x53).messageClass == .class3)
        #expect(DataCodingScheme(alphabet: .ucs2, messageClass: .class0).rawValue == 0x18)
    }

    @Test func messageWaitingGroups() throws {
        let discard = try #require(DataCodingScheme(rawValue: 0xC8).messageWaiting)
        #expect(discard == MessageWaiting(storage: .discard, isActive: true, kind: .voicemail))
        #expect(DataCodingScheme(rawValue: 0xC8).alphabet == .gsm7)
        let store = try #require(DataCodingScheme(rawValue: 0xD1).messageWaiting)
        #expect(store == MessageWaiting(storage: .store, isActive: false, kind: .fax))
        let ucs2 = try #require(DataCodingScheme(rawValue: 0xEA).messageWaiting)
        #expect(ucs2 == MessageWaiting(storage: .storeUCS2, isActive: true, kind: .email))
        #expect(DataCodingScheme(rawValue: 0xEA).alphabet == .ucs2)
        #expect(DataCodingScheme(rawValue: 0xEA).messageClass == nil)
    }

    @Test func dataCodingMessageClassAndReservedGroups() {
        #expect(DataCodingScheme(rawValue: 0xF0).coding == .alphabet(.gsm7))
        #expect(DataCodingScheme(rawValue: 0xF0).messageClass == .class0)
        #expect(DataCodingScheme(rawValue: 0xF6).coding == .alphabet(.eightBit))
        #expect(DataCodingScheme(rawValue: 0xF6).messageClass == .class2)
        #expect(DataCodingScheme(rawValue: 0xFB).coding == .alphabet(.gsm7))  // bit 3 reserved, ignored
        for raw: UInt8 in [0x80, 0x9F, 0xA5, 0xBF] {
            #expect(DataCodingScheme(rawValue: raw).coding == .reservedGroup)
            #expect(DataCodingScheme(rawValue: raw).userDataLengthCountsSeptets)  // §4: assume GSM 7-bit
        }
    }

    /// A compressed or reserved DCS still decodes the header fields; the body is carried raw with a reason.
    @Test(arguments: [
        (UInt8(0x24), UnsupportedUserData.Reason.compressed), (0x0C, .reservedAlphabet),
        (0x90, .reservedCodingGroup),
    ])
    func unsupportedCodingCarriesRawBytes(_ dcs: UInt8, _ reason: UnsupportedUserData.Reason) throws {
        // Compressed data counts octets (9), the reserved codings septets (10), TS 23.040 §9.2.3.16.
        let udl = reason == .compressed ? "09" : "0A"
        let hex = "000B918100551512F200" + PDUHex.encode([dcs]) + "11101021436500" + udl + "E8329BFD4697D9EC37"
        let pdu = try SMSPDU.decode(hex: "00" + hex, hasSMSC: true)
        guard case .deliver(let deliver) = pdu.tpdu else {
            Issue.record("not a deliver")
            return
        }
        #expect(deliver.originator.number == "+18005551212")
        guard case .unsupported(let body) = deliver.userData.content else {
            Issue.record("expected unsupported content, got \(deliver.userData.content)")
            return
        }
        #expect(body.reason == reason)
        #expect(PDUHex.encode(body.octets).hasPrefix("E8329BFD"))
        #expect(pdu.hex == "00" + hex)
    }

    // MARK: - Addresses (TS 23.040 §9.1.2.5)

    @Test func addressForms() throws {
        let international = try SMSAddress(number: "+4917212345")
        #expect(international.typeOfAddress == .international)
        #expect(international.lengthField == 10)
        #expect(PDUHex.encode(international.valueOctets) == "9471123254")
        let odd = try SMSAddress(number: "12345")
        #expect(odd.typeOfAddress == .unknown)
        #expect(PDUHex.encode(odd.valueOctets) == "2143F5")
        #expect(odd.number == "12345")
        let special = try SMSAddress(number: "*100#abc")
        #expect(PDUHex.encode(special.valueOctets) == "1A00CBED")  // A1 00 BC DE, low nibble first
        #expect(special.digits == "*100#abc")
        let alpha = try SMSAddress(alphanumeric: "Megafon")
        #expect(alpha.typeOfAddress == .alphanumeric)
        #expect(alpha.lengthField == 13)
        #expect(PDUHex.encode(alpha.valueOctets) == "CDF2396C7EBB01")
        #expect(alpha.number == "Megafon")
        #expect(throws: PDUError.self) { try SMSAddress(number: "+49-172") }
        #expect(throws: PDUError.self) { try SMSAddress(number: String(repeating: "9", count: 21)) }
        #expect(throws: PDUError.self) { try SMSAddress(alphanumeric: "Twelve chars") }
    }

    @Test func serviceCentreAddress() throws {
        let smsc = try SMSAddress(number: "+491722270333", kind: .serviceCentre)
        var out: [UInt8] = []
        smsc.encode(into: &out)
        #expect(PDUHex.encode(out) == "0791947122723033")
        var empty: [UInt8] = []
        SMSAddress.emptyServiceCentre.encode(into: &empty)
        #expect(empty == [0x00])
    }

    // MARK: - Timestamps (TS 23.040 §9.2.3.11)

    @Test func timeZonesAndCentury() throws {
        func ts(_ hex: String) throws -> SMSTimestamp { SMSTimestamp(octets: try PDUHex.decode(hex)) }
        #expect(try ts("20806291731448").iso8601() == "2002-08-26T19:37:41-01:00")
        #expect(try ts("20806291731480").iso8601() == "2002-08-26T19:37:41+02:00")
        #expect(try ts("20806291731408").iso8601() == "2002-08-26T19:37:41+00:00")  // −0
        #expect(try ts("209012413064A0").iso8601() == "2002-09-21T14:03:46+02:30")  // 10 quarter hours
        #expect(try ts("2090124130646B").timeZoneQuarterHours == -(30 + 6))  // −9:00
        #expect(try ts("89000000000000").year() == 1998)
        #expect(try ts("98000000000000").twoDigitYear == 89)
        #expect(try ts("98000000000000").year() == 2089)
        #expect(try ts("09000000000000").year() == 1990)
        let built = try SMSTimestamp(
            year: 2013,
            month: 7,
            day: 10,
            hour: 13,
            minute: 39,
            second: 0,
            timeZoneQuarterHours: -8
        )
        #expect(PDUHex.encode(built.octets) == "31700131930088")
        #expect(built.iso8601() == "2013-07-10T13:39:00-02:00")
        #expect(built.secondsSince1970() == 1_373_470_740)
        #expect(try !ts("FFFFFFFFFFFFFF").isValid)
        #expect(try ts("FFFFFFFFFFFFFF").secondsSince1970() == nil)
        #expect(throws: PDUError.self) {
            try SMSTimestamp(year: 2013, month: 13, day: 1, hour: 0, minute: 0, second: 0, timeZoneQuarterHours: 0)
        }
    }

    // MARK: - Validity period (TS 23.040 §9.2.3.12)

    @Test func relativeValidity() {
        #expect(ValidityPeriod.relative(minutes: 5) == .relative(0))
        #expect(ValidityPeriod.relative(minutes: 6) == .relative(1))
        #expect(ValidityPeriod.relative(minutes: 720) == .relative(143))
        #expect(ValidityPeriod.relative(minutes: 24 * 60) == .relative(167))
        #expect(ValidityPeriod.relative(minutes: 4 * 1440) == .relative(170))
        #expect(ValidityPeriod.relative(minutes: 30 * 1440) == .relative(196))
        #expect(ValidityPeriod.relative(minutes: 63 * 7 * 1440) == .relative(255))
        #expect(ValidityPeriod.relative(minutes: Int.max) == .relative(255))
        #expect(ValidityPeriod.relative(minutes: Int.min) == .relative(0))
        for value in UInt8.min...UInt8.max {
            #expect(ValidityPeriod.relative(minutes: ValidityPeriod.minutes(relative: value)) == .relative(value))
        }
    }

    @Test func enhancedValidityFormats() {
        let time = EnhancedValidityPeriod(.time(hours: 12, minutes: 34, seconds: 56), singleShot: true)
        #expect(PDUHex.encode(time.octets) == "43214365000000")
        #expect(time.format == .time(hours: 12, minutes: 34, seconds: 56))
        #expect(time.isSingleShot)
        #expect(EnhancedValidityPeriod(.relative(170)).format == .relative(170))
        #expect(EnhancedValidityPeriod(octets: [0x07, 0, 0, 0, 0, 0, 0]).format == .reserved(7))
        // Out-of-range fields are clamped, not trapped on.
        let clamped = EnhancedValidityPeriod(.time(hours: -1, minutes: 250, seconds: 0))
        #expect(clamped.format == .time(hours: 0, minutes: 99, seconds: 0))
    }

    // MARK: - User data header (TS 23.040 §9.2.3.24)

    @Test func unknownAndRepeatedElementsSurviveByteForByte() throws {
        // IE 0x70 (unknown), concat 8-bit twice (the last wins), special SMS indication (voicemail, 3 waiting).
        let udh = "12" + "7002ABCD" + "0003010201" + "0003020202" + "01028003"
        let body = "48656C6C6F"
        let hex = "00440B918100551512F2000411101021436500" + PDUHex.encode([UInt8(19 + 5)]) + udh + body
        let pdu = try SMSPDU.decode(hex: hex, hasSMSC: true)
        let header = try #require(pdu.tpdu.userData?.header)
        #expect(header.elements.map(\.identifier) == [0x70, 0x00, 0x00, 0x01])
        #expect(header.concatenation == Concatenation(reference: 2, referenceBits: 8, total: 2, sequence: 2))
        #expect(header.specialMessageIndication?.store == true)
        #expect(header.specialMessageIndication?.kind == .voicemail)
        #expect(header.specialMessageIndication?.count == 3)
        #expect(pdu.tpdu.userData?.content == .data(Array("Hello".utf8)))
        #expect(pdu.hex == hex)
    }

    @Test func eightBitPortsAndFillBitsForEveryHeaderLength() throws {
        for headerLength in 1...10 {
            let header = UserDataHeader(elements: [
                InformationElement(identifier: 0x70, data: Array(repeating: 0x55, count: headerLength - 1))
            ])
            let septets = try GSM7Alphabet.default.encode("fill bits")
            let userData = try UserData(header: header, septets: septets)
            #expect(userData.fillBits == (7 - (header.encodedLength * 8) % 7) % 7)
            let deliver = SMSDeliver(
                originator: try SMSAddress(number: "+1"),
                dataCodingScheme: .gsm7,
                serviceCentreTimestamp: try SMSTimestamp(
                    year: 2024,
                    month: 2,
                    day: 29,
                    hour: 23,
                    minute: 59,
                    second: 59,
                    timeZoneQuarterHours: 5
                ),
                userData: userData
            )
            let bytes = SMSPDU(serviceCentre: nil, tpdu: .deliver(deliver)).encoded()
            let decoded = try SMSPDU.decode(bytes, hasSMSC: false)
            #expect(decoded.tpdu.userData?.content.text == "fill bits")
            #expect(decoded.tpdu == .deliver(deliver))
        }
        let ports = ApplicationPorts(destination: 0xE4, source: 0x10, bits: 8)
        #expect(ApplicationPorts(ports.element) == ports)
    }

    // MARK: - Reports (TS 23.040 §9.2.2.1a, §9.2.2.2a, §9.2.3.27)

    @Test func deliverReportRoundTrips() throws {
        let ack = SMSDeliverReport()
        #expect(ack.encoded() == [0x00, 0x00])
        let error = SMSDeliverReport(failureCause: 0xD3, parameters: OptionalParameters(protocolIdentifier: 0))
        #expect(error.encoded() == [0x00, 0xD3, 0x01, 0x00])
        #expect(try SMSDeliverReport(decoding: error.encoded(), isError: true) == error)
        #expect(throws: PDUError.self) { try SMSDeliverReport(decoding: [0x01, 0x00], isError: false) }
    }

    @Test func submitReportRoundTrips() throws {
        // RP-ACK form: first octet, TP-PI (DCS + UDL), SCTS, DCS, UDL 0.
        let report = try SMSSubmitReport(
            decoding: try PDUHex.decode("0106" + "01908241650040" + "0000"),
            isError: false
        )
        #expect(report.parameters.dataCodingScheme == .gsm7)
        #expect(report.parameters.userData?.length == 0)
        #expect(report.serviceCentreTimestamp.iso8601() == "2010-09-28T14:56:00+01:00")
        #expect(PDUHex.encode(report.encoded()) == "0106" + "01908241650040" + "0000")
        let failed = try SMSSubmitReport(decoding: try PDUHex.decode("01C50001908241650040"), isError: true)
        #expect(failed.failureCause == 0xC5)
        #expect(PDUHex.encode(failed.encoded()) == "01C50001908241650040")
    }

    @Test func statusReportWithOptionalUserData() throws {
        let parameters = OptionalParameters(
            protocolIdentifier: 0,
            dataCodingScheme: .gsm7,
            userData: try UserData(header: nil, septets: try GSM7Alphabet.default.encode("ok"))
        )
        let report = SMSStatusReport(
            messageReference: 200,
            recipient: try SMSAddress(number: "+15550000099"),
            serviceCentreTimestamp: try SMSTimestamp(
                year: 2026,
                month: 11,
                day: 23,
                hour: 16,
                minute: 0,
                second: 0,
                timeZoneQuarterHours: 0
            ),
            dischargeTime: try SMSTimestamp(
                year: 2026,
                month: 11,
                day: 23,
                hour: 16,
                minute: 0,
                second: 5,
                timeZoneQuarterHours: 0
            ),
            status: TPStatus(rawValue: 0x46),
            parameters: parameters
        )
        let pdu = SMSPDU(serviceCentre: .emptyServiceCentre, tpdu: .statusReport(report))
        let decoded = try SMSPDU.decode(hex: pdu.hex, hasSMSC: true)
        #expect(decoded == pdu)
        guard case .statusReport(let back) = decoded.tpdu else {
            Issue.record("decoded \(decoded.tpdu), not an SMS-STATUS-REPORT")
            return
        }
        #expect(back.parameters?.userData?.content.text == "ok")
        #expect(back.status.meaning == "permanent error: validity period expired")
        #expect(back.status.isFinalFailure)
    }
}

/// Regressions found by FuzzPDU.
@Suite struct PDUFuzzRegressionTests {
    /// FuzzPDU crash-474fe810…: a SUBMIT-REPORT whose TP-PI has the extension bit set. The extension octet follows
    /// TP-PI directly (before TP-SCTS); the decoder read it after TP-SCTS, so re-serialization moved octets.
    @Test func submitReportWithExtendedIndicatorRoundTrips() throws {
        let bytes = try PDUHex.decode("058163465010D5B00C8163460653332000000000")
        for isError in [false, true] {
            if let report = try? SMSSubmitReport(decoding: bytes, isError: isError) {
                #expect(report.encoded() == bytes)
            }
        }
        let report = try SMSSubmitReport(decoding: bytes, isError: false)
        #expect(report.parameters.indicator == [0x81, 0x63])
        #expect(PDUHex.encode(report.serviceCentreTimestamp.octets) == "465010D5B00C81")
    }
}
