import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed SOAP control request (UDA 1.1 §3.2.1): the action element of the body and its in-arguments.
///
/// ```
/// <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="…">
///   <s:Body><u:ACTION xmlns:u="SERVICE-TYPE"><ARG>value</ARG>…</u:ACTION></s:Body>
/// </s:Envelope>
/// ```
/// Argument elements are unqualified; their text is the value (XML-valued arguments arrive escaped and are
/// returned unescaped, as text). An argument with child elements is refused (402): UDA arguments are simple values.
package struct SOAPActionRequest: Sendable, Hashable {
    /// The SOAP 1.1 envelope namespace.
    static let envelopeNamespace = envelopeNamespaceText.description
    private static let envelopeNamespaceText: StaticString = "http://schemas.xmlsoap.org/soap/envelope/"

    /// The action element's local name.
    var actionName: String
    /// The action element's namespace (the service type the control point addresses).
    var serviceType: String?
    /// The arguments in document order.
    var arguments: [(name: String, value: String)]

    package static func == (lhs: SOAPActionRequest, rhs: SOAPActionRequest) -> Bool {
        lhs.actionName == rhs.actionName && lhs.serviceType == rhs.serviceType
            && lhs.arguments.elementsEqual(rhs.arguments) { $0.name == $1.name && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(actionName)
        hasher.combine(serviceType)
    }

    /// Why a body is not a usable SOAP request; each maps to a UDA fault.
    enum ParseError: Error, Sendable, Hashable {
        /// Not XML, or XML we refuse (DOCTYPE, too deep, too many elements). Answered with 402 Invalid Args: UDA 1.1
        /// has no code for an unparseable body, and 402 names the closest fault (bad arguments).
        case xml(XMLParseError)
        /// Well-formed XML but not `Envelope/Body/action`.
        case notAnEnvelope(String)
        /// An argument with element content.
        case structuredArgument(String)
    }

    /// Bounds of a SOAP request document: an envelope, a body, an action and its arguments (text), so shallow and
    /// with few elements; the byte bound is the HTTP body limit, checked before this parse.
    static func limits(maximumBytes: Int) -> XMLParseLimits {
        XMLParseLimits(maxDocumentBytes: maximumBytes, maxDepth: 16, maxElements: 1024)
    }

    /// Parses a request body: the canonical shape with ``SOAPEnvelopeReader``, anything else with the hardened parser
    /// (XMLDocumentParser: no DTD, no entities, no network), which gives the same request for what the reader takes.
    init(
        parsing body: [UInt8],
        limits: XMLParseLimits = SOAPActionRequest.limits(maximumBytes: 1 << 20)
    )
        throws(ParseError)
    {
        // A body over the size bound is refused by the hardened parser before any reading, as before.
        if body.count <= limits.maxDocumentBytes,
            let request = SOAPEnvelopeReader.read(body, maxDepth: limits.maxDepth, maxElements: limits.maxElements)
        {
            self = request
            return
        }
        try self.init(parsingWithLibXML2: body, limits: limits)
    }

    /// Parses a request body with the hardened parser only: the reference the fast reader must agree with.
    init(parsingWithLibXML2 body: [UInt8], limits: XMLParseLimits) throws(ParseError) {
        let request: Result<SOAPActionRequest, ParseError>
        do {
            // Read straight off libxml2's tree rather than an XMLElement copy of it: this runs for every action.
            request = try XMLDocumentParser.withDocument(body, limits: limits) { document throws(XMLParseError) in
                guard let root = xmlDocGetRootElement(document) else {
                    throw XMLParseError(.malformed, "no root element")
                }
                return Self.read(envelope: root)
            }
        } catch {
            throw .xml(error)
        }
        self = try request.get()
    }

    /// `Envelope/Body/action/argument*` of a parsed document.
    private static func read(envelope root: xmlNodePtr) -> Result<SOAPActionRequest, ParseError> {
        guard isElement(root, named: "Envelope", in: envelopeNamespaceText) else {
            return .failure(.notAnEnvelope("root is not a SOAP 1.1 Envelope"))
        }
        guard
            let soapBody = elements(of: root).first(where: {
                isElement($0, named: "Body", in: envelopeNamespaceText)
            })
        else {
            return .failure(.notAnEnvelope("no Body"))
        }
        let actions = elements(of: soapBody)
        guard actions.count == 1, let action = actions.first else {
            return .failure(.notAnEnvelope("Body must hold exactly one action element"))
        }
        var arguments: [(name: String, value: String)] = []
        for argument in elements(of: action) {
            let name = String(xmlChars: argument.pointee.name) ?? ""
            guard elements(of: argument).isEmpty else { return .failure(.structuredArgument(name)) }
            arguments.append((name, text(of: argument)))
        }
        return .success(
            SOAPActionRequest(
                actionName: String(xmlChars: action.pointee.name) ?? "",
                serviceType: String(xmlChars: action.pointee.ns?.pointee.href),
                arguments: arguments
            )
        )
    }

    /// The element children of `node`, in document order.
    private static func elements(of node: xmlNodePtr) -> [xmlNodePtr] {
        var elements: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { elements.append(current) }
            child = current.pointee.next
        }
        return elements
    }

    /// The text and CDATA children of `node`, joined (as ``XMLElement/text``: comments and instructions left out).
    private static func text(of node: xmlNodePtr) -> String {
        var text = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                text += String(xmlChars: current.pointee.content) ?? ""
            }
            child = current.pointee.next
        }
        return text
    }

    /// Whether `node` has local name `name` in namespace `namespace`, compared as C strings without a copy.
    private static func isElement(_ node: xmlNodePtr, named name: StaticString, in namespace: StaticString) -> Bool {
        equals(node.pointee.name, name) && equals(node.pointee.ns?.pointee.href, namespace)
    }

    private static func equals(_ chars: UnsafePointer<xmlChar>?, _ text: StaticString) -> Bool {
        guard let chars else { return false }
        let count = text.utf8CodeUnitCount
        return chars.withMemoryRebound(to: CChar.self, capacity: count + 1) { chars in
            text.utf8Start.withMemoryRebound(to: CChar.self, capacity: count) { strncmp(chars, $0, count) == 0 }
                && chars[count] == 0
        }
    }

    init(actionName: String, serviceType: String?, arguments: [(name: String, value: String)]) {
        self.actionName = actionName
        self.serviceType = serviceType
        self.arguments = arguments
    }
}

extension SOAPActionRequest {
    /// The envelope a control point sends for `action` of `serviceType` (UDA 1.1 §3.2.1): in-arguments unqualified,
    /// in the order given (the caller puts them in SCPD order), values escaped as element text — XML-valued
    /// arguments too (messaging-v2.md §11). Parsed back by ``init(parsing:limits:)``.
    package static func envelope(action: String, serviceType: String, arguments: [(String, String)]) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="utf-8"?>"#
        text += #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" "#
        text += #"s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>"#
        text += "<u:\(action) xmlns:u=\"\(XMLEscaping.escapeAttribute(serviceType))\">"
        for (name, value) in arguments { text += "<\(name)>\(XMLEscaping.escape(value))</\(name)>" }
        text += "</u:\(action)></s:Body></s:Envelope>"
        return Array(text.utf8)
    }

    /// The CONTENT-TYPE and SOAPACTION headers of that request (UDA 1.1 §3.2.1).
    package static func headers(action: String, serviceType: String) -> [(String, String)] {
        [("Content-Type", "text/xml; charset=\"utf-8\""), ("SOAPACTION", "\"\(serviceType)#\(action)\"")]
    }
}
