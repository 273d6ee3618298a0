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
    static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

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

    /// Parses a request body with the hardened parser (XMLDocumentParser: no DTD, no entities, no network).
    init(
        parsing body: [UInt8],
        limits: XMLParseLimits = SOAPActionRequest.limits(maximumBytes: 1 << 20)
    )
        throws(ParseError)
    {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(body, limits: limits)
        } catch {
            throw .xml(error)
        }
        guard root.name == "Envelope", root.namespaceURI == SOAPActionRequest.envelopeNamespace else {
            throw .notAnEnvelope("root is not a SOAP 1.1 Envelope")
        }
        guard let soapBody = root.firstElement(named: "Body", namespaceURI: SOAPActionRequest.envelopeNamespace) else {
            throw .notAnEnvelope("no Body")
        }
        let actions = soapBody.elements
        guard actions.count == 1, let action = actions.first else {
            throw .notAnEnvelope("Body must hold exactly one action element")
        }
        var arguments: [(name: String, value: String)] = []
        for argument in action.elements {
            guard !argument.hasElementChildren else { throw .structuredArgument(argument.name) }
            arguments.append((argument.name, argument.text))
        }
        self.actionName = action.name
        self.serviceType = action.namespaceURI
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
