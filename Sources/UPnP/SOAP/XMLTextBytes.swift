/// Byte-level XML output for the hot paths (SOAP responses, GENA bodies): the same escaping as
/// ``XMLEscaping/escape(_:)`` — `&`, `<`, `>`, `"`, `'`, CR as `&#13;`, forbidden C0 controls and U+FFFE/U+FFFF as
/// U+FFFD (XML 1.0 §2.2, §2.4) — written straight into a byte buffer, without a per-scalar `String` append.
/// With `inAttribute`, tab and LF become character references too, as ``XMLEscaping/escapeAttribute(_:)`` writes
/// them (XML 1.0 §3.3.3). A test checks that both agree on every input.
enum XMLTextBytes {
    /// Appends `text`'s UTF-8, escaped for character data, or for an attribute value when `inAttribute`.
    static func appendEscaped(_ text: String, inAttribute: Bool = false, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 16)
            var start = 0  // First byte not yet copied.
            var index = 0
            func flush(upTo end: Int) {
                if end > start { out.append(contentsOf: bytes[start..<end]) }
            }
            while index < bytes.count {
                let byte = bytes[index]
                let replacement: StaticString?
                var length = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&apos;"
                case 0x0D: replacement = "&#13;"
                case 0x09: replacement = inAttribute ? "&#9;" : nil
                case 0x0A: replacement = inAttribute ? "&#10;" : nil
                case 0x00..<0x20: replacement = "\u{FFFD}"
                case 0xEF
                where index + 2 < bytes.count && bytes[index + 1] == 0xBF
                    && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    // U+FFFE / U+FFFF (EF BF BE / EF BF BF).
                    replacement = "\u{FFFD}"
                    length = 3
                default: replacement = nil
                }
                if let replacement {
                    flush(upTo: index)
                    replacement.withUTF8Buffer { out.append(contentsOf: $0) }
                    index += length
                    start = index
                } else {
                    index += 1
                }
            }
            flush(upTo: bytes.count)
        }
    }

    /// Appends `text`'s UTF-8 unchanged (markup the writer itself produces).
    static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends a name or other trusted text unchanged.
    static func appendRaw(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }
}
