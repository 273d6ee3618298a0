/// Appends WSP-encoded values (WAP-230-WSP §8.4.2.1), the inverse of ``WSPReader``.
package struct WSPWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func append(_ byte: UInt8) { bytes.append(byte) }
    package mutating func append<S: Sequence>(contentsOf other: S) where S.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    package mutating func writeUIntVar(_ value: UInt32) { bytes.append(contentsOf: UIntVar.encode(value)) }

    /// Short-integer: `value` (0…127) with the top bit set.
    package mutating func writeShortInteger(_ value: UInt8) { bytes.append(value | 0x80) }

    /// Long-integer: the fewest big-endian octets (at least one, or `minimumOctets`), after their count.
    package mutating func writeLongInteger(_ value: UInt64, minimumOctets: Int = 1) {
        var octets: [UInt8] = []
        var rest = value
        repeat {
            octets.append(UInt8(rest & 0xFF))
            rest >>= 8
        } while rest > 0 || octets.count < minimumOctets
        bytes.append(UInt8(octets.count))
        bytes.append(contentsOf: octets.reversed())
    }

    /// Integer-value: a short-integer below 128, else a long-integer (§8.4.2.3).
    package mutating func writeIntegerValue(_ value: UInt64) {
        if value < 0x80 { writeShortInteger(UInt8(value)) } else { writeLongInteger(value) }
    }

    /// Value-length: a short-length up to 30, else Length-quote and a uintvar (§8.4.2.2).
    package mutating func writeValueLength(_ length: Int) {
        if length <= 30 {
            bytes.append(UInt8(length))
        } else {
            bytes.append(31)
            writeUIntVar(UInt32(clamping: length))
        }
    }

    /// Writes `body` (built by `build`) after its value-length.
    package mutating func writeWithValueLength(_ build: (inout WSPWriter) -> Void) {
        var inner = WSPWriter()
        build(&inner)
        writeValueLength(inner.bytes.count)
        bytes.append(contentsOf: inner.bytes)
    }

    /// Text-string: a Quote (0x7F) before text whose first octet has the top bit set, then the text and NUL.
    /// NULs inside `text` cannot be represented and are dropped. Text starting with a control octet or with 0x7F
    /// is quoted too: unquoted, a reader would take it for a value-length or drop the 0x7F as the Quote.
    package mutating func writeTextOctets<C: Collection>(_ text: C) where C.Element == UInt8 {
        if let first = text.first, first < 0x20 || first >= 0x7F { bytes.append(0x7F) }
        bytes.append(contentsOf: text.lazy.filter { $0 != 0 })
        bytes.append(0)
    }

    package mutating func writeTextString(_ text: String) { writeTextOctets(Array(text.utf8)) }

    /// Quoted-string: `"` then the text and NUL.
    package mutating func writeQuotedString(_ text: String) {
        bytes.append(0x22)
        bytes.append(contentsOf: text.utf8.lazy.filter { $0 != 0 })
        bytes.append(0)
    }
}
