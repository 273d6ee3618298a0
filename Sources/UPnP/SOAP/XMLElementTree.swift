import CLibXML2

/// A small read-only element tree, parsed by the system libxml2 with the hardening the project requires: no DTD
/// (a document with a DOCTYPE is refused), no entity expansion, no network, and bounded size, depth and element
/// count. Used for SOAP requests and SCPDs; comments and processing instructions are skipped.
struct XMLElementTree: Sendable, Hashable {
    /// The element's local name (without prefix).
    var localName: String
    /// The namespace URI, if the element is in one.
    var namespaceURI: String?
    /// Attributes by local name.
    var attributes: [String: String]
    /// Child elements in document order.
    var children: [XMLElementTree]
    /// The concatenated text and CDATA content directly inside this element (entities already decoded).
    var text: String

    /// The first child with this local name.
    func child(_ name: String) -> XMLElementTree? { children.first { $0.localName == name } }

    /// Bounds of one parse.
    struct Limits: Sendable, Hashable {
        /// Largest document in bytes.
        var maximumBytes: Int
        /// Deepest element nesting (the root is depth 1).
        var maximumDepth: Int
        /// Most elements in one document.
        var maximumElements: Int

        /// SOAP control requests: an envelope, a body, an action, its arguments (text) — shallow and small.
        static let soapRequest = Limits(maximumBytes: 1 << 20, maximumDepth: 16, maximumElements: 1024)
        /// A service description: a few hundred elements.
        static let scpd = Limits(maximumBytes: 1 << 20, maximumDepth: 16, maximumElements: 20_000)
    }

    /// Why a document was refused.
    enum ParseError: Error, Sendable, Hashable {
        /// Larger than ``Limits/maximumBytes``.
        case tooLarge
        /// Not well-formed XML (libxml2's message, bounded).
        case malformed(String)
        /// Carries a DOCTYPE: DTDs and entity declarations are never accepted (XXE, billion laughs).
        case doctypeForbidden
        /// Nested deeper than ``Limits/maximumDepth``.
        case tooDeep
        /// More than ``Limits/maximumElements`` elements.
        case tooManyElements
    }

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses a document.
    ///
    /// `XML_PARSE_NONET` and neither `XML_PARSE_NOENT` nor `XML_PARSE_DTDLOAD`: no external resource is fetched and no
    /// entity is substituted; any internal subset is refused before the tree is walked (TOOLCHAIN.md §2).
    static func parse(_ bytes: [UInt8], limits: Limits) throws(ParseError) -> XMLElementTree {
        guard bytes.count <= limits.maximumBytes else { throw .tooLarge }
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { throw .malformed("empty document") }
        _ = initialized
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(buffer.count), "request.xml", nil, options)
                }
            } ?? nil
        }
        guard let document else {
            let message = xmlGetLastError().map { String(cString: $0.pointee.message) } ?? "not well-formed"
            throw .malformed(String(message.prefix(200)).trimmingTrailingNewlines())
        }
        defer { xmlFreeDoc(document) }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else { throw .doctypeForbidden }
        guard let root = xmlDocGetRootElement(document) else { throw .malformed("no root element") }
        var count = 0
        return try convert(root, depth: 1, count: &count, limits: limits)
    }

    private static func convert(
        _ node: xmlNodePtr,
        depth: Int,
        count: inout Int,
        limits: Limits
    ) throws(ParseError) -> XMLElementTree {
        guard depth <= limits.maximumDepth else { throw .tooDeep }
        count += 1
        guard count <= limits.maximumElements else { throw .tooManyElements }
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            if let value = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                attributes[name] = String(cString: value)
                cxml_free(value)
            } else {
                attributes[name] = ""
            }
            attribute = current.pointee.next
        }
        var children: [XMLElementTree] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(try convert(current, depth: depth + 1, count: &count, limits: limits))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                // Only reachable with a DTD, which is refused above; refuse rather than drop text silently.
                throw .doctypeForbidden
            default:
                break
            }
            child = current.pointee.next
        }
        let namespace = node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } }
        return XMLElementTree(
            localName: String(cString: node.pointee.name),
            namespaceURI: namespace,
            attributes: attributes,
            children: children,
            text: text
        )
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last == "\n" { result.removeLast() }
        return result
    }
}
