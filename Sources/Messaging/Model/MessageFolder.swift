/// The folders of the Messaging service (ISO/IEC 29341-26-12, the `folder` element of A_ARG_TYPE_Message).
public enum MessageFolder: String, CaseIterable, Sendable, Codable {
    case received = "Received"
    case outgoing = "Outgoing"
    case sent = "Sent"
    case deleted = "Deleted"
    case closedSession = "ClosedSession"
}

/// The read status of a message (the `messageStatus` element).
public enum MessageReadStatus: String, CaseIterable, Sendable, Codable {
    case read = "Read"
    case unread = "Unread"
}
