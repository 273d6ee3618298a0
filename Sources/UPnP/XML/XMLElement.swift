/// An attribute of a parsed element.
///
/// `name` is the local name; `namespaceURI` is set only for prefixed attributes (XML Namespaces §6.2: unprefixed
/// attributes are in no namespace).
public struct XMLAttribute: Sendable, Hashable {
    /// The local name, without prefix.
    public let name: String
    /// The namespace of a prefixed attribute, else `nil`.
    public let namespaceURI: String?
    /// The attribute value, with character and predefined entity references resolved.
    public let value: String

    /// Creates an attribute.
    public init(name: String, namespaceURI: String? = nil, value: String) {
        self.name = name
        self.namespaceURI = namespaceURI
        self.value = value
    }
}

/// One child of an element: a nested element or a run of character data (text and CDATA merged).
///
/// Comments and processing instructions are not kept: nothing in UPnP or Messaging:2 gives them meaning.
public enum XMLContent: Sendable, Hashable {
    /// A child element.
    case element(XMLElement)
    /// Character data.
    case text(String)
}

/// An immutable XML element tree, the result of ``XMLDocumentParser``.
///
/// Callers never see libxml2 pointers: the parser copies the document into these values and frees it. Names are
/// local names; namespaces are resolved URIs, so that lookups do not depend on the prefixes a peer chose
/// (messaging-v2.md I-31: match by local name on input).
public struct XMLElement: Sendable, Hashable {
    /// The local name, without prefix.
    public let name: String
    /// The element's namespace URI, or `nil` when it is in no namespace.
    public let namespaceURI: String?
    /// The attributes, in document order (namespace declarations are not attributes here).
    public let attributes: [XMLAttribute]
    /// Child elements and text, in document order.
    public let children: [XMLContent]

    /// Creates an element.
    public init(
        name: String,
        namespaceURI: String? = nil,
        attributes: [XMLAttribute] = [],
        children: [XMLContent] = []
    ) {
        self.name = name
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.children = children
    }

    /// The child elements, in document order, without the text between them.
    public var elements: [XMLElement] {
        children.compactMap { content in
            if case .element(let element) = content { return element }
            return nil
        }
    }

    /// The concatenated character data of the direct children (not of descendants).
    public var text: String {
        var result = ""
        for content in children {
            if case .text(let text) = content { result += text }
        }
        return result
    }

    /// Whether the element has child elements (as opposed to text only).
    public var hasElementChildren: Bool {
        children.contains { content in
            if case .element = content { return true }
            return false
        }
    }

    /// The child elements with local name `name`, in any namespace unless `namespaceURI` is given.
    public func elements(named name: String, namespaceURI: String?? = nil) -> [XMLElement] {
        elements.filter { $0.matches(name, namespaceURI) }
    }

    /// The first child element with local name `name` (any namespace unless `namespaceURI` is given).
    public func firstElement(named name: String, namespaceURI: String?? = nil) -> XMLElement? {
        for case .element(let element) in children where element.matches(name, namespaceURI) {
            return element
        }
        return nil
    }

    /// Local name equal, and namespace equal when one is asked for (`.some(nil)` asks for "no namespace").
    func matches(_ name: String, _ namespaceURI: String??) -> Bool {
        guard self.name == name else { return false }
        switch namespaceURI {
        case .none: return true
        case .some(let wanted): return self.namespaceURI == wanted
        }
    }

    /// The value of the attribute with local name `name` (and the given namespace; `nil` = no namespace).
    public func attribute(_ name: String, namespaceURI: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespaceURI == namespaceURI }?.value
    }
}

extension StringProtocol {
    /// The string without leading and trailing XML white space (XML 1.0 §2.3 S: space, tab, CR, LF).
    package func trimmingXMLWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
