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
