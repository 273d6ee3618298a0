/// The value of the NewMessages state variable (`newMessages`, messaging-v2.md §4, §7.3).
///
/// One entry per message in Received with status Unread, oldest first (I-1). Control points diff it by ID.
public struct NewMessagesValue: Hashable, Sendable {
    public var entries: [NewMessageEntry]
    public init(entries: [NewMessageEntry]) { self.entries = entries }
}

/// One `newMessage` element.
public struct NewMessageEntry: Hashable, Sendable {
    public var id: MessageID
    /// `<class> from <name or id>:<first characters>` (§7.3 Rec.); `nil` in IDs-only form (I-28).
    public var overview: String?
    public init(id: MessageID, overview: String?) {
        self.id = id
        self.overview = overview
    }
}
