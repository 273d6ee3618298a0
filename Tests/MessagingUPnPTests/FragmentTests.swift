import Foundation
import Messaging
import Testing
import UPnP

@testable import MessagingUPnP

/// Reads any top-level fragment by its root name and writes it back.
enum AnyFragment {
    static let types: [String: any MessagingFragment.Type] = [
        "message": MessageFragment.self,
        "messageList": MessageListFragment.self,
        "newMessages": NewMessagesFragment.self,
        "sessionUpdates": SessionUpdatesFragment.self,
        "messagingCapabilities": MessagingCapabilitiesFragment.self,
        "recipientsList": RecipientsListFragment.self,
        "sessionInfo": SessionInfoFragment.self,
        "sessionsList": SessionsListFragment.self,
        "fileInfoList": FileInfoListFragment.self,
    ]

    /// Parses `text`, serialises it, parses that again; returns (first, serialised, second) as serialised strings.
    static func roundTrip(_ text: String) throws -> (serialized: String, again: String) {
        let root = try XMLDocumentParser.parse(text)
        let type = try #require(types[root.name])
        return try roundTrip(type, text)
    }

    private static func roundTrip<F: MessagingFragment>(
        _ type: F.Type,
        _ text: String
    ) throws
        -> (serialized: String, again: String)
    {
        let first = try F(parsing: text)
        let serialized = first.serialized()
        let second = try F(parsing: serialized)
        #expect(first == second, "parse(serialize(x)) must equal x")
        return (serialized, second.serialized())
    }
}

@Suite struct FragmentTests {
    static func schema() throws -> XMLSchema { try MessagingSchemas.messaging() }

    @Test func embeddedSchemasAreTheSpecFiles() throws {
        #expect(
            MessagingSchemas.messagingXSD.trimmingXMLWhitespace()
                == (try SpecFiles.text("messaging-v2.xsd")).trimmingXMLWhitespace()
        )
        #expect(
            MessagingSchemas.peerXSD.trimmingXMLWhitespace()
                == (try SpecFiles.text("peer-v2.xsd")).trimmingXMLWhitespace()
        )
        _ = try Self.schema()
    }

    @Test func theExamplesAreThere() {
        #expect(SpecFiles.examples().count >= 17)
    }

    @Test(arguments: SpecFiles.examples())
    func exampleRoundTripsAndReserializationValidates(path: String) throws {
        let text = try SpecFiles.text(path)
        let (serialized, again) = try AnyFragment.roundTrip(text)
        #expect(serialized == again, "serialisation is canonical")
        #expect(serialized.hasPrefix(XMLWriter.declaration))
        try Self.schema().validate(serialized)
        // The content is preserved: the original and our form are equal as trees once white space between
        // elements is ignored (the examples are indented; we are not).
        #expect(normalized(try XMLDocumentParser.parse(text)) == normalized(try XMLDocumentParser.parse(serialized)))
    }

    /// A tree without whitespace-only text and without attributes the device does not emit (xsi:schemaLocation).
    func normalized(_ element: XMLElement) -> XMLElement {
        XMLElement(
            name: element.name,
            namespaceURI: element.namespaceURI,
            attributes: element.attributes.filter { $0.namespaceURI == nil },
            children: element.children.compactMap { child in
                switch child {
                case .element(let element): .element(normalized(element))
                case .text(let text): text.trimmingXMLWhitespace().isEmpty ? nil : .text(text)
                }
            }
        )
    }

    // MARK: - Invalid examples

    @Test func liberallyAcceptedInvalidExamples() throws {
        // I-8: a SendMessage input without recipientFrom is accepted, and becomes valid with the device's sender.
        let noFrom = try MessageFragment(parsing: try SpecFiles.text("examples/invalid/message-no-recipientFrom.xml"))
        #expect(noFrom.recipients.from == nil)
        #expect(noFrom.recipients.to.map(\.id) == ["+390112288046"])
        try Self.schema().validate(noFrom.serialized())
        // I-31: a default namespace on the children is accepted by local name.
        let defaultNamespace = try MessageFragment(
            parsing: try SpecFiles.text("examples/invalid/message-default-namespace.xml")
        )
        #expect(defaultNamespace.text == "hi")
        #expect(defaultNamespace.recipients.from?.id == "tel:+393331234567")
        try Self.schema().validate(defaultNamespace.serialized())
        // Order is not enforced on input; output is in schema order.
        let wrongOrder = try MessageFragment(parsing: try SpecFiles.text("examples/invalid/message-wrong-order.xml"))
        #expect(wrongOrder.subject == "subject" && wrongOrder.text == "body")
        try Self.schema().validate(wrongOrder.serialized())
    }

    @Test func refusedInvalidExamples() throws {
        let badID = #expect(throws: FragmentError.self) {
            try NewMessagesFragment(parsing: try SpecFiles.text("examples/invalid/message-bad-id.xml"))
        }
        #expect(badID?.code == .invalidValue)
        let noEvent = #expect(throws: FragmentError.self) {
            try SessionUpdatesFragment(parsing: try SpecFiles.text("examples/invalid/sessionUpdate-no-event.xml"))
        }
        #expect(noEvent?.code == .missingElement)
        let noFile = #expect(throws: FragmentError.self) {
            try FileInfoListFragment(parsing: try SpecFiles.text("examples/invalid/fileInfoList-empty.xml"))
        }
        #expect(noFile?.code == .missingElement)
    }

    @Test func outputStaysValidForLiberallyReadInvalidExamples() throws {
        // Capabilities without folders reads as an empty list; the service never emits that (it always lists
        // Received/Outgoing/Sent), and the schema catches it if anything did.
        let capabilities = try MessagingCapabilitiesFragment(
            parsing: try SpecFiles.text("examples/invalid/capabilities-no-folders.xml")
        )
        #expect(capabilities.messageFolders.isEmpty)
        #expect(throws: XMLParseError.self) { try Self.schema().validate(capabilities.serialized()) }
        // Contact and group together: the first link is kept, so the output is valid.
        let both = try RecipientsListFragment(
            parsing: try SpecFiles.text("examples/invalid/peer-contact-and-group.xml")
        )
        #expect(both.to.first?.addressBookLink == .contact(12))
        try Self.schema().validate(both.serialized())
    }

    // MARK: - recipientFrom on input (I-8)

    static let emptyFroms = [
        "",
        "<recipientFrom/>",
        "<recipientFrom></recipientFrom>",
        "<recipientFrom><peer:id/></recipientFrom>",
        "<recipientFrom><peer:id> </peer:id></recipientFrom>",
        "<recipientFrom><peer:name>Me</peer:name></recipientFrom>",
    ]

    /// I-8: "accept it missing or empty on input". Each reads as no sender, and what is read re-serialises validly.
    @Test(arguments: emptyFroms)
    func aMissingOrEmptyRecipientFromReadsAsNoSender(from: String) throws {
        let xml = """
            <messaging:recipientsList xmlns:messaging="urn:schemas-upnp-org:phone:messaging" \
            xmlns:peer="urn:schemas-upnp-org:phone:peer"><recipientTo><peer:id>+15550000099</peer:id></recipientTo>\
            \(from)</messaging:recipientsList>
            """
        let list = try RecipientsListFragment(parsing: xml)
        #expect(list.from == nil)
        #expect(list.to.map(\.id) == ["+15550000099"])
        try Self.schema().validate(list.serialized())
    }

    // MARK: - The device's vendor extension

    @Test(arguments: PeerFragment.SendStatus.allCases)
    func sendStatusSitsInThePeerExtensionPointAndStaysValid(status: PeerFragment.SendStatus) throws {
        let peer = PeerFragment(
            id: "+15550000099",
            name: "Echo",
            image: .init(type: "URL", imageData: "http://10.0.0.2/e.png"),
            location: .init(type: "coordinates", value: "45.07 7.68"),
            sendStatus: status
        )
        let message = MessageFragment(
            messageID: "a1",
            messageClass: "SMS",
            messageFolder: "Outgoing",
            messageStatus: "Unread",
            recipients: RecipientsListFragment(to: [peer], from: PeerFragment(id: "+15550000001")),
            text: "hi"
        )
        let text = message.serialized()
        let root = try Self.schema().validate(text)
        let element = root.firstElement(named: "recipientsList")?.firstElement(named: "recipientTo")?
            .firstElement(named: "X_sendStatus", namespaceURI: .some(MessagingNamespace.deviceExtension))
        #expect(element?.text == status.rawValue)
        // The last child of the peer: after every standard element, where Annex A.3 puts the extension.
        #expect(
            root.firstElement(named: "recipientsList")?.firstElement(named: "recipientTo")?.elements.last?.name
                == "X_sendStatus"
        )
        #expect(try MessageFragment(parsing: text) == message)
        // Also inside a messageList (SearchMessages).
        try Self.schema().validate(MessageListFragment(messages: [message]).serialized())
    }

    @Test func anUnknownSendStatusValueIsDroppedOnInput() throws {
        let xml = """
            <messaging:recipientsList xmlns:messaging="urn:schemas-upnp-org:phone:messaging" \
            xmlns:peer="urn:schemas-upnp-org:phone:peer"><recipientTo><peer:id>+1555</peer:id>\
            <x:X_sendStatus xmlns:x="urn:modemmessaging:messaging-extension:1">lost</x:X_sendStatus></recipientTo>\
            <recipientFrom><peer:id>+1556</peer:id></recipientFrom></messaging:recipientsList>
            """
        let list = try RecipientsListFragment(parsing: xml)
        #expect(list.to.first?.sendStatus == nil)
        try Self.schema().validate(xml)
    }

    // MARK: - Variant spellings (messaging-v2.md §13)

    @Test func acceptsUpperCaseURIAttachmentAndEmitsLowerCase() throws {  // I-4
        let xml = """
            <messaging:message xmlns:messaging="urn:schemas-upnp-org:phone:messaging" \
            xmlns:peer="urn:schemas-upnp-org:phone:peer"><messageID/><messageClass>MMS</messageClass>\
            <messageFolder/><messageStatus/><recipientsList><recipientTo><peer:id>+1555</peer:id></recipientTo>\
            <recipientFrom><peer:id>x</peer:id></recipientFrom></recipientsList><attachments><attachment>\
            <uRI>http://10.0.0.2/a.jpg</uRI><size>12</size></attachment></attachments></messaging:message>
            """
        let message = try MessageFragment(parsing: xml)
        #expect(message.attachments == [.init(uri: "http://10.0.0.2/a.jpg", size: 12)])
        let out = message.serialized()
        #expect(out.contains("<uri>http://10.0.0.2/a.jpg</uri>"))
        #expect(!out.contains("uRI"))
        try Self.schema().validate(out)
    }

    @Test func acceptsSessionIDSpellingsAndEmitsTheSchemaOnes() throws {  // I-3, O-18
        let updates = try SessionUpdatesFragment(
            parsing: """
                <messaging:sessionUpdates xmlns:messaging="urn:schemas-upnp-org:phone:messaging"><sessionUpdate>\
                <sessionID>s1</sessionID><sessionEvent>session closed</sessionEvent>\
                <sessionStatus>Closed</sessionStatus></sessionUpdate></messaging:sessionUpdates>
                """
        )
        #expect(updates.updates.first?.sessionID == "s1")
        #expect(updates.serialized().contains("<sessionId>s1</sessionId>"))
        let info = try SessionInfoFragment(
            parsing: """
                <messaging:sessionInfo xmlns:messaging="urn:schemas-upnp-org:phone:messaging" \
                xmlns:peer="urn:schemas-upnp-org:phone:peer"><sessionId>s2</sessionId><sessionClass>SMS</sessionClass>\
                <sessionStatus>Running</sessionStatus><supportedContentTypes>text/plain</supportedContentTypes>\
                <recipientsList><recipientTo><peer:id>1</peer:id></recipientTo></recipientsList></messaging:sessionInfo>
                """
        )
        #expect(info.sessionID == "s2")
        #expect(info.supportedContentType == "text/plain")
        let out = info.serialized()
        #expect(out.contains("<sessionID>s2</sessionID>"))
        #expect(out.contains("<supportedContentType>text/plain</supportedContentType>"))
        try Self.schema().validate(out)
    }

    @Test(arguments: [("yes", true), ("no", false), ("true", true), ("FALSE", false), ("1", true), ("0", false)])
    func acceptsBooleanSpellingsAndEmitsDigits(spelling: String, value: Bool) throws {  // I-11
        let list = try FileInfoListFragment(
            parsing: """
                <messaging:fileInfoList xmlns:messaging="urn:schemas-upnp-org:phone:messaging"><sessionID>f1</sessionID>\
                <fileInfo><fileType>image/png</fileType><fileSize>10</fileSize><fileLink>http://10.0.0.2/f</fileLink>\
                <progressNotif time="5">\(spelling)</progressNotif></fileInfo></messaging:fileInfoList>
                """
        )
        #expect(list.files.first?.progressNotification == value)
        let out = list.serialized()
        #expect(out.contains(#"<progressNotif time="5">\#(value ? "1" : "0")</progressNotif>"#))
        try Self.schema().validate(out)
    }

    @Test func periodicProgressNeedsATime() {
        #expect(throws: FragmentError.self) {
            try FileInfoListFragment(
                parsing: """
                    <fileInfoList><sessionID>f1</sessionID><fileInfo><fileType>t</fileType><fileSize>1</fileSize>\
                    <fileLink>http://a/</fileLink><progressNotif>1</progressNotif></fileInfo></fileInfoList>
                    """
            )
        }
    }

    @Test func acceptsPrefixedPeerTypeAttributeAndFragmentsWithoutDeclaration() throws {  // I-10, I-9
        let list = try RecipientsListFragment(
            parsing: """
                <m:recipientsList xmlns:m="urn:schemas-upnp-org:phone:messaging" xmlns:p="urn:schemas-upnp-org:phone:peer">\
                <recipientTo><p:id>1</p:id><p:image p:type="URL"><p:imageData>http://x/i.png</p:imageData></p:image>\
                <p:location p:type="coordinates">45.1 7.6</p:location></recipientTo>\
                <recipientFrom><p:id>2</p:id></recipientFrom></m:recipientsList>
                """
        )
        #expect(list.to.first?.image?.type == "URL")
        #expect(list.to.first?.location == .init(type: "coordinates", value: "45.1 7.6"))
        let out = list.serialized()
        #expect(out.contains(#"<peer:image type="URL">"#))
        #expect(
            out.hasPrefix(
                #"<?xml version="1.0" encoding="UTF-8"?><messaging:recipientsList xmlns:messaging="urn:schemas-upnp-org:phone:messaging" xmlns:peer="urn:schemas-upnp-org:phone:peer">"#
            )
        )
        try Self.schema().validate(out)
    }

    @Test func wrongRootAndHostileInputAreTypedErrors() {
        let wrong = #expect(throws: FragmentError.self) { try MessageFragment(parsing: "<messageList/>") }
        #expect(wrong?.code == .wrongRoot)
        let xxe = #expect(throws: FragmentError.self) {
            try MessageFragment(
                parsing: "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><message>&x;</message>"
            )
        }
        #expect(xxe?.code == .malformed)
        #expect(xxe?.reason.contains("DOCTYPE") == true)
    }

    @Test func absentSenderRoundTrips() throws {
        // Found by FuzzXML: an absent recipientFrom is written as an empty peer:id and must read back as absent.
        let list = RecipientsListFragment(to: [PeerFragment(id: "1")])
        #expect(try RecipientsListFragment(parsing: list.serialized()) == list)
        let message = try MessageFragment(parsing: "<message/>")
        #expect(try MessageFragment(parsing: message.serialized()) == message)
        try Self.schema().validate(message.serialized())
    }

    @Test func emptyOutputsValidate() throws {
        try Self.schema().validate(NewMessagesFragment(entries: []).serialized())
        try Self.schema().validate(SessionUpdatesFragment(updates: []).serialized())
        try Self.schema().validate(MessageListFragment(messages: []).serialized())
        try Self.schema().validate(SessionsListFragment(sessions: []).serialized())
        #expect(
            NewMessagesFragment(entries: []).serialized()
                == #"<?xml version="1.0" encoding="UTF-8"?><messaging:newMessages xmlns:messaging="urn:schemas-upnp-org:phone:messaging"></messaging:newMessages>"#
        )
    }

    @Test func markupInValuesIsEscapedAndValid() throws {
        let message = MessageFragment(
            messageID: "M1",
            messageClass: "SMS",
            messageFolder: "Received",
            messageStatus: "Unread",
            recipients: RecipientsListFragment(
                to: [PeerFragment(id: "+15550000001")],
                from: PeerFragment(id: "+15550000099", name: "A & <B>")
            ),
            text: "</text><script>&amp; \"quoted\" 'x' 🚲\r\n",
            dateReceived: "2026-11-23T14:58:07+01:00"
        )
        let out = message.serialized()
        try Self.schema().validate(out)
        #expect(try MessageFragment(parsing: out) == message)
    }

    /// A received MMS as ReadMessage shows it: attachments with the device's reference to each stored part
    /// (a relative `anyURI`, RFC 3986 §4.2), `size` and `mimeType` (§7.5), valid against the schema.
    @Test func aReceivedMMSWithAttachmentsValidates() throws {
        let id = try #require(MessageID(sessionID: nil, messageID: "7"))
        let message = Message(
            id: id,
            messageClass: .mms,
            folder: .received,
            status: .unread,
            recipients: RecipientsList(to: [Peer(id: "+15550000001")], from: Peer(id: "+15550000077")),
            subject: "Holiday",
            text: "Greetings",
            attachments: [
                Attachment(
                    uri: MessagingService.attachmentPath(messageID: id, position: 0),
                    size: 120,
                    mimeType: "application/smil"
                ),
                Attachment(
                    uri: MessagingService.attachmentPath(messageID: id, position: 1),
                    size: 20_000,
                    mimeType: "image/jpeg",
                    name: "picture.jpg"
                ),
            ],
            dateSent: MessageTimestamp(date: Date(timeIntervalSince1970: 1_800_000_000)),
            dateReceived: MessageTimestamp(date: Date(timeIntervalSince1970: 1_800_000_005))
        )
        let out = MessageFragment(message).serialized()
        try Self.schema().validate(out)
        #expect(out.contains("<attachment><uri>/attachment?message=7&amp;part=1</uri><size>20000</size>"))
        #expect(out.contains("<mimeType>image/jpeg</mimeType>"))
        let read = try MessageFragment(parsing: out)
        #expect(read.attachments.map(\.uri) == message.attachments.map(\.uri))
    }
}
