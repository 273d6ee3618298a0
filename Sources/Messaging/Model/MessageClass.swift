/// A message class (A_ARG_TYPE_MessageClass, messaging-v2.md §3 #6).
///
/// An open set: the standard allows vendor values, so this is a `RawRepresentable` struct with the standard values as
/// statics rather than an enum. Which classes the service accepts is decided by its capabilities, not by this type.
public struct MessageClass: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let email = MessageClass(rawValue: "e-Mail")
    public static let sms = MessageClass(rawValue: "SMS")
    public static let mms = MessageClass(rawValue: "MMS")
    public static let instantMessage = MessageClass(rawValue: "Instant Message")
    public static let webpageURL = MessageClass(rawValue: "WebpageURL")

    /// The values Table 3 defines (vendor values are allowed on top of them).
    public static let standardValues: [MessageClass] = [.email, .sms, .mms, .instantMessage, .webpageURL]

    public var description: String { rawValue }
}

/// A session class (A_ARG_TYPE_SessionClass, messaging-v2.md §3 #12). Open set, like ``MessageClass``.
public struct SessionClass: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let email = SessionClass(rawValue: "e-Mail")
    public static let sms = SessionClass(rawValue: "SMS")
    public static let mms = SessionClass(rawValue: "MMS")
    public static let chat = SessionClass(rawValue: "Chat")
    public static let fileTransfer = SessionClass(rawValue: "File-Transfer")
    public static let webpageSync = SessionClass(rawValue: "WebpageSync")
    public static let mixed = SessionClass(rawValue: "Mixed")

    /// The values Table 6 defines.
    public static let standardValues: [SessionClass] = [
        .email, .sms, .mms, .chat, .fileTransfer, .webpageSync, .mixed,
    ]

    public var description: String { rawValue }
}

/// The status of a session (A_ARG_TYPE_SessionStatus, messaging-v2.md §3 #18, §8.2). A closed set.
public enum SessionStatus: String, CaseIterable, Sendable, Codable {
    /// Initiated, not yet accepted by a TelCP or the remote peer.
    case pending = "Pending"
    /// Active; at least one TelCP participates.
    case running = "Running"
    /// Active; no TelCP participates.
    case parked = "Parked"
    /// Closed by a local TelCP or the remote peer; kept in the ClosedSession folder.
    case closed = "Closed"
}
