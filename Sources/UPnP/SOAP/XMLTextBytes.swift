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
            // Two passes: the first finds the escaped length, so that the second writes runs and replacements
            // straight into storage of the right size, without an append (and its capacity check) per piece.
            let mask = inAttribute ? attributeMask : textMask
            var length = 0
            forEachPiece(of: bytes, mask: mask) { piece in
                switch piece {
                case .run(let run): length += run.count
                case .replacement(let replacement): length += replacement.utf8CodeUnitCount
                }
            }
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: length))
            out.withUnsafeMutableBytes { storage in
                var offset = start
                forEachPiece(of: bytes, mask: mask) { piece in
                    let source =
                        switch piece {
                        case .run(let run): UnsafeRawBufferPointer(run)
                        case .replacement(let replacement):
                            UnsafeRawBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount)
                        }
                    storage.baseAddress!.advanced(by: offset).copyMemory(from: source.baseAddress!, byteCount: source.count)
                    offset += source.count
                }
            }
        }
    }

    /// A piece of escaped output: bytes copied as they are, or the replacement of one character.
    private enum Piece {
        case run(UnsafeBufferPointer<UInt8>)
        case replacement(StaticString)
    }

    /// Cuts `bytes` into runs of bytes that stay and replacements of those that do not, in order.
    @inline(__always)
    private static func forEachPiece(
        of bytes: UnsafeBufferPointer<UInt8>,
        mask: UInt64,
        _ body: (Piece) -> Void
    ) {
        // Bytes below 0x40 that need a replacement are bits of `mask`; at or above 0x40 only 0xEF, the lead byte
        // of U+FFFE/U+FFFF, needs a look.
        var start = 0  // First byte not yet handed over.
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
            if index > start { body(.run(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
            body(.replacement(replacement))
            index &+= length
            start = index
        }
        if bytes.count > start { body(.run(UnsafeBufferPointer(rebasing: bytes[start...]))) }
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
