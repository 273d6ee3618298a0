/// The input of SendMessage (`MessageToSend`, messaging-v2.md §5.6, §7.5), as the binding parsed it.
///
/// The fragment's `messageID`, `messageFolder` and `messageStatus` are managed by the service and are not carried
/// here (the binding ignores whatever the TelCP put in them, §5.6 Rec.).
public struct MessageToSend: Hashable, Sendable {
    /// The requested class; `nil` (the empty string on the wire) lets the service choose (§5.6).
    public var messageClass: MessageClass?
    /// Session mode: the session to send in. `nil` for page mode.
    public var sessionID: String?
    public var replyMessageID: String?
    /// `to` is required for SMS/MMS; `from` is ignored (the device identity is used, I-8).
    public var recipients: RecipientsList
    public var subject: String?
    public var text: String?
    public var attachments: [Attachment]

    public init(
        messageClass: MessageClass? = nil,
        sessionID: String? = nil,
        replyMessageID: String? = nil,
        recipients: RecipientsList,
        subject: String? = nil,
        text: String? = nil,
        attachments: [Attachment] = []
    ) {
        self.messageClass = messageClass
        self.sessionID = sessionID
        self.replyMessageID = replyMessageID
        self.recipients = recipients
        self.subject = subject
        self.text = text
        self.attachments = attachments
    }
}
