/// A recipient or sender (Annex A `peerType`, messaging-v2.md §7.1).
///
/// Only `id` and `name` are modelled: `contactInstanceId`/`groupInstanceId` need the Phone Data Model, which
/// ModemMessaging does not have, and image/location have no meaning for SMS. The binding drops them on input.
public struct Peer: Hashable, Sendable, Codable {
    /// The communication address: E.164 with `+` for international numbers, national digits otherwise, an
    /// alphanumeric sender ID as received (messaging-v2.md §7.1).
    public var id: String
    /// A friendly name, when known.
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// The name used in overviews and session events: the name when there is one, else the address (§7.4).
    public var displayName: String { name.flatMap { $0.isEmpty ? nil : $0 } ?? id }
}

/// The recipients of a message or the participants of a session (`recipientsList`, messaging-v2.md §7.6).
public struct RecipientsList: Hashable, Sendable, Codable {
    public var to: [Peer]
    public var cc: [Peer]
    public var bcc: [Peer]
    /// The sender of a message or the creator of a session. Optional on input (I-8): the service always fills it on
    /// output with the device's own identity for what it sends or creates.
    public var from: Peer?

    public init(to: [Peer] = [], cc: [Peer] = [], bcc: [Peer] = [], from: Peer? = nil) {
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.from = from
    }

    /// Every To/Cc/Bcc peer, in that order.
    public var allRecipients: [Peer] { to + cc + bcc }
}
