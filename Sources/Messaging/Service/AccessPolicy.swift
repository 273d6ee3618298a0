/// Who invokes an action. UPnP control carries no control-point identity, so the binding passes the peer's network
/// address (messaging-v2.md I-19: participants are counted by control-point address).
public struct Caller: Hashable, Sendable {
    /// The control point's address as the binding saw it (e.g. `192.168.1.20` or `::1`).
    public var address: String
    public init(address: String) { self.address = address }

    /// A caller inside the process (tests, `messagingd` itself).
    public static let local = Caller(address: "local")
}

/// The actions of the Messaging service (messaging-v2.md §5.0), for access decisions and logs.
public enum MessagingAction: String, CaseIterable, Sendable {
    case getTelephonyIdentity = "GetTelephonyIdentity"
    case getMessagingCapabilities = "GetMessagingCapabilities"
    case getNewMessages = "GetNewMessages"
    case searchMessages = "SearchMessages"
    case readMessage = "ReadMessage"
    case sendMessage = "SendMessage"
    case deleteMessage = "DeleteMessage"
    case createSession = "CreateSession"
    case modifySession = "ModifySession"
    case acceptSession = "AcceptSession"
    case getSessionUpdates = "GetSessionUpdates"
    case getSessions = "GetSessions"
    case joinSession = "JoinSession"
    case leaveSession = "LeaveSession"
    case closeSession = "CloseSession"
    case startFileTransfer = "StartFileTransfer"
    case cancelFileTransfer = "CancelFileTransfer"
    case getFileTransferSession = "GetFileTransferSession"
}

/// Decides which caller may invoke which action (606 Action not Authorized) and who sees message overviews
/// (messaging-v2.md §4 "Privacy", I-28).
public struct AccessPolicy: Sendable {
    /// Returns false to refuse the action with 606.
    public var isAllowed: @Sendable (MessagingAction, Caller) -> Bool
    /// Returns true when GetNewMessages may include `messageOverview` (sender and first characters) for this caller.
    public var mayReadOverviews: @Sendable (Caller) -> Bool

    public init(
        isAllowed: @escaping @Sendable (MessagingAction, Caller) -> Bool,
        mayReadOverviews: @escaping @Sendable (Caller) -> Bool
    ) {
        self.isAllowed = isAllowed
        self.mayReadOverviews = mayReadOverviews
    }

    /// Whether `caller` may read the service's state without changing anything (the daemon's health and metrics).
    /// It follows the rule for GetMessagingCapabilities, the read action that reveals no message: a policy that lets
    /// a caller only read allows it, one that shuts a caller out refuses it.
    public func allowsReading(_ caller: Caller) -> Bool {
        isAllowed(.getMessagingCapabilities, caller)
    }

    /// Every caller may do everything and read overviews (the LAN is trusted; the binding restricts interfaces).
    public static let allowAll = AccessPolicy(isAllowed: { _, _ in true }, mayReadOverviews: { _ in true })
}
