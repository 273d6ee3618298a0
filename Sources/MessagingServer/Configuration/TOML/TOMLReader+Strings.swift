// TOML v1.0.0 "String": basic ("…", escapes), literal ('…', as written), and their multi-line forms.

extension TOMLReader {
    /// `"…"`: escapes, on one line.
    mutating func readBasicString() throws(Failure) -> String {
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else {
                throw Failure(
                    index,
                    "expected '\"' to close the string on its line (\"\"\" opens one of several lines)"
                )
            }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): try readEscape(into: &text)
            default: text.append(byte)
            }
        }
    }

    /// `'…'`: as written, on one line.
    mutating func readLiteralString() throws(Failure) -> String {
        index += 1
        let first = index
        while let byte = peek(), byte != UInt8(ascii: "'") {
            guard byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else { break }
            index += 1
        }
        guard peek() == UInt8(ascii: "'") else {
            throw Failure(
                index,
                "expected \"'\" to close the literal string on its line (''' opens one of several lines)"
            )
        }
        index += 1
        return String(decoding: bytes[first..<index - 1], as: UTF8.self)
    }

    /// `"""…"""` (escapes, and a backslash at a line's end joins it to the next) or `'''…'''` (as written). A line
    /// break right after the opening delimiter is not part of the string; one or two delimiter characters may
    /// stand right before the closing three.
    mutating func readMultilineString(delimiter: Character) throws(Failure) -> String {
        let quote = delimiter == "\"" ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        let closing = String(repeating: delimiter, count: 3)
        let opening = index
        index += 3
        _ = skipLineBreak()
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else {
                let line = position(of: opening).line
                throw Failure(index, "expected \(closing) to close the string opened on line \(line)")
            }
            if byte == quote {
                var run = 0
                while peek() == quote {
                    index += 1
                    run += 1
                }
                guard run <= 5 else {
                    throw Failure(index - run + 5, "more than two \(delimiter) before the closing \(closing)")
                }
                text.append(contentsOf: repeatElement(quote, count: run >= 3 ? run - 3 : run))
                if run >= 3 { return String(decoding: text, as: UTF8.self) }
            } else if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                index += 1
                if !skipLineEndingBackslash() { try readEscape(into: &text) }
            } else {
                text.append(byte)
                index += 1
            }
        }
    }

    /// After a backslash in a multi-line basic string: if only whitespace follows it on its line, skips that, the
    /// line break and all whitespace and line breaks after it ("line ending backslash"), and tells that it did.
    mutating func skipLineEndingBackslash() -> Bool {
        let backslash = index
        skipWhitespace()
        guard skipLineBreak() else {
            index = backslash
            return false
        }
        while true {
            skipWhitespace()
            guard skipLineBreak() else { return true }
        }
    }

    /// The escape after a backslash: `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`, nothing else.
    mutating func readEscape(into text: inout [UInt8]) throws(Failure) {
        let backslash = index - 1
        guard let byte = peek() else {
            throw Failure(index, "expected an escape after '\\', found the end of the file")
        }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): text.append(byte)
        case UInt8(ascii: "u"): try readEscapedScalar(digits: 4, backslash: backslash, into: &text)
        case UInt8(ascii: "U"): try readEscapedScalar(digits: 8, backslash: backslash, into: &text)
        default:
            index -= 1
            throw Failure(
                backslash,
                "expected an escape (\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX) after '\\', found \(found())"
            )
        }
    }

    private mutating func readEscapedScalar(digits: Int, backslash: Int, into text: inout [UInt8]) throws(Failure) {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let digit = peek().flatMap(Self.hexDigitValue) else {
                throw Failure(backslash, "expected \(digits) hexadecimal digits after '\\\(digits == 4 ? "u" : "U")'")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        // A surrogate or a value above U+10FFFF is no scalar (TOML v1.0.0: "any Unicode scalar value").
        guard let scalar = Unicode.Scalar(value) else {
            throw Failure(backslash, "U+\(Self.hex(value, digits: digits)) is not a Unicode scalar value")
        }
        Unicode.UTF8.encode(scalar) { text.append($0) }
    }

    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
