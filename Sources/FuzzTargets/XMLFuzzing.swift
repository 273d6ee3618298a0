internal import MessagingUPnP
internal import UPnP

/// FuzzXML: the hardened XML parser, the Messaging:2 fragment readers (the XML-valued arguments of the actions,
/// messaging-v2.md §7) and the SOAP control request reader, on the same bytes.
enum XMLFuzzing {
    /// Any input gives a tree or a typed error; every fragment read re-serialises to a document the parser reads
    /// back to the same fragment; a SOAP request that parses survives the control point's writer. The outcome is
    /// the plain XML parse.
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        var refusal: (any Error)?
        let requestHolds = UPnPFuzzTargets.soapRequest(bytes, refusal: &refusal)
        precondition(requestHolds, "SOAP request does not round-trip")
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes)
        } catch {
            return .refused(error)
        }
        check(MessageFragment.self, root)
        check(MessageListFragment.self, root)
        check(NewMessagesFragment.self, root)
        check(SessionUpdatesFragment.self, root)
        check(MessagingCapabilitiesFragment.self, root)
        check(RecipientsListFragment.self, root)
        check(SessionInfoFragment.self, root)
        check(SessionsListFragment.self, root)
        check(FileInfoListFragment.self, root)
        return .accepted
    }

    private static func check<F: MessagingFragment>(_ type: F.Type, _ root: XMLElement) {
        guard let fragment = try? F(element: root) else { return }
        let text = fragment.serialized()
        // What we write must parse, and read back to the same value (exact output of liberal input).
        let again = try? F(parsing: text)
        precondition(again != nil, "serialised \(F.rootName) does not parse: \(text)")
        precondition(again == fragment, "\(F.rootName) does not round-trip: \(text)")
    }

    static let samples: [[UInt8]] = [
        #"<m:message xmlns:m="urn:schemas-upnp-org:phone:messaging"><messageID>1</messageID></m:message>"#,
        "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
        "<fileInfoList><sessionID>a</sessionID></fileInfoList>",
        #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#
            + #"<u:ReadMessage xmlns:u="urn:schemas-upnp-org:service:Messaging:2"><MessageID>1</MessageID>"#
            + "</u:ReadMessage></s:Body></s:Envelope>",
    ].map { Array($0.utf8) }
}
