import UPnP

/// Why an XML-valued argument could not be read as the Messaging:2 fragment it should be.
///
/// The binding maps it to the code the action's table gives (703 SendMessage, 704 recipients lists, 402 otherwise;
/// messaging-v2.md §5, I-14).
public struct FragmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason class.
    public enum Code: String, Sendable, Hashable {
        /// Not XML the hardened parser accepts (see ``XMLParseError``), or refused by the schema.
        case malformed
        /// A different root element than the argument's fragment.
        case wrongRoot
        /// A required element is missing.
        case missingElement
        /// An element's value has the wrong form (ID pattern, integer, boolean).
        case invalidValue
    }

    /// The reason class.
    public let code: Code
    /// What was wrong (element names only: never message content).
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "fragment \(code.rawValue): \(reason)" }
}

/// XML namespaces of the Messaging:2 fragments (messaging-v2.md §1).
public enum MessagingNamespace {
    /// `urn:schemas-upnp-org:phone:messaging`, prefix `messaging:` on the root element only.
    public static let messaging = "urn:schemas-upnp-org:phone:messaging"
    /// `urn:schemas-upnp-org:phone:peer`, prefix `peer:` on the children of a peer element.
    public static let peer = "urn:schemas-upnp-org:phone:peer"
    /// The device's own namespace for its vendor extension (prefix `mmx:`), ``PeerFragment/SendStatus``. Not a
    /// UPnP Forum namespace: UDA 1.1 §2.5 puts vendor extensions in a namespace of the vendor's.
    public static let deviceExtension = "urn:modemmessaging:messaging-extension:1"
}

/// A top-level Messaging:2 XML fragment: one of the XML-valued state variables of messaging-v2.md §3.
///
/// Reading is liberal (I-31: children by local name in any namespace, the documented variant spellings, missing
/// optional parts); writing is exact (the element names, order and namespaces of messaging-v2.xsd, with the XML
/// declaration of I-9).
public protocol MessagingFragment: Sendable, Hashable {
    /// The root element's local name, e.g. `message`.
    static var rootName: String { get }
    /// Whether the root declares the peer namespace (§7.0: every root whose content uses peerType, even empty).
    static var declaresPeerNamespace: Bool { get }
    /// Reads the fragment from its (already parsed) root element.
    init(element: XMLElement) throws(FragmentError)
    /// Writes the children of the root element.
    func writeContent(into writer: inout XMLWriter)
}

extension MessagingFragment {
    /// Parses fragment text with the hardened parser (limits, no DTD) and reads it.
    ///
    /// - Throws: ``FragmentError`` (`.malformed` wraps the parser's reason).
    public init(parsing text: String, limits: XMLParseLimits = .default) throws(FragmentError) {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(text, limits: limits)
        } catch {
            throw FragmentError(.malformed, error.description)
        }
        guard root.name == Self.rootName else {
            throw FragmentError(.wrongRoot, "expected \(Self.rootName), found \(root.name)")
        }
        try self.init(element: root)
    }

    /// The fragment as the device emits it: XML declaration, `messaging:` root with its namespace declarations,
    /// unprefixed children.
    public func serialized() -> String {
        var writer = XMLWriter()
        var attributes = [("xmlns:messaging", MessagingNamespace.messaging)]
        if Self.declaresPeerNamespace { attributes.append(("xmlns:peer", MessagingNamespace.peer)) }
        writer.element("messaging:\(Self.rootName)", attributes: attributes) { writer in
            writeContent(into: &writer)
        }
        return writer.finish()
    }
}

// MARK: - Liberal reading helpers

extension XMLElement {
    /// The first child whose local name is one of `names` (any namespace, I-31).
    func child(_ names: String...) -> XMLElement? {
        elements.first { names.contains($0.name) }
    }

    /// All children whose local name is one of `names`.
    func children(_ names: String...) -> [XMLElement] {
        elements.filter { names.contains($0.name) }
    }

    /// The first child named so, or `.missingElement`.
    func requiredChild(_ name: String, _ alternatives: String..., in parent: String) throws(FragmentError) -> XMLElement
    {
        let names = [name] + alternatives
        guard let found = elements.first(where: { names.contains($0.name) }) else {
            throw FragmentError(.missingElement, "\(parent) has no \(name)")
        }
        return found
    }

    /// The text of an identifier-like value: surrounding white space removed.
    var value: String { text.trimmingXMLWhitespace() }

    /// The text, or `nil` when the element is absent.
    func optionalText(_ names: String...) -> String? {
        elements.first { names.contains($0.name) }?.text
    }

    /// The trimmed value, or `nil` when the element is absent.
    func optionalValue(_ names: String...) -> String? {
        elements.first { names.contains($0.name) }?.value
    }
}

/// Value forms of messaging-v2.xsd, checked on input so that what the binding accepts re-serialises validly.
enum FragmentValues {
    /// Longest ID accepted: far above the device's own (13 characters, base 36), bounded all the same.
    static let maximumIDLength = 128

    /// `messageID.type`: `[a-zA-Z0-9]*(\.[a-zA-Z0-9]+)?`.
    static func isMessageID(_ text: String) -> Bool {
        guard text.utf8.count <= maximumIDLength else { return false }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return parts[0].utf8.allSatisfy(isAlphanumeric)
        case 2:
            return parts[0].utf8.allSatisfy(isAlphanumeric) && !parts[1].isEmpty
                && parts[1].utf8.allSatisfy(isAlphanumeric)
        default: return false
        }
    }

    /// `sessionID.type`: `[a-zA-Z0-9]*`.
    static func isSessionID(_ text: String) -> Bool {
        text.utf8.count <= maximumIDLength && text.utf8.allSatisfy(isAlphanumeric)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// `xsd:boolean` plus the "yes"/"no" of §4.2 (I-11), case-insensitively.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes": true
        case "0", "false", "no": false
        default: nil
        }
    }

    /// `xsd:nonNegativeInteger` within UInt64 (a leading `+` and leading zeros allowed, as XSD allows them).
    static func nonNegativeInteger(_ text: String) -> UInt64? {
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(digits)
    }
}
