/// The user data header (TS 23.040 §9.2.3.24): `UDHL | IEI | IEDL | IED | IEI | IEDL | IED | …`.
///
/// Every information element is kept raw, in order, so that unknown and repeated elements re-serialize byte for
/// byte; the typed accessors (``concatenation``, ``ports``, ``nationalLanguageSingleShift``, …) interpret them.
/// Where an element is repeated, the last occurrence wins (§9.2.3.24: "the last occurrence of the IE shall be
/// used").
public struct UserDataHeader: Hashable, Sendable {
    /// The most octets a header can have: it must fit in 140 octets of user data together with its length octet.
    public static let maximumLength = 139

    /// The elements in wire order.
    public var elements: [InformationElement]

    /// A header with the given elements.
    public init(elements: [InformationElement] = []) { self.elements = elements }

    /// TP-UDHL: the octets of all elements.
    public var length: Int { elements.reduce(0) { $0 + 2 + $1.data.count } }
    /// The header on the wire including its length octet (what the user data loses to it).
    public var encodedLength: Int { 1 + length }

    // MARK: - Typed views

    /// The last concatenation element (IEI 00 or 08), if any.
    public var concatenation: Concatenation? {
        for element in elements.reversed() {
            if let concat = Concatenation(element) { return concat }
        }
        return nil
    }

    /// The last application port element (IEI 04 or 05), if any.
    public var ports: ApplicationPorts? {
        for element in elements.reversed() {
            if let ports = ApplicationPorts(element) { return ports }
        }
        return nil
    }

    /// IEI 0x24 (national language single shift, TS 23.040 §9.2.3.24.15): the language code, if present.
    public var nationalLanguageSingleShift: UInt8? {
        elements.last { $0.identifier == InformationElement.Identifier.nationalSingleShift && $0.data.count == 1 }?
            .data.first
    }

    /// IEI 0x25 (national language locking shift, §9.2.3.24.16): the language code, if present.
    public var nationalLanguageLockingShift: UInt8? {
        elements.last { $0.identifier == InformationElement.Identifier.nationalLockingShift && $0.data.count == 1 }?
            .data.first
    }

    /// IEI 01 (special SMS message indication, §9.2.3.24.2), if present.
    public var specialMessageIndication: SpecialMessageIndication? {
        guard let element = elements.last(where: { $0.identifier == InformationElement.Identifier.specialSMS }),
            element.data.count == 2
        else { return nil }
        return SpecialMessageIndication(octet: element.data[0], count: element.data[1])
    }

    // MARK: - Wire format

    /// Parses a header from the user data octets `userData` (which start with TP-UDHL).
    /// - Parameter baseOffset: the offset of `userData`'s first octet in the whole PDU, for error positions.
    /// - Throws: ``PDUError`` `.headerExceedsUserData` when TP-UDHL runs past the user data,
    ///   `.malformedInformationElement` when an element runs past the header.
    init(decoding userData: ArraySlice<UInt8>, baseOffset: Int) throws(PDUError) {
        guard let udhl = userData.first else {
            throw PDUError(
                .headerExceedsUserData,
                offset: baseOffset,
                reason: "TP-UDHI is set but the user data is empty"
            )
        }
        guard Int(udhl) + 1 <= userData.count else {
            throw PDUError(
                .headerExceedsUserData,
                offset: baseOffset,
                reason: "TP-UDHL \(udhl) + 1 exceeds the \(userData.count) octets of user data"
            )
        }
        var cursor = PDUCursor(userData.dropFirst().prefix(Int(udhl)))
        var elements: [InformationElement] = []
        while !cursor.isAtEnd {
            let start = cursor.offset
            let identifier = try cursor.readByte("IEI")
            guard let length = cursor.peekByte() else {
                throw PDUError(
                    .malformedInformationElement,
                    offset: baseOffset + 1 + start,
                    reason: "IE 0x\(PDUHex.encode([identifier])) has no length octet"
                )
            }
            _ = try cursor.readByte("IEDL")
            guard Int(length) <= cursor.remaining else {
                throw PDUError(
                    .malformedInformationElement,
                    offset: baseOffset + 1 + start,
                    reason: "IE 0x\(PDUHex.encode([identifier])) length \(length) exceeds the \(cursor.remaining) "
                        + "octets left in the header"
                )
            }
            elements.append(
                InformationElement(identifier: identifier, data: Array(try cursor.readBytes(Int(length), "IED")))
            )
        }
        self.elements = elements
    }

    /// Appends TP-UDHL and the elements.
    func encode(into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: length))
        for element in elements {
            out.append(element.identifier)
            out.append(UInt8(truncatingIfNeeded: element.data.count))
            out.append(contentsOf: element.data)
        }
    }
}

/// One information element of a user data header: identifier and data, kept verbatim.
public struct InformationElement: Hashable, Sendable, Codable {
    /// IEI values this codec interprets (TS 23.040 §9.2.3.24).
    public enum Identifier {
        public static let concatenated8Bit: UInt8 = 0x00
        public static let specialSMS: UInt8 = 0x01
        public static let ports8Bit: UInt8 = 0x04
        public static let ports16Bit: UInt8 = 0x05
        public static let concatenated16Bit: UInt8 = 0x08
        /// EMS text formatting (§9.2.3.24.10.1.1).
        public static let emsTextFormatting: UInt8 = 0x0A
        public static let nationalSingleShift: UInt8 = 0x24
        public static let nationalLockingShift: UInt8 = 0x25
    }

    /// IEI.
    public var identifier: UInt8
    /// IED (at most 137 octets: the header must fit in the user data).
    public var data: [UInt8]

    public init(identifier: UInt8, data: [UInt8]) {
        self.identifier = identifier
        self.data = data
    }
}

/// Concatenated short message (IEI 00, 8-bit reference, §9.2.3.24.1; IEI 08, 16-bit reference, §9.2.3.24.8).
public struct Concatenation: Hashable, Sendable, Codable {
    /// The reference shared by all parts.
    public var reference: UInt16
    /// 8 or 16.
    public var referenceBits: Int
    /// Maximum number of parts (1…255; 0 is invalid).
    public var total: UInt8
    /// This part's sequence number (1…total; 0 is invalid).
    public var sequence: UInt8

    public init(reference: UInt16, referenceBits: Int, total: UInt8, sequence: UInt8) {
        self.reference = reference
        self.referenceBits = referenceBits
        self.total = total
        self.sequence = sequence
    }

    init?(_ element: InformationElement) {
        switch (element.identifier, element.data.count) {
        case (InformationElement.Identifier.concatenated8Bit, 3):
            self.init(
                reference: UInt16(element.data[0]),
                referenceBits: 8,
                total: element.data[1],
                sequence: element.data[2]
            )
        case (InformationElement.Identifier.concatenated16Bit, 4):
            self.init(
                reference: UInt16(element.data[0]) << 8 | UInt16(element.data[1]),
                referenceBits: 16,
                total: element.data[2],
                sequence: element.data[3]
            )
        default:
            return nil
        }
    }

    /// Why the values cannot describe a real part, or `nil` when they can. TS 23.040 §9.2.3.24.1 says a receiver
    /// shall ignore the element when the total is 0 or the sequence is 0 or greater than the total.
    public var problem: Problem? {
        if total == 0 { return .zeroTotal }
        if sequence == 0 { return .zeroSequence }
        if sequence > total { return .sequenceBeyondTotal }
        return nil
    }

    /// Invalid combinations of a concatenation element.
    public enum Problem: String, Hashable, Sendable, Codable {
        case zeroTotal = "total-is-zero"
        case zeroSequence = "sequence-is-zero"
        case sequenceBeyondTotal = "sequence-beyond-total"
    }

    /// The element encoding this value.
    public var element: InformationElement {
        if referenceBits == 16 {
            return InformationElement(
                identifier: InformationElement.Identifier.concatenated16Bit,
                data: [UInt8(reference >> 8), UInt8(truncatingIfNeeded: reference), total, sequence]
            )
        }
        return InformationElement(
            identifier: InformationElement.Identifier.concatenated8Bit,
            data: [UInt8(truncatingIfNeeded: reference), total, sequence]
        )
    }
}

/// Application port addressing (IEI 04, 8-bit ports, §9.2.3.24.3; IEI 05, 16-bit ports, §9.2.3.24.4).
/// WAP push goes to port 2948 (WDP, OMA WAP-259).
public struct ApplicationPorts: Hashable, Sendable, Codable {
    public var destination: UInt16
    public var source: UInt16
    /// 8 or 16.
    public var bits: Int

    public init(destination: UInt16, source: UInt16, bits: Int) {
        self.destination = destination
        self.source = source
        self.bits = bits
    }

    init?(_ element: InformationElement) {
        let d = element.data
        switch (element.identifier, d.count) {
        case (InformationElement.Identifier.ports8Bit, 2):
            self.init(destination: UInt16(d[0]), source: UInt16(d[1]), bits: 8)
        case (InformationElement.Identifier.ports16Bit, 4):
            self.init(destination: UInt16(d[0]) << 8 | UInt16(d[1]), source: UInt16(d[2]) << 8 | UInt16(d[3]), bits: 16)
        default:
            return nil
        }
    }

    /// The element encoding this value.
    public var element: InformationElement {
        if bits == 8 {
            return InformationElement(
                identifier: InformationElement.Identifier.ports8Bit,
                data: [UInt8(truncatingIfNeeded: destination), UInt8(truncatingIfNeeded: source)]
            )
        }
        return InformationElement(
            identifier: InformationElement.Identifier.ports16Bit,
            data: [
                UInt8(destination >> 8), UInt8(truncatingIfNeeded: destination), UInt8(source >> 8),
                UInt8(truncatingIfNeeded: source),
            ]
        )
    }
}

/// Special SMS message indication (IEI 01, §9.2.3.24.2): voicemail/fax/e-mail/other waiting, with a count.
public struct SpecialMessageIndication: Hashable, Sendable {
    /// Bit 7: store the message (true) or discard it after updating the indication.
    public var store: Bool
    /// Bits 1…0: 0 voicemail, 1 fax, 2 e-mail, 3 other (bits 6…2 extended types, kept in `rawType`).
    public var kind: MessageWaiting.Kind
    /// Bits 6…0 as sent.
    public var rawType: UInt8
    /// Number of messages waiting (0…255).
    public var count: UInt8

    init(octet: UInt8, count: UInt8) {
        self.store = octet & 0x80 != 0
        self.rawType = octet & 0x7F
        self.kind = MessageWaiting.Kind(rawValue: octet & 0x03) ?? .other
        self.count = count
    }
}
