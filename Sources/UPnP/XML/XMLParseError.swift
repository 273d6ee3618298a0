/// Why an XML document was refused by ``XMLDocumentParser`` or ``XMLSchema``.
///
/// Equality compares only the ``code`` (STYLE.md §2: public errors are a code plus context).
public struct XMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The closed set of reasons; SOAP maps all of them to a client fault (UDA 1.1 §3.2.2: 402 or 401).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input is empty.
        public static let empty = Code(rawValue: "empty")
        /// The input exceeds ``XMLParseLimits/maxDocumentBytes``.
        public static let documentTooLarge = Code(rawValue: "document too large")
        /// Elements nest deeper than ``XMLParseLimits/maxDepth``.
        public static let tooDeep = Code(rawValue: "too deep")
        /// More elements than ``XMLParseLimits/maxElements``.
        public static let tooManyElements = Code(rawValue: "too many elements")
        /// The document has a DOCTYPE; DTDs and therefore entity declarations are never accepted.
        public static let doctypeForbidden = Code(rawValue: "DOCTYPE forbidden")
        /// Not well-formed XML (syntax, encoding, namespace or undefined-entity error).
        public static let malformed = Code(rawValue: "malformed")
        /// Well-formed but not valid against the schema.
        public static let invalid = Code(rawValue: "invalid")
        /// A schema could not be compiled (a programming or deployment error, not a peer's fault).
        public static let schemaUnusable = Code(rawValue: "schema unusable")
    }

    /// The reason class.
    public let code: Code
    /// A human-readable reason (libxml2's message where there is one), safe to log at debug level.
    public let reason: String
    /// Line in the document where the problem was found, when known.
    public let documentLine: Int?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, documentLine: Int? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.documentLine = documentLine
        self.file = file
        self.line = line
    }

    public static func == (lhs: XMLParseError, rhs: XMLParseError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let documentLine { return "XML \(code): \(reason) (line \(documentLine))" }
        return "XML \(code): \(reason)"
    }
}

/// Bounds applied to every document before and while it is parsed (STYLE.md §3: every wire length is bounded).
///
/// The defaults fit every SOAP request and Messaging:2 fragment with room to spare: the deepest standard
/// structure is envelope › body › action › argument (4 levels), and the deepest fragment is
/// message › recipientsList › recipientTo › peer:image › peer:imageData (5 levels).
public struct XMLParseLimits: Sendable, Hashable {
    /// Default ``maxDocumentBytes``: 1 MiB, enough for an MMS `message` with thumbnails (messaging-v2.md §11).
    public static let defaultMaxDocumentBytes = 1 << 20
    /// Default ``maxDepth``: 32 nested elements.
    public static let defaultMaxDepth = 32
    /// Default ``maxElements``: 20 000 elements (a `messageList` of ~1 000 messages).
    public static let defaultMaxElements = 20_000
    /// Hard ceiling for ``maxDocumentBytes``: libxml2 takes the length as a C `int`, and nothing here is larger.
    public static let absoluteMaxDocumentBytes = 64 << 20
    /// Hard ceiling for ``maxDepth``: libxml2's own limit without XML_PARSE_HUGE.
    public static let absoluteMaxDepth = 256

    /// Largest accepted input in bytes.
    public let maxDocumentBytes: Int
    /// Deepest accepted element nesting (the root is depth 1).
    public let maxDepth: Int
    /// Most elements accepted in one document.
    public let maxElements: Int

    /// Creates limits; values are clamped to 1…the absolute ceilings.
    public init(
        maxDocumentBytes: Int = XMLParseLimits.defaultMaxDocumentBytes,
        maxDepth: Int = XMLParseLimits.defaultMaxDepth,
        maxElements: Int = XMLParseLimits.defaultMaxElements
    ) {
        self.maxDocumentBytes = min(max(maxDocumentBytes, 1), Self.absoluteMaxDocumentBytes)
        self.maxDepth = min(max(maxDepth, 1), Self.absoluteMaxDepth)
        self.maxElements = max(maxElements, 1)
    }

    /// The documented defaults.
    public static let `default` = XMLParseLimits()
}
