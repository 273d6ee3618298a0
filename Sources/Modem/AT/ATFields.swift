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
