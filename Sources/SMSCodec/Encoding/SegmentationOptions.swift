/// How ``Segmenter`` may encode and split a text.
public struct SegmentationOptions: Sendable, Hashable {
    /// The width of the concatenation reference (TS 23.040 §9.2.3.24.1 / §9.2.3.24.8).
    public enum ReferenceBits: Int, Sendable, Hashable, CaseIterable, Codable {
        /// IEI 0x00: 5 octets of header element, 6 with the UDHL octet; 153 septets, 67 UCS-2 units or 134 octets
        /// per part.
        case eight = 8
        /// IEI 0x08: 6 octets of header element, 7 with the UDHL octet; one septet, unit or octet less per part.
        case sixteen = 16

        /// Octets of the concatenation element, IEI and length included.
        public var elementOctets: Int {
            switch self {
            case .eight: SegmentLimits.concatenation8BitElementOctets
            case .sixteen: SegmentLimits.concatenation16BitElementOctets
            }
        }
    }

    /// Which national language tables (TS 23.038 Annex A) the encoder may use besides the default alphabet.
    ///
    /// A message that uses them carries a shift element per table in every part, which costs capacity; receivers
    /// that do not support a table fall back to the default alphabet. Hence they are off unless configured.
    public enum NationalLanguages: Sendable, Hashable {
        /// Only the GSM 7-bit default alphabet and its extension table (the default).
        case none
        /// Every locking × single shift pair of all thirteen languages.
        case auto
        /// Every locking × single shift pair of these languages (plus the default tables).
        case languages([NationalLanguage])

        /// The enabled languages in identifier order, without duplicates.
        public var enabled: [NationalLanguage] {
            switch self {
            case .none: []
            case .auto: NationalLanguage.allCases
            case .languages(let list): NationalLanguage.allCases.filter(list.contains)
            }
        }
    }

    /// The concatenation reference width; 8 bits unless the caller asks for 16.
    public var referenceBits: ReferenceBits
    /// National language tables the encoder may choose.
    public var nationalLanguages: NationalLanguages
    /// Octets of further information elements (IEI and length included, UDHL excluded) that the caller will put in
    /// every part's header, e.g. 4 for 8-bit or 6 for 16-bit application port addressing (TS 23.040 §9.2.3.24.3/4).
    /// Must be in `0...` ``maxExtraHeaderOctets``.
    public var extraHeaderOctets: Int
    /// Use UCS-2 even when a GSM 7-bit table pair could encode the text.
    public var forceUCS2: Bool

    /// The largest ``extraHeaderOctets``: the UDHL octet and the extras must leave room in the 140 octets.
    public static let maxExtraHeaderOctets = SegmentLimits.maxUserDataOctets - SegmentLimits.headerLengthOctets

    /// Creates options; every parameter has the usual default.
    public init(
        referenceBits: ReferenceBits = .eight,
        nationalLanguages: NationalLanguages = .none,
        extraHeaderOctets: Int = 0,
        forceUCS2: Bool = false
    ) {
        self.referenceBits = referenceBits
        self.nationalLanguages = nationalLanguages
        self.extraHeaderOctets = extraHeaderOctets
        self.forceUCS2 = forceUCS2
    }
}
