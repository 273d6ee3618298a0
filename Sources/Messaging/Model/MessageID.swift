/// A message identifier as the Messaging service defines it: `[SessionID.]MessageID`, where both parts are
/// alphanumeric (messaging-v2.md, A_ARG_TYPE_MessageID).
public struct MessageID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The session part, when the message belongs to a session.
    public var sessionID: String?
    /// The message part.
    public var messageID: String

    /// Creates an identifier; both parts must be non-empty and alphanumeric (ASCII letters and digits).
    public init?(sessionID: String? = nil, messageID: String) {
        guard Self.isAlphanumeric(messageID) else { return nil }
        if let sessionID, !Self.isAlphanumeric(sessionID) { return nil }
        self.sessionID = sessionID
        self.messageID = messageID
    }

    /// Parses the textual form `MessageID` or `SessionID.MessageID`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: self.init(messageID: String(parts[0]))
        case 2: self.init(sessionID: String(parts[0]), messageID: String(parts[1]))
        default: return nil
        }
    }

    public var description: String { sessionID.map { "\($0).\(messageID)" } ?? messageID }

    private static func isAlphanumeric(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
    }
}
