/// Hex text ⇄ octets, as PDUs travel in AT+CMGR/+CMGL/+CMGS (TS 27.005 §3.1: "hexadecimal format").
public enum PDUHex {
    /// The longest PDU we accept in hex form: the SMSC prefix (12 octets) plus the longest TPDU (SMS-SUBMIT with
    /// a 12-octet address, 7-octet VP and 140 octets of user data is 164 octets) with room for trailing junk that
    /// modems append. Anything longer is not a PDU.
    public static let maximumOctets = 400

    /// Parses hex text (upper or lower case, no separators; surrounding whitespace is ignored).
    /// - Throws: ``PDUError`` `.oddHexLength`, `.invalidHexDigit` (with the octet offset of the bad digit) or
    ///   `.invalidPDULength` when the text is empty or longer than ``maximumOctets``.
    public static func decode(_ text: some StringProtocol) throws(PDUError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        while let last = utf8.last, isSpace(last) { utf8 = utf8.dropLast() }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty else { throw PDUError(.invalidPDULength, offset: 0, reason: "empty PDU") }
        guard utf8.count % 2 == 0 else {
            throw PDUError(.oddHexLength, offset: utf8.count / 2, reason: "odd number of hex digits (\(utf8.count))")
        }
        guard utf8.count / 2 <= maximumOctets else {
            throw PDUError(
                .invalidPDULength,
                offset: maximumOctets,
                reason: "\(utf8.count / 2) octets is longer than any PDU (\(maximumOctets))"
            )
        }
        var octets = [UInt8]()
        octets.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for (index, character) in utf8.enumerated() {
            guard let nibble = nibble(character) else {
                throw PDUError(
                    .invalidHexDigit,
                    offset: index / 2,
                    reason: "character \(describe(character)) at position \(index) is not a hex digit"
                )
            }
            if let pending = high {
                octets.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return octets
    }

    /// Formats octets as upper-case hex without separators.
    public static func encode(_ octets: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(octets.underestimatedCount * 2)
        for octet in octets {
            out.append(digits[Int(octet >> 4)])
            out.append(digits[Int(octet & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
    }

    private static func describe(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "0x\(encode([c]))"
    }
}
