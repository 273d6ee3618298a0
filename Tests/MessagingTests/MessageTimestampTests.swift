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
}
