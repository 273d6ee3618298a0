/// A byte-level reader of the canonical SOAP control request, the shape every control point sends (UDA 1.1 §3.2.1,
/// ``SOAPActionRequest/envelope(action:serviceType:arguments:)``): an optional XML declaration, then
/// `Envelope/Body/action/argument*` with prefixed namespace declarations, plain or referenced text and nothing else.
///
/// It runs before libxml2 because parsing a small request there is a fifth of the CPU time of an action. It is a
/// strict subset reader, not an XML parser: on anything outside its subset it returns `nil` and the caller parses
/// with libxml2, so errors, faults and unusual but valid documents are answered exactly as before. The rule it keeps:
/// when it returns a request, libxml2 accepts the document and reads the same request (the FuzzXML target checks
/// this on every input). Where libxml2's answer is not certain, it bails out.
enum SOAPEnvelopeReader {
    /// More arguments than any Messaging:2 action has; a longer list goes to libxml2.
    static let maximumArguments = 64
    /// Attributes on one element: the duplicate check compares each pair, so it is bounded; control points send two.
    static let maximumAttributes = 16
    /// Below libxml2's own bounds on names and text nodes (XML_MAX_NAME_LENGTH, XML_MAX_TEXT_LENGTH), so that
    /// libxml2 never refuses for a size the reader accepted.
    static let maximumNameBytes = 256
    static let maximumDocumentBytes = 4 << 20

    /// The request in `body`, or `nil` when the document is outside the canonical subset. `maxDepth` and
    /// `maxElements` are those of the ``XMLParseLimits`` libxml2 would enforce: a document past them is left to it.
    static func read(_ body: [UInt8], maxDepth: Int, maxElements: Int) -> SOAPActionRequest? {
        guard body.count <= maximumDocumentBytes else { return nil }
        return body.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes)
            guard let request = reader.readRequest(), reader.depth <= maxDepth, reader.elementCount <= maxElements
            else { return nil }
            return request
        }
    }
}

// MARK: - Bytes

private enum Byte {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let ampersand: UInt8 = 0x26
    static let apostrophe: UInt8 = 0x27
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let closeBracket: UInt8 = 0x5D
    static let lowerX: UInt8 = 0x78

    /// XML 1.0 §2.3 S, without CR: libxml2 normalises line ends (§2.11), which the reader does not repeat.
    static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == lineFeed || byte == tab }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The ASCII part of NCName's first character (Namespaces in XML 1.0 §3; XML 1.0 §2.3 NameStartChar).
    static func isNameStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == 0x5F }
    /// The ASCII part of NameChar (XML 1.0 §2.3), colon excluded (an NCName).
    static func isNameChar(_ byte: UInt8) -> Bool {
        isNameStart(byte) || isDigit(byte) || byte == 0x2D || byte == 0x2E
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        if isDigit(byte) { return UInt32(byte - 0x30) }
        let lower = byte | 0x20
        if lower >= 0x61 && lower <= 0x66 { return UInt32(lower - 0x61 + 10) }
        return nil
    }
}

/// A qualified name in the document: the whole name and its parts, as byte ranges.
private struct QualifiedName {
    var whole: Range<Int>
    var prefix: Range<Int>?
    var local: Range<Int>
}

/// One attribute of the tag being read.
private struct Attribute {
    var name: QualifiedName
    var value: Range<Int>
}

/// A namespace prefix in scope (Namespaces in XML 1.0 §6.1): declared on the element at `depth`.
private struct Binding {
    var prefix: Range<Int>
    var uri: Range<Int>
    var depth: Int
}

/// A start tag read: its name, the namespace its prefix resolves to, and whether it is an empty-element tag.
private struct StartTag {
    var name: QualifiedName
    var namespace: Range<Int>?
    var isEmpty: Bool
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The depth of the deepest element read, and the number of elements: the bounds libxml2 would check.
    var depth = 0
    var elementCount = 0
    private var bindings: [Binding] = []
    private var attributes: [Attribute] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let envelopeNamespace: StaticString = "http://schemas.xmlsoap.org/soap/envelope/"

    // MARK: Document

    mutating func readRequest() -> SOAPActionRequest? {
        // A byte order mark is bytes libxml2 reads and the reader does not: it bails on it as on any other byte.
        guard readDeclarationIfPresent() else { return nil }
        skipSpace()
        guard let envelope = readStartTag(depth: 1), !envelope.isEmpty,
            isSOAPElement(envelope, named: "Envelope")
        else { return nil }
        skipSpace()
        guard let body = readStartTag(depth: 2), !body.isEmpty, isSOAPElement(body, named: "Body") else { return nil }
        skipSpace()
        guard let action = readStartTag(depth: 3), !isReserved(action.name.local) else { return nil }
        var arguments: [(name: String, value: String)] = []
        if !action.isEmpty {
            guard readArguments(into: &arguments), readEndTag(action.name, depth: 3) else { return nil }
        }
        skipSpace()
        guard readEndTag(body.name, depth: 2) else { return nil }
        skipSpace()
        guard readEndTag(envelope.name, depth: 1) else { return nil }
        // XML 1.0 §2.1: only Misc may follow the root; the reader takes whitespace only.
        skipSpace()
        guard index == bytes.count else { return nil }
        return SOAPActionRequest(
            actionName: string(action.name.local),
            serviceType: action.namespace.map(string),
            arguments: arguments
        )
    }

    /// The action's arguments up to its end tag: unprefixed elements holding text only. Whitespace between them is
    /// read over; other text there goes to libxml2.
    private mutating func readArguments(into arguments: inout [(name: String, value: String)]) -> Bool {
        while true {
            skipSpace()
            guard index + 1 < bytes.count, bytes[index] == Byte.lessThan else { return false }
            if bytes[index + 1] == Byte.slash { return true }
            guard arguments.count < SOAPEnvelopeReader.maximumArguments,
                let argument = readStartTag(depth: 4), argument.name.prefix == nil, !isReserved(argument.name.local)
            else { return false }
            let name = string(argument.name.local)
            if argument.isEmpty {
                arguments.append((name, ""))
                continue
            }
            guard let value = readText(), readEndTag(argument.name, depth: 4) else { return false }
            arguments.append((name, value))
        }
    }

    /// XML 1.0 §2.8 XMLDecl at the very start: version 1.0, encoding UTF-8 if given, standalone yes or no.
    private mutating func readDeclarationIfPresent() -> Bool {
        guard hasPrefix("<?xml"), index + 5 < bytes.count, Byte.isSpace(bytes[index + 5]) else { return true }
        index += 5
        skipSpace()
        guard let version = readPseudoAttribute("version"), matches(version, "1.0") else { return false }
        var spaced = skipSpace()
        if spaced, hasPrefix("encoding") {
            guard let encoding = readPseudoAttribute("encoding"), matches(encoding, "utf-8", ignoringCase: true)
            else { return false }
            spaced = skipSpace()
        }
        if spaced, hasPrefix("standalone") {
            guard let standalone = readPseudoAttribute("standalone"),
                matches(standalone, "yes") || matches(standalone, "no")
            else { return false }
            skipSpace()
        }
        guard hasPrefix("?>") else { return false }
        index += 2
        return true
    }

    /// `name Eq` and a quoted value of name characters only (XML 1.0 §2.8 VersionNum, §4.3.3 EncName, §2.9
    /// yes/no).
    private mutating func readPseudoAttribute(_ name: StaticString) -> Range<Int>? {
        guard hasPrefix(name) else { return nil }
        index += name.utf8CodeUnitCount
        guard let quote = readEqualsAndQuote() else { return nil }
        let start = index
        var end = start
        while end < bytes.count, bytes[end] != quote {
            guard Byte.isNameChar(bytes[end]) else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return start..<end
    }

    /// `Eq` (XML 1.0 §2.3, `S? '=' S?`) and the opening quote of the value, read past; the quote returned.
    private mutating func readEqualsAndQuote() -> UInt8? {
        skipSpace()
        guard index < bytes.count, bytes[index] == Byte.equals else { return nil }
        index += 1
        skipSpace()
        guard index < bytes.count, bytes[index] == Byte.quote || bytes[index] == Byte.apostrophe else { return nil }
        index += 1
        return bytes[index - 1]
    }

    // MARK: Tags

    /// `'<' QName (S Attribute)* S? ('>' | '/>')` (XML 1.0 §3.1, Namespaces in XML 1.0 §5), with its namespace
    /// declarations taken into scope and every prefix resolved. `nil` on anything else, `<!` and `<?` included.
    private mutating func readStartTag(depth: Int) -> StartTag? {
        guard index < bytes.count, bytes[index] == Byte.lessThan else { return nil }
        index += 1
        guard let name = readQualifiedName() else { return nil }
        attributes.removeAll(keepingCapacity: true)
        var isEmpty = false
        while true {
            let spaced = skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == Byte.greaterThan {
                index += 1
                break
            }
            if bytes[index] == Byte.slash {
                guard index + 1 < bytes.count, bytes[index + 1] == Byte.greaterThan else { return nil }
                index += 2
                isEmpty = true
                break
            }
            // XML 1.0 §3.1: attributes are separated by whitespace.
            guard spaced, attributes.count < SOAPEnvelopeReader.maximumAttributes, let attribute = readAttribute()
            else { return nil }
            attributes.append(attribute)
        }
        self.depth = max(self.depth, depth)
        elementCount += 1
        guard declareNamespaces(depth: depth) else { return nil }
        guard let namespace = resolve(name.prefix) else { return nil }
        for attribute in attributes where attribute.name.prefix != nil && !isDeclaration(attribute) {
            guard resolve(attribute.name.prefix) != nil else { return nil }
        }
        if isEmpty { endScope(depth: depth) }
        return StartTag(name: name, namespace: namespace, isEmpty: isEmpty)
    }

    /// `'</' QName S? '>'` naming `name` (XML 1.0 §3 element type match).
    private mutating func readEndTag(_ name: QualifiedName, depth: Int) -> Bool {
        let length = name.whole.count
        guard index + 2 + length < bytes.count, bytes[index] == Byte.lessThan, bytes[index + 1] == Byte.slash
        else { return false }
        index += 2
        guard equal(index..<(index + length), name.whole) else { return false }
        index += length
        skipSpace()
        guard index < bytes.count, bytes[index] == Byte.greaterThan else { return false }
        index += 1
        endScope(depth: depth)
        return true
    }

    /// `NCName (':' NCName)?`, ASCII only: a non-ASCII name goes to libxml2.
    private mutating func readQualifiedName() -> QualifiedName? {
        let start = index
        guard let first = readNCName() else { return nil }
        if index < bytes.count, bytes[index] == Byte.colon {
            index += 1
            guard let local = readNCName() else { return nil }
            return QualifiedName(whole: start..<index, prefix: first, local: local)
        }
        return QualifiedName(whole: start..<index, prefix: nil, local: first)
    }

    private mutating func readNCName() -> Range<Int>? {
        let start = index
        guard index < bytes.count, Byte.isNameStart(bytes[index]) else { return nil }
        index += 1
        while index < bytes.count, Byte.isNameChar(bytes[index]) { index += 1 }
        guard index - start <= SOAPEnvelopeReader.maximumNameBytes else { return nil }
        return start..<index
    }

    /// `QName Eq AttValue` (XML 1.0 §3.1, §2.3). The value may hold no `<` (a well-formedness error) and no `&`: the
    /// reader does not resolve references in attributes, where only namespace URIs matter to the request.
    private mutating func readAttribute() -> Attribute? {
        guard let name = readQualifiedName(), let quote = readEqualsAndQuote() else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != quote {
            let byte = bytes[index]
            if byte == Byte.lessThan || byte == Byte.ampersand { return nil }
            guard skipCharacter() else { return nil }
        }
        guard index < bytes.count else { return nil }
        index += 1
        // XML 1.0 §3.1 Unique Att Spec, and Namespaces in XML 1.0 §6.3 (no two attributes with the same expanded
        // name): the reader refuses any two with the same local part, a superset it can check before resolving.
        guard !attributes.contains(where: { equal($0.name.local, name.local) }) else { return nil }
        return Attribute(name: name, value: start..<index - 1)
    }

    // MARK: Namespaces

    /// Takes the tag's `xmlns:p` declarations into scope (Namespaces in XML 1.0 §3). A default namespace
    /// declaration goes to libxml2, as do values whose checks libxml2 makes and the reader does not mirror.
    private mutating func declareNamespaces(depth: Int) -> Bool {
        for attribute in attributes {
            if attribute.name.prefix == nil {
                if matches(attribute.name.local, "xmlns") { return false }
                continue
            }
            guard isDeclaration(attribute) else { continue }
            // §3: the prefixes xml and xmlns may not be declared to other names; §4 the xml namespace not bound to
            // another prefix. Leave all of it to libxml2.
            let prefix = attribute.name.local
            guard !matches(prefix, "xml"), !matches(prefix, "xmlns"), isPlainAbsoluteURI(attribute.value) else {
                return false
            }
            bindings.append(Binding(prefix: prefix, uri: attribute.value, depth: depth))
        }
        return true
    }

    private func isDeclaration(_ attribute: Attribute) -> Bool {
        attribute.name.prefix.map { matches($0, "xmlns") } ?? false
    }

    /// The namespace of a prefix: `.some(nil)` for no prefix (no default namespace is ever in scope, the reader
    /// bails on one), `nil` for an undeclared prefix (a namespace error, §5; libxml2's to report).
    private func resolve(_ prefix: Range<Int>?) -> Range<Int>?? {
        guard let prefix else { return .some(nil) }
        for binding in bindings.reversed() where equal(binding.prefix, prefix) { return .some(binding.uri) }
        return nil
    }

    private mutating func endScope(depth: Int) {
        while let last = bindings.last, last.depth >= depth { bindings.removeLast() }
    }

    /// A namespace name libxml2 surely takes as an absolute URI (RFC 3986 §3): `scheme ':'` and then unreserved
    /// characters, `:` and `/` only; an authority (`//`) non-empty and without a port. libxml2 reports a value it
    /// cannot parse as a URI as a namespace error and a relative one with a warning; neither can happen here. The
    /// XML and XMLNS namespace names are refused too (Namespaces in XML 1.0 §3).
    private func isPlainAbsoluteURI(_ range: Range<Int>) -> Bool {
        var position = range.lowerBound
        guard position < range.upperBound, Byte.isLetter(bytes[position]) else { return false }
        while position < range.upperBound, bytes[position] != Byte.colon {
            let byte = bytes[position]
            guard Byte.isLetter(byte) || Byte.isDigit(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E else {
                return false
            }
            position += 1
        }
        guard position < range.upperBound else { return false }
        position += 1
        let rest = position
        for index in rest..<range.upperBound {
            let byte = bytes[index]
            guard Byte.isNameChar(byte) || byte == 0x7E || byte == Byte.colon || byte == Byte.slash else {
                return false
            }
        }
        if range.upperBound - rest >= 2, bytes[rest] == Byte.slash, bytes[rest + 1] == Byte.slash {
            let authority = rest + 2
            var end = authority
            while end < range.upperBound, bytes[end] != Byte.slash {
                if bytes[end] == Byte.colon { return false }
                end += 1
            }
            guard end > authority else { return false }
        }
        return !matches(range, "http://www.w3.org/XML/1998/namespace")
            && !matches(range, "http://www.w3.org/2000/xmlns/")
    }

    private func isSOAPElement(_ tag: StartTag, named name: StaticString) -> Bool {
        guard let namespace = tag.namespace else { return false }
        return matches(tag.name.local, name) && matches(namespace, Self.envelopeNamespace)
    }

    /// `xmlns` is reserved (Namespaces in XML 1.0 §3): an element of that name goes to libxml2.
    private func isReserved(_ local: Range<Int>) -> Bool { matches(local, "xmlns") }

    // MARK: Text

    /// An argument's character data up to the next `<`, references resolved (XML 1.0 §4.1, §4.6). `nil` on
    /// markup other than the end tag following, `]]>`, an unknown entity, or a byte that is not a legal Char.
    private mutating func readText() -> String? {
        let start = index
        var hasReference = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.lessThan { break }
            if byte == Byte.ampersand {
                guard readReference() != nil else { return nil }
                hasReference = true
                continue
            }
            // XML 1.0 §2.4: `]]>` may not appear in content.
            if byte == Byte.closeBracket, index + 2 < bytes.count, bytes[index + 1] == Byte.closeBracket,
                bytes[index + 2] == Byte.greaterThan
            {
                return nil
            }
            guard skipCharacter() else { return nil }
        }
        guard index + 1 < bytes.count, bytes[index + 1] == Byte.slash else { return nil }
        guard hasReference else { return string(start..<index) }
        // The text is valid now; a second pass writes it with the references replaced.
        let end = index
        var value: [UInt8] = []
        value.reserveCapacity(end - start)
        index = start
        while index < end {
            if bytes[index] == Byte.ampersand, let scalar = readReference() {
                UTF8.encode(scalar) { value.append($0) }
            } else {
                value.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// One reference at `&` (XML 1.0 §4.1, §4.6): a predefined entity or a character reference to a legal Char
    /// (§2.2), read past. `nil` for anything else (libxml2 reports or expands it).
    private mutating func readReference() -> Unicode.Scalar? {
        var position = index + 1
        guard position < bytes.count else { return nil }
        var scalar: UInt32 = 0
        if bytes[position] == Byte.hash {
            position += 1
            let isHex = position < bytes.count && bytes[position] == Byte.lowerX
            if isHex { position += 1 }
            let digitsStart = position
            while position < bytes.count, bytes[position] != Byte.semicolon {
                // Seven digits hold every Char; more (leading zeros, overflow) go to libxml2.
                guard position - digitsStart < 7 else { return nil }
                if isHex {
                    guard let digit = Byte.hexValue(bytes[position]) else { return nil }
                    scalar = scalar << 4 | digit
                } else {
                    guard Byte.isDigit(bytes[position]) else { return nil }
                    scalar = scalar * 10 + UInt32(bytes[position] - 0x30)
                }
                position += 1
            }
            guard position > digitsStart, position < bytes.count, Self.isChar(scalar) else { return nil }
        } else {
            let nameStart = position
            while position < bytes.count, bytes[position] != Byte.semicolon, position - nameStart < 5 {
                position += 1
            }
            guard position < bytes.count, bytes[position] == Byte.semicolon,
                let predefined = predefinedEntity(nameStart..<position)
            else { return nil }
            scalar = UInt32(predefined)
        }
        index = position + 1
        return Unicode.Scalar(scalar)
    }

    /// XML 1.0 §4.6: lt, gt, amp, apos, quot.
    private func predefinedEntity(_ name: Range<Int>) -> UInt8? {
        if matches(name, "lt") { return Byte.lessThan }
        if matches(name, "gt") { return Byte.greaterThan }
        if matches(name, "amp") { return Byte.ampersand }
        if matches(name, "apos") { return Byte.apostrophe }
        if matches(name, "quot") { return Byte.quote }
        return nil
    }

    /// XML 1.0 §2.2 Char.
    private static func isChar(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Steps over one character of text or attribute value if it is a legal Char (XML 1.0 §2.2) in well-formed
    /// UTF-8 (shortest form, no surrogates, at most U+10FFFF); CR too is refused, as libxml2 would rewrite it (§2.11).
    private mutating func skipCharacter() -> Bool {
        let lead = bytes[index]
        if lead < 0x80 {
            guard lead >= Byte.space || lead == Byte.tab || lead == Byte.lineFeed else { return false }
            index += 1
            return true
        }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lower = 0xA0
        case 0xED:
            length = 3
            upper = 0x9F
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xF0:
            length = 4
            lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upper = 0x8F
        default: return false
        }
        guard index + length <= bytes.count else { return false }
        guard bytes[index + 1] >= lower, bytes[index + 1] <= upper else { return false }
        for offset in 2..<length {
            guard bytes[index + offset] & 0xC0 == 0x80 else { return false }
        }
        // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not Chars.
        if lead == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE { return false }
        index += length
        return true
    }

    // MARK: Helpers

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, Byte.isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    private func hasPrefix(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return matches(index..<(index + count), text)
    }

    private func matches(_ range: Range<Int>, _ text: StaticString, ignoringCase: Bool = false) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        for (offset, byte) in expected.enumerated() {
            let actual = bytes[range.lowerBound + offset]
            if actual == byte { continue }
            guard ignoringCase, Byte.isLetter(byte), actual | 0x20 == byte | 0x20 else { return false }
        }
        return true
    }

    private func equal(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for offset in 0..<lhs.count where bytes[lhs.lowerBound + offset] != bytes[rhs.lowerBound + offset] {
            return false
        }
        return true
    }

    /// A validated slice as a String.
    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
