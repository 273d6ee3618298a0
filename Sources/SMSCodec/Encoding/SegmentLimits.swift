/// Size limits of one short message's user data, and how a user data header eats into them
/// (3GPP TS 23.040 §9.2.3.16, §9.2.3.24; TS 23.038 §6.1.2.1.1).
public enum SegmentLimits {
    /// TP-UD holds at most 140 octets (TS 23.040 §9.2.3.16).
    public static let maxUserDataOctets = 140
    /// 140 octets hold 160 septets.
    public static let maxSeptets = 160
    /// A concatenated message has at most 255 parts: the "maximum number" field is one octet
    /// (TS 23.040 §9.2.3.24.1, §9.2.3.24.8).
    public static let maxSegments = 255
    /// No message carries more scalars than this: every scalar takes at least one septet or UTF-16 unit, and no
    /// part carries more than 160 units. Longer texts are rejected before any table is tried.
    public static let maxScalarsPerMessage = maxSegments * maxSeptets
    /// The UDHL octet that starts every user data header (TS 23.040 §9.2.3.24).
    public static let headerLengthOctets = 1
    /// A concatenation IE with an 8-bit reference: IEI 0x00, length, reference, total, sequence
    /// (TS 23.040 §9.2.3.24.1).
    public static let concatenation8BitElementOctets = 5
    /// A concatenation IE with a 16-bit reference: IEI 0x08, length, reference (2), total, sequence
    /// (TS 23.040 §9.2.3.24.8).
    public static let concatenation16BitElementOctets = 6
    /// A national language single (IEI 0x24) or locking (IEI 0x25) shift IE: IEI, length, identifier
    /// (TS 23.040 §9.2.3.24.15, §9.2.3.24.16).
    public static let nationalShiftElementOctets = 3

    /// Septets left for text after a user data header of `headerOctets` octets (UDHL included; 0 = no header).
    ///
    /// The text starts on a septet boundary, so the header costs `ceil(headerOctets * 8 / 7)` septets, fill bits
    /// included (TS 23.040 §9.2.3.24). Negative when the header does not fit.
    public static func septetCapacity(headerOctets: Int) -> Int {
        maxSeptets - (headerOctets * 8 + 6) / 7
    }

    /// UTF-16 code units left for UCS-2 text after a header of `headerOctets` octets (UDHL included).
    public static func ucs2Capacity(headerOctets: Int) -> Int { (maxUserDataOctets - headerOctets) / 2 }

    /// Octets left for 8-bit data after a header of `headerOctets` octets (UDHL included).
    public static func octetCapacity(headerOctets: Int) -> Int { maxUserDataOctets - headerOctets }

    /// Fill bits between a header of `headerOctets` octets and GSM 7-bit text (0...6, TS 23.040 §9.2.3.24).
    public static func fillBits(headerOctets: Int) -> Int { (7 - (headerOctets * 8) % 7) % 7 }
}
