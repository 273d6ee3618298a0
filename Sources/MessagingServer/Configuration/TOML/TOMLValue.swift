/// A value of a TOML v1.0.0 document as ``TOMLTable/init(parsing:)`` reads it.
///
/// Dates and times are not among the cases: no key of the configuration file takes one, so the reader refuses them
/// with an error that says so rather than carrying a type nothing reads.
package indirect enum TOMLValue: Hashable, Sendable {
    case string(String)
    /// TOML v1.0.0 "Integer": "Arbitrary 64-bit signed integers should be accepted and handled losslessly."
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// An array (`[1, 2]`) or an array of tables (`[[modem]]`): TOML v1.0.0 gives both the same meaning.
    case array([TOMLValue])
    /// A table (`[network]`), an inline table (`{ a = 1 }`) or a table made by dotted keys (`a.b = 1`).
    case table(TOMLTable)

    /// The kind of value, as an error message names it ("expected an integer, found a string").
    package var kindDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "true or false"
        case .array: "an array"
        case .table: "a table"
        }
    }

    package var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    package var integer: Int64? {
        if case .integer(let number) = self { number } else { nil }
    }

    package var boolean: Bool? {
        if case .boolean(let flag) = self { flag } else { nil }
    }

    package var array: [TOMLValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    package var table: TOMLTable? {
        if case .table(let table) = self { table } else { nil }
    }
}

/// A TOML table: its keys in the order the document defines them, each once.
package struct TOMLTable: Hashable, Sendable {
    /// The keys, in document order.
    package private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    package init() {}

    package subscript(key: String) -> TOMLValue? { values[key] }

    /// Adds `value` under a key the table does not have yet; the reader has refused a duplicate before.
    mutating func append(_ key: String, _ value: TOMLValue) {
        precondition(values.updateValue(value, forKey: key) == nil, "TOML key \(key) added twice")
        keys.append(key)
    }
}

// MARK: - Writing keys and strings back

extension TOMLTable {
    /// `text` as a TOML basic string, so that what is written reads back: a quotation mark, a backslash and every
    /// control character but tab escaped (TOML v1.0.0 "String": "Any Unicode character may be used except those
    /// that must be escaped: quotation mark, backslash, and the control characters other than tab (U+0000 to
    /// U+0008, U+000A to U+001F, U+007F)").
    package static func basicString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\u{08}": escaped += "\\b"
            case "\u{0C}": escaped += "\\f"
            case "\t": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                escaped += "\\u" + TOMLReader.hex(scalar.value, digits: 4)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// `key` as a document writes it: bare when it can be (letters, digits, '-', '_'), else a basic string, so
    /// that an empty key or one with a dot is shown as `""` or `"a.b"`.
    package static func writtenKey(_ key: String) -> String {
        !key.isEmpty && key.utf8.allSatisfy(TOMLReader.isBareKeyByte) ? key : basicString(key)
    }
}
