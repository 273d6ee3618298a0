/// The GENA event body (UDA 1.1 §4.3.2):
/// `<e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0"><e:property><NAME>value</NAME></e:property>…`.
/// Variable elements are unqualified; values are escaped text (XML values included, messaging-v2.md §4).
enum PropertySet {
    static func body(_ changes: [(name: String, value: String)]) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="utf-8"?><e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">"#
        for change in changes {
            text += "<e:property><\(change.name)>\(XMLEscaping.escape(change.value))</\(change.name)></e:property>"
        }
        text += "</e:propertyset>"
        return Array(text.utf8)
    }
}
