/// Writes SOAP control responses and UPnP faults (UDA 1.1 §3.2.2) as UTF-8 bytes.
///
/// Plain string building: every value goes through ``XMLEscaping/escape(_:)`` once, so XML-valued out-arguments
/// travel as escaped text, never as child elements (messaging-v2.md §11).
enum SOAPResponseWriter {
    private static let envelopeStart =
        #"<?xml version="1.0" encoding="utf-8"?>"#
        + #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" "#
        + #"s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>"#
    private static let envelopeEnd: StaticString = "</s:Body></s:Envelope>"

    /// `<u:ACTIONResponse xmlns:u="SERVICE-TYPE"><ARG>value</ARG>…</u:ACTIONResponse>` in an envelope; arguments
    /// unqualified and in the order given (the caller puts them in SCPD order).
    static func response(action: String, serviceType: String, arguments: [(name: String, value: String)]) -> [UInt8] {
        // Bytes, not String concatenation: this is the hot path of every action (scripts/bench-upnp).
        var out: [UInt8] = []
        out.reserveCapacity(512 + arguments.reduce(0) { $0 + $1.value.utf8.count + 2 * $1.name.utf8.count })
        XMLTextBytes.appendRaw(envelopeStart, to: &out)
        XMLTextBytes.append("<u:", to: &out)
        XMLTextBytes.appendRaw(action, to: &out)
        XMLTextBytes.append("Response xmlns:u=\"", to: &out)
        XMLTextBytes.appendEscaped(serviceType, to: &out)
        XMLTextBytes.append("\">", to: &out)
        for argument in arguments {
            // Names come from the SCPD (checked XML names), values are escaped.
            out.append(UInt8(ascii: "<"))
            XMLTextBytes.appendRaw(argument.name, to: &out)
            out.append(UInt8(ascii: ">"))
            XMLTextBytes.appendEscaped(argument.value, to: &out)
            XMLTextBytes.append("</", to: &out)
            XMLTextBytes.appendRaw(argument.name, to: &out)
            out.append(UInt8(ascii: ">"))
        }
        XMLTextBytes.append("</u:", to: &out)
        XMLTextBytes.appendRaw(action, to: &out)
        XMLTextBytes.append("Response>", to: &out)
        XMLTextBytes.append(envelopeEnd, to: &out)
        return out
    }

    /// The UDA fault: `s:Client` / `UPnPError` with `errorCode` and `errorDescription`, sent with HTTP 500.
    static func fault(_ error: UPnPActionError) -> [UInt8] {
        var text = envelopeStart
        text += "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
        text += #"<UPnPError xmlns="urn:schemas-upnp-org:control-1-0">"#
        text += "<errorCode>\(error.code)</errorCode>"
        text += "<errorDescription>\(XMLEscaping.escape(error.description))</errorDescription>"
        text += "</UPnPError></detail></s:Fault>" + envelopeEnd.description
        return Array(text.utf8)
    }
}
