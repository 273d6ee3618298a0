import UPnP

/// Annex A `peerType` on the wire (messaging-v2.md §7.1), every field of the schema.
///
/// Reading: children by local name (the schema puts them in the peer namespace); `type` attributes with or without
/// the `peer:` prefix (I-10); values outside the schema's enumerations and non-numeric instance IDs are dropped
/// rather than refused, since the device does not use them. Writing: `peer:`-prefixed children in schema order,
/// unprefixed `type` attributes, then the device's vendor extension ``SendStatus`` when there is one.
public struct PeerFragment: Sendable, Hashable {
    /// Link into a Phone Data Model address book (mutually exclusive, Annex A.2).
    public enum AddressBookLink: Sendable, Hashable {
        case contact(UInt32)
        case group(UInt32)
    }

    /// `peer:image`.
    public struct Image: Sendable, Hashable {
        /// `URL` or `thumbnail`, or `nil`.
        public var type: String?
        public var contentType: String?
        public var contentTransferEncoding: String?
        public var imageData: String?

        public init(
            type: String? = nil,
            contentType: String? = nil,
            contentTransferEncoding: String? = nil,
            imageData: String? = nil
        ) {
            self.type = type
            self.contentType = contentType
            self.contentTransferEncoding = contentTransferEncoding
            self.imageData = imageData
        }
    }

    /// `peer:location`: a map URL or "LAT LON" coordinates.
    public struct Location: Sendable, Hashable {
        /// `map` or `coordinates`, or `nil` (the schema's default is `map`).
        public var type: String?
        public var value: String

        public init(type: String? = nil, value: String) {
            self.type = type
            self.value = value
        }
    }

    /// `mmx:X_sendStatus`: the device's one vendor extension (UDA 1.1 §2.5 "Non-standard vendor extensions"), in
    /// peerType's extension point (Annex A.3: `<any namespace="##other" processContents="lax"/>` after `location`),
    /// so every fragment that carries it stays valid against messaging-v2.xsd. The device writes it in each
    /// `recipientTo` of a message in Outgoing: the standard has no failed state, so a message that failed for good
    /// stays in Outgoing/Unread exactly like one still being tried (I-30), and only this tells them apart. A control
    /// point that does not know the extension ignores it. See `docs/messaging-mapping.md`.
    public enum SendStatus: String, Sendable, Hashable, CaseIterable {
        /// Still being tried: queued, an attempt under way, or waiting for a retry.
        case pending
        /// The service centre accepted every segment for this recipient; the message waits for other recipients.
        case sent
        /// Will not be tried again (a permanent error, or the retry limit): the message stays in Outgoing.
        case failed
    }

    /// Local name of the extension element; its namespace is ``MessagingNamespace/deviceExtension``.
    static let sendStatusElement = "X_sendStatus"

    public var id: String
    public var name: String?
    public var addressBookLink: AddressBookLink?
    public var image: Image?
    public var location: Location?
    /// Where sending to this recipient stands; `nil` outside Outgoing.
    public var sendStatus: SendStatus?

    public init(
        id: String,
        name: String? = nil,
        addressBookLink: AddressBookLink? = nil,
        image: Image? = nil,
        location: Location? = nil,
        sendStatus: SendStatus? = nil
    ) {
        self.id = id
        self.name = name
        self.addressBookLink = addressBookLink
        self.image = image
        self.location = location
        self.sendStatus = sendStatus
    }

    /// Reads a recipientTo/Cc/Bcc/From element.
    init(element: XMLElement) throws(FragmentError) {
        id = try element.requiredChild("id", in: element.name).value
        name = element.optionalText("name")
        if let contact = element.optionalValue("contactInstanceId").flatMap(UInt32.init) {
            addressBookLink = .contact(contact)
        } else if let group = element.optionalValue("groupInstanceId").flatMap(UInt32.init) {
            addressBookLink = .group(group)
        }
        if let imageElement = element.child("image") {
            image = Image(
                type: Self.typeAttribute(of: imageElement, allowed: ["URL", "thumbnail"]),
                contentType: imageElement.optionalText("contentType"),
                contentTransferEncoding: imageElement.optionalText("contentTransferEncoding"),
                imageData: imageElement.optionalText("imageData")
            )
        }
        if let locationElement = element.child("location") {
            location = Location(
                type: Self.typeAttribute(of: locationElement, allowed: ["map", "coordinates"]),
                value: locationElement.text
            )
        }
        sendStatus = element.optionalValue(Self.sendStatusElement).flatMap(SendStatus.init(rawValue:))
    }

    /// `type` unqualified or `peer:type` (I-10), kept only when the schema allows the value.
    private static func typeAttribute(of element: XMLElement, allowed: Set<String>) -> String? {
        let raw = element.attribute("type") ?? element.attribute("type", namespaceURI: MessagingNamespace.peer)
        guard let value = raw?.trimmingXMLWhitespace(), allowed.contains(value) else { return nil }
        return value
    }

    /// Writes `<elementName>` with the peer children in schema order.
    func write(into writer: inout XMLWriter, elementName: String) {
        writer.element(elementName) { writer in
            writer.element("peer:id", text: id)
            if let name { writer.element("peer:name", text: name) }
            switch addressBookLink {
            case .contact(let value): writer.element("peer:contactInstanceId", text: String(value))
            case .group(let value): writer.element("peer:groupInstanceId", text: String(value))
            case nil: break
            }
            if let image {
                writer.element("peer:image", attributes: image.type.map { [("type", $0)] } ?? []) { writer in
                    if let value = image.contentType { writer.element("peer:contentType", text: value) }
                    if let value = image.contentTransferEncoding {
                        writer.element("peer:contentTransferEncoding", text: value)
                    }
                    if let value = image.imageData { writer.element("peer:imageData", text: value) }
                }
            }
            if let location {
                writer.element(
                    "peer:location",
                    attributes: location.type.map { [("type", $0)] } ?? [],
                    text: location.value
                )
            }
            if let sendStatus {
                writer.element(
                    "mmx:\(Self.sendStatusElement)",
                    attributes: [("xmlns:mmx", MessagingNamespace.deviceExtension)],
                    text: sendStatus.rawValue
                )
            }
        }
    }
}

/// `recipientsList` (messaging-v2.md §7.6), as a top-level fragment (A_ARG_TYPE_RecipientsList) and nested in
/// `message` and `sessionInfo`.
///
/// `from` is optional on input (I-8: a TelCP may omit recipientFrom in SendMessage/CreateSession/ModifySession
/// lists). On output the schema requires it; when it is `nil` an empty `peer:id` is written so that the fragment
/// stays valid, but the service always sets it for what it emits.
public struct RecipientsListFragment: MessagingFragment {
    public static let rootName = "recipientsList"
    public static let declaresPeerNamespace = true

    public var to: [PeerFragment]
    public var cc: [PeerFragment]
    public var bcc: [PeerFragment]
    public var from: PeerFragment?

    public init(
        to: [PeerFragment] = [],
        cc: [PeerFragment] = [],
        bcc: [PeerFragment] = [],
        from: PeerFragment? = nil
    ) {
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.from = from
    }

    public init(element: XMLElement) throws(FragmentError) {
        to = try element.children("recipientTo").map { element throws(FragmentError) in
            try PeerFragment(element: element)
        }
        cc = try element.children("recipientCc").map { element throws(FragmentError) in
            try PeerFragment(element: element)
        }
        bcc = try element.children("recipientBcc").map { element throws(FragmentError) in
            try PeerFragment(element: element)
        }
        // I-8: recipientFrom may be missing or empty on input. An empty one (`<recipientFrom/>`, no `peer:id`, or
        // an empty `peer:id`: what a TelCP writes when it does not know the sender) counts as absent, which is also
        // how the device writes an absent one: reading what we write gives the same value.
        from = try element.child("recipientFrom").flatMap { element throws(FragmentError) in
            element.child("id") == nil ? nil : try PeerFragment(element: element)
        }.flatMap { $0.id.isEmpty ? nil : $0 }
    }

    public func writeContent(into writer: inout XMLWriter) {
        for peer in to { peer.write(into: &writer, elementName: "recipientTo") }
        for peer in cc { peer.write(into: &writer, elementName: "recipientCc") }
        for peer in bcc { peer.write(into: &writer, elementName: "recipientBcc") }
        (from ?? PeerFragment(id: "")).write(into: &writer, elementName: "recipientFrom")
    }

    /// Writes a nested, unprefixed `recipientsList`.
    func write(into writer: inout XMLWriter) {
        writer.element("recipientsList") { writer in writeContent(into: &writer) }
    }
}
