/// Splits the parameters of an information line (`+CPMS: ("ME","MT"),"SM",1`) at the commas that are outside
/// quotes and parentheses (V.250 §5.7.2 "information text"), trimming spaces. Pure, total: any input splits.
package enum ATFields {
    /// Deepest parenthesis nesting accepted; deeper input is treated as text.
    package static let maximumDepth = 4

    /// Top-level fields, trimmed. `""` for an empty field; `a,,b` gives three fields.
    package static func split(_ text: some StringProtocol) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var depth = 0
        for character in text {
            switch character {
            case "\"":
                inQuotes.toggle()
                current.append(character)
            case "(" where !inQuotes:
                depth += 1
                current.append(character)
            case ")" where !inQuotes:
                depth = max(0, depth - 1)
                current.append(character)
            case "," where !inQuotes && depth == 0:
                fields.append(current.trimmingSpaces())
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current.trimmingSpaces())
        return fields
    }

    /// The field without its surrounding quotes (when it has both), trimmed.
    package static func unquote(_ field: some StringProtocol) -> String {
        let trimmed = field.trimmingSpaces()
        if trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }

    /// The items of a parenthesised list `("A","B")`, unquoted; a bare field is a one-item list; `()` and empty
    /// fields are empty lists.
    package static func list(_ field: some StringProtocol) -> [String] {
        let trimmed = field.trimmingSpaces()
        if trimmed.isEmpty { return [] }
        if trimmed.first == "(", trimmed.last == ")" {
            let inner = trimmed.dropFirst().dropLast()
            if inner.trimmingSpaces().isEmpty { return [] }
            return split(inner).map { unquote($0) }
        }
        return [unquote(trimmed)]
    }

    /// The integers a range list like `(0-3)`, `(0,1,2)`, `(0-1,4-7)` or `2` allows, capped at 256 values.
    package static func integerSet(_ field: some StringProtocol) -> Set<Int> {
        var values = Set<Int>()
        for item in list(field) {
            let bounds = item.split(separator: "-", maxSplits: 1).map { $0.trimmingSpaces() }
            if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high {
                for value in low...min(high, low + 255) { values.insert(value) }
            } else if let value = Int(item.trimmingSpaces()) {
                values.insert(value)
            }
        }
        return values
    }
}

/// Hex helpers for PDUs (TS 27.005 §3.1: PDUs travel as pairs of hex digits).
package enum ATHex {
    /// Decodes an even number of hex digits (either case); nil for anything else or beyond `maximumBytes`.
    package static func decode(_ text: some StringProtocol, maximumBytes: Int = ATLimits.maximumPDULength) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count % 2 == 0, utf8.count / 2 <= maximumBytes else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Upper-case hex of `bytes`.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when every character is a hex digit.
    package static func isHexDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { nibble($0) != nil }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
