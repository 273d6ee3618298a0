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

extension MessageTimestamp {
    /// The `xsd:dateTime` text of every form of a message (UPnP, hooks, `telcp --json`, the web page): RFC 3339 in
    /// its own UTC offset, to whole seconds, `Z` for UTC: `2026-11-23T14:58:03+01:00` (messaging-v2.md §7.0).
    public var rfc3339: String {
        // Offsets beyond ±18 h are not valid RFC 3339 offsets; fall back to UTC.
        let offset = abs(utcOffsetSeconds) <= 18 * 3600 ? utcOffsetSeconds : 0
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        // Digits written straight into the string's storage, with no `String` per field: a search answer formats
        // two of these per message, for pages of 1,000 messages. 48 bytes hold a signed 19-digit year and the rest.
        return String(unsafeUninitializedCapacity: 48) { buffer in
            var count = 0
            func put(_ character: Unicode.Scalar) {
                buffer[count] = UInt8(ascii: character)
                count += 1
            }
            func put(_ value: Int64, width: Int) {
                if value < 0 { put("-") }
                var magnitude = value.magnitude
                var digits = 1
                var rest = magnitude / 10
                while rest > 0 {
                    digits += 1
                    rest /= 10
                }
                for _ in digits..<max(digits, width) { put("0") }
                var position = count + digits
                repeat {
                    position -= 1
                    buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                count += digits
            }
            put(year, width: 4)
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(secondOfDay / 3600, width: 2)
            put(":")
            put(secondOfDay / 60 % 60, width: 2)
            put(":")
            put(secondOfDay % 60, width: 2)
            if offset == 0 {
                put("Z")
            } else {
                let minutes = Int64(abs(offset) / 60)
                put(offset < 0 ? "-" : "+")
                put(minutes / 60, width: 2)
                put(":")
                put(minutes % 60, width: 2)
            }
            return count
        }
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
