/// A device's answer to a SOAP action (UDA 1.1 §3.2.2), as the control point reads it: the out-arguments of an
/// `ACTIONResponse`, or the `UPnPError` of a fault decoded into a ``UPnPActionError`` (code and description).
///
/// Read with the hardened parser; out-arguments are simple values (XML-valued ones arrive escaped and are returned
/// as text), so an argument with element content is refused as the device stack refuses it on input.
package enum SOAPActionResponse {
    /// The UDA control namespace of `UPnPError`.
    static let controlNamespace = "urn:schemas-upnp-org:control-1-0"

    /// Bounds of a response document: the body is checked against the HTTP limit first; arguments are shallow.
    package static func limits(maximumBytes: Int) -> XMLParseLimits {
        XMLParseLimits(maxDocumentBytes: maximumBytes, maxDepth: 16, maxElements: 1024)
    }

    /// The out-arguments of a 200 answer to `action`, in document order.
    /// - Throws: ``UPnPClientError`` `.malformedResponse` when the body is not `Envelope/Body/ACTIONResponse`.
    package static func outArguments(
        _ body: [UInt8],
        action: String,
        limits: XMLParseLimits = SOAPActionResponse.limits(maximumBytes: 1 << 20)
    ) throws(UPnPClientError) -> [(name: String, value: String)] {
        let soapBody = try envelopeBody(body, limits: limits)
        guard let response = soapBody.elements.first, soapBody.elements.count == 1,
            response.name == "\(action)Response"
        else {
            throw UPnPClientError(.malformedResponse, "the answer to \(action) has no \(action)Response")
        }
        var arguments: [(name: String, value: String)] = []
        for argument in response.elements {
            guard !argument.hasElementChildren else {
                throw UPnPClientError(.malformedResponse, "out-argument \(argument.name) has element content")
            }
            arguments.append((argument.name, argument.text))
        }
        return arguments
    }

    /// A fault's content: the SOAP `faultcode` and `faultstring`, and the UPnP error (UDA 1.1 §3.2.2).
    package struct Fault: Sendable, Hashable {
        package var faultCode: String
        package var faultString: String
        package var error: UPnPActionError
    }

    /// The fault of a 500 answer.
    /// - Throws: ``UPnPClientError`` `.malformedResponse` when the body is not a fault with a `UPnPError` whose
    ///   `errorCode` is an integer.
    package static func fault(
        _ body: [UInt8],
        limits: XMLParseLimits = SOAPActionResponse.limits(maximumBytes: 1 << 20)
    ) throws(UPnPClientError) -> Fault {
        let soapBody = try envelopeBody(body, limits: limits)
        guard let fault = soapBody.firstElement(named: "Fault", namespaceURI: SOAPActionRequest.envelopeNamespace),
            let error = fault.firstElement(named: "detail")?.firstElement(
                named: "UPnPError",
                namespaceURI: controlNamespace
            ),
            let codeText = error.firstElement(named: "errorCode")?.text.trimmedXMLSpace, codeText.count <= 9,
            let code = Int(codeText)
        else {
            throw UPnPClientError(.malformedResponse, "the fault carries no UPnPError with an errorCode")
        }
        let description = error.firstElement(named: "errorDescription")?.text.trimmedXMLSpace ?? ""
        return Fault(
            faultCode: fault.firstElement(named: "faultcode")?.text.trimmedXMLSpace ?? "",
            faultString: fault.firstElement(named: "faultstring")?.text.trimmedXMLSpace ?? "",
            // Bounded: the description goes to a terminal or a log.
            error: UPnPActionError(code: code, description: String(description.prefix(256)))
        )
    }

    private static func envelopeBody(_ bytes: [UInt8], limits: XMLParseLimits) throws(UPnPClientError) -> XMLElement {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes, limits: limits)
        } catch {
            throw UPnPClientError(.malformedResponse, "SOAP answer: \(error)")
        }
        guard root.name == "Envelope", root.namespaceURI == SOAPActionRequest.envelopeNamespace,
            let body = root.firstElement(named: "Body", namespaceURI: SOAPActionRequest.envelopeNamespace)
        else {
            throw UPnPClientError(.malformedResponse, "SOAP answer is not a SOAP 1.1 envelope")
        }
        return body
    }
}
