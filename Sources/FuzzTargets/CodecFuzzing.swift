internal import MMSCodec
internal import SMSCodec

/// FuzzSeptets, FuzzPDU and FuzzMMS: the SMS and MMS codecs on arbitrary bytes.
enum CodecFuzzing {
    /// Septet unpacking and GSM 7-bit decoding: the first octet gives the septet count and fill bits.
    static func septets(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let first = bytes.first else { return .checked }
        let count = Int(first)
        let fillBits = Int(first % 7)
        let septets: [UInt8]
        do {
            septets = try SeptetPacking.unpack(bytes[1...], count: count, fillBits: fillBits)
        } catch {
            return .refused(error)
        }
        let text = GSM7Alphabet.default.decode(septets)
        // Decoding then encoding must not trap for any text the alphabet produced.
        if let again = try? GSM7Alphabet.default.encode(text) {
            _ = SeptetPacking.pack(again, fillBits: fillBits)
        }
        return .accepted
    }

    /// The PDU decoder: with and without the SMSC prefix, strict and lenient, and as SUBMIT-REPORT /
    /// DELIVER-REPORT. Whatever decodes must re-serialize to exactly the input (the serializers are the inverse of
    /// the parsers), and its JSON view and reassembly must not trap. The outcome is the strict decode with the SMSC
    /// field, as the driver reads a `+CMGL`/`+CMT` PDU.
    static func pdu(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        var outcome = FuzzOutcome.checked
        for hasSMSC in [true, false] {
            for options in [PDUDecodingOptions.strict, .lenient] {
                let pdu: SMSPDU
                do {
                    pdu = try SMSPDU.decode(bytes, hasSMSC: hasSMSC, options: options)
                } catch {
                    if hasSMSC, options == .strict { outcome = .refused(error) }
                    continue
                }
                if hasSMSC, options == .strict { outcome = .accepted }
                precondition(pdu.encoded() == bytes, "round trip changed \(PDUHex.encode(bytes))")
                precondition(
                    (try? SMSPDU.decode(pdu.encoded(), hasSMSC: hasSMSC, options: options)) == pdu,
                    "second decode differs for \(PDUHex.encode(bytes))"
                )
                _ = pdu.hex
                _ = pdu.tpduLength
                var reassembler = Reassembler()
                _ = try? reassembler.add(pdu, now: 0)
                _ = reassembler.expire(now: Int64.max / 2)
            }
        }
        for isError in [false, true] {
            if let report = try? SMSSubmitReport(decoding: bytes, isError: isError) {
                precondition(report.encoded() == bytes, "submit report round trip changed \(PDUHex.encode(bytes))")
            }
            if let report = try? SMSDeliverReport(decoding: bytes, isError: isError) {
                precondition(report.encoded() == bytes, "deliver report round trip changed \(PDUHex.encode(bytes))")
            }
        }
        return outcome
    }

    static let pduSamples: [[UInt8]] = [
        [
            0x00, 0x04, 0x0B, 0x91, 0x81, 0x00, 0x55, 0x15, 0x12, 0xF2, 0x00, 0x00, 0x11, 0x10, 0x10, 0x21, 0x43,
            0x65, 0x00, 0x0A, 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37,
        ]
    ]

    /// The WAP push and MMS decoders: the bytes as a WSP push PDU, as an MMS PDU (wire and typed) and as a WSP
    /// multipart body. Whatever decodes must re-encode to bytes that decode to an equal value (decode → encode →
    /// decode is stable), and the text accessors must not trap. The outcome is the push decode, the first thing
    /// the daemon does with a WAP push datagram.
    static func mms(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        var outcome: FuzzOutcome
        do {
            let push = try WSPPush(decoding: bytes)
            precondition((try? WSPPush(decoding: push.encoded())) == push, "push not stable")
            _ = push.applicationID
            _ = push.contentType.description
            checkMMS(push.data)
            outcome = .accepted
        } catch {
            outcome = .refused(error)
        }
        checkMMS(bytes)
        if let parts = try? WSPMultipart.decode(bytes) {
            precondition((try? WSPMultipart.decode(WSPMultipart.encode(parts))) == parts, "multipart not stable")
            for part in parts { touch(part) }
        }
        return outcome
    }

    static let mmsSamples: [[UInt8]] = [
        // An m-acknowledge-ind in a push.
        [0x01, 0x06, 0x03, 0xBE, 0xAF, 0x84, 0x8C, 0x85, 0x98, 0x31, 0x00, 0x8D, 0x92, 0x91, 0x80]
    ]

    private static func checkMMS(_ bytes: [UInt8]) {
        if let pdu = try? MMSPDU(decoding: bytes) {
            precondition((try? MMSPDU(decoding: pdu.encoded())) == pdu, "MMS PDU not stable")
            if case .multipart(let parts) = pdu.body { parts.forEach(touch) }
        }
        if let message = try? MMSMessage(decoding: bytes) {
            precondition((try? MMSMessage(decoding: message.encoded())) == message, "MMS message not stable")
        }
    }

    private static func touch(_ part: WSPPart) {
        _ = part.text
        _ = part.fileName
        _ = part.contentID
        _ = try? part.nested()
    }
}
