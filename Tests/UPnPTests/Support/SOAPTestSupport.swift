import HTTPTestSupport

@testable import UPnP

/// Builds SOAP requests and reads responses/faults for tests (with the project's own parser).
enum SOAPTest {
    static func envelope(
        action: String,
        serviceType: String = TestService.type,
        arguments: [(String, String)]
    ) -> [UInt8] {
        SOAPRequest.envelope(action: action, serviceType: serviceType, arguments: arguments)
    }

    static func headers(action: String, serviceType: String = TestService.type) -> [(String, String)] {
        SOAPRequest.headers(action: action, serviceType: serviceType)
    }

    /// The out-arguments of a response, in document order, and the response element.
    static func outArguments(_ body: [UInt8]) throws -> (element: XMLElement, arguments: [(String, String)]) {
        let root = try XMLDocumentParser.parse(body)
        guard let response = root.firstElement(named: "Body")?.elements.first else { throw Failure.noResponse }
        return (response, response.elements.map { ($0.name, $0.text) })
    }

    /// The UPnP error code and description of a fault.
    static func fault(_ body: [UInt8]) throws -> (code: Int, description: String) {
        let root = try XMLDocumentParser.parse(body)
        guard let fault = root.firstElement(named: "Body")?.firstElement(named: "Fault"),
            fault.firstElement(named: "faultcode")?.text == "s:Client",
            fault.firstElement(named: "faultstring")?.text == "UPnPError",
            let error = fault.firstElement(named: "detail")?.firstElement(
                named: "UPnPError",
                namespaceURI: "urn:schemas-upnp-org:control-1-0"
            ),
            let code = error.firstElement(named: "errorCode").flatMap({ Int($0.text) })
        else { throw Failure.noFault }
        return (code, error.firstElement(named: "errorDescription")?.text ?? "")
    }

    enum Failure: Error { case noResponse, noFault }
}
