/// One session as GetSessions returns it (`sessionInfo`, messaging-v2.md §7.7).
public struct SessionInfo: Hashable, Sendable {
    public var id: String
    public var sessionClass: SessionClass
    public var subject: String?
    public var status: SessionStatus
    /// Comma-separated MIME types, as given at creation or modification.
    public var supportedContentType: String?
    /// `from` is the creator of the session (the device identity for sessions created here).
    public var recipients: RecipientsList
    /// `SessionID.MessageID` of every message of the session, oldest first.
    public var messageIDs: [MessageID]
    public var dateStarted: MessageTimestamp?
    public var dateLastMessage: MessageTimestamp?
    public var dateEnded: MessageTimestamp?

    public init(
        id: String,
        sessionClass: SessionClass,
        subject: String?,
        status: SessionStatus,
        supportedContentType: String?,
        recipients: RecipientsList,
        messageIDs: [MessageID],
        dateStarted: MessageTimestamp?,
        dateLastMessage: MessageTimestamp?,
        dateEnded: MessageTimestamp?
    ) {
        self.id = id
        self.sessionClass = sessionClass
        self.subject = subject
        self.status = status
        self.supportedContentType = supportedContentType
        self.recipients = recipients
        self.messageIDs = messageIDs
        self.dateStarted = dateStarted
        self.dateLastMessage = dateLastMessage
        self.dateEnded = dateEnded
    }
}
