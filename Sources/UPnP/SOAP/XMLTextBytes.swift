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
            // Markup-valued arguments grow by about a third; room for half more, in geometric steps so that many
            // small appends (XMLWriter) do not reallocate each time.
            let needed = out.count + bytes.count + bytes.count / 2 + 16
            if out.capacity < needed { out.reserveCapacity(max(needed, 2 * out.capacity)) }
            // Bytes below 0x40 that need a replacement, as bits of a mask; at or above 0x40 only 0xEF, the lead byte
            // of U+FFFE/U+FFFF, needs a look. Runs of other bytes are copied whole.
            let mask = inAttribute ? attributeMask : textMask
            var start = 0  // First byte not yet copied.
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let special = byte < 0x40 ? (mask &>> UInt64(byte)) & 1 != 0 : byte == 0xEF
                guard special else {
                    index &+= 1
                    continue
                }
                let replacement: StaticString
                var length = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&apos;"
                case 0x0D: replacement = "&#13;"
                case 0x09: replacement = "&#9;"  // In the mask only for attributes.
                case 0x0A: replacement = "&#10;"
                case 0xEF:
                    // U+FFFE / U+FFFF (EF BF BE / EF BF BF); any other EF sequence is copied.
                    guard index + 2 < bytes.count, bytes[index + 1] == 0xBF,
                        bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF
                    else {
                        index &+= 1
                        continue
                    }
                    replacement = "\u{FFFD}"
                    length = 3
                default: replacement = "\u{FFFD}"  // A C0 control XML 1.0 §2.2 forbids.
                }
                if index > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                replacement.withUTF8Buffer { out.append(contentsOf: $0) }
                index &+= length
                start = index
            }
            if bytes.count > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
    }

    /// Bit n set: byte n (below 0x40) is replaced in character data: the C0 controls but tab and LF, and
    /// `"`, `&`, `'`, `<`, `>`.
    private static let textMask: UInt64 = {
        var mask: UInt64 = 0
        for byte in 0..<0x20 where byte != 0x09 && byte != 0x0A { mask |= 1 << UInt64(byte) }
        for byte in [UInt8(ascii: "\""), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">")] {
            mask |= 1 << UInt64(byte)
        }
        return mask
    }()

    /// As `textMask`, and tab and LF too (XML 1.0 §3.3.3).
    private static let attributeMask: UInt64 = textMask | 1 << 0x09 | 1 << 0x0A

    /// Appends `text`'s UTF-8 unchanged (markup the writer itself produces).
    static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends a name or other trusted text unchanged.
    static func appendRaw(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }
}
