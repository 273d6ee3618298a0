import Messaging
import UPnP

/// Which control points may use the device, by subnet: those that may control it (every action: send, delete,
/// sessions) and those that may only read (identity, capabilities, new messages, search, read, session and transfer
/// state). A client in neither list may not use the device at all.
///
/// The rules are applied in both layers, the same way: the UPnP stack answers 403 to descriptions and
/// subscriptions and 606 to actions of an uncovered client, and 606 to a read-only client's other actions
/// (``upnpPolicy``); the Messaging service applies ``messagingPolicy`` to every action and to who sees message
/// overviews in GetNewMessages. A client in both lists may control (``control`` is checked first).
///
/// ```swift
/// configuration.access = AccessRules(control: [IPSubnet("192.168.1.0/24")!], readOnly: [IPSubnet("10.0.0.0/8")!])
/// ```
public struct AccessRules: Sendable, Hashable {
    /// Subnets whose clients may call every action.
    public var control: [IPSubnet]
    /// Subnets whose clients may call only ``readActions``.
    public var readOnly: [IPSubnet]

    public init(control: [IPSubnet] = [], readOnly: [IPSubnet] = []) {
        self.control = control
        self.readOnly = readOnly
    }

    /// The actions of a read-only client: those that send, delete or change nothing a user made (ReadMessage marks
    /// a message Read, which is what reading it means, messaging-v2.md §5.5).
    public static let readActions: Set<MessagingAction> = [
        .getTelephonyIdentity, .getMessagingCapabilities, .getNewMessages, .searchMessages, .readMessage,
        .getSessionUpdates, .getSessions, .getFileTransferSession,
    ]

    /// What a client may do.
    enum Grant: Equatable {
        case control
        case read
    }

    /// The grant of `address`: control when a ``control`` subnet covers it, else read when a ``readOnly`` one
    /// does, else none.
    func grant(for address: IPAddress) -> Grant? {
        if control.contains(where: { $0.contains(address) }) { return .control }
        if readOnly.contains(where: { $0.contains(address) }) { return .read }
        return nil
    }

    /// The rules for the UPnP stack: control subnets first (all actions, trusted), then read-only subnets (only
    /// ``readActions``); the first rule that covers a client decides (``UPnPAccessPolicy``).
    public var upnpPolicy: UPnPAccessPolicy {
        let readNames = Set(Self.readActions.map(\.rawValue))
        return UPnPAccessPolicy(
            rules: control.map { UPnPAccessPolicy.Rule(subnet: $0, actions: .all, isTrusted: true) }
                + readOnly.map { UPnPAccessPolicy.Rule(subnet: $0, actions: .only(readNames)) }
        )
    }

    /// The rules for the Messaging service. A caller inside the process (``Caller/local``) may do everything; a
    /// caller whose address is not an IP address (no binding writes one) may do nothing.
    public var messagingPolicy: AccessPolicy {
        let rules = self
        let grant: @Sendable (Caller) -> Grant? = { caller in
            if caller == .local { return .control }
            return IPAddress(caller.address).flatMap(rules.grant(for:))
        }
        return AccessPolicy(
            isAllowed: { action, caller in
                switch grant(caller) {
                case .control: true
                case .read: Self.readActions.contains(action)
                case nil: false
                }
            },
            // Overviews show the sender and the first characters: for the clients that may read messages anyway.
            mayReadOverviews: { caller in grant(caller) != nil }
        )
    }
}
