/// The Type-of-Address octet of an address field (TS 23.040 §9.1.2.5, TS 24.008 §10.5.4.7).
///
/// Layout: bit 7 is always 1, bits 6…4 the type of number (TON), bits 3…0 the numbering plan (NPI). The raw octet
/// is kept so that a decoded address re-serializes byte for byte, including senders that leave bit 7 clear.
public struct TypeOfAddress: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Builds the octet from its parts, with bit 7 set.
    public init(_ ton: TypeOfNumber, _ npi: NumberingPlan) {
        self.rawValue = 0x80 | ton.rawValue << 4 | npi.rawValue
    }

    /// International number, ISDN/E.164 plan (0x91).
    public static let international = TypeOfAddress(rawValue: 0x91)
    /// Unknown type, ISDN/E.164 plan (0x81): what phones use for numbers without a leading "+".
    public static let unknown = TypeOfAddress(rawValue: 0x81)
    /// Alphanumeric (GSM 7-bit) sender name (0xD0).
    public static let alphanumeric = TypeOfAddress(rawValue: 0xD0)

    /// False when bit 7 (which TS 23.040 §9.1.2.5 requires to be 1) is clear: the octet is then not trusted.
    public var isWellFormed: Bool { rawValue & 0x80 != 0 }
    /// Type of number, bits 6…4.
    public var typeOfNumber: TypeOfNumber { TypeOfNumber(rawValue: (rawValue >> 4) & 0x07) ?? .reserved }
    /// Numbering plan identification, bits 3…0.
    public var numberingPlan: NumberingPlan { NumberingPlan(rawValue: rawValue & 0x0F) }
}

/// Type of number (TS 23.040 §9.1.2.5).
public enum TypeOfNumber: UInt8, Hashable, Sendable, CaseIterable {
    case unknown = 0
    case international = 1
    case national = 2
    case networkSpecific = 3
    case subscriber = 4
    /// Coded according to the GSM 7-bit default alphabet (TS 23.038).
    case alphanumeric = 5
    case abbreviated = 6
    case reserved = 7

    /// The name used in JSON output and test vectors.
    public var name: String { staticName.description }

    /// ``name`` as the JSON writer takes it, with no String in between.
    var staticName: StaticString {
        switch self {
        case .unknown: "unknown"
        case .international: "international"
        case .national: "national"
        case .networkSpecific: "network-specific"
        case .subscriber: "subscriber"
        case .alphanumeric: "alphanumeric"
        case .abbreviated: "abbreviated"
        case .reserved: "reserved"
        }
    }
}

/// Numbering plan identification (TS 23.040 §9.1.2.5); an open set, so a struct with named values.
public struct NumberingPlan: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    public static let unknown = NumberingPlan(rawValue: 0)
    /// ISDN/telephone numbering plan (E.164/E.163).
    public static let isdn = NumberingPlan(rawValue: 1)
    /// Data numbering plan (X.121).
    public static let data = NumberingPlan(rawValue: 3)
    /// Telex numbering plan.
    public static let telex = NumberingPlan(rawValue: 4)
    /// Service centre specific plan (value 5).
    public static let serviceCentreSpecific5 = NumberingPlan(rawValue: 5)
    /// Service centre specific plan (value 6).
    public static let serviceCentreSpecific6 = NumberingPlan(rawValue: 6)
    public static let national = NumberingPlan(rawValue: 8)
    public static let `private` = NumberingPlan(rawValue: 9)
    /// ERMES numbering plan (ETSI DE/PS 3 01-3).
    public static let ermes = NumberingPlan(rawValue: 10)

    /// The name used in JSON output and test vectors.
    public var name: String { staticName?.description ?? "reserved-\(rawValue)" }

    /// ``name`` as the JSON writer takes it, with no String in between; `nil` for a reserved value, whose name
    /// holds the value.
    var staticName: StaticString? {
        switch rawValue {
        case 0: "unknown"
        case 1: "isdn"
        case 3: "data"
        case 4: "telex"
        case 5: "sc-specific-5"
        case 6: "sc-specific-6"
        case 8: "national"
        case 9: "private"
        case 10: "ermes"
        default: nil
        }
    }
}
