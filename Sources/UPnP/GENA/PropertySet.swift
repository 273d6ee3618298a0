/// The GENA event body (UDA 1.1 §4.3.2):
/// `<e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0"><e:property><NAME>value</NAME></e:property>…`.
/// Variable elements are unqualified; values are escaped text (XML values included, messaging-v2.md §4).
enum PropertySet {
    static func body(_ changes: [(name: String, value: String)]) -> [UInt8] {
        var out: [UInt8] = []
        XMLTextBytes.append(
            #"<?xml version="1.0" encoding="utf-8"?><e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">"#,
            to: &out
        )
        for change in changes {
            // Names are SCPD state variable names (checked against the evented list), values are escaped.
            XMLTextBytes.append("<e:property><", to: &out)
            XMLTextBytes.appendRaw(change.name, to: &out)
            out.append(UInt8(ascii: ">"))
            XMLTextBytes.appendEscaped(change.value, to: &out)
            XMLTextBytes.append("</", to: &out)
            XMLTextBytes.appendRaw(change.name, to: &out)
            XMLTextBytes.append("></e:property>", to: &out)
        }
        XMLTextBytes.append("</e:propertyset>", to: &out)
        return out
    }
}

extension PropertySet {
    /// The GENA event namespace (UDA 1.1 §4.3.2).
    static let namespace = "urn:schemas-upnp-org:event-1-0"

    /// Bounds of an event body: a property set of a few variables; values are escaped text, so the tree is shallow.
    static let limits = XMLParseLimits(maxDocumentBytes: 1 << 20, maxDepth: 8, maxElements: 1024)

    /// Reads a NOTIFY body written by ``body(_:)`` (or by any device): `(name, value)` of each variable, in
    /// document order. A variable with element content (a device that did not escape an XML value) is refused.
    /// - Throws: ``UPnPClientError`` `.malformedResponse`.
    static func parse(_ body: some Collection<UInt8>) throws(UPnPClientError) -> [(name: String, value: String)] {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(body, limits: limits)
        } catch {
            throw UPnPClientError(.malformedResponse, "event body: \(error)")
        }
        guard root.name == "propertyset", root.namespaceURI == namespace else {
            throw UPnPClientError(.malformedResponse, "event body is not an e:propertyset")
        }
        var changes: [(name: String, value: String)] = []
        for property in root.elements where property.name == "property" && property.namespaceURI == namespace {
            for variable in property.elements {
                guard !variable.hasElementChildren else {
                    throw UPnPClientError(.malformedResponse, "event variable \(variable.name) has element content")
                }
                changes.append((variable.name, variable.text))
            }
        }
        return changes
    }
}
