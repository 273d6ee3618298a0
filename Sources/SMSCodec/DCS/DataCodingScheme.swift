/// TP-Data-Coding-Scheme (TS 23.038 §4): how the user data is coded, its message class, and message-waiting
/// indications. Decode and encode live here: the raw octet is the value, the accessors interpret it.
///
/// Coding groups (bits 7…4):
/// - `00xx` general data coding: bit 5 compressed, bit 4 "bits 1…0 are a class", bits 3…2 alphabet
///   (00 GSM 7-bit, 01 8-bit, 10 UCS-2, 11 reserved), bits 1…0 class;
/// - `01xx` the same, message marked for automatic deletion;
/// - `1000…1011` reserved coding groups;
/// - `1100` message waiting, discard message (GSM 7-bit); `1101` message waiting, store (GSM 7-bit);
///   `1110` message waiting, store (UCS-2): bit 3 indication active, bits 1…0 indication type;
/// - `1111` data coding/message class: bit 2 alphabet (0 GSM 7-bit, 1 8-bit), bits 1…0 class; bit 3 reserved.
public struct DataCodingScheme: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00: GSM 7-bit default alphabet, no class.
    public static let gsm7 = DataCodingScheme(rawValue: 0x00)
    /// 0x04: 8-bit data, no class.
    public static let eightBit = DataCodingScheme(rawValue: 0x04)
    /// 0x08: UCS-2, no class.
    public static let ucs2 = DataCodingScheme(rawValue: 0x08)

    /// A general-data-coding DCS for an alphabet and optional class (group 00xx, uncompressed).
    public init(alphabet: SMSAlphabet, messageClass: MessageClass? = nil) {
        var raw: UInt8
        switch alphabet {
        case .gsm7: raw = 0x00
        case .eightBit: raw = 0x04
        case .ucs2: raw = 0x08
        }
        if let messageClass { raw |= 0x10 | messageClass.rawValue }
        self.rawValue = raw
    }

    /// The coding group.
    public enum Group: Hashable, Sendable {
        /// 00xx.
        case generalDataCoding
        /// 01xx: general data coding, message marked for automatic deletion.
        case automaticDeletion
        /// 1100, 1101, 1110.
        case messageWaiting(MessageWaiting.Storage)
        /// 1111.
        case dataCodingMessageClass
        /// 1000…1011.
        case reserved

        /// The name used in JSON output and test vectors (`dcs_group`).
        public var name: String { staticName.description }

        /// ``name`` as the JSON writer takes it, with no String in between.
        var staticName: StaticString {
            switch self {
            case .generalDataCoding: "general-data-coding"
            case .automaticDeletion: "auto-deletion"
            case .messageWaiting(.discard): "message-waiting-discard"
            case .messageWaiting(.store): "message-waiting-store"
            case .messageWaiting(.storeUCS2): "message-waiting-store-ucs2"
            case .dataCodingMessageClass: "data-coding-message-class"
            case .reserved: "reserved"
            }
        }
    }

    /// The coding group of this DCS.
    public var group: Group {
        switch rawValue >> 4 {
        case 0x0...0x3: .generalDataCoding
        case 0x4...0x7: .automaticDeletion
        case 0xC: .messageWaiting(.discard)
        case 0xD: .messageWaiting(.store)
        case 0xE: .messageWaiting(.storeUCS2)
        case 0xF: .dataCodingMessageClass
        default: .reserved
        }
    }

    /// How the user data is to be read.
    public enum Coding: Hashable, Sendable {
        /// A supported alphabet.
        case alphabet(SMSAlphabet)
        /// Compressed (TS 23.042), with the alphabet of the uncompressed text; not supported.
        case compressed(SMSAlphabet?)
        /// Alphabet bits 11 in groups 00xx/01xx.
        case reservedAlphabet
        /// Coding groups 1000…1011.
        case reservedGroup
    }

    /// The coding of the user data.
    public var coding: Coding {
        switch group {
        case .generalDataCoding, .automaticDeletion:
            let alphabet: SMSAlphabet? =
                switch (rawValue >> 2) & 0x03 {
                case 0: .gsm7
                case 1: .eightBit
                case 2: .ucs2
                default: nil
                }
            if rawValue & 0x20 != 0 { return .compressed(alphabet) }
            guard let alphabet else { return .reservedAlphabet }
            return .alphabet(alphabet)
        case .messageWaiting(.storeUCS2): return .alphabet(.ucs2)
        case .messageWaiting: return .alphabet(.gsm7)
        case .dataCodingMessageClass: return .alphabet(rawValue & 0x04 != 0 ? .eightBit : .gsm7)
        case .reserved: return .reservedGroup
        }
    }

    /// The alphabet, or `nil` when the data is compressed or the coding reserved.
    public var alphabet: SMSAlphabet? {
        if case .alphabet(let alphabet) = coding { return alphabet }
        return nil
    }

    /// Whether TP-UDL counts septets (TS 23.040 §9.2.3.16): for uncompressed GSM 7-bit data, and for reserved
    /// codings, which TS 23.038 §4 says a receiver shall assume to be the GSM 7-bit default alphabet. Compressed
    /// data is always counted in octets.
    public var userDataLengthCountsSeptets: Bool {
        switch coding {
        case .alphabet(.gsm7), .reservedAlphabet, .reservedGroup: true
        case .alphabet, .compressed: false
        }
    }

    /// True when bit 5 of a general-data-coding DCS says the text is compressed.
    public var isCompressed: Bool {
        if case .compressed = coding { return true }
        return false
    }

    /// The message class, if the DCS gives one (groups 00xx/01xx with bit 4 set, and 1111).
    public var messageClass: MessageClass? {
        switch group {
        case .generalDataCoding, .automaticDeletion:
            rawValue & 0x10 != 0 ? MessageClass(rawValue: rawValue & 0x03) : nil
        case .dataCodingMessageClass: MessageClass(rawValue: rawValue & 0x03)
        default: nil
        }
    }

    /// The message-waiting indication of groups 1100…1110.
    public var messageWaiting: MessageWaiting? {
        guard case .messageWaiting(let storage) = group else { return nil }
        return MessageWaiting(
            storage: storage,
            isActive: rawValue & 0x08 != 0,
            kind: MessageWaiting.Kind(rawValue: rawValue & 0x03) ?? .other
        )
    }
}

/// The three alphabets of TS 23.038.
public enum SMSAlphabet: String, Hashable, Sendable, Codable, CaseIterable {
    /// GSM 7-bit default alphabet (possibly with national language shift tables).
    case gsm7
    /// 8-bit data.
    case eightBit = "8bit"
    /// UCS-2 (read as UTF-16BE, so surrogate pairs are honoured).
    case ucs2
}

/// Message class (TS 23.038 §4): 0 flash, 1 ME-specific, 2 SIM-specific, 3 TE-specific.
public enum MessageClass: UInt8, Hashable, Sendable, Codable, CaseIterable {
    case class0 = 0
    case class1 = 1
    case class2 = 2
    case class3 = 3
}

/// A message-waiting indication carried in the DCS (TS 23.038 §4, groups 1100…1110).
public struct MessageWaiting: Hashable, Sendable {
    /// What the ME does with the message itself.
    public enum Storage: Hashable, Sendable {
        /// 1100: the ME may discard the message after updating the indicator.
        case discard
        /// 1101: store, GSM 7-bit.
        case store
        /// 1110: store, UCS-2.
        case storeUCS2
    }

    /// Indication type, bits 1…0.
    public enum Kind: UInt8, Hashable, Sendable {
        case voicemail = 0
        case fax = 1
        case email = 2
        case other = 3
    }

    public var storage: Storage
    /// Bit 3: set the indication active (true) or inactive.
    public var isActive: Bool
    public var kind: Kind
}
