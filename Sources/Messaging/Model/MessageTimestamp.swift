import Foundation

/// A point in time together with the UTC offset it was observed in.
///
/// Messaging:2 dates are `xsd:dateTime` with an explicit offset (messaging-v2.md §7.0). An SMS service-centre time
/// stamp carries the sender's zone (TS 23.040 §9.2.3.11), which is worth keeping rather than normalising to UTC.
public struct MessageTimestamp: Hashable, Sendable, Codable, Comparable {
    /// The instant.
    public var date: Date
    /// Offset from UTC in seconds, east positive (e.g. +3600 for `+01:00`).
    public var utcOffsetSeconds: Int

    public init(date: Date, utcOffsetSeconds: Int = 0) {
        self.date = date
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public static func < (lhs: MessageTimestamp, rhs: MessageTimestamp) -> Bool { lhs.date < rhs.date }
}
