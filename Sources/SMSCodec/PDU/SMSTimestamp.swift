/// A TP-Service-Centre-Time-Stamp, TP-Discharge-Time or absolute TP-Validity-Period (TS 23.040 §9.2.3.11).
///
/// Layout: seven semi-octet-swapped BCD octets `YY MM DD hh mm ss TZ`. The time zone counts quarter hours; bit 3
/// of the TZ octet (the high bit of its first semi-octet) is the sign, so `48` is −1 h, `80` +2 h, `A0` +2:30 and
/// `08` is −0 (UTC). The century is not in the PDU: ``year(pivot:)`` applies the project's pivot (two-digit years
/// ≥ 90 are 19yy, others 20yy; testdata/README.md "Conventions").
///
/// The seven octets are kept verbatim (in one `UInt64`, so a timestamp costs no allocation), so serialization is
/// exact even for out-of-range digits that some SMSCs send; the accessors interpret them leniently.
public struct SMSTimestamp: Hashable, Sendable, Codable {
    /// Size on the wire.
    public static let octetCount = 7
    /// Two-digit years at or above this are 19yy, below 20yy.
    public static let centuryPivot = 90

    /// The seven wire octets, first octet in the lowest byte.
    public let rawValue: UInt64

    /// The wire octets in order.
    public var octets: [UInt8] { (0..<Self.octetCount).map { UInt8(truncatingIfNeeded: rawValue >> ($0 * 8)) } }

    init(octets: some Collection<UInt8>) {
        var value: UInt64 = 0
        for (index, octet) in octets.prefix(Self.octetCount).enumerated() { value |= UInt64(octet) << (index * 8) }
        self.rawValue = value
    }

    /// Builds a timestamp from its fields.
    /// - Parameters:
    ///   - year: the full or two-digit year; only `year % 100` is sent.
    ///   - timeZoneQuarterHours: offset from UTC in quarter hours, −79…79.
    /// - Throws: ``PDUError`` `.invalidValue` when a field is out of range.
    public init(
        year: Int,
        month: Int,
        day: Int,
        hour: Int,
        minute: Int,
        second: Int,
        timeZoneQuarterHours: Int
    ) throws(PDUError) {
        let fields = [
            (year % 100, 0...99), (month, 1...12), (day, 1...31), (hour, 0...23), (minute, 0...59),
            (second, 0...59), (abs(timeZoneQuarterHours), 0...79),
        ]
        var octets = [UInt8]()
        for (index, (value, range)) in fields.enumerated() {
            guard year >= 0, range.contains(value) else {
                throw PDUError(.invalidValue, offset: index, reason: "timestamp field \(index) = \(value) out of range")
            }
            var octet = UInt8(value % 10) << 4 | UInt8(value / 10)
            if index == 6, timeZoneQuarterHours < 0 { octet |= 0x08 }
            octets.append(octet)
        }
        self.init(octets: octets)
    }

    /// The timestamp of an instant, shown in the given time zone (e.g. for a simulated SMSC).
    /// - Parameters:
    ///   - secondsSince1970: the instant (UTC).
    ///   - timeZoneQuarterHours: the zone to show it in, −79…79 quarter hours.
    /// - Throws: ``PDUError`` `.invalidValue` for a zone out of range or a year before 1990 or after 2089 (the
    ///   two-digit year could not be read back with the pivot).
    public init(secondsSince1970: Int64, timeZoneQuarterHours: Int) throws(PDUError) {
        let local = secondsSince1970 + Int64(timeZoneQuarterHours) * 15 * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        // Civil from days (proleptic Gregorian), Howard Hinnant's algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        guard (1990...2089).contains(year) else {
            throw PDUError(.invalidValue, offset: 0, reason: "year \(year) cannot be sent as a two-digit SCTS year")
        }
        try self.init(
            year: year,
            month: month,
            day: day,
            hour: secondOfDay / 3600,
            minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60,
            timeZoneQuarterHours: timeZoneQuarterHours
        )
    }

    private func octet(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (index * 8)) }

    /// Semi-octet-swapped BCD: low nibble is the tens digit. Nibbles above 9 are taken at face value (lenient).
    private func field(_ index: Int) -> Int {
        let octet = octet(index)
        return Int(octet & 0x0F) * 10 + Int(octet >> 4)
    }

    /// The two-digit year as sent (`scts_yy` in the test vectors).
    public var twoDigitYear: Int { field(0) }
    /// The year after the century pivot.
    public func year(pivot: Int = SMSTimestamp.centuryPivot) -> Int {
        twoDigitYear >= pivot ? 1900 + twoDigitYear : 2000 + twoDigitYear
    }
    public var month: Int { field(1) }
    public var day: Int { field(2) }
    public var hour: Int { field(3) }
    public var minute: Int { field(4) }
    public var second: Int { field(5) }
    /// Offset from UTC in quarter hours; the sign is bit 3 of the TZ octet.
    public var timeZoneQuarterHours: Int {
        let octet = octet(6)
        let magnitude = Int(octet & 0x07) * 10 + Int(octet >> 4)
        return octet & 0x08 != 0 ? -magnitude : magnitude
    }

    /// True when every field is a plausible calendar value (BCD digits, month 1…12, …).
    public var isValid: Bool {
        for index in 0..<6 where octet(index) & 0x0F > 9 || octet(index) >> 4 > 9 { return false }
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second < 60
    }

    /// ISO 8601 with the offset the PDU carries, e.g. `2002-08-26T19:37:41-01:00` (UTC and −0 print `+00:00`).
    public func iso8601(pivot: Int = SMSTimestamp.centuryPivot) -> String {
        String(unsafeUninitializedCapacity: Self.iso8601Capacity) { writeISO8601(into: $0, pivot: pivot) }
    }

    /// The most characters ``iso8601(pivot:)`` writes: the fields of an invalid time stamp (a semi-octet above 9)
    /// may take three digits.
    static let iso8601Capacity = 32

    /// Writes ``iso8601(pivot:)`` as ASCII into `buffer` (room for ``iso8601Capacity``) and returns the count: every
    /// decoded PDU's JSON has one or two of these, written straight into the output.
    func writeISO8601(into buffer: UnsafeMutableBufferPointer<UInt8>, pivot: Int = SMSTimestamp.centuryPivot) -> Int {
        let tz = timeZoneQuarterHours
        let minutes = abs(tz) * 15
        var count = 0
        func put(_ value: Int, _ width: Int, then separator: UInt8?) {
            count += Self.writePadded(value, width, into: buffer.baseAddress! + count)
            if let separator {
                buffer[count] = separator
                count += 1
            }
        }
        put(year(pivot: pivot), 4, then: UInt8(ascii: "-"))
        put(month, 2, then: UInt8(ascii: "-"))
        put(day, 2, then: UInt8(ascii: "T"))
        put(hour, 2, then: UInt8(ascii: ":"))
        put(minute, 2, then: UInt8(ascii: ":"))
        put(second, 2, then: tz < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        put(minutes / 60, 2, then: UInt8(ascii: ":"))
        put(minutes % 60, 2, then: nil)
        return count
    }

    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when ``isValid`` is false.
    public func secondsSince1970(pivot: Int = SMSTimestamp.centuryPivot) -> Int64? {
        guard isValid else { return nil }
        // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = year(pivot: pivot) - (month <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = Int64(era * 146_097 + doe - 719_468)
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return local - Int64(timeZoneQuarterHours * 15 * 60)
    }

    /// Writes `String(value)` left-padded with zeros to `width` characters (a minus sign counts as one) at `out`;
    /// returns the count written.
    @inline(__always)
    private static func writePadded(_ value: Int, _ width: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        // The fields of a valid time stamp: two digits, or a four-digit year.
        if width == 2, (0..<100).contains(value) {
            out[0] = UInt8(ascii: "0") + UInt8(value / 10)
            out[1] = UInt8(ascii: "0") + UInt8(value % 10)
            return 2
        }
        if width == 4, (1000..<10_000).contains(value) {
            out[0] = UInt8(ascii: "0") + UInt8(value / 1000)
            out[1] = UInt8(ascii: "0") + UInt8(value / 100 % 10)
            out[2] = UInt8(ascii: "0") + UInt8(value / 10 % 10)
            out[3] = UInt8(ascii: "0") + UInt8(value % 10)
            return 4
        }
        return writeAnyPadded(value, width, into: out)
    }

    private static func writeAnyPadded(_ value: Int, _ width: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var scale: UInt = 1
        var digits = 1
        while magnitude / scale >= 10 {
            scale *= 10
            digits += 1
        }
        let length = digits + (value < 0 ? 1 : 0)
        var count = 0
        while count < width - length {
            out[count] = UInt8(ascii: "0")
            count += 1
        }
        if value < 0 {
            out[count] = UInt8(ascii: "-")
            count += 1
        }
        while scale > 0 {
            out[count] = UInt8(ascii: "0") + UInt8(magnitude / scale)
            count += 1
            magnitude %= scale
            scale /= 10
        }
        return count
    }

    // MARK: - Wire format

    init(decoding cursor: inout PDUCursor, field: StaticString) throws(PDUError) {
        self.init(octets: try cursor.readBytes(Self.octetCount, field))
    }

    func encode(into out: inout [UInt8]) {
        for index in 0..<Self.octetCount { out.append(octet(index)) }
    }
}
