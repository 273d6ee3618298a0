import UPnP

/// `message` (messaging-v2.md §7.5): A_ARG_TYPE_Message, the in-argument of SendMessage and the out-argument of
/// ReadMessage; also the items of `messageList`.
///
/// Reading is liberal: every element may be missing (SendMessage fills `messageID`, `messageFolder`,
/// `messageStatus` itself, §5.6; an empty class means "service decides"), `uri` and `uRI` both name an
/// attachment's link (I-4), `sessionID`/`sessionId` both name the session. IDs, sizes and dates are checked only
/// where they are kept. Writing follows the schema's sequence exactly. Dates are the `xsd:dateTime` text.
public struct MessageFragment: MessagingFragment {
    public static let rootName = "message"
    public static let declaresPeerNamespace = true

    /// `attachment` (§7.5).
    public struct Attachment: Sendable, Hashable {
        public var uri: String
        public var size: UInt64?
        public var mimeType: String?

        public init(uri: String, size: UInt64? = nil, mimeType: String? = nil) {
            self.uri = uri
            self.size = size
            self.mimeType = mimeType
        }
    }

    public var messageID: String
    public var sessionID: String?
    public var messageClass: String
    public var messageFolder: String
    public var messageStatus: String
    public var replyMessageID: String?
    public var recipients: RecipientsListFragment
    public var subject: String?
    public var text: String?
    /// Empty: no `attachments` element.
    public var attachments: [Attachment]
    public var dateSent: String?
    public var dateReceived: String?

    public init(
        messageID: String,
        sessionID: String? = nil,
        messageClass: String,
        messageFolder: String,
        messageStatus: String,
        replyMessageID: String? = nil,
        recipients: RecipientsListFragment,
        subject: String? = nil,
        text: String? = nil,
        attachments: [Attachment] = [],
        dateSent: String? = nil,
        dateReceived: String? = nil
    ) {
        self.messageID = messageID
        self.sessionID = sessionID
        self.messageClass = messageClass
        self.messageFolder = messageFolder
        self.messageStatus = messageStatus
        self.replyMessageID = replyMessageID
        self.recipients = recipients
        self.subject = subject
        self.text = text
        self.attachments = attachments
        self.dateSent = dateSent
        self.dateReceived = dateReceived
    }

    public init(element: XMLElement) throws(FragmentError) {
        messageID = element.optionalValue("messageID", "messageId") ?? ""
        sessionID = element.optionalValue("sessionID", "sessionId").flatMap { $0.isEmpty ? nil : $0 }
        if let sessionID, !FragmentValues.isSessionID(sessionID) {
            throw FragmentError(.invalidValue, "message sessionID is not an ID")
        }
        messageClass = element.optionalValue("messageClass") ?? ""
        messageFolder = element.optionalValue("messageFolder") ?? ""
        messageStatus = element.optionalValue("messageStatus") ?? ""
        replyMessageID = element.optionalValue("replyMessageID", "replyMessageId").flatMap { $0.isEmpty ? nil : $0 }
        if let replyMessageID, !FragmentValues.isMessageID(replyMessageID) {
            throw FragmentError(.invalidValue, "replyMessageID is not an ID")
        }
        recipients =
            try element.child("recipientsList").map { element throws(FragmentError) in
                try RecipientsListFragment(element: element)
            } ?? RecipientsListFragment()
        subject = element.optionalText("subject")
        text = element.optionalText("text")
        attachments = []
        if let list = element.child("attachments") {
            for item in list.children("attachment") {
                guard let uri = item.optionalValue("uri", "uRI", "URI"), !uri.isEmpty else {
                    throw FragmentError(.missingElement, "attachment has no uri")
                }
                var size: UInt64?
                if let text = item.optionalValue("size") {
                    guard let value = FragmentValues.nonNegativeInteger(text) else {
                        throw FragmentError(.invalidValue, "attachment size is not a non-negative integer")
                    }
                    size = value
                }
                attachments.append(Attachment(uri: uri, size: size, mimeType: item.optionalValue("mimeType")))
            }
        }
        dateSent = element.optionalValue("dateSent").flatMap { $0.isEmpty ? nil : $0 }
        dateReceived = element.optionalValue("dateReceived").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func writeContent(into writer: inout XMLWriter) {
        writer.element("messageID", text: messageID)
        if let sessionID { writer.element("sessionID", text: sessionID) }
        writer.element("messageClass", text: messageClass)
        writer.element("messageFolder", text: messageFolder)
        writer.element("messageStatus", text: messageStatus)
        if let replyMessageID { writer.element("replyMessageID", text: replyMessageID) }
        recipients.write(into: &writer)
        if let subject { writer.element("subject", text: subject) }
        if let text { writer.element("text", text: text) }
        if !attachments.isEmpty {
            writer.element("attachments") { writer in
                for attachment in attachments {
                    writer.element("attachment") { writer in
                        // "uri", not Annex B's "uRI" (I-4, O-14).
                        writer.element("uri", text: attachment.uri)
                        if let size = attachment.size { writer.element("size", text: String(size)) }
                        if let mimeType = attachment.mimeType { writer.element("mimeType", text: mimeType) }
                    }
                }
            }
        }
        if let dateSent { writer.element("dateSent", text: dateSent) }
        if let dateReceived { writer.element("dateReceived", text: dateReceived) }
    }
}

/// `messageList` (messaging-v2.md §7.10): the out-argument of SearchMessages.
public struct MessageListFragment: MessagingFragment {
    public static let rootName = "messageList"
    public static let declaresPeerNamespace = true

    public var messages: [MessageFragment]

    public init(messages: [MessageFragment]) { self.messages = messages }

    public init(element: XMLElement) throws(FragmentError) {
        messages = try element.children("message").map { element throws(FragmentError) in
            try MessageFragment(element: element)
        }
    }

    public func writeContent(into writer: inout XMLWriter) {
        for message in messages {
            writer.element("message") { writer in message.writeContent(into: &writer) }
        }
    }
}
