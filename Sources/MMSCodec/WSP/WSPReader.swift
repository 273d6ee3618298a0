/// A read cursor over WSP-encoded octets (house style: a struct over `ArraySlice<UInt8>`, after swift-asn1).
///
/// It reads the basic rules of WAP-230-WSP §8.4.2.1 and §8.1.2. Every read returns a value or throws
/// ``MMSCodecError`` with the offset of the field, so that a truncated or lying input says where it went wrong.
/// Offsets count from `origin`, the offset of the slice's first octet in the whole input.
package struct WSPReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int
    private let origin: Int

    package init(_ bytes: ArraySlice<UInt8>, origin: Int = 0) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.origin = origin
    }

    /// Offset of the next octet from the start of the whole input.
    package var offset: Int { origin + position - bytes.startIndex }
    /// Octets not yet read.
    package var remaining: Int { bytes.endIndex - position }
    package var isAtEnd: Bool { position >= bytes.endIndex }

    package func error(_ code: MMSCodecError.Code, _ reason: String) -> MMSCodecError {
        MMSCodecError(code, offset: offset, reason: reason)
    }

    /// The next octet, without reading it.
    package func peek(_ field: StaticString) throws(MMSCodecError) -> UInt8 {
        guard position < bytes.endIndex else { throw error(.truncated, "input ends before \(field)") }
        return bytes[position]
    }

    package mutating func readOctet(_ field: StaticString) throws(MMSCodecError) -> UInt8 {
        let byte = try peek(field)
        position += 1
        return byte
    }

    /// Reads `count` octets, checked against what remains.
    package mutating func readBytes(_ count: Int, _ field: StaticString) throws(MMSCodecError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw error(.truncated, "\(field) needs \(count) octets, \(remaining) follow")
        }
        let slice = bytes[position..<position + count]
        position += count
        return slice
    }

    /// Reads the rest of the input.
    package mutating func readRest() -> ArraySlice<UInt8> {
        let slice = bytes[position...]
        position = bytes.endIndex
        return slice
    }

    /// A reader over the next `count` octets, which this reader skips (a value bounded by its value-length).
    package mutating func subReader(_ count: Int, _ field: StaticString) throws(MMSCodecError) -> WSPReader {
        let start = offset
        return WSPReader(try readBytes(count, field), origin: start)
    }

    // MARK: - Integers (WAP-230-WSP §8.1.2, §8.4.2.1)

    /// `uintvar`: seven bits per octet, at most five octets and 32 bits (§8.1.2).
    package mutating func readUIntVar(_ field: StaticString) throws(MMSCodecError) -> UInt32 {
        let start = offset
        do {
            let (value, length) = try UIntVar.decode(bytes[position...])
            position += length
            return value
        } catch .truncated {
            throw MMSCodecError(.truncated, offset: start, reason: "input ends inside the uintvar \(field)")
        } catch {
            throw MMSCodecError(.lengthOutOfRange, offset: start, reason: "uintvar \(field) exceeds 32 bits")
        }
    }

    /// A uintvar length, checked against the octets that follow.
    package mutating func readUIntVarLength(_ field: StaticString) throws(MMSCodecError) -> Int {
        let start = offset
        let value = Int(try readUIntVar(field))
        guard value <= remaining else {
            throw MMSCodecError(
                .truncated,
                offset: start,
                reason: "\(field) announces \(value) octets, \(remaining) follow"
            )
        }
        return value
    }

    /// `Short-integer = OCTET`: the value with the top bit set (§8.4.2.1).
    package mutating func readShortInteger(_ field: StaticString) throws(MMSCodecError) -> UInt8 {
        let byte = try peek(field)
        guard byte & 0x80 != 0 else { throw error(.invalidValue, "\(field) is not a short-integer (0x\(hex(byte)))") }
        position += 1
        return byte & 0x7F
    }

    /// `Long-integer = Short-length Multi-octet-integer`, big-endian, 1…30 octets (§8.4.2.1); at most 8 fit here.
    package mutating func readLongInteger(_ field: StaticString) throws(MMSCodecError) -> UInt64 {
        let start = offset
        let length = Int(try readOctet(field))
        guard length >= 1, length <= 30 else {
            throw MMSCodecError(.invalidValue, offset: start, reason: "\(field) short-length \(length) is not 1…30")
        }
        guard length <= MMSLimits.maximumLongIntegerOctets else {
            throw MMSCodecError(.lengthOutOfRange, offset: start, reason: "\(field) has \(length) octets, above 8")
        }
        var value: UInt64 = 0
        for byte in try readBytes(length, field) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// `Integer-value = Short-integer | Long-integer` (§8.4.2.3).
    package mutating func readIntegerValue(_ field: StaticString) throws(MMSCodecError) -> UInt64 {
        if try peek(field) & 0x80 != 0 { return UInt64(try readShortInteger(field)) }
        return try readLongInteger(field)
    }

    /// `Value-length = Short-length | (Length-quote Length)`: 0…30, or 31 then a uintvar (§8.4.2.2), checked against
    /// the octets that follow.
    package mutating func readValueLength(_ field: StaticString) throws(MMSCodecError) -> Int {
        let start = offset
        let first = try readOctet(field)
        let length: Int
        switch first {
        case 0...30: length = Int(first)
        case 31: length = Int(try readUIntVar(field))
        default:
            throw MMSCodecError(
                .invalidValue,
                offset: start,
                reason: "\(field) is not a value-length (0x\(hex(first)))"
            )
        }
        guard length <= remaining else {
            throw MMSCodecError(
                .truncated,
                offset: start,
                reason: "\(field) announces \(length) octets, \(remaining) follow"
            )
        }
        return length
    }

    // MARK: - Text (§8.4.2.1)

    /// `Text-string = [Quote] *TEXT End-of-string`: octets up to NUL; a leading Quote (0x7F) is dropped (it marks
    /// text whose first octet has the top bit set).
    package mutating func readTextOctets(
        _ field: StaticString,
        dropsQuote: Bool = true
    ) throws(MMSCodecError) -> ArraySlice<UInt8> {
        let start = position
        guard let end = bytes[position...].firstIndex(of: 0) else {
            throw error(.truncated, "\(field) has no end-of-string")
        }
        position = end + 1
        var text = bytes[start..<end]
        if dropsQuote, text.first == 0x7F { text = text.dropFirst() }
        return text
    }

    /// A text-string as a Swift string (UTF-8, or ISO-8859-1 when not valid UTF-8: WSP TEXT is octets).
    package mutating func readTextString(_ field: StaticString) throws(MMSCodecError) -> String {
        Charset.decodeLenient(try readTextOctets(field))
    }

    /// `Quoted-string = <Octet 34> *TEXT End-of-string` (§8.4.2.1): the text without its opening quote.
    package mutating func readQuotedString(_ field: StaticString) throws(MMSCodecError) -> String {
        guard try readOctet(field) == 0x22 else { throw error(.invalidValue, "\(field) is not a quoted-string") }
        return Charset.decodeLenient(try readTextOctets(field, dropsQuote: false))
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
