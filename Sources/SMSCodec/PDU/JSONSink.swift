/// Receives a JSON document as a stream of events: the one description of a schema (``SMSPDU/writeJSON(to:)``)
/// either builds a ``JSONValue`` tree (``JSONTreeBuilder``: for callers that inspect the fields) or writes compact
/// bytes straight away (``JSONByteWriter``: the batch path of `modemctl pdu decode -`, where building and freeing a
/// tree of arrays for every PDU cost more than decoding it).
///
/// Events come in JSON's order: a ``key(_:)`` before each member's value; ``value(_:)`` for a complete value
/// (scalars, or a ``JSONValue`` array or object).
package protocol JSONSink: ~Copyable {
    mutating func beginObject()
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    /// The key of the next member of the innermost open object: a schema's field name, plain ASCII that needs no
    /// escaping.
    mutating func key(_ key: StaticString)
    mutating func value(_ value: JSONValue)
    /// A string value of at most `capacity` ASCII characters that need no escaping (hex or decimal digits, an
    /// ISO 8601 time), which `body` writes into the buffer it is given, returning how many it wrote. The byte
    /// writer lets `body` write into its own storage, so such a value costs no String.
    mutating func asciiString(capacity: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int)
    /// A string value that is one of a schema's names for a value (a type of number, a coding group): plain ASCII
    /// that needs no escaping, like a key.
    mutating func plainString(_ text: StaticString)
}

extension JSONSink where Self: ~Copyable {
    /// `key` and its value.
    @inline(__always)
    package mutating func member(_ key: StaticString, _ value: JSONValue) {
        self.key(key)
        self.value(value)
    }

    /// `key` and one of a schema's names for a value (see ``plainString(_:)``).
    @inline(__always)
    package mutating func member(_ key: StaticString, plain text: StaticString) {
        self.key(key)
        plainString(text)
    }

    /// `key` and the upper-case hex of `octet` (a TOA, a DCS, a first octet) as its string value.
    @inline(__always)
    package mutating func member(_ key: StaticString, hex octet: UInt8) {
        self.key(key)
        asciiString(capacity: 2) { PDUHex.write(octet: octet, into: $0) }
    }

    /// The upper-case hex of `octets` as a string value.
    package mutating func hexString(_ octets: ArraySlice<UInt8>) {
        octets.withUnsafeBufferPointer { bytes in
            asciiString(capacity: 2 * bytes.count) { PDUHex.write(bytes, into: $0) }
        }
    }

    /// The upper-case hex of `octets` as a string value.
    package mutating func hexString(_ octets: [UInt8]) { hexString(octets[...]) }
}

/// Compact JSON text (RFC 8259) as UTF-8 bytes; non-ASCII characters are left as UTF-8.
///
/// The bytes live in storage the writer owns (hence not copyable): a JSON line is dozens of short appends, and an
/// Array's uniqueness and capacity checks on each of them cost more than the copies.
package struct JSONByteWriter: ~Copyable, JSONSink {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes written.
    package private(set) var count = 0
    /// Whether the next key or array element needs a comma before it.
    private var afterValue = false

    package init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// The bytes written so far.
    package func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Forgets the bytes written (the storage stays for the next ones).
    package mutating func removeAll() {
        count = 0
        afterValue = false
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if capacity - count < bytes.count { grow(to: count + bytes.count) }
        Self.copy(source, count: bytes.count, to: storage + count)
        count += bytes.count
    }

    /// Copies `length` bytes. Most copies here are a key, a keyword or a short value of under 16 bytes, for which a
    /// call to `memmove` costs more than the copy: those take two overlapping loads and stores that never touch a
    /// byte outside either range.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, count length: Int, to target: UnsafeMutablePointer<UInt8>)
    {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        switch length {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: length - 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: length - 4, as: UInt32.self)
        case 1..<4:
            target[0] = source[0]
            target[length / 2] = source[length / 2]
            target[length - 1] = source[length - 1]
        case 0: break
        default: target.update(from: source, count: length)
        }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, 2 * capacity)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.initialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    package mutating func beginObject() { open(UInt8(ascii: "{")) }
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    package mutating func beginArray() { open(UInt8(ascii: "[")) }
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    @inline(__always)
    private mutating func open(_ bracket: UInt8) {
        separate()
        put(bracket)
        afterValue = false
    }

    @inline(__always)
    private mutating func close(_ bracket: UInt8) {
        put(bracket)
        afterValue = true
    }

    /// Inlined: every key is a literal, so its length and bytes are constants where it is written.
    @inline(__always)
    package mutating func key(_ key: StaticString) {
        writeQuoted(key, colon: true)
        afterValue = false
    }

    /// A comma if one is due, then `text` between quotes, then a colon if asked, with one capacity check: a PDU's
    /// JSON has about 30 keys and several names.
    @inline(__always)
    private mutating func writeQuoted(_ text: StaticString, colon: Bool) {
        let length = text.utf8CodeUnitCount
        if capacity - count < length + 4 { grow(to: count + length + 4) }
        if afterValue {
            storage[count] = UInt8(ascii: ",")
            count += 1
        }
        storage[count] = UInt8(ascii: "\"")
        Self.copy(text.utf8Start, count: length, to: storage + count + 1)
        storage[count + 1 + length] = UInt8(ascii: "\"")
        count += length + 2
        if colon {
            storage[count] = UInt8(ascii: ":")
            count += 1
        }
    }

    /// A key of a ``JSONValue`` object: any text, escaped.
    private mutating func key(_ key: String) {
        separate()
        writeString(key)
        put(UInt8(ascii: ":"))
        afterValue = false
    }

    /// Inlined: a schema's `.int(…)`, `.bool(…)` or `.null` then costs no `JSONValue` and no switch.
    @inline(__always)
    package mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            separate()
            append("null")
        case .bool(let v):
            separate()
            if v { append("true") } else { append("false") }
        case .int(let v):
            separate()
            writeInteger(v)
        case .string(let v):
            separate()
            writeString(v)
        case .array, .object: writeContainer(value)
        }
        afterValue = true
    }

    private mutating func writeContainer(_ value: JSONValue) {
        switch value {
        case .null, .bool, .int, .string: self.value(value)
        case .array(let values):
            beginArray()
            for element in values { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for (key, element) in members {
                self.key(key)
                self.value(element)
            }
            endObject()
        }
        afterValue = true
    }

    package mutating func asciiString(capacity: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        separate()
        if self.capacity - count < capacity + 2 { grow(to: count + capacity + 2) }
        storage[count] = UInt8(ascii: "\"")
        let written = body(UnsafeMutableBufferPointer(start: storage + count + 1, count: capacity))
        storage[count + 1 + written] = UInt8(ascii: "\"")
        count += written + 2
        afterValue = true
    }

    @inline(__always)
    package mutating func plainString(_ text: StaticString) {
        writeQuoted(text, colon: false)
        afterValue = true
    }

    /// Ends a document of JSON lines: a line feed, and the next value starts a new document.
    package mutating func endLine() {
        put(UInt8(ascii: "\n"))
        afterValue = false
    }

    @inline(__always)
    private mutating func separate() {
        if afterValue { put(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    private mutating func writeInteger(_ value: Int) {
        // Most integers of a PDU's JSON (PID, DCS, lengths, IEIs) are below 1000.
        if (0..<1000).contains(value) {
            if capacity - count < 3 { grow(to: count + 3) }
            if value >= 100 {
                storage[count] = UInt8(ascii: "0") + UInt8(value / 100)
                count += 1
            }
            if value >= 10 {
                storage[count] = UInt8(ascii: "0") + UInt8(value / 10 % 10)
                count += 1
            }
            storage[count] = UInt8(ascii: "0") + UInt8(value % 10)
            count += 1
            return
        }
        writeAnyInteger(value)
    }

    private mutating func writeAnyInteger(_ value: Int) {
        if value < 0 { put(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Up to 20 decimal digits (UInt64.max), written from the right into a fixed 24-byte scratch.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            let first = digits.baseAddress!.assumingMemoryBound(to: UInt8.self) + start
            put(UnsafeBufferPointer(start: first, count: digits.count - start))
        }
    }

    /// RFC 8259 §7: `"`, `\\` and the control characters below U+0020 are escaped; everything else, non-ASCII
    /// included, is copied as UTF-8. Working on bytes is the same as working on scalars: no byte of a multi-byte
    /// UTF-8 sequence is below 0x80.
    private mutating func writeString(_ text: String) {
        // Native strings (small ones through a stack copy) give their UTF-8 in place.
        if text.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) != nil { return }
        Array(text.utf8).withUnsafeBufferPointer { writeString(utf8: $0) }
    }

    private mutating func writeString(utf8 text: UnsafeBufferPointer<UInt8>) {
        put(UInt8(ascii: "\""))
        // Most strings need no escape at all: find the first byte that does before copying anything.
        var first = 0
        if let base = text.baseAddress {
            // Eight bytes at a time while none of them needs escaping.
            while first + 8 <= text.count,
                !Self.needsEscape(word: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: first, as: UInt64.self))
            {
                first += 8
            }
        }
        while first < text.count, !Self.needsEscape(text[first]) { first += 1 }
        if first == text.count {
            put(text)
            put(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        for index in first..<text.count {
            let byte = text[index]
            guard Self.needsEscape(byte) else { continue }
            put(UnsafeBufferPointer(rebasing: text[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            default:
                let hex: StaticString = "0123456789ABCDEF"
                append("\\u00")
                put(hex.utf8Start[Int(byte >> 4)])
                put(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
        put(UnsafeBufferPointer(rebasing: text[runStart...]))
        put(UInt8(ascii: "\""))
    }

    /// Whether any byte of `word` is below 0x20, `"` or `\\` (the exact "has a byte less than n" and "has a zero
    /// byte" tests of Anderson's Bit Twiddling Hacks).
    @inline(__always)
    private static func needsEscape(word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let below = (word &- ones &* 0x20) & ~word
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        return (below | isQuote | isBackslash) & highs != 0
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}

/// Builds the ``JSONValue`` tree of the events it receives; ``result`` is the finished document.
package struct JSONTreeBuilder: JSONSink {
    private enum Container {
        case object([(String, JSONValue)], key: String)
        case array([JSONValue])
    }

    private var open: [Container] = []
    /// The document once its outermost value is complete.
    package private(set) var result: JSONValue = .null

    package init() {}

    /// The tree of the events `body` sends.
    package static func build(_ body: (inout JSONTreeBuilder) -> Void) -> JSONValue {
        var builder = JSONTreeBuilder()
        body(&builder)
        return builder.result
    }

    package mutating func beginObject() { open.append(.object([], key: "")) }
    package mutating func beginArray() { open.append(.array([])) }

    package mutating func endObject() {
        guard case .object(let members, _) = open.popLast() else { preconditionFailure("endObject without object") }
        value(.object(members))
    }

    package mutating func endArray() {
        guard case .array(let elements) = open.popLast() else { preconditionFailure("endArray without array") }
        value(.array(elements))
    }

    package mutating func key(_ key: StaticString) {
        guard case .object(let members, _) = open.popLast() else { preconditionFailure("key outside an object") }
        open.append(.object(members, key: key.description))
    }

    package mutating func asciiString(capacity: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        value(.string(String(unsafeUninitializedCapacity: capacity, initializingUTF8With: body)))
    }

    package mutating func plainString(_ text: StaticString) { value(.string(text.description)) }

    package mutating func value(_ value: JSONValue) {
        switch open.popLast() {
        case nil: result = value
        case .object(var members, let key)?:
            members.append((key, value))
            open.append(.object(members, key: key))
        case .array(var elements)?:
            elements.append(value)
            open.append(.array(elements))
        }
    }
}
