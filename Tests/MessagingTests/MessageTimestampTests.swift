import Foundation
import Testing

@testable import Messaging

/// ``MessageTimestamp/rfc3339``: the `xsd:dateTime` text of every form of a message (messaging-v2.md §7.0).
@Suite struct MessageTimestampTests {
    @Test(arguments: [
        (0.0, 0, "1970-01-01T00:00:00Z"),
        (1_795_442_287.0, 0, "2026-11-23T13:58:07Z"),
        (1_795_442_287.0, 3600, "2026-11-23T14:58:07+01:00"),
        (1_795_442_287.9, -5 * 3600 - 1800, "2026-11-23T08:28:07-05:30"),
        (951_782_400.0, 0, "2000-02-29T00:00:00Z"),
        (-1.0, 0, "1969-12-31T23:59:59Z"),
        (4_102_444_800.0, 0, "2100-01-01T00:00:00Z"),
        (1_795_442_287.0, 99 * 3600, "2026-11-23T13:58:07Z"),
    ])
    func formats(seconds: Double, offset: Int, expected: String) {
        let stamp = MessageTimestamp(date: Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset)
        #expect(stamp.rfc3339 == expected)
    }

    @Test func agreesWithFoundationOverManyDays() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        // Foundation switches to the Julian calendar before 1582; compare from 1600 (proleptic Gregorian below).
        for day in stride(from: -135_000, through: 800_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400 + 3_723)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = MessageTimestamp.civilDate(daysSinceEpoch: Int64(day))
            #expect([Int(civil.year), Int(civil.month), Int(civil.day)] == [parts.year, parts.month, parts.day])
        }
    }

    /// ``MessageTimestamp/localUTCOffset(at:)`` follows `TZ` through the C library, daylight saving time included.
    /// A POSIX rule needs no zone file: "XST+3:30XDT,M3.2.0,M11.1.0" is UTC-03:30, and -02:30 from the second
    /// Sunday of March to the first Sunday of November (POSIX.1-2017 §8.3, TZ).
    @Test func localOffsetFollowsTheSystemZone() throws {
        let saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", "XST+3:30XDT,M3.2.0,M11.1.0", 1)
        tzset()
        defer {
            if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
            tzset()
        }
        let january = Date(timeIntervalSince1970: 1_768_478_400)  // 2026-01-15T12:00:00Z
        let july = Date(timeIntervalSince1970: 1_784_116_800)  // 2026-07-15T12:00:00Z
        #expect(MessageTimestamp.localUTCOffset(at: january) == -(3 * 3600 + 1800))
        #expect(MessageTimestamp.localUTCOffset(at: july) == -(2 * 3600 + 1800))
        #expect(MessageTimestamp.local(july).rfc3339 == "2026-07-15T09:30:00-02:30")
    }
}
