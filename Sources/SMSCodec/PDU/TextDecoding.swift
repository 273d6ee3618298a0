/// Allocation-lean text decoding for the hot path of PDU decoding: straight from the packed octets (GSM 7-bit) or
/// the UTF-16BE octets (UCS-2) into UTF-8 in a stack buffer, without intermediate arrays.
///
/// The GSM 7-bit path covers the default alphabet and extension table only, with exactly the semantics of
/// ``GSM7Alphabet/decode(_:)`` (checked exhaustively by tests); national tables go through that method.
enum TextDecoding {
    /// UTF-8 of each default-table septet (up to 3 octets, count in the top byte); index 128 + s holds ESC + s.
    private static let utf8Table: [UInt32] = {
        func pack(_ scalar: Unicode.Scalar) -> UInt32 {
            var value: UInt32 = 0
            var count: UInt32 = 0
            for unit in String(scalar).utf8 {
                value |= UInt32(unit) << (8 * count)
                count += 1
            }
            return value | count << 24
        }
        let alphabet = GSM7Alphabet.default
        var table = [UInt32](repeating: 0, count: 256)
        for septet in UInt8(0)..<128 {
            table[Int(septet)] = pack(alphabet.character(forSeptet: septet) ?? GSM7Alphabet.undefinedCharacter)
            let extended: Unicode.Scalar
            if septet == GSM7Alphabet.escape {
                extended = " "  // ESC ESC: reserved, shown as a space (TS 23.038 §6.2.1.1 NOTE 1)
            } else {
                extended =
                    alphabet.extensionCharacter(forSeptet: septet) ?? alphabet.character(forSeptet: septet)
                    ?? GSM7Alphabet.undefinedCharacter
            }
            table[128 + Int(septet)] = pack(extended)
        }
        return table
    }()

    /// Runs `body` over a stack buffer (user data is at most 160 septets or 70 UTF-16 units, i.e. < 500 UTF-8
    /// octets) and makes a String of what it wrote: short texts become small strings with no heap allocation,
    /// longer ones one exact-size allocation.
    @inline(__always)
    private static func decodeInTemporaryBuffer(
        capacity: Int,
        _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int
    ) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            let written = body(buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<written]), as: UTF8.self)
        }
    }

    /// Decodes `count` septets packed in `octets` after `fillBits`, with the default alphabet and extension table.
    /// The caller guarantees `fillBits + 7 × count <= 8 × octets.count`.
    static func gsm7Default(_ octets: ArraySlice<UInt8>, count requested: Int, fillBits: Int) -> String {
        octets.withUnsafeBufferPointer { gsm7Default($0, count: requested, fillBits: fillBits) }
    }

    /// ``gsm7Default(_:count:fillBits:)`` of octets in a buffer.
    static func gsm7Default(_ packed: UnsafeBufferPointer<UInt8>, count requested: Int, fillBits: Int) -> String {
        // Never read past the octets, whatever the caller says: at most the septets that fit after the fill bits.
        let count = min(requested, max(0, (packed.count * 8 - fillBits) / 7))
        guard count > 0 else { return "" }
        return utf8Table.withUnsafeBufferPointer { table in
            decodeInTemporaryBuffer(capacity: count * 3 + 1) { buffer in
                let out = UnsafeMutableRawPointer(buffer.baseAddress!)
                var written = 0
                var escaped = false
                // Septets come out of the packed octets low bits first (TS 23.038 §6.1.2.1.1): an accumulator
                // of the bits not yet used takes one octet whenever it holds fewer than seven.
                var bits = UInt32(packed[0]) >> UInt32(fillBits)
                var available = 8 - fillBits
                var next = 1
                for _ in 0..<count {
                    if available < 7 {
                        if next < packed.count { bits |= UInt32(packed[next]) << UInt32(available) }
                        next += 1
                        available += 8
                    }
                    let septet = Int(bits & 0x7F)
                    bits >>= 7
                    available -= 7
                    if !escaped, septet == 0x1B {
                        escaped = true
                        continue
                    }
                    let entry = table[escaped ? 128 + septet : septet]
                    escaped = false
                    // All four bytes of the entry at once (the buffer has room: at most 3 per septet, plus
                    // one); only its `length` UTF-8 bytes count, the next character overwrites the rest.
                    out.storeBytes(of: entry.littleEndian, toByteOffset: written, as: UInt32.self)
                    written += Int(entry >> 24)
                }
                if escaped {
                    buffer[written] = 0x20  // a trailing lone ESC shows a space, as GSM7Alphabet.decode does
                    written += 1
                }
                return written
            }
        }
    }

    /// UCS-2 read as UTF-16BE (TS 23.038 §6.2.3): surrogate pairs join; a lone surrogate becomes U+FFFD, and so does
    /// a dangling odd octet, so nothing is dropped silently.
    static func ucs2(_ octets: ArraySlice<UInt8>) -> String {
        let units = octets.count / 2
        guard units > 0 || octets.count % 2 != 0 else { return "" }
        return decodeInTemporaryBuffer(capacity: units * 3 + 3) { buffer in
            var written = 0
            func put(_ scalar: UInt32) {
                switch scalar {
                case 0..<0x80:
                    buffer[written] = UInt8(scalar)
                    written += 1
                case 0x80..<0x800:
                    buffer[written] = UInt8(0xC0 | scalar >> 6)
                    buffer[written + 1] = UInt8(0x80 | scalar & 0x3F)
                    written += 2
                case 0x800..<0x10000:
                    buffer[written] = UInt8(0xE0 | scalar >> 12)
                    buffer[written + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                    buffer[written + 2] = UInt8(0x80 | scalar & 0x3F)
                    written += 3
                default:
                    buffer[written] = UInt8(0xF0 | scalar >> 18)
                    buffer[written + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
                    buffer[written + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                    buffer[written + 3] = UInt8(0x80 | scalar & 0x3F)
                    written += 4
                }
            }
            let base = octets.startIndex
            var index = 0
            while index < units {
                let unit = UInt32(octets[base + 2 * index]) << 8 | UInt32(octets[base + 2 * index + 1])
                index += 1
                if (0xD800..<0xDC00).contains(unit), index < units {
                    let low = UInt32(octets[base + 2 * index]) << 8 | UInt32(octets[base + 2 * index + 1])
                    if (0xDC00..<0xE000).contains(low) {
                        index += 1
                        put(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        continue
                    }
                }
                put((0xD800..<0xE000).contains(unit) ? 0xFFFD : unit)
            }
            if octets.count % 2 != 0 { put(0xFFFD) }
            return written
        }
    }
}
