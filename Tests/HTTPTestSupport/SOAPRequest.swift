import UPnP

/// A SOAP action request as a control point sends it (UDA 1.1 §3.2.1), for the tests that call a real device: the
/// control point's own envelope and headers (``SOAPActionRequest``), under the name the tests use.
package enum SOAPRequest {
    /// The envelope of `action` of `serviceType` with its in-arguments, in order, escaped as element text.
    package static func envelope(action: String, serviceType: String, arguments: [(String, String)]) -> [UInt8] {
        SOAPActionRequest.envelope(action: action, serviceType: serviceType, arguments: arguments)
    }

    /// The CONTENT-TYPE and SOAPACTION headers of that request.
    package static func headers(action: String, serviceType: String) -> [(String, String)] {
        SOAPActionRequest.headers(action: action, serviceType: serviceType)
    }
}
