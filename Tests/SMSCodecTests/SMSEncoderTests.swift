import TestSupport
import Testing

@testable import SMSCodec

@Suite struct SMSEncoderTests {
    static let cases = PDUVector.load("encode-cases.jsonl")
    static let exact = cases.filter { $0.record["kind"]?.string == "exact-pdu" }
    static let splits = cases.filter { $0.record["kind"]?.string == "split" }

    /// Maps a vector's `input` onto encoder options (the validity spellings the file uses).
    static func options(_ input: TestJSON) throws -> SMSEncodingOptions {
        var options = SMSEncodingOptions()
        options.serviceCentre = input["smsc"]?.string
        options.messageReference = UInt8(input["mr"]?.int ?? 0)
        // The multipart sources (python-messaging, python-gsmmodem) repeat one TP-MR in every part.
        options.incrementsMessageReference = false
        options.concatenationReference = UInt16(input["concat_ref"]?.int ?? 0)
        options.referenceBits = input["ref_bits"]?.int == 16 ? .sixteen : .eight
        options.statusReportRequest = input["status_report_request"]?.bool ?? false
        options.rejectDuplicates = input["reject_duplicates"]?.bool ?? false
        options.messageClass = input["message_class"]?.int.flatMap { MessageClass(rawValue: UInt8($0)) }
        if let minutes = input["validity_minutes"]?.int {
            options.validityPeriod = .relative(minutes: minutes)
        } else if let hours = input["validity_relative_hours"]?.int {
            options.validityPeriod = .relative(minutes: hours * 60)
        } else if let days = input["validity_relative_days"]?.int {
            options.validityPeriod = .relative(minutes: days * 1440)
        } else if let absolute = input["validity_absolute"]?.string {
            options.validityPeriod = .absolute(try Self.timestamp(absolute))
        }
        return options
    }

    /// "2010-07-25T20:15:39+00:00" → SMSTimestamp.
    static func timestamp(_ iso: String) throws -> SMSTimestamp {
        let digits = iso.split(whereSeparator: { "-T:+".contains($0) }).compactMap { Int($0) }
        try #require(digits.count == 8)
        let sign = iso.dropFirst(19).first == "-" ? -1 : 1
        return try SMSTimestamp(
            year: digits[0],
            month: digits[1],
            day: digits[2],
            hour: digits[3],
            minute: digits[4],
            second: digits[5],
            timeZoneQuarterHours: sign * (digits[6] * 4 + digits[7] / 15)
        )
    }

    @Test func exactCasesAreLoaded() {
        #expect(Self.exact.count >= 19)
        #expect(Self.cases.count == PDUVector.lineCount("encode-cases.jsonl"))
    }

    /// `kind: exact-pdu`: byte for byte, with the TPDU lengths AT+CMGS needs.
    @Test(arguments: exact)
    func exactPDU(_ vector: PDUVector) throws {
        let input = try #require(vector.record["input"])
        let options = try Self.options(input)
        let destination = try #require(input["destination"]?.string)
        let text = try #require(input["text"]?.string)
        let message: EncodedMessage
        if input["dcs_hex"]?.string == "04" {
            message = try SMSEncoder.encode(data: Array(text.utf8), to: destination, options: options)
        } else {
            message = try SMSEncoder.encode(text: text, to: destination, options: options)
        }
        let pdus = try #require(vector.expect["pdus"]?.array?.compactMap { $0.string })
        #expect(message.parts.map(\.hex) == pdus)
        #expect(message.parts.map(\.tpduLength) == vector.expect["tpdu_lengths"]?.array?.compactMap { $0.int })
        #expect(message.parts.count == vector.expect["parts"]?.int)
    }

    /// `kind: split`: the encoder yields the parts the segmentation expects, and they decode back to the text.
    @Test(arguments: splits)
    func splitCaseEncodesAndDecodes(_ vector: PDUVector) throws {
        let input = try #require(vector.record["input"])
        var text = input["text"]?.string ?? ""
        for run in input["text_runs"]?.array ?? [] {
            text += String(repeating: run["repeat"]?.string ?? "", count: run["count"]?.int ?? 0)
        }
        var options = try Self.options(input)
        options.concatenationReference = 0x1234
        let message = try SMSEncoder.encode(text: text, to: "+15550000001", options: options)
        #expect(message.parts.count == vector.expect["parts"]?.int)
        if let texts = vector.expect["part_texts"]?.array?.compactMap({ $0.string }) {
            #expect(message.parts.map(\.text) == texts)
        }
        var reassembler = Reassembler()
        var result: String?
        for part in message.parts {
            let decoded = try SMSPDU.decode(part.bytes, hasSMSC: true)
            #expect(decoded.tpduLength == part.tpduLength)
            for event in try reassembler.add(decoded, now: 0) {
                if case .completed(let m) = event { result = m.text }
            }
        }
        #expect(result == text)
    }

    static let limits = cases.filter { $0.record["kind"]?.string == "limit" }

    /// `kind: limit`: 255 parts encode (and every part decodes); one septet or unit more is a typed error.
    @Test(arguments: limits)
    func limitCase(_ vector: PDUVector) throws {
        let input = try #require(vector.record["input"])
        var text = ""
        for run in input["text_runs"]?.array ?? [] {
            text += String(repeating: run["repeat"]?.string ?? "", count: run["count"]?.int ?? 0)
        }
        var options = try Self.options(input)
        options.messageReference = 250
        options.incrementsMessageReference = true  // 250 … 255, 0 … 248: wraps without error
        let destination = try #require(input["destination"]?.string)
        if vector.expect["error"] != nil {
            let error = try #require(throws: SMSEncodingError.self) {
                try SMSEncoder.encode(text: text, to: destination, options: options)
            }
            guard case .segmentation(let segmentation) = error else {
                Issue.record("expected a segmentation error, got \(error)")
                return
            }
            #expect(segmentation.code == .tooManySegments)
        } else {
            let message = try SMSEncoder.encode(text: text, to: destination, options: options)
            #expect(message.parts.count == vector.expect["parts"]?.int)
            #expect(message.parts.last?.messageReference == UInt8(truncatingIfNeeded: 250 + 254))
            for part in message.parts {
                let decoded = try SMSPDU.decode(part.bytes, hasSMSC: true)
                #expect(decoded.tpdu.userData?.header?.concatenation?.total == 255)
            }
        }
    }

    @Test func messageReferenceWrapsWithoutError() throws {
        let text = String(repeating: "x", count: 400)  // 3 parts
        let message = try SMSEncoder.encode(
            text: text,
            to: "+15550000001",
            options: SMSEncodingOptions(messageReference: 254, concatenationReference: 0x1FF)
        )
        #expect(message.parts.map(\.messageReference) == [254, 255, 0])
        // An 8-bit reference keeps the low 8 bits of the caller's counter.
        let concat = message.parts.compactMap { $0.pdu.tpdu.userData?.header?.concatenation }
        #expect(concat.map(\.reference) == [0xFF, 0xFF, 0xFF])
        #expect(concat.map(\.sequence) == [1, 2, 3])
    }

    @Test func sixteenBitReferenceStatusReportAndEnhancedValidity() throws {
        let text = String(repeating: "y", count: 200)
        var options = SMSEncodingOptions(
            serviceCentre: "+491722270333",
            concatenationReference: 0xBEEF,
            referenceBits: .sixteen,
            validityPeriod: .enhanced(EnhancedValidityPeriod(.seconds(90))),
            statusReportRequest: true
        )
        options.messageClass = .class1
        let message = try SMSEncoder.encode(text: text, to: "0123456789", options: options)
        #expect(message.parts.count == 2)
        for (index, part) in message.parts.enumerated() {
            let decoded = try SMSPDU.decode(hex: part.hex, hasSMSC: true)
            guard case .submit(let submit) = decoded.tpdu else {
                Issue.record("not a submit")
                continue
            }
            #expect(submit.statusReportRequest)
            #expect(submit.validityPeriod == .enhanced(EnhancedValidityPeriod(.seconds(90))))
            #expect(submit.firstOctet & 0x18 == 0x08)  // TP-VPF 01
            #expect(submit.dataCodingScheme.messageClass == .class1)
            #expect(submit.destination.typeOfAddress == .unknown)
            #expect(decoded.serviceCentre?.number == "+491722270333")
            let concat = submit.userData.header?.concatenation
            #expect(concat == Concatenation(reference: 0xBEEF, referenceBits: 16, total: 2, sequence: UInt8(index + 1)))
            // 152 septets per part with a 16-bit reference (7-octet header = 8 septets).
            if index == 0 { #expect(submit.userData.bodyLength == 152) }
        }
    }

    @Test func nationalLanguageShiftRoundTrip() throws {
        // Turkish text that the default alphabet cannot carry: with Turkish tables enabled it stays GSM 7-bit.
        let text = String(repeating: "Güneş ışığı ", count: 10)  // UCS-2 would need 2 parts
        let message = try SMSEncoder.encode(
            text: text,
            to: "+905551234567",
            options: SMSEncodingOptions(nationalLanguages: .languages([.turkish]))
        )
        guard case .gsm7(let locking, let single) = message.alphabet else {
            Issue.record("expected GSM 7-bit, got \(message.alphabet)")
            return
        }
        #expect(locking == .turkish || single == .turkish)
        let decoded = try SMSPDU.decode(hex: message.parts[0].hex, hasSMSC: true)
        let header = try #require(decoded.tpdu.userData?.header)
        #expect(header.nationalLanguageLockingShift == locking?.rawValue)
        #expect(header.nationalLanguageSingleShift == single?.rawValue)
        #expect(decoded.tpdu.userData?.content.text == text)
        // Without the tables the same text needs UCS-2.
        let plain = try SMSEncoder.encode(text: text, to: "+905551234567")
        #expect(plain.alphabet == .ucs2)
    }

    @Test func wapPushWithPortsIsEightBit() throws {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        let message = try SMSEncoder.encode(
            data: data,
            to: "+15550000001",
            options: SMSEncodingOptions(ports: ApplicationPorts(destination: 2948, source: 9200, bits: 16))
        )
        var joined: [UInt8] = []
        for part in message.parts {
            let decoded = try SMSPDU.decode(part.bytes, hasSMSC: true)
            #expect(decoded.tpdu.userData?.header?.ports?.destination == 2948)
            if case .data(let bytes) = decoded.tpdu.userData?.content { joined += bytes }
        }
        #expect(joined == data)
        #expect(message.parts.count == 3)  // 140 − 12 header octets = 128 per part
    }

    /// The simulator's direction: SMS-DELIVER parts that decode and reassemble to the text.
    @Test func deliverPartsForTheSimulatedNetwork() throws {
        let timestamp = try SMSTimestamp(secondsSince1970: 1_373_470_740, timeZoneQuarterHours: -8)
        #expect(timestamp.iso8601() == "2013-07-10T13:39:00-02:00")
        let text = "echo: " + String(repeating: "Привет ", count: 20)
        let pdus = try SMSEncoder.encodeDeliver(
            text: text,
            from: "+15550000099",
            timestamp: timestamp,
            options: SMSEncodingOptions(serviceCentre: "+15550000000", concatenationReference: 9)
        )
        #expect(pdus.count == 3)
        var reassembler = Reassembler()
        var result: String?
        for pdu in pdus {
            let decoded = try SMSPDU.decode(pdu.encoded(), hasSMSC: true)
            guard case .deliver(let deliver) = decoded.tpdu else {
                Issue.record("not a deliver")
                continue
            }
            #expect(deliver.originator.number == "+15550000099")
            #expect(deliver.serviceCentreTimestamp == timestamp)
            for event in try reassembler.add(decoded, now: 0) {
                if case .completed(let m) = event { result = m.text }
            }
        }
        #expect(result == text)
        let alpha = try SMSEncoder.encodeDeliver(text: "hi", from: "Megafon", timestamp: timestamp)
        guard case .deliver(let fromName) = alpha[0].tpdu else {
            Issue.record("encodeDeliver gave \(alpha[0].tpdu), not an SMS-DELIVER")
            return
        }
        #expect(fromName.originator.typeOfAddress == .alphanumeric)
        #expect(fromName.originator.number == "Megafon")
        #expect(!fromName.moreMessagesToSend)
        #expect(throws: PDUError.self) { try SMSTimestamp(secondsSince1970: 0, timeZoneQuarterHours: 0) }  // 1970
    }

    @Test func badAddressesAreTypedErrors() {
        #expect(throws: SMSEncodingError.self) { try SMSEncoder.encode(text: "x", to: "+12ab!") }
        #expect(throws: SMSEncodingError.self) {
            try SMSEncoder.encode(text: "x", to: String(repeating: "1", count: 21))
        }
        #expect(throws: SMSEncodingError.self) {
            try SMSEncoder.encode(text: "x", to: "+1", options: SMSEncodingOptions(serviceCentre: "smsc"))
        }
    }

    /// decode(encode(m)) == m for random texts over GSM 7-bit, extension characters, UCS-2 and emoji, with a fixed
    /// seed (printed on failure).
    @Test func randomTextsRoundTrip() throws {
        let seed: UInt64 = 20_261_123
        var rng = SeededRandom(seed: seed)
        let pools: [[String]] = [
            ["a", "b", "Z", " ", "@", "0", "£", "è", "Ä", "\n"],
            ["€", "[", "]", "{", "}", "~", "|", "\\", "^", "x"],
            ["я", "中", "é", "ß", "ğ", "ş", "a", " "],
            ["😀", "👍🏽", "🇩🇪", "e\u{301}", "👨‍👩‍👧", "a", " "],
        ]
        for iteration in 0..<200 {
            let pool = pools[Int(rng.next() % UInt64(pools.count))]
            let length = Int(rng.next() % 420)
            let text = (0..<length).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }.joined()
            let ref = UInt16(truncatingIfNeeded: rng.next())
            let message = try SMSEncoder.encode(
                text: text,
                to: "+15550000001",
                options: SMSEncodingOptions(
                    concatenationReference: ref,
                    referenceBits: ref % 2 == 0 ? .eight : .sixteen
                )
            )
            var reassembler = Reassembler()
            var result: String?
            for part in message.parts.reversed() {
                for event in try reassembler.add(SMSPDU.decode(part.bytes, hasSMSC: true), now: 0) {
                    if case .completed(let m) = event { result = m.text }
                }
            }
            #expect(result == text, "seed \(seed), iteration \(iteration)")
        }
    }
}
