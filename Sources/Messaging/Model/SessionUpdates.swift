/// The value of the SessionUpdates state variable (`sessionUpdates`, messaging-v2.md §4, §7.4).
///
/// The changes of the last moderation window (I-2): one ``SessionUpdate`` per session that changed, with every event
/// of the window in order and the session's current status. Empty before any session event.
public struct SessionUpdatesValue: Hashable, Sendable {
    public var updates: [SessionUpdate]
    public init(updates: [SessionUpdate]) { self.updates = updates }
}

/// One `sessionUpdate` element.
public struct SessionUpdate: Hashable, Sendable {
    public var sessionID: String
    /// At least one, in order of occurrence.
    public var events: [SessionEvent]
    /// The current status of the session (I-25).
    public var status: SessionStatus
    public init(sessionID: String, events: [SessionEvent], status: SessionStatus) {
        self.sessionID = sessionID
        self.events = events
        self.status = status
    }
}

/// A `sessionEvent` (Table 2, messaging-v2.md §7.4). ``text`` is the exact string the standard defines.
public enum SessionEvent: Hashable, Sendable {
    case requested(by: String)
    case accepted(by: String)
    case closed
    case modified
    case typing(String)
    case telCPLeft
    case telCPJoined
    case peerLeft(String)
    case peerJoined(String)
    case fileTransferStarted
    case fileTransferCompleted
    case fileTransferCancelled
    case fileTransferProgress(bytes: UInt64)
    case fileDownloadFailed

    /// The Table 2 string, lower case exactly as printed (I-16).
    public var text: String {
        switch self {
        case .requested(let name): "session requested by: \(name)"
        case .accepted(let name): "session accepted by: \(name)"
        case .closed: "session closed"
        case .modified: "session modified"
        case .typing(let name): "\(name) is typing"
        case .telCPLeft: "one TelCP has left"
        case .telCPJoined: "one TelCP has joined"
        case .peerLeft(let name): "\(name) has left"
        case .peerJoined(let name): "\(name) has joined"
        case .fileTransferStarted: "file transfer started"
        case .fileTransferCompleted: "file transfer completed"
        case .fileTransferCancelled: "file transfer cancelled"
        case .fileTransferProgress(let bytes): "file transfer progress: \(bytes) Bytes"
        case .fileDownloadFailed: "file download failed"
        }
    }
}
