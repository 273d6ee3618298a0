/// One WSP header (WAP-230-WSP §8.4.1): a field name, well-known or text, and its value in the generic form every
/// field value takes (§8.4.1.2), so that headers this codec does not interpret still round-trip.
public struct WSPHeader: Hashable, Sendable, CustomStringConvertible {
    /// `Field-name = Token-text | Well-known-field-name` (a short-integer).
    public enum Name: Hashable, Sendable {
        case wellKnown(UInt8)
        case text(String)
    }

    /// `Field-value = Short-integer | Value-length *OCTET | Text-string` (§8.4.1.2). Application headers (with a
    /// text name) always carry a text-string.
    public enum Value: Hashable, Sendable {
        case shortInteger(UInt8)
        /// The octets after a value-length, to be interpreted per field (e.g. Content-Disposition).
        case lengthPrefixed([UInt8])
        /// A text-string; a Quoted-string reads as text starting with `"`.
        case text(String)
    }

    public var name: Name
    public var value: Value

    public init(name: Name, value: Value) {
        self.name = name
        self.value = value
    }

    /// Content-Location (0x0E): a text-string.
    public static func contentLocation(_ location: String) -> WSPHeader {
        WSPHeader(name: .wellKnown(0x0E), value: .text(location))
    }

    /// Content-ID (0x40): a quoted-string (WAP-230-WSP §8.4.2.67), conventionally "<id>".
    public static func contentID(_ id: String) -> WSPHeader {
        WSPHeader(name: .wellKnown(0x40), value: .text("\"" + id))
    }

    /// The field's name ("Content-Location", "X-Wap-Application-Id", or the text name).
    public var fieldName: String {
        switch name {
        case .wellKnown(let code): return WellKnown.headers[code] ?? "0x" + String(code, radix: 16)
        case .text(let text): return text
        }
    }

    /// The value as text: a text-string without the quote of a quoted-string; `nil` for the other forms.
    public var textValue: String? {
        guard case .text(let text) = value else { return nil }
        return text.hasPrefix("\"") ? String(text.dropFirst()) : text
    }

    public var description: String {
        switch value {
        case .shortInteger(let value): return "\(fieldName): \(value)"
        case .lengthPrefixed(let octets): return "\(fieldName): <\(octets.count) octets>"
        case .text(let text): return "\(fieldName): \(text)"
        }
    }

    // MARK: - Wire format

    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let first = try reader.peek("header")
        if first & 0x80 != 0 {
            let code = try reader.readShortInteger("header name")
            self.init(name: .wellKnown(code), value: try Self.readValue(&reader))
        } else if first >= 0x20 && first != 0x7F {
            let name = try reader.readTextString("header name")
            self.init(name: .text(name), value: .text(try reader.readTextString("header value")))
        } else {
            // Shift-sequence (0x7F page, or a short-cut 0x01–0x1F) selects another code page (§8.4.2.70).
            throw reader.error(.unsupported, "header code-page shift 0x\(hex(first))")
        }
    }

    static func readValue(_ reader: inout WSPReader) throws(MMSCodecError) -> Value {
        let first = try reader.peek("header value")
        if first & 0x80 != 0 { return .shortInteger(try reader.readShortInteger("header value")) }
        if first <= 31 {
            let length = try reader.readValueLength("header value length")
            return .lengthPrefixed(Array(try reader.readBytes(length, "header value")))
        }
        return .text(try reader.readTextString("header value"))
    }

    func write(to writer: inout WSPWriter) {
        switch name {
        case .wellKnown(let code):
            writer.writeShortInteger(code)
            Self.write(value, to: &writer)
        case .text(let text):
            writer.writeTextString(text)
            if case .text(let value) = value { writer.writeTextString(value) } else { Self.write(value, to: &writer) }
        }
    }

    static func write(_ value: Value, to writer: inout WSPWriter) {
        switch value {
        case .shortInteger(let value): writer.writeShortInteger(value)
        case .lengthPrefixed(let octets):
            writer.writeValueLength(octets.count)
            writer.append(contentsOf: octets)
        case .text(let text) where text.isEmpty:
            // A bare NUL would read back as value-length 0; Quote then End-of-string is the empty text-string.
            writer.append(contentsOf: [0x7F, 0x00])
        case .text(let text): writer.writeTextString(text)
        }
    }

    /// Reads headers until the reader ends.
    static func readAll(_ reader: inout WSPReader) throws(MMSCodecError) -> [WSPHeader] {
        var headers: [WSPHeader] = []
        while !reader.isAtEnd {
            guard headers.count < MMSLimits.maximumHeaders else {
                throw reader.error(.lengthOutOfRange, "more than \(MMSLimits.maximumHeaders) headers")
            }
            headers.append(try WSPHeader(reading: &reader))
        }
        return headers
    }
}
