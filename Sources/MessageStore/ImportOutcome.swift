/// What ``MessageStore/importPart(_:rules:)`` did.
package enum ImportOutcome: Sendable, Hashable {
    /// The PDU was imported before (by +CMT or from storage), or its content is a copy of a part already held:
    /// nothing shown changed.
    case duplicate(partID: Int64)
    /// A segment stored while it waits for the rest of its message.
    case pending(partID: Int64)
    /// A new message. `isNewUnread` when it went to Received as Unread (NewMessages changes); `sessionID` when it
    /// was routed into a session.
    case created(partID: Int64, messageID: Int64, isNewUnread: Bool, sessionID: Int64?)
    /// A late segment merged into a message that had been shown incomplete.
    case merged(partID: Int64, messageID: Int64)
    /// A segment whose reference was reused: the segments that waited were shown as an incomplete message
    /// (`messageID`; `isNewUnread` as for ``created(partID:messageID:isNewUnread:sessionID:)``), and this one waits.
    case restarted(partID: Int64, messageID: Int64, isNewUnread: Bool)
    /// A status report; `messageID` of the Sent message it matched, if any.
    case statusReport(partID: Int64, messageID: Int64?)
    /// Stored for diagnosis only.
    case notImported(partID: Int64)

    /// The stored part's row id.
    package var partID: Int64 {
        switch self {
        case .duplicate(let id), .pending(let id), .statusReport(let id, _), .notImported(let id): id
        case .created(let id, _, _, _), .merged(let id, _), .restarted(let id, _, _): id
        }
    }
}
