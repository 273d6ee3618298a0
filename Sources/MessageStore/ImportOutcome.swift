/// What ``MessageStore/importPart(_:rules:)`` did.
package enum ImportOutcome: Sendable, Hashable {
    /// The PDU was imported before (by +CMT or from storage), or its content is a copy of a part already held:
    /// nothing shown changed.
    case duplicate(partId: Int64)
    /// A segment stored while it waits for the rest of its message.
    case pending(partId: Int64)
    /// A new message. `isNewUnread` when it went to Received as Unread (NewMessages changes); `sessionId` when it
    /// was routed into a session.
    case created(partId: Int64, messageId: Int64, isNewUnread: Bool, sessionId: Int64?)
    /// A late segment merged into a message that had been shown incomplete.
    case merged(partId: Int64, messageId: Int64)
    /// A segment whose reference was reused: the segments that waited were shown as an incomplete message
    /// (`messageId`; `isNewUnread` as for ``created(partId:messageId:isNewUnread:sessionId:)``), and this one waits.
    case restarted(partId: Int64, messageId: Int64, isNewUnread: Bool)
    /// A status report; `messageId` of the Sent message it matched, if any.
    case statusReport(partId: Int64, messageId: Int64?)
    /// Stored for diagnosis only.
    case notImported(partId: Int64)

    /// The stored part's row id.
    package var partId: Int64 {
        switch self {
        case .duplicate(let id), .pending(let id), .statusReport(let id, _), .notImported(let id): id
        case .created(let id, _, _, _), .merged(let id, _), .restarted(let id, _, _): id
        }
    }
}
