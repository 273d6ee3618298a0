import UPnP

/// A SOAP action request as a control point sends it (UDA 1.1 §3.2.1), for the tests that call a real device.
package enum SOAPRequest {
    /// The envelope of `action` of `serviceType` with its in-arguments, in order, escaped as element text.
    package static func envelope(action: String, serviceType: String, arguments: [(String, String)]) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="utf-8"?>"#
        text += #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" "#
        text += #"s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>"#
        text += "<u:\(action) xmlns:u=\"\(serviceType)\">"
        for (name, value) in arguments { text += "<\(name)>\(XMLEscaping.escape(value))</\(name)>" }
        text += "</u:\(action)></s:Body></s:Envelope>"
        return Array(text.utf8)
    }

    /// The CONTENT-TYPE and SOAPACTION headers of that request.
    package static func headers(action: String, serviceType: String) -> [(String, String)] {
        [("Content-Type", "text/xml; charset=\"utf-8\""), ("SOAPACTION", "\"\(serviceType)#\(action)\"")]
    }
}
