/// An address field: TP-OA/TP-DA/TP-RA (TS 23.040 §9.1.2.5) or the SMSC address of the PDU-mode prefix
/// (TS 27.005 §3.1, coded like the RP address of TS 24.011 §8.2.5.2).
///
/// Layout: `Address-Length | Type-of-Address | Address-Value`. In a TP address the length counts the useful
/// semi-octets of the value (for alphanumeric addresses: the semi-octets the packed septets occupy); in the SMSC
/// prefix it counts octets including the Type-of-Address. The value holds BCD digits, low nibble first, 0xF filling
/// an odd count; or, for TON alphanumeric, GSM 7-bit packed text (TS 23.038 §6.1.2.1.1).
///
/// The raw length octet and value octets are kept, so that serialization is the exact inverse of parsing even for
/// non-canonical inputs (a filler other than 0xF, padding bits in an alphanumeric value, a clear bit 7 in the TOA).
public struct SMSAddress: Hashable, Sendable {
    /// The most semi-octets a TP address carries: the full field is at most 12 octets (TS 23.040 §9.1.2.5).
    public static let maximumSemiOctets = 20
    /// The most octets (Type-of-Address included) the SMSC prefix carries (TS 24.011 §8.2.5.2: up to 20 digits).
    public static let maximumSMSCOctets = 11

    /// How the length octet counts.
    public enum Kind: Hashable, Sendable {
        /// TP-OA/TP-DA/TP-RA: semi-octets of the value.
        case transport
        /// SMSC prefix of PDU mode: octets including the Type-of-Address.
        case serviceCentre
    }

    /// Which kind of field this is.
    public let kind: Kind
    /// The Type-of-Address octet; `nil` only for an SMSC prefix of length 0 (`00`, "use the stored SMSC").
    public let typeOfAddress: TypeOfAddress?
    /// The address-length octet as it was on the wire.
    public let lengthField: UInt8
    /// The Address-Value octets as they were on the wire.
    public var valueOctets: ArraySlice<UInt8> { value.withOctets { Array($0)[...] } }

    /// The Address-Value octets, kept inline: at most 10 (20 semi-octets in a TP address, 11 octets with the
    /// Type-of-Address in the SMSC prefix), so an address holds no reference to the decoded input that every copy
    /// of a decoded PDU would retain and release.
    private let value: AddressValue

    // MARK: - Derived view

    /// The digits (or, for alphanumeric addresses, the text) without any "+", as the value carries them.
    /// BCD 0xA…0xE are rendered `*`, `#`, `a`, `b`, `c` (TS 23.040 §9.1.2.3); an 0xF nibble ends the digits.
    public var digits: String { text(withPlus: false) }

    /// The number as shown to people: a leading "+" for TON international; the decoded text for alphanumeric
    /// senders; `nil` when the Type-of-Address is malformed (bit 7 clear), so that nobody trusts it.
    public var number: String? {
        guard let typeOfAddress else { return "" }
        guard typeOfAddress.isWellFormed else { return nil }
        return text(withPlus: typeOfAddress.typeOfNumber == .international)
    }

    /// ``digits``, after a "+" when `withPlus` and there is at least one digit.
    private func text(withPlus: Bool) -> String {
        guard let typeOfAddress else { return "" }
        if typeOfAddress.isWellFormed, typeOfAddress.typeOfNumber == .alphanumeric {
            let septetCount: Int
            switch kind {
            case .transport: septetCount = Int(lengthField) * 4 / 7
            case .serviceCentre: septetCount = value.count * 8 / 7
            }
            // The value always holds these septets: the length field counts at most the semi-octets read.
            return value.withOctets { TextDecoding.gsm7Default($0, count: septetCount, fillBits: 0) }
        }
        return String(unsafeUninitializedCapacity: bcdDigitCount + 1) { writeBCDDigits(withPlus: withPlus, into: $0) }
    }

    /// The BCD semi-octets the value holds (fewer are digits when an 0xF nibble ends them early).
    var bcdDigitCount: Int {
        switch kind {
        case .transport: min(Int(lengthField), value.count * 2)
        case .serviceCentre: value.count * 2
        }
    }

    /// Writes the BCD digits as ASCII into `buffer` (room for ``bcdDigitCount`` + 1), after a "+" when `withPlus`
    /// and there is at least one digit; returns the count. Every decoded PDU's JSON holds two of these, written
    /// straight into the output (or a String's storage) rather than appended scalar by scalar.
    func writeBCDDigits(withPlus: Bool, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = bcdDigitCount
        var written = withPlus ? 1 : 0
        value.withOctets { octets in
            let characters = Self.bcdCharacters.utf8Start
            for index in 0..<count {
                let octet = octets[index >> 1]
                let nibble = index & 1 == 0 ? octet & 0x0F : octet >> 4
                guard nibble != 0x0F else { break }
                buffer[written] = characters[Int(nibble)]
                written += 1
            }
        }
        if withPlus {
            // No "+" before an empty number.
            guard written > 1 else { return 0 }
            buffer[0] = UInt8(ascii: "+")
        }
        return written
    }

    /// True for an SMSC prefix of length 0 or an address with no digits.
    public var isEmpty: Bool { value.count == 0 }

    /// ASCII of the BCD nibbles 0x0…0xE (0xF ends the digits).
    private static let bcdCharacters: StaticString = "0123456789*#abc"

    private static func bcdNibble(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "0"..."9": UInt8(scalar.value - 0x30)
        case "*": 0x0A
        case "#": 0x0B
        case "a", "A": 0x0C
        case "b", "B": 0x0D
        case "c", "C": 0x0E
        default: nil
        }
    }

    // MARK: - Building

    /// An address from a dialable number: "+" followed by digits gives TON international/ISDN (0x91); digits alone
    /// give TON unknown/ISDN (0x81), as phones send them. `*`, `#`, `a`, `b`, `c` are allowed (BCD 0xA…0xE).
    /// - Throws: ``PDUError`` `.invalidValue` for any other character, or more than 20 digits.
    public init(number: String, kind: Kind = .transport) throws(PDUError) {
        var text = Substring(number)
        var toa = TypeOfAddress.unknown
        if text.first == "+" {
            toa = .international
            text = text.dropFirst()
        }
        try self.init(digits: String(text), typeOfAddress: toa, kind: kind)
    }

    /// An address from digits and an explicit Type-of-Address.
    /// - Throws: ``PDUError`` `.invalidValue` for a character with no BCD code, or more than 20 digits.
    public init(digits: String, typeOfAddress: TypeOfAddress, kind: Kind = .transport) throws(PDUError) {
        var nibbles: [UInt8] = []
        for (index, character) in digits.unicodeScalars.enumerated() {
            guard let nibble = Self.bcdNibble(character) else {
                throw PDUError(.invalidValue, offset: index, reason: "'\(character)' is not a digit of an address")
            }
            nibbles.append(nibble)
        }
        guard nibbles.count <= Self.maximumSemiOctets else {
            throw PDUError(
                .invalidValue,
                offset: 0,
                reason: "\(nibbles.count) digits exceed the \(Self.maximumSemiOctets) an address holds"
            )
        }
        var octets = [UInt8]()
        octets.reserveCapacity((nibbles.count + 1) / 2)
        var index = 0
        while index < nibbles.count {
            let low = nibbles[index]
            let high = index + 1 < nibbles.count ? nibbles[index + 1] : 0x0F
            octets.append(high << 4 | low)
            index += 2
        }
        self.kind = kind
        self.typeOfAddress = typeOfAddress
        self.value = octets.withUnsafeBufferPointer(AddressValue.init)
        switch kind {
        case .transport: self.lengthField = UInt8(nibbles.count)
        case .serviceCentre: self.lengthField = UInt8(octets.count + 1)
        }
    }

    /// An alphanumeric TP address (TON alphanumeric, 0xD0): GSM 7-bit default alphabet, packed.
    /// - Throws: ``PDUError`` `.invalidValue` when the text has no GSM 7-bit code or exceeds 11 septets.
    public init(alphanumeric text: String) throws(PDUError) {
        let septets: [UInt8]
        do {
            septets = try GSM7Alphabet.default.encode(text)
        } catch {
            throw PDUError(.invalidValue, offset: error.scalarOffset, reason: error.description)
        }
        let semiOctets = (septets.count * 7 + 3) / 4
        guard semiOctets <= Self.maximumSemiOctets else {
            throw PDUError(.invalidValue, offset: 0, reason: "alphanumeric address longer than 11 septets")
        }
        self.kind = .transport
        self.typeOfAddress = .alphanumeric
        self.lengthField = UInt8(semiOctets)
        self.value = SeptetPacking.pack(septets).withUnsafeBufferPointer(AddressValue.init)
    }

    /// The SMSC prefix `00`: no address, the modem uses the stored service centre (AT+CSCA).
    public static let emptyServiceCentre = SMSAddress(
        kind: .serviceCentre,
        typeOfAddress: nil,
        lengthField: 0,
        value: AddressValue()
    )

    private init(kind: Kind, typeOfAddress: TypeOfAddress?, lengthField: UInt8, value: AddressValue) {
        self.kind = kind
        self.typeOfAddress = typeOfAddress
        self.lengthField = lengthField
        self.value = value
    }

    // MARK: - Wire format

    /// Parses an address field at the cursor.
    /// - Throws: ``PDUError`` `.lengthOutOfRange` for a length beyond the bounds above, `.truncated` when the
    ///   value is cut short.
    init(decoding cursor: inout PDUCursor, kind: Kind, field: StaticString) throws(PDUError) {
        let lengthOffset = cursor.offset
        let length = try cursor.readByte(field)
        self.kind = kind
        self.lengthField = length
        switch kind {
        case .transport:
            guard length <= Self.maximumSemiOctets else {
                throw PDUError(
                    .lengthOutOfRange,
                    offset: lengthOffset,
                    reason: "\(field) length \(length) exceeds \(Self.maximumSemiOctets) semi-octets"
                )
            }
            self.typeOfAddress = TypeOfAddress(rawValue: try cursor.readByte(field))
            self.value = try cursor.readBytes((Int(length) + 1) / 2, field, AddressValue.init)
        case .serviceCentre:
            guard length <= Self.maximumSMSCOctets else {
                throw PDUError(
                    .lengthOutOfRange,
                    offset: lengthOffset,
                    reason: "SMSC length \(length) exceeds \(Self.maximumSMSCOctets) octets"
                )
            }
            if length == 0 {
                self.typeOfAddress = nil
                self.value = AddressValue()
            } else {
                self.typeOfAddress = TypeOfAddress(rawValue: try cursor.readByte(field))
                self.value = try cursor.readBytes(Int(length) - 1, field, AddressValue.init)
            }
        }
    }

    /// The octets ``encode(into:)`` appends.
    var encodedCount: Int { 1 + (typeOfAddress == nil ? 0 : 1) + value.count }

    /// Appends the field exactly as parsed or built.
    func encode(into out: inout [UInt8]) {
        out.append(lengthField)
        if let typeOfAddress { out.append(typeOfAddress.rawValue) }
        value.withOctets { out.append(contentsOf: $0) }
    }
}

/// Up to 16 octets stored in the value itself (the octets after `count` are zero, so equal values are equal
/// words).
private struct AddressValue: Hashable, Sendable {
    private var words: (UInt64, UInt64) = (0, 0)
    private(set) var count = 0

    init() {}

    init(_ octets: UnsafeBufferPointer<UInt8>) {
        precondition(octets.count <= 16, "an address value holds at most 16 octets")
        count = octets.count
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(octets)) }
    }

    func withOctets<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: words) { raw in
            try raw.withMemoryRebound(to: UInt8.self) { try body(UnsafeBufferPointer(rebasing: $0[..<count])) }
        }
    }

    static func == (lhs: AddressValue, rhs: AddressValue) -> Bool {
        lhs.count == rhs.count && lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}
