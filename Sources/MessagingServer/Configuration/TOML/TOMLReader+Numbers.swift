// TOML v1.0.0 "Integer" and "Float"; "Offset Date-Time", "Local Date-Time", "Local Date" and "Local Time" are
// recognised only to be refused by name.

extension TOMLReader {
    /// An integer (`42`, `-1_000`, `0x1F`, `0o755`, `0b1010`) or a float (`3.14`, `1e-3`, `inf`, `nan`).
    mutating func readNumber() throws(Failure) -> TOMLValue {
        let first = index
        if looksLikeDateOrTime() {
            throw Failure(first, "dates and times are not supported: no key of this file takes one")
        }
        while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
        let token = bytes[first..<index]
        let text = String(decoding: token, as: UTF8.self)
        switch Self.number(token) {
        case .value(let value):
            return value
        case .outOfRange:
            throw Failure(first, "\(text) is out of range (TOML integers are 64-bit signed, floats finite)")
        case .malformed(let reason):
            throw Failure(first, "expected a number, found '\(text)' (\(reason))")
        }
    }

    enum NumberReading {
        case value(TOMLValue)
        case outOfRange
        case malformed(String)
    }

    /// The characters a number token can hold; the grammar then decides.
    static func isNumberByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    /// `1979-05-27` or `07:32:00` ahead: four digits and '-', or two digits and ':'.
    func looksLikeDateOrTime() -> Bool {
        func isDigit(_ offset: Int) -> Bool {
            offset < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset])
        }
        func byte(_ offset: Int, is ascii: Unicode.Scalar) -> Bool {
            offset < bytes.count && bytes[offset] == UInt8(ascii: ascii)
        }
        if (0..<4).allSatisfy({ isDigit(index + $0) }) && byte(index + 4, is: "-") { return true }
        return isDigit(index) && isDigit(index + 1) && byte(index + 2, is: ":")
    }

    static func number(_ token: ArraySlice<UInt8>) -> NumberReading {
        var rest = token
        var sign = ""
        if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? "-" : ""
            rest = rest.dropFirst()
        }
        if rest.elementsEqual("inf".utf8) { return .value(.float(sign.isEmpty ? .infinity : -.infinity)) }
        if rest.elementsEqual("nan".utf8) { return .value(.float(.nan)) }
        if rest.count > 2, rest.first == UInt8(ascii: "0"), let radix = prefixRadix(rest[rest.startIndex + 1]) {
            guard token.first == UInt8(ascii: "0") else {
                return .malformed("a hexadecimal, octal or binary integer takes no sign")
            }
            guard let digits = digits(rest.dropFirst(2), radix: radix) else {
                return .malformed("digits of base \(radix), '_' only between digits")
            }
            return Int64(digits, radix: radix).map { .value(.integer($0)) } ?? .outOfRange
        }
        let integerEnd = rest.firstIndex { !isDecimalOrUnderscore($0) } ?? rest.endIndex
        guard let integer = digits(rest[..<integerEnd], radix: 10) else {
            return .malformed("digits, '_' only between digits")
        }
        guard integer == "0" || !integer.hasPrefix("0") else { return .malformed("no leading zeros") }
        rest = rest[integerEnd...]
        if rest.isEmpty { return Int64(sign + integer).map { .value(.integer($0)) } ?? .outOfRange }

        var text = sign + integer
        if rest.first == UInt8(ascii: ".") {
            let fractionEnd = rest.dropFirst().firstIndex { !isDecimalOrUnderscore($0) } ?? rest.endIndex
            guard let fraction = digits(rest[(rest.startIndex + 1)..<fractionEnd], radix: 10) else {
                return .malformed("digits after the decimal point")
            }
            text += "." + fraction
            rest = rest[fractionEnd...]
        }
        if let first = rest.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                text += sign == UInt8(ascii: "-") ? "e-" : "e"
                rest = rest.dropFirst()
            } else {
                text += "e"
            }
            guard let exponent = digits(rest, radix: 10) else { return .malformed("digits in the exponent") }
            text += exponent
            rest = []
        }
        guard rest.isEmpty else { return .malformed("a fraction or an exponent") }
        guard let value = Double(text), value.isFinite else { return .outOfRange }
        return .value(.float(value))
    }

    private static func prefixRadix(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    private static func isDecimalOrUnderscore(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    /// The digits of `text` without its underscores, if it is digits of `radix` with each '_' between two digits.
    private static func digits(_ text: ArraySlice<UInt8>, radix: Int) -> String? {
        var result = ""
        var previousWasDigit = false
        for byte in text {
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard let value = hexDigitValue(byte), Int(value) < radix else { return nil }
            result.append(Character(Unicode.Scalar(byte)))
            previousWasDigit = true
        }
        return previousWasDigit ? result : nil
    }
}
