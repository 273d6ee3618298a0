/// A national language of the GSM 7-bit alphabet (3GPP TS 23.038 §6.2.1.2.4, Annex A).
///
/// The raw value is the National Language Identifier carried in the National Language Single Shift (IEI 0x24) and
/// Locking Shift (IEI 0x25) information elements of the user data header (TS 23.040 §9.2.3.24.15, §9.2.3.24.16).
/// Identifiers 0 (the default alphabet) and 14...255 (reserved) have no case: a receiver that meets them uses the
/// default tables, as TS 23.038 §6.2.1.2.4 requires for unsupported identifiers.
public enum NationalLanguage: UInt8, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case turkish = 1
    case spanish = 2
    case portuguese = 3
    case bengali = 4
    case gujarati = 5
    case hindi = 6
    case kannada = 7
    case malayalam = 8
    case oriya = 9
    case punjabi = 10
    case tamil = 11
    case telugu = 12
    case urdu = 13

    /// Whether TS 23.038 Annex A.3 defines a locking shift table for the language.
    ///
    /// Spanish has only a single shift table (§A.3.2 is void); every other language has both.
    public var hasLockingShiftTable: Bool { self != .spanish }

    /// The lower-case English name of the language, as used on the command line (`--national hindi`).
    public var description: String {
        switch self {
        case .turkish: "turkish"
        case .spanish: "spanish"
        case .portuguese: "portuguese"
        case .bengali: "bengali"
        case .gujarati: "gujarati"
        case .hindi: "hindi"
        case .kannada: "kannada"
        case .malayalam: "malayalam"
        case .oriya: "oriya"
        case .punjabi: "punjabi"
        case .tamil: "tamil"
        case .telugu: "telugu"
        case .urdu: "urdu"
        }
    }

    /// Looks a language up by its ``description`` (case-insensitive), e.g. for a `--national LANG` option.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let language = Self.allCases.first(where: { $0.description == lowered }) else { return nil }
        self = language
    }
}
