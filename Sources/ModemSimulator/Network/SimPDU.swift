import Foundation
import SMSCodec

// The simulator's own minimal TPDU transcoder: just enough of TS 23.040 to turn the SMS-SUBMIT a modem sends into
// the SMS-DELIVER its recipient gets, to build SMS-STATUS-REPORTs, and to read/write the text of the echo
// subscriber and injected messages. It is deliberately private to ModemSimulator; SMSCodec is the real codec.

/// Why a PDU could not be taken apart. The modem answers these with +CMS ERROR 304 (invalid PDU mode parameter).
enum SimPDUError: Error, Hashable, Sendable {
    case truncated
    case wrongType(UInt8)
    case addressTooLong(Int)
    case userDataTooLong(Int)
    case invalidSMSCField
}

/// A TP address (TS 23.040 §9.1.2.5).
struct SimAddress: Hashable, Sendable {
    /// Most digits an address field holds (TS 23.040 §9.1.2.5: 20 semi-octets).
    static let maximumDigits = 20

    enum Kind: Hashable, Sendable {
        case international
        case unknown
        case alphanumeric
    }

    var kind: Kind
    /// Digits (with a leading `+` for international) or the alphanumeric text.
    var value: String

    static func number(_ text: String) -> SimAddress {
        text.hasPrefix("+") ? SimAddress(kind: .international, value: text) : SimAddress(kind: .unknown, value: text)
    }

    /// Digits without `+`.
    var digits: String { value.hasPrefix("+") ? String(value.dropFirst()) : value }

    /// Encodes length octet, TOA and value (TS 23.040 §9.1.2.5).
    func encode() -> [UInt8] {
        switch kind {
        case .alphanumeric:
            let septets = (try? GSM7Alphabet.default.encode(value)) ?? []
            let packed = SeptetPacking.pack(Array(septets.prefix(11)))
            // Length counts semi-octets of the packed value.
            return [UInt8(packed.count * 2), 0xD0] + packed
        case .international, .unknown:
            let d = Array(digits.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.prefix(Self.maximumDigits))
            return [UInt8(d.count), kind == .international ? 0x91 : 0x81] + Self.semiOctets(d)
        }
    }

    /// Encodes as an SMSC address (TS 24.011 §8.2.5.1: length counts octets including the TOA).
    func encodeAsSMSC() -> [UInt8] {
        let d = Array(digits.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.prefix(Self.maximumDigits))
        let body = Self.semiOctets(d)
        return [UInt8(body.count + 1), kind == .international ? 0x91 : 0x81] + body
    }

    static func semiOctets(_ digits: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        var i = 0
        while i < digits.count {
            let lo = digits[i] - 0x30
            let hi: UInt8 = i + 1 < digits.count ? digits[i + 1] - 0x30 : 0x0F
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Decodes a TP address starting at `offset`; returns the address and the offset after it.
    static func decode(_ bytes: [UInt8], at offset: Int) throws(SimPDUError) -> (SimAddress, Int) {
        guard offset + 2 <= bytes.count else { throw .truncated }
        let length = Int(bytes[offset])
        guard length <= maximumDigits else { throw .addressTooLong(length) }
        let toa = bytes[offset + 1]
        let octets = (length + 1) / 2
        guard offset + 2 + octets <= bytes.count else { throw .truncated }
        let body = Array(bytes[(offset + 2)..<(offset + 2 + octets)])
        let end = offset + 2 + octets
        if toa & 0x70 == 0x50 {
            let count = length * 4 / 7
            let septets = (try? SeptetPacking.unpack(body, count: count)) ?? []
            return (SimAddress(kind: .alphanumeric, value: GSM7Alphabet.default.decode(septets)), end)
        }
        var digits = ""
        for b in body {
            for nibble in [b & 0x0F, b >> 4] where digits.count < length {
                switch nibble {
                case 0...9: digits.append(Character(Unicode.Scalar(nibble + 0x30)))
                case 0x0A: digits.append("*")
                case 0x0B: digits.append("#")
                default: break
                }
            }
        }
        let international = toa & 0x70 == 0x10
        return (
            SimAddress(kind: international ? .international : .unknown, value: (international ? "+" : "") + digits), end
        )
    }
}

/// An SMS-SUBMIT as far as the network needs it (TS 23.040 §9.2.2.2).
struct SimSubmit: Hashable, Sendable {
    /// Longest TP-User-Data in octets (TS 23.040 §9.2.3.24).
    static let maximumUserDataOctets = 140

    var firstOctet: UInt8
    var messageReference: UInt8
    var destination: SimAddress
    var protocolIdentifier: UInt8
    var dataCodingScheme: UInt8
    var userDataLength: UInt8
    var userData: [UInt8]

    var requestsStatusReport: Bool { firstOctet & 0x20 != 0 }
    var hasUserDataHeader: Bool { firstOctet & 0x40 != 0 }

    /// Parses a bare TPDU (no SMSC field).
    init(tpdu b: [UInt8]) throws(SimPDUError) {
        guard b.count >= 2 else { throw .truncated }
        firstOctet = b[0]
        guard b[0] & 0x03 == 0x01 else { throw .wrongType(b[0] & 0x03) }
        messageReference = b[1]
        let (address, next) = try SimAddress.decode(b, at: 2)
        destination = address
        var i = next
        guard i + 2 <= b.count else { throw .truncated }
        protocolIdentifier = b[i]
        dataCodingScheme = b[i + 1]
        i += 2
        // TP-VPF (bits 3–4): none, enhanced (7), relative (1), absolute (7). TS 23.040 §9.2.3.3.
        switch (b[0] >> 3) & 0x03 {
        case 0x02: i += 1
        case 0x01, 0x03: i += 7
        default: break
        }
        guard i < b.count else { throw .truncated }
        userDataLength = b[i]
        i += 1
        let octets = SimUserData.octetCount(udl: Int(userDataLength), dcs: dataCodingScheme)
        guard octets <= Self.maximumUserDataOctets else { throw .userDataTooLong(octets) }
        guard i + octets <= b.count else { throw .truncated }
        userData = Array(b[i..<(i + octets)])
    }

    /// Splits an AT+CMGS PDU (SMSC field first) into its SMSC field length and TPDU.
    static func splitSMSC(_ pdu: [UInt8]) throws(SimPDUError) -> (smsc: [UInt8], tpdu: [UInt8]) {
        guard let length = pdu.first else { throw .truncated }
        guard length <= 12 else { throw .invalidSMSCField }
        guard pdu.count > Int(length) + 1 else { throw .truncated }
        return (Array(pdu[0...Int(length)]), Array(pdu[(Int(length) + 1)...]))
    }
}

/// TP-User-Data helpers (TS 23.040 §9.2.3.24, TS 23.038 §4).
enum SimUserData {
    enum Alphabet: Hashable, Sendable {
        case gsm7, eightBit, ucs2
    }

    /// The alphabet a DCS selects (TS 23.038 §4), reserved values as GSM 7-bit.
    static func alphabet(dcs: UInt8) -> Alphabet {
        switch dcs >> 4 {
        case 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7:
            if dcs & 0x20 != 0 { return .gsm7 }  // compressed: treat as opaque GSM
            switch (dcs >> 2) & 0x03 {
            case 0x01: return .eightBit
            case 0x02: return .ucs2
            default: return .gsm7
            }
        case 0xE: return .ucs2
        case 0xF: return dcs & 0x04 != 0 ? .eightBit : .gsm7
        default: return .gsm7
        }
    }

    static func octetCount(udl: Int, dcs: UInt8) -> Int {
        alphabet(dcs: dcs) == .gsm7 ? SeptetPacking.octetCount(septets: udl) : udl
    }

    /// Concatenation info from a UDH (TS 23.040 §9.2.3.24.1 / .8).
    struct Concat: Hashable, Sendable {
        var reference: Int
        var total: Int
        var sequence: Int
    }

    /// Text and concatenation info of user data.
    static func decode(ud: [UInt8], udl: Int, dcs: UInt8, hasHeader: Bool) -> (text: String, concat: Concat?) {
        var headerOctets = 0
        var concat: Concat?
        if hasHeader, let udhl = ud.first, Int(udhl) + 1 <= ud.count {
            headerOctets = Int(udhl) + 1
            var i = 1
            while i + 1 < headerOctets {
                let iei = ud[i]
                let len = Int(ud[i + 1])
                guard i + 2 + len <= headerOctets else { break }
                let data = ud[(i + 2)..<(i + 2 + len)]
                if iei == 0x00, len == 3 {
                    concat = Concat(
                        reference: Int(data[data.startIndex]),
                        total: Int(data[data.startIndex + 1]),
                        sequence: Int(data[data.startIndex + 2])
                    )
                } else if iei == 0x08, len == 4 {
                    let s = data.startIndex
                    concat = Concat(
                        reference: Int(data[s]) << 8 | Int(data[s + 1]),
                        total: Int(data[s + 2]),
                        sequence: Int(data[s + 3])
                    )
                }
                i += 2 + len
            }
        }
        switch alphabet(dcs: dcs) {
        case .gsm7:
            let headerSeptets = (headerOctets * 8 + 6) / 7
            let septets = (try? SeptetPacking.unpack(ud, count: min(udl, ud.count * 8 / 7))) ?? []
            return (GSM7Alphabet.default.decode(septets.dropFirst(headerSeptets)), concat)
        case .ucs2:
            let body = ud.dropFirst(headerOctets)
            var units: [UInt16] = []
            var i = body.startIndex
            while i + 1 < body.endIndex {
                units.append(UInt16(body[i]) << 8 | UInt16(body[i + 1]))
                i += 2
            }
            return (String(decoding: units, as: UTF16.self), concat)
        case .eightBit:
            return (String(decoding: ud.dropFirst(headerOctets), as: UTF8.self), concat)
        }
    }

    /// One part of an encoded text: DCS alphabet bits, TP-UDL and TP-UD (header included), and whether UDHI is set.
    struct Part: Hashable, Sendable {
        var dcs: UInt8
        var udl: UInt8
        var ud: [UInt8]
        var hasHeader: Bool
    }

    /// Most parts of a concatenated message (TS 23.040 §9.2.3.24.1: the part count is one octet).
    static let maximumParts = 255

    /// Encodes `text` as GSM 7-bit when every character has a septet, else UCS-2, splitting into concatenated parts
    /// (8-bit reference) when it does not fit one: 160/153 septets, 70/67 UCS-2 units (TS 23.040 §9.2.3.24.1).
    /// Text beyond ``maximumParts`` parts is cut off.
    static func encode(_ text: String, reference: UInt8, messageClass: Int? = nil) -> [Part] {
        let classBits: UInt8 = messageClass.map { 0x10 | UInt8($0 & 0x03) } ?? 0
        if let septets = try? GSM7Alphabet.default.encode(text) {
            if septets.count <= 160 {
                return [
                    Part(dcs: classBits, udl: UInt8(septets.count), ud: SeptetPacking.pack(septets), hasHeader: false)
                ]
            }
            var chunks: [[UInt8]] = []
            var i = 0
            while i < septets.count {
                var end = min(i + 153, septets.count)
                // An escape and its extension character never straddle parts (TS 23.038 §6.2.1.1).
                if end < septets.count, end > i, septets[end - 1] == GSM7Alphabet.escape,
                    !isEscapedSeptet(septets, at: end - 1)
                {
                    end -= 1
                }
                chunks.append(Array(septets[i..<end]))
                i = end
                if chunks.count == maximumParts { break }
            }
            return chunks.enumerated().map { n, chunk in
                let header: [UInt8] = [0x05, 0x00, 0x03, reference, UInt8(chunks.count), UInt8(n + 1)]
                // 6 header octets = 48 bits; 1 fill bit brings the text to a septet boundary (7 septets).
                let packed = SeptetPacking.pack(chunk, fillBits: 1)
                return Part(dcs: classBits, udl: UInt8(7 + chunk.count), ud: header + packed, hasHeader: true)
            }
        }
        let units = Array(text.utf16)
        let ucs2DCS: UInt8 = 0x08 | classBits
        if units.count <= 70 {
            return [Part(dcs: ucs2DCS, udl: UInt8(units.count * 2), ud: bigEndian(units), hasHeader: false)]
        }
        var chunks: [[UInt16]] = []
        var i = 0
        while i < units.count {
            var end = min(i + 67, units.count)
            if end < units.count, UTF16.isLeadSurrogate(units[end - 1]) { end -= 1 }
            chunks.append(Array(units[i..<end]))
            i = end
            if chunks.count == maximumParts { break }
        }
        return chunks.enumerated().map { n, chunk in
            let header: [UInt8] = [0x05, 0x00, 0x03, reference, UInt8(chunks.count), UInt8(n + 1)]
            let ud = header + bigEndian(chunk)
            return Part(dcs: ucs2DCS, udl: UInt8(ud.count), ud: ud, hasHeader: true)
        }
    }

    private static func isEscapedSeptet(_ septets: [UInt8], at index: Int) -> Bool {
        var count = 0
        var i = index - 1
        while i >= 0, septets[i] == GSM7Alphabet.escape {
            count += 1
            i -= 1
        }
        return count % 2 == 1
    }

    private static func bigEndian(_ units: [UInt16]) -> [UInt8] {
        units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

/// Builders of the TPDUs the network sends to a mobile (TS 23.040 §9.2.2.1 SMS-DELIVER, §9.2.2.3 STATUS-REPORT).
enum SimTPDU {
    /// TP-SCTS / TP-DT: seven semi-octet pairs, year to time zone (TS 23.040 §9.2.3.11), in UTC.
    static func timestamp(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func swapped(_ v: Int) -> UInt8 { UInt8((v % 10) << 4 | (v / 10 % 10)) }
        return [
            swapped((c.year ?? 2000) % 100), swapped(c.month ?? 1), swapped(c.day ?? 1),
            swapped(c.hour ?? 0), swapped(c.minute ?? 0), swapped(c.second ?? 0), 0x00,
        ]
    }

    /// An SMS-DELIVER TPDU.
    static func deliver(
        from originator: SimAddress,
        pid: UInt8 = 0,
        dcs: UInt8,
        timestamp: Date,
        udl: UInt8,
        ud: [UInt8],
        hasHeader: Bool,
        statusReportIndication: Bool = false,
        moreMessagesToSend: Bool = false
    ) -> [UInt8] {
        // TP-MTI 00; TP-MMS bit 2 is set when there are NO more messages (TS 23.040 §9.2.3.2).
        var first: UInt8 = 0x00
        if !moreMessagesToSend { first |= 0x04 }
        if statusReportIndication { first |= 0x20 }
        if hasHeader { first |= 0x40 }
        return [first] + originator.encode() + [pid, dcs] + Self.timestamp(timestamp) + [udl] + ud
    }

    /// An SMS-STATUS-REPORT TPDU (TP-ST §9.2.3.15: 0x00 received by the SME).
    static func statusReport(
        messageReference: UInt8,
        recipient: SimAddress,
        submitted: Date,
        discharged: Date,
        status: UInt8
    ) -> [UInt8] {
        // TP-MTI 10, TP-MMS set (no more messages).
        [0x06, messageReference] + recipient.encode() + timestamp(submitted) + timestamp(discharged) + [status]
    }
}
