// The configuration file's TOML reader: TOML v1.0.0 (https://toml.io/en/v1.0.0), read from the document's UTF-8
// bytes with a cursor, in pure Swift.
//
// Why our own: the C++ toml++ (through TOMLKit) aborted the process on malformed files (assertions reached by
// `[}` in an array, a byte order mark, a run of quotation marks before a header), which a daemon must refuse with
// an error instead, and it leaked every parsed document. The configuration uses a small part of TOML; this reader
// covers the whole of v1.0.0 but dates and times (refused by name: no key takes one).

extension TOMLTable {
    /// Largest document read (bytes): a hand-written configuration is a few kilobytes.
    package static let maximumDocumentSize = 1 << 20
    /// Deepest nesting: the parts of a header's key, and separately the arrays and inline tables inside one
    /// another plus the parts of a key in the innermost, each at most this; it bounds the reader's recursion.
    package static let maximumDepth = 32

    /// Reads a TOML v1.0.0 document.
    ///
    /// A UTF-8 byte order mark before the document is skipped (TOML v1.0.0 leaves it out of the grammar, but
    /// editors on Windows write one). Line breaks inside multi-line strings are kept as written (LF or CRLF).
    ///
    /// - Throws: ``TOMLError`` at the first fault: a syntax error, a control character, a key or table defined
    ///   twice, a date or time, a document larger than ``maximumDocumentSize`` or nested deeper than
    ///   ``maximumDepth``; it names the line and column and what was expected there.
    package init(parsing text: String) throws(TOMLError) {
        var reader = TOMLReader(Array(text.utf8))
        do {
            self = try reader.readDocument()
        } catch {
            throw reader.error(error)
        }
    }
}

/// A cursor over a document's bytes; see ``TOMLTable/init(parsing:)``.
struct TOMLReader {
    /// A fault at a byte offset; turned into a ``TOMLError`` with line and column once, when it is thrown out.
    struct Failure: Error {
        let offset: Int
        let message: String

        init(_ offset: Int, _ message: String) {
            self.offset = offset
            self.message = message
        }
    }

    /// One part of a dotted key, and where it stands.
    struct KeyPart {
        let name: String
        let offset: Int
    }

    let bytes: [UInt8]
    /// Where the document starts: after a byte order mark.
    let start: Int
    var index: Int
    /// How many arrays and inline tables the cursor is inside.
    var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        index = start
    }

    // MARK: - Document, headers and key/value pairs

    mutating func readDocument() throws(Failure) -> TOMLTable {
        guard bytes.count <= TOMLTable.maximumDocumentSize else {
            throw Failure(start, "the document is larger than \(TOMLTable.maximumDocumentSize / 1024) KiB")
        }
        try checkControlCharacters()
        let root = TOMLNode(origin: .header, offset: start)
        var current = root
        while true {
            skipWhitespace()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "\n"):
                index += 1
            case UInt8(ascii: "\r"):
                // checkControlCharacters proved that an LF follows.
                index += 2
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "["):
                current = try readHeader(root: root)
                try expectLineEnd(after: "the table header")
            default:
                try readKeyValue(into: current)
                try expectLineEnd(after: "the value")
            }
        }
        return root.table()
    }

    /// `[key]` or `[[key]]` (TOML v1.0.0 "Table", "Array of Tables"): the table the following pairs go into.
    mutating func readHeader(root: TOMLNode) throws(Failure) -> TOMLNode {
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        let key = try readKey(limit: TOMLTable.maximumDepth)
        let closing = isArray ? "]]" : "]"
        for _ in closing.utf8 {
            guard peek() == UInt8(ascii: "]") else {
                throw Failure(index, "expected '\(closing)' to close the table header, found \(found())")
            }
            index += 1
        }
        return isArray ? try appendArrayTable(key, root: root) : try defineTable(key, root: root)
    }

    /// `key = value` (TOML v1.0.0 "Keys"), into `table`.
    mutating func readKeyValue(into table: TOMLNode) throws(Failure) {
        let key = try readKey(limit: TOMLTable.maximumDepth - depth)
        guard peek() == UInt8(ascii: "=") else {
            throw Failure(index, "expected '=' after the key, found \(found())")
        }
        index += 1
        skipWhitespace()
        let value = try readValue()
        try define(key, value, in: table)
    }

    /// A key: simple keys (bare, "basic" or 'literal') joined by dots, with whitespace around the dots; the cursor
    /// ends after the whitespace that follows it.
    mutating func readKey(limit: Int) throws(Failure) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipWhitespace()
            let offset = index
            let name: String
            switch peek() {
            case UInt8(ascii: "\""):
                name = try readBasicString()
            case UInt8(ascii: "'"):
                name = try readLiteralString()
            case let byte? where Self.isBareKeyByte(byte):
                while let byte = peek(), Self.isBareKeyByte(byte) { index += 1 }
                name = String(decoding: bytes[offset..<index], as: UTF8.self)
            default:
                throw Failure(
                    index,
                    "expected a key (letters, digits, '-' and '_', or a quoted string), found \(found())"
                )
            }
            parts.append(KeyPart(name: name, offset: offset))
            guard parts.count <= limit else {
                throw Failure(offset, "the key nests deeper than \(TOMLTable.maximumDepth) levels")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    // MARK: - Values

    mutating func readValue() throws(Failure) -> TOMLValue {
        guard let byte = peek() else { throw Failure(index, "expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(try hasPrefix("\"\"\"") ? readMultilineString(delimiter: "\"") : readBasicString())
        case UInt8(ascii: "'"):
            return .string(try hasPrefix("'''") ? readMultilineString(delimiter: "'") : readLiteralString())
        case UInt8(ascii: "["):
            return try readArray()
        case UInt8(ascii: "{"):
            return try readInlineTable()
        case UInt8(ascii: "t") where hasPrefix("true"):
            index += 4
            return .boolean(true)
        case UInt8(ascii: "f") where hasPrefix("false"):
            index += 5
            return .boolean(false)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "i"),
            UInt8(ascii: "n"):
            return try readNumber()
        default:
            throw Failure(
                index,
                "expected a value (a \"string\", a number, true, false, an [array] or an { inline table }), "
                    + "found \(found())"
            )
        }
    }

    /// `[ value, value, ]` (TOML v1.0.0 "Array"): over several lines, with comments, a trailing comma allowed.
    mutating func readArray() throws(Failure) -> TOMLValue {
        let opening = index
        try enterNesting()
        defer { depth -= 1 }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            skipBlankLines()
            if peek() == UInt8(ascii: "]") { break }
            elements.append(try readValue())
            skipBlankLines()
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else if peek() == UInt8(ascii: "]") {
                break
            } else {
                throw Failure(
                    index,
                    "expected ',' or ']' in the array opened on line \(position(of: opening).line), found \(found())"
                )
            }
        }
        index += 1
        return .array(elements)
    }

    /// `{ key = value, key = value }` (TOML v1.0.0 "Inline Table"): on one line, no trailing comma.
    mutating func readInlineTable() throws(Failure) -> TOMLValue {
        try enterNesting()
        defer { depth -= 1 }
        index += 1
        let table = TOMLNode(origin: .header, offset: index)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(table.table())
        }
        while true {
            try readKeyValue(into: table)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    throw Failure(index, "expected a key after ','; TOML v1.0.0 allows no comma before '}'")
                }
            case UInt8(ascii: "}"):
                index += 1
                return .table(table.table())
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw Failure(index, "expected ',' or '}': an inline table stays on one line (TOML v1.0.0)")
            default:
                throw Failure(index, "expected ',' or '}' in the inline table, found \(found())")
            }
        }
    }

    mutating func enterNesting() throws(Failure) {
        guard depth < TOMLTable.maximumDepth else {
            throw Failure(index, "arrays and inline tables nest deeper than \(TOMLTable.maximumDepth) levels")
        }
        depth += 1
    }

    // MARK: - Whitespace, comments, line ends

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func hasPrefix(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return text.withUTF8Buffer { bytes[index..<index + count].elementsEqual($0) }
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") { index += 1 }
    }

    /// Skips a line break (LF or CRLF) if one is next; tells whether it did.
    mutating func skipLineBreak() -> Bool {
        if peek() == UInt8(ascii: "\n") {
            index += 1
            return true
        }
        if hasPrefix("\r\n") {
            index += 2
            return true
        }
        return false
    }

    /// Whitespace, comments and line breaks, as between the elements of an array.
    mutating func skipBlankLines() {
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "#") { skipComment() }
            guard skipLineBreak() else { return }
        }
    }

    /// After a header or a pair: only whitespace and a comment before the line break (TOML v1.0.0 "Keys").
    mutating func expectLineEnd(after what: String) throws(Failure) {
        skipWhitespace()
        if peek() == UInt8(ascii: "#") { skipComment() }
        guard peek() == nil || skipLineBreak() else {
            throw Failure(index, "expected a line break or a # comment after \(what), found \(found())")
        }
    }

    /// TOML v1.0.0 allows no control character raw but tab and the line breaks LF and CRLF, anywhere (comments,
    /// strings, keys, whitespace); a string writes the others as escapes. Checked before reading, so that the
    /// grammar below never meets one.
    func checkControlCharacters() throws(Failure) {
        var offset = start
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case 0x09, 0x0A, 0x20..<0x7F, 0x80...:
                break
            case 0x0D where offset + 1 < bytes.count && bytes[offset + 1] == 0x0A:
                break
            default:
                let code = Self.hex(UInt32(byte), digits: 4)
                throw Failure(
                    offset,
                    "control character U+\(code); only tab and line breaks may stand raw "
                        + "(TOML v1.0.0; in a string write it as \\u\(code))"
                )
            }
            offset += 1
        }
    }

    // MARK: - Positions and messages

    /// The line and column (from 1; the column in Unicode scalars) of a byte offset.
    func position(of offset: Int) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = start
        for (at, byte) in bytes[start..<end].enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = start + at + 1
        }
        // UTF-8 continuation bytes (10xxxxxx) do not start a scalar.
        let column = 1 + bytes[lineStart..<end].count { $0 & 0xC0 != 0x80 }
        return (line, column)
    }

    func error(_ failure: Failure) -> TOMLError {
        let (line, column) = position(of: failure.offset)
        return TOMLError(line: line, column: column, message: failure.message)
    }

    /// What stands at the cursor, for a message: `'x'`, `a line break`, `the end of the file`.
    func found() -> String {
        guard let byte = peek() else { return "the end of the file" }
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "a line break"
        case UInt8(ascii: " "): return "a space"
        case UInt8(ascii: "\t"): return "a tab"
        case 0x21..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        default: break
        }
        var decoder = Unicode.UTF8()
        var iterator = bytes[index...].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return "a byte that is not UTF-8" }
        return "U+\(Self.hex(scalar.value, digits: 4))"
    }

    /// `value` as at least `digits` uppercase hexadecimal digits.
    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// A key as a message writes it: its parts joined by dots, quoted where they are not bare.
    static func describe(_ key: some Collection<KeyPart>) -> String {
        key.map { TOMLTable.writtenKey($0.name) }.joined(separator: ".")
    }
}
