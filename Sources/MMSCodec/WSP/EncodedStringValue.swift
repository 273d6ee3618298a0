/// `Encoded-string-value = Text-string | Value-length Char-set Text-string` (OMA-TS-MMS_ENC §7.2.9): text with an
/// optional charset, used by Subject, To, Cc, Bcc, From and the response texts.
///
/// The wire struct keeps the octets as they came, so that a value in a charset this codec does not know still
/// round-trips; ``text`` decodes them.
public struct EncodedStringValue: Hashable, Sendable, CustomStringConvertible {
    /// The charset, or `nil` for the plain Text-string form (US-ASCII, or what the sender assumed).
    public var charset: Charset?
    /// The text octets, without Quote or End-of-string.
    public var octets: [UInt8]

    /// A value from its wire parts.
    public init(charset: Charset?, octets: [UInt8]) {
        self.charset = charset
        self.octets = octets
    }

    /// A value for `text`: the plain form for ASCII, UTF-8 with its charset otherwise (OMA-TS-MMS_ENC §7.2.9).
    public init(_ text: String) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            self.init(charset: nil, octets: Array(text.utf8))
        } else {
            self.init(charset: .utf8, octets: Array(text.utf8))
        }
    }

    /// The text: decoded in its charset; without one, or in an unknown one, leniently (UTF-8, else ISO-8859-1).
    public var text: String {
        if let charset, let text = charset.decode(octets) { return text }
        return Charset.decodeLenient(octets)
    }

    public var description: String { text }

    // MARK: - Wire format

    /// Decodes an encoded-string-value.
    ///
    /// Leniency: a charset octet below 0x80 that is not a long-integer of a known charset, but whose value with the
    /// top bit set would be a known short-integer charset, is taken as that short-integer. Real senders do this:
    /// gammu's tests/at-sms/33.dump (a French operator's notification) carries `0x16 0x04 "3370…"` for ISO-8859-1;
    /// Android's PduParser.parseEncodedStringValue reads the charset with parseShortInteger, which masks the top
    /// bit, and so accepts it. A strict reading would swallow four digits of the address as the charset.
    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let first = try reader.peek("encoded-string-value")
        // A lone NUL is the empty Text-string (an empty Subject, as in gammu's tests/at-sms/40.dump), not a
        // value-length of 0 with no charset; Android's PduParser.parseEncodedStringValue reads it the same way.
        guard first <= 31, first != 0 else {
            self.init(charset: nil, octets: Array(try reader.readTextOctets("encoded-string-value")))
            return
        }
        let length = try reader.readValueLength("encoded-string-value length")
        var value = try reader.subReader(length, "encoded-string-value")
        let charset = try Self.readCharset(&value)
        var text = value.readRest()
        if text.first == 0x7F { text = text.dropFirst() }
        if text.last == 0 { text = text.dropLast() }
        self.init(charset: charset, octets: Array(text))
    }

    private static func readCharset(_ value: inout WSPReader) throws(MMSCodecError) -> Charset {
        let first = try value.peek("charset")
        if first & 0x80 != 0 { return Charset(rawValue: UInt32(try value.readShortInteger("charset"))) }
        if first == 0 {
            // Some senders write an empty text-string with no charset inside a value-length.
            return .any
        }
        var strict = value
        if let long = try? strict.readLongInteger("charset"), let charset = UInt32(exactly: long),
            Charset.known[Charset(rawValue: charset)] != nil
        {
            value = strict
            return Charset(rawValue: charset)
        }
        if Charset.known[Charset(rawValue: UInt32(first))] != nil {
            _ = try value.readOctet("charset")
            return Charset(rawValue: UInt32(first))
        }
        let start = value.offset
        guard let charset = UInt32(exactly: try value.readLongInteger("charset")) else {
            throw MMSCodecError(.lengthOutOfRange, offset: start, reason: "charset above 32 bits")
        }
        return Charset(rawValue: charset)
    }

    /// Encodes the value: the plain text-string without a charset, else value-length, charset, text-string.
    func write(to writer: inout WSPWriter) {
        guard let charset else {
            writer.writeTextOctets(octets)
            return
        }
        writer.writeWithValueLength { inner in
            if charset.rawValue < 0x80 {
                inner.writeShortInteger(UInt8(charset.rawValue))
            } else {
                // A long-integer whose length octet is itself a known charset would read back as the lenient
                // short-integer above; a leading zero octet (allowed by §8.4.2.1) keeps it unambiguous.
                var octets = 1
                while charset.rawValue >> (8 * octets) != 0 { octets += 1 }
                while Charset.known[Charset(rawValue: UInt32(octets))] != nil { octets += 1 }
                inner.writeLongInteger(UInt64(charset.rawValue), minimumOctets: octets)
            }
            if let first = octets.first, first >= 0x7F { inner.append(0x7F) }
            inner.append(contentsOf: octets)
            inner.append(0)
        }
    }
}
