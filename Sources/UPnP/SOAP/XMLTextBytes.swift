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
            let table = inAttribute ? attributeTable : textTable
            table.withUnsafeBufferPointer { table in
                // The escaped length, so that the bytes are then written in place rather than appended piece by
                // piece: a markup-valued argument has a replacement every few bytes.
                var length = 0
                var hasLeadOfNoncharacter = false
                for byte in bytes {
                    length &+= Int(table[Int(byte)] &>> 56)
                    hasLeadOfNoncharacter = hasLeadOfNoncharacter || byte == 0xEF
                }
                guard length > bytes.count || hasLeadOfNoncharacter else {
                    out.append(contentsOf: bytes)
                    return
                }
                let start = out.count
                if out.capacity < start + length + 7 {
                    // Geometric steps, so that many small appends (XMLWriter) do not reallocate each time.
                    out.reserveCapacity(max(start + length + 7, 2 * out.capacity))
                }
                // Seven bytes of slack: every byte is written as an 8-byte store of its table entry.
                out.append(contentsOf: repeatElement(0, count: length + 7))
                out.withUnsafeMutableBufferPointer { out in
                    let base = UnsafeMutableRawPointer(out.baseAddress!)
                    var written = start
                    for byte in bytes {
                        let entry = table[Int(byte)]
                        (base + written).storeBytes(of: entry.littleEndian, as: UInt64.self)
                        written &+= Int(entry &>> 56)
                    }
                    if hasLeadOfNoncharacter {
                        // U+FFFE and U+FFFF (EF BF BE, EF BF BF) become U+FFFD (EF BF BD). The replacements hold no
                        // 0xEF, so every such sequence in the output came from `text`.
                        var index = start
                        while index + 2 < written {
                            if out[index] == 0xEF, out[index + 1] == 0xBF, out[index + 2] & 0xFE == 0xBE {
                                out[index + 2] = 0xBD
                            }
                            index += 1
                        }
                    }
                }
                out.removeLast(7)
            }
        }
    }

    /// Each byte value's output as one 64-bit word: the bytes to write in the low bytes (little-endian), their count
    /// in the top byte.
    private static let textTable = table(escapingTabAndLineFeed: false)
    /// As `textTable`, and tab and LF too (XML 1.0 §3.3.3).
    private static let attributeTable = table(escapingTabAndLineFeed: true)

    private static func table(escapingTabAndLineFeed: Bool) -> [UInt64] {
        var table = (0...255).map { UInt64($0) | 1 << 56 }
        func replace(_ byte: UInt8, with replacement: StaticString) {
            var entry = UInt64(replacement.utf8CodeUnitCount) << 56
            for position in 0..<replacement.utf8CodeUnitCount {
                entry |= UInt64(replacement.utf8Start[position]) << (8 * UInt64(position))
            }
            table[Int(byte)] = entry
        }
        // The C0 controls XML 1.0 §2.2 forbids become U+FFFD; tab, LF and CR are characters.
        for byte: UInt8 in 0..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D {
            replace(byte, with: "\u{FFFD}")
        }
        replace(UInt8(ascii: "&"), with: "&amp;")
        replace(UInt8(ascii: "<"), with: "&lt;")
        replace(UInt8(ascii: ">"), with: "&gt;")
        replace(UInt8(ascii: "\""), with: "&quot;")
        replace(UInt8(ascii: "'"), with: "&apos;")
        replace(0x0D, with: "&#13;")  // A literal CR would reach the reader as LF (XML 1.0 §2.11).
        if escapingTabAndLineFeed {
            // Attribute-value normalisation would turn them into spaces (XML 1.0 §3.3.3).
            replace(0x09, with: "&#9;")
            replace(0x0A, with: "&#10;")
        }
        return table
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
