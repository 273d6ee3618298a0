/// What ModifySession changes (messaging-v2.md §5.9). A `nil` member leaves that part of the session unchanged:
/// the control point "fills the input parameters it doesn't want to modify with the empty string", which the binding
/// turns into `nil`.
public struct SessionModification: Hashable, Sendable {
    /// Peers to add as `recipientTo` (Cc/Bcc are refused over SMS).
    public var recipientsToAdd: RecipientsList?
    /// Peers to remove, matched by address; each must be in the session.
    public var recipientsToRemove: RecipientsList?
    /// The new subject. The standard offers no way to clear it (§5.9), so an empty one changes nothing either.
    public var subject: String?
    /// The new comma-separated MIME types; an empty string changes nothing.
    public var supportedContentType: String?
    /// A requested class: any class other than the current one makes the session Mixed (I-23).
    public var sessionClass: SessionClass?

    public init(
        recipientsToAdd: RecipientsList? = nil,
        recipientsToRemove: RecipientsList? = nil,
        subject: String? = nil,
        supportedContentType: String? = nil,
        sessionClass: SessionClass? = nil
    ) {
        self.recipientsToAdd = recipientsToAdd
        self.recipientsToRemove = recipientsToRemove
        self.subject = subject
        self.supportedContentType = supportedContentType
        self.sessionClass = sessionClass
    }
}
