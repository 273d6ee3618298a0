/// TP-Validity-Period of an SMS-SUBMIT (TS 23.040 §9.2.3.12); its format is TP-VPF, bits 4…3 of the first octet.
public enum ValidityPeriod: Hashable, Sendable {
    /// TP-VPF 10: one octet (§9.2.3.12.1). 0…143: (v+1)×5 min; 144…167: 12 h + (v−143)×30 min;
    /// 168…196: (v−166) days; 197…255: (v−192) weeks.
    case relative(UInt8)
    /// TP-VPF 11: a timestamp in the format of TP-SCTS (§9.2.3.12.2).
    case absolute(SMSTimestamp)
    /// TP-VPF 01: seven octets led by a functionality indicator (§9.2.3.12.3).
    case enhanced(EnhancedValidityPeriod)

    /// TP-VPF for the first octet (bits 4…3 in place).
    var formatBits: UInt8 {
        switch self {
        case .relative: 0x10
        case .absolute: 0x18
        case .enhanced: 0x08
        }
    }

    /// The smallest relative value whose period is at least `minutes` (capped at 63 weeks, value 255).
    /// 5 minutes gives 0, 24 hours 167, 4 days 170.
    public static func relative(minutes: Int) -> ValidityPeriod { .relative(relativeValue(minutes: minutes)) }

    static func relativeValue(minutes: Int) -> UInt8 {
        // Clamped to 5 minutes … 63 weeks, the range the octet can express (and no overflow below).
        let m = min(max(minutes, 5), 63 * 7 * 1440)
        if m <= 720 { return UInt8((m + 4) / 5 - 1) }  // 0…143
        if m <= 1440 { return UInt8(143 + (m - 720 + 29) / 30) }  // 144…167
        let days = (m + 1439) / 1440
        if days <= 30 { return UInt8(166 + max(days, 2)) }  // 168…196
        let weeks = (days + 6) / 7
        return UInt8(min(192 + max(weeks, 5), 255))  // 197…255
    }

    /// The period a relative value stands for, in minutes.
    public static func minutes(relative value: UInt8) -> Int {
        switch value {
        case 0...143: (Int(value) + 1) * 5
        case 144...167: 720 + (Int(value) - 143) * 30
        case 168...196: (Int(value) - 166) * 1440
        default: (Int(value) - 192) * 7 * 1440
        }
    }

    // MARK: - Wire format

    /// Reads the field selected by TP-VPF (`vpf` = bits 4…3 shifted down); `nil` for VPF 00 (absent).
    static func decode(format vpf: UInt8, from cursor: inout PDUCursor) throws(PDUError) -> ValidityPeriod? {
        switch vpf & 0x03 {
        case 0b10: return .relative(try cursor.readByte("TP-VP (relative)"))
        case 0b11: return .absolute(try SMSTimestamp(decoding: &cursor, field: "TP-VP (absolute)"))
        case 0b01:
            return .enhanced(
                EnhancedValidityPeriod(
                    octets: try cursor.readBytes(EnhancedValidityPeriod.octetCount, "TP-VP (enhanced)")
                )
            )
        default: return nil
        }
    }

    /// The octets ``encode(into:)`` appends.
    var encodedCount: Int {
        switch self {
        case .relative: 1
        case .absolute: SMSTimestamp.octetCount
        case .enhanced(let enhanced): enhanced.octets.count
        }
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .relative(let value): out.append(value)
        case .absolute(let timestamp): timestamp.encode(into: &out)
        case .enhanced(let enhanced): out.append(contentsOf: enhanced.octets)
        }
    }
}

/// The enhanced validity period (TS 23.040 §9.2.3.12.3): a functionality indicator and up to six further octets,
/// always seven on the wire. The octets are kept verbatim; ``format`` interprets them.
public struct EnhancedValidityPeriod: Hashable, Sendable {
    /// Size on the wire.
    public static let octetCount = 7
    /// The seven octets as sent.
    public let octets: [UInt8]

    init(octets: some Collection<UInt8>) {
        var padded = Array(octets.prefix(Self.octetCount))
        padded.append(contentsOf: repeatElement(0, count: Self.octetCount - padded.count))
        self.octets = padded
    }

    /// What the functionality indicator (bits 2…0 of the first octet) selects.
    public enum Format: Hashable, Sendable {
        /// 000: no validity period.
        case none
        /// 001: the next octet is a relative value as in ``ValidityPeriod/relative(_:)``.
        case relative(UInt8)
        /// 010: the next octet counts seconds, 0…255.
        case seconds(UInt8)
        /// 011: the next three octets are hours, minutes, seconds in semi-octet BCD.
        case time(hours: Int, minutes: Int, seconds: Int)
        /// 100…111: reserved.
        case reserved(UInt8)
    }

    /// Bit 6 of the functionality indicator: single-shot SM.
    public var isSingleShot: Bool { octets[0] & 0x40 != 0 }
    /// Bit 7: the functionality indicator is extended (further octets; none defined yet).
    public var isExtended: Bool { octets[0] & 0x80 != 0 }

    /// The interpreted period.
    public var format: Format {
        func bcd(_ octet: UInt8) -> Int { Int(octet & 0x0F) * 10 + Int(octet >> 4) }
        switch octets[0] & 0x07 {
        case 0: return .none
        case 1: return .relative(octets[1])
        case 2: return .seconds(octets[1])
        case 3: return .time(hours: bcd(octets[1]), minutes: bcd(octets[2]), seconds: bcd(octets[3]))
        default: return .reserved(octets[0] & 0x07)
        }
    }

    /// Builds an enhanced period (the remaining octets are zero, as §9.2.3.12.3 requires).
    public init(_ format: Format, singleShot: Bool = false) {
        var octets = [UInt8](repeating: 0, count: Self.octetCount)
        func bcd(_ value: Int) -> UInt8 {
            let clamped = min(max(value, 0), 99)
            return UInt8(clamped % 10) << 4 | UInt8(clamped / 10)
        }
        switch format {
        case .none: octets[0] = 0
        case .relative(let value):
            octets[0] = 1
            octets[1] = value
        case .seconds(let value):
            octets[0] = 2
            octets[1] = value
        case .time(let h, let m, let s):
            octets[0] = 3
            octets[1] = bcd(h)
            octets[2] = bcd(m)
            octets[3] = bcd(s)
        case .reserved(let value): octets[0] = value & 0x07
        }
        if singleShot { octets[0] |= 0x40 }
        self.octets = octets
    }
}
