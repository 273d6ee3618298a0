/// One publication of the evented state variables (messaging-v2.md §4).
///
/// Each variable is published at most once per second (leading edge, then one trailing publication carrying every
/// change of the window, I-27). When both are due together they travel in the same value, so the binding can put
/// them in one NOTIFY. A `nil` member did not change.
public struct MessagingEvent: Hashable, Sendable {
    /// The new value of NewMessages (Received ∧ Unread, I-1), IDs only unless configured otherwise (I-28).
    public var newMessages: NewMessagesValue?
    /// The new value of SessionUpdates: every session event since the previous publication (I-2).
    public var sessionUpdates: SessionUpdatesValue?

    public init(newMessages: NewMessagesValue? = nil, sessionUpdates: SessionUpdatesValue? = nil) {
        self.newMessages = newMessages
        self.sessionUpdates = sessionUpdates
    }
}
