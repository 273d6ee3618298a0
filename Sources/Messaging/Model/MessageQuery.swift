import Foundation

/// A typed search over the message store: the four SearchMessages criteria plus the filters `telcp search` and the
/// benchmark use (peer, time, text). Criteria are ANDed; `nil` means "any". Every filter runs as indexed SQL.
public struct MessageQuery: Hashable, Sendable {
    public var messageClass: MessageClass?
    public var folder: MessageFolder?
    public var status: MessageReadStatus?
    /// Only messages of this session.
    public var sessionID: String?
    /// Only messages from or to this address (exact match on `peer:id`, after the same normalisation as storage).
    public var peer: String?
    /// Only messages whose time (arrival for received, creation for others) is at or after this instant.
    public var since: Date?
    /// Only messages whose time is before this instant.
    public var until: Date?
    /// Only messages whose text or subject contains this string (case-insensitive). Three characters or more use the
    /// full-text (trigram) index.
    public var text: String?
    /// At most this many results (oldest first); `nil` for all, as SearchMessages has no paging (§5.4).
    public var limit: Int?

    public init(
        messageClass: MessageClass? = nil,
        folder: MessageFolder? = nil,
        status: MessageReadStatus? = nil,
        sessionID: String? = nil,
        peer: String? = nil,
        since: Date? = nil,
        until: Date? = nil,
        text: String? = nil,
        limit: Int? = nil
    ) {
        self.messageClass = messageClass
        self.folder = folder
        self.status = status
        self.sessionID = sessionID
        self.peer = peer
        self.since = since
        self.until = until
        self.text = text
        self.limit = limit
    }
}
