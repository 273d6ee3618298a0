/// Message and session IDs are the store's AUTOINCREMENT row ids written in base 36 (`[0-9a-z]`), so they are
/// alphanumeric, stable across restarts and never reused (messaging-v2.md §10 "IDs", I-29).
enum StoredID {
    private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    /// Longest base-36 text of a positive Int64 ("1y2p0ij32e8e7" is 13 characters).
    static let maximumLength = 13

    static func encode(_ value: Int64) -> String {
        guard value > 0 else { return "0" }
        // Written into the string's own storage, last digit first: a search formats an ID for every message.
        var length = 1
        var rest = UInt64(value) / 36
        while rest > 0 {
            length += 1
            rest /= 36
        }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var remaining = UInt64(value)
            for position in (0..<length).reversed() {
                buffer[position] = digits[Int(remaining % 36)]
                remaining /= 36
            }
            return length
        }
    }

    /// The row id of a canonical base-36 ID, or `nil` (not canonical: upper case, leading zeros, too long, …).
    static func decode(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= maximumLength else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a")) + 10
            default: return nil
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 36)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        guard value > 0, value <= UInt64(Int64.max), encode(Int64(value)) == text else { return nil }
        return Int64(value)
    }
}
