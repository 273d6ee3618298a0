/// A text (or 8-bit data) split into the parts of one short message, ready for the SMS-SUBMIT serializer.
///
/// Every part shares the alphabet and the header layout: the serializer adds, to every part's user data header,
/// the concatenation element when there is more than one part (TS 23.040 §9.2.3.24.1/8), the national language
/// shift elements of ``alphabet`` (IEI 0x25 locking, IEI 0x24 single; TS 23.040 §9.2.3.24.15/16), and the caller's
/// extra elements. ``headerOctets`` is the header length the split assumed, UDHL octet included.
public struct SegmentedText: Sendable, Hashable {
    /// The coding of every part (TS 23.038 §4 data coding scheme alphabets).
    public enum Alphabet: Sendable, Hashable {
        /// GSM 7-bit with the given locking and single shift tables (`nil` = default alphabet / extension table).
        case gsm7(locking: NationalLanguage?, single: NationalLanguage?)
        /// UCS-2 (UTF-16BE with surrogate pairs).
        case ucs2
        /// 8-bit data.
        case eightBit

        /// The GSM 7-bit default alphabet with its extension table.
        public static let gsm7Default = Alphabet.gsm7(locking: nil, single: nil)

        /// The national language shift elements the header of every part must carry, as (IEI, identifier):
        /// locking shift (IEI 0x25) first, then single shift (IEI 0x24). Empty for the default tables, UCS-2 and
        /// 8-bit data.
        public var nationalLanguageElements: [(iei: UInt8, language: NationalLanguage)] {
            guard case .gsm7(let locking, let single) = self else { return [] }
            var elements: [(iei: UInt8, language: NationalLanguage)] = []
            if let locking { elements.append((NationalLanguageShift.lockingShiftIEI, locking)) }
            if let single { elements.append((NationalLanguageShift.singleShiftIEI, single)) }
            return elements
        }

        /// The GSM 7-bit table pair, for `.gsm7`.
        public var gsm7Alphabet: GSM7Alphabet? {
            guard case .gsm7(let locking, let single) = self else { return nil }
            return GSM7Alphabet.make(locking: locking, single: single)
        }
    }

    /// The coding of every part.
    public let alphabet: Alphabet
    /// The parts, in sequence order (sequence number = index + 1).
    public let parts: [TextSegment]
    /// The concatenation reference width the split assumed (it matters only with more than one part).
    public let referenceBits: SegmentationOptions.ReferenceBits
    /// The user data header length (UDHL octet included) of every part that the split assumed; 0 = no header.
    public let headerOctets: Int
    /// The units (septets, UTF-16 code units or octets) each part can carry with ``headerOctets`` of header.
    public let unitsPerPart: Int

    /// Creates a segmented text; ``Segmenter`` is the usual source.
    public init(
        alphabet: Alphabet,
        parts: [TextSegment],
        referenceBits: SegmentationOptions.ReferenceBits,
        headerOctets: Int,
        unitsPerPart: Int
    ) {
        self.alphabet = alphabet
        self.parts = parts
        self.referenceBits = referenceBits
        self.headerOctets = headerOctets
        self.unitsPerPart = unitsPerPart
    }

    /// Whether the message needs a concatenation element (more than one part).
    public var isConcatenated: Bool { parts.count > 1 }

    /// Units of all parts: septets (ESC included), UTF-16 code units, or octets.
    public var totalUnits: Int { parts.reduce(0) { $0 + $1.unitCount } }

    /// Units still free in the last part, e.g. for a "characters left" display. A text that grows past them may
    /// need a different header (concatenation) or alphabet, so segment again rather than extrapolate.
    public var remainingUnits: Int { max(0, unitsPerPart - (parts.last?.unitCount ?? 0)) }

    /// The whole text again (the parts' texts joined).
    public var text: String { parts.map(\.text).joined() }

    /// Fill bits between the header and the septets of every part (0 without a header or for UCS-2/8-bit).
    public var fillBits: Int {
        guard case .gsm7 = alphabet, headerOctets > 0 else { return 0 }
        return SegmentLimits.fillBits(headerOctets: headerOctets)
    }
}

/// One part of a ``SegmentedText``.
public struct TextSegment: Sendable, Hashable {
    /// The part's text (for 8-bit data: empty).
    public let text: String
    /// The part's user data without header: unpacked septets (values 0...127, ESC septets included) for GSM 7-bit,
    /// big-endian UTF-16 octets for UCS-2, the octets themselves for 8-bit data.
    public let units: [UInt8]
    /// Septets, UTF-16 code units, or octets: the TP-UDL contribution of the text (TS 23.040 §9.2.3.16).
    public let unitCount: Int

    /// Creates a segment.
    public init(text: String, units: [UInt8], unitCount: Int) {
        self.text = text
        self.units = units
        self.unitCount = unitCount
    }
}

/// Information element identifiers of the national language shift elements (TS 23.040 §9.2.3.24.15/16).
public enum NationalLanguageShift {
    /// National Language Single Shift (TS 23.040 §9.2.3.24.15).
    public static let singleShiftIEI: UInt8 = 0x24
    /// National Language Locking Shift (TS 23.040 §9.2.3.24.16).
    public static let lockingShiftIEI: UInt8 = 0x25
}
