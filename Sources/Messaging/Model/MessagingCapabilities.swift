/// What the service supports (`messagingCapabilities`, messaging-v2.md §5.2, §7.2).
public struct MessagingCapabilities: Hashable, Sendable {
    /// Never empty (§7.2).
    public var messageClasses: [MessageClass]
    /// Empty when no session class is offered.
    public var sessionClasses: [SessionClass]
    /// Always contains Received, Outgoing, Sent.
    public var folders: [MessageFolder]

    public init(messageClasses: [MessageClass], sessionClasses: [SessionClass], folders: [MessageFolder]) {
        self.messageClasses = messageClasses
        self.sessionClasses = sessionClasses
        self.folders = folders
    }
}
