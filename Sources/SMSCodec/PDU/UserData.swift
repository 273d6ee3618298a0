/// TP-User-Data-Length and TP-User-Data (TS 23.040 §9.2.3.16, §9.2.3.24), with the optional user data header.
///
/// TP-UDL counts septets when the DCS says GSM 7-bit (header septets and ESC septets included) and octets
/// otherwise. With a header, GSM 7-bit text starts on the next septet boundary after it: `fillBits` zero bits
/// follow the header (§9.2.3.24). The octets are kept exactly as received, so re-serialization is exact even for
/// non-zero fill or padding bits; ``header`` and ``content`` are the decoded views.
public struct UserData: Hashable, Sendable {
    /// The most octets TP-UD can hold (TS 23.040 §9.2.3.24).
    public static let maximumOctets = 140
    /// The most septets TP-UD can hold: 140 octets × 8 / 7.
    public static let maximumSeptets = 160

    /// TP-UDL as on the wire.
    public let length: UInt8
    /// TP-UD as on the wire, header included. A slice of the decoded input (no copy).
    public let octets: ArraySlice<UInt8>
    /// The decoded header when TP-UDHI is set.
    public let header: UserDataHeader?
    /// The message body after the header.
    public let content: UserDataContent
    /// Fill bits between the header and GSM 7-bit text (0…6), 0 otherwise.
    public let fillBits: Int
    /// Octets TP-UDL announces that the PDU does not carry (only with
    /// ``PDUDecodingOptions/acceptsTruncatedUserData``; 0 otherwise). The content then holds what is present.
    public let missingOctets: Int

    /// Septets (GSM 7-bit) or octets (otherwise) of the body after the header.
    public let bodyLength: Int

    /// No user data (TP-UDL 0).
    public static let empty = UserData(
        length: 0,
        octets: [],
        header: nil,
        content: .data([]),
        fillBits: 0,
        bodyLength: 0,
        missingOctets: 0
    )

    private init(
        length: UInt8,
        octets: ArraySlice<UInt8>,
        header: UserDataHeader?,
        content: UserDataContent,
        fillBits: Int,
        bodyLength: Int,
        missingOctets: Int
    ) {
        self.missingOctets = missingOctets
        self.length = length
        self.octets = octets
        self.header = header
        self.content = content
        self.fillBits = fillBits
        self.bodyLength = bodyLength
    }

    // MARK: - Decoding

    /// Reads TP-UDL and TP-UD at the cursor.
    /// - Throws: ``PDUError`` `.lengthOutOfRange` when TP-UDL exceeds 160 septets / 140 octets, `.truncated`
    ///   when fewer octets follow than it announces, `.headerExceedsUserData` / `.malformedInformationElement`
    ///   for a header that does not fit.
    init(
        decoding cursor: inout PDUCursor,
        dcs: DataCodingScheme,
        hasHeader: Bool,
        options: PDUDecodingOptions = .strict
    ) throws(PDUError) {
        let udlOffset = cursor.offset
        let udl = try cursor.readByte("TP-UDL")
        let septets = dcs.userDataLengthCountsSeptets
        let octetCount: Int
        if septets {
            guard Int(udl) <= Self.maximumSeptets else {
                throw PDUError(
                    .lengthOutOfRange,
                    offset: udlOffset,
                    reason: "TP-UDL \(udl) septets exceeds \(Self.maximumSeptets)"
                )
            }
            octetCount = (Int(udl) * 7 + 7) / 8
        } else {
            guard Int(udl) <= Self.maximumOctets else {
                throw PDUError(
                    .lengthOutOfRange,
                    offset: udlOffset,
                    reason: "TP-UDL \(udl) octets exceeds \(Self.maximumOctets)"
                )
            }
            octetCount = Int(udl)
        }
        let dataOffset = cursor.offset
        var available = octetCount
        if octetCount > cursor.remaining, options.acceptsTruncatedUserData {
            available = cursor.remaining
        }
        guard available <= cursor.remaining else {
            throw PDUError(
                .truncated,
                offset: dataOffset,
                reason: septets
                    ? "TP-UDL announces \(udl) septets (\(octetCount) octets), \(cursor.remaining) octets follow"
                    : "TP-UDL announces \(udl) octets, \(cursor.remaining) follow"
            )
        }
        let data = try cursor.readBytes(available, "TP-UD")
        try self.init(
            length: udl,
            octets: data,
            dcs: dcs,
            hasHeader: hasHeader,
            baseOffset: dataOffset,
            missingOctets: octetCount - available
        )
    }

    /// Interprets TP-UD octets whose TP-UDL is `length`; `baseOffset` positions errors in the PDU.
    init(
        length: UInt8,
        octets: ArraySlice<UInt8>,
        dcs: DataCodingScheme,
        hasHeader: Bool,
        baseOffset: Int,
        missingOctets: Int = 0
    ) throws(PDUError) {
        // Locals first and the value made at the end (see ``SMSDeliver/init(decoding:options:)``).
        let header = hasHeader ? try UserDataHeader(decoding: octets, baseOffset: baseOffset) : nil
        let headerOctets = header.map { $0.length + 1 } ?? 0
        let body = octets[(octets.startIndex + min(headerOctets, octets.count))...]
        let content: UserDataContent
        let fillBits: Int
        let bodyLength: Int
        if dcs.userDataLengthCountsSeptets {
            let headerSeptets = (headerOctets * 8 + 6) / 7
            guard headerSeptets <= Int(length) else {
                throw PDUError(
                    .headerExceedsUserData,
                    offset: baseOffset,
                    reason: "user data header takes \(headerSeptets) septets, TP-UDL is \(length)"
                )
            }
            let fill = headerSeptets * 7 - headerOctets * 8
            // Normally all TP-UDL septets are present; a truncated PDU (lenient mode) yields those that are.
            let presentSeptets = min(Int(length), octets.count * 8 / 7)
            let count = max(0, presentSeptets - headerSeptets)
            fillBits = fill
            bodyLength = count
            switch dcs.coding {
            case .alphabet:
                if let alphabet = Self.nationalAlphabet(for: header) {
                    let septets = (try? SeptetPacking.unpack(body, count: count, fillBits: fill)) ?? []
                    content = .text(alphabet.decode(septets))
                } else {
                    // The length checks above guarantee 7 × count bits after the fill bits.
                    content = .text(TextDecoding.gsm7Default(body, count: count, fillBits: fill))
                }
            case .reservedAlphabet:
                content = .unsupported(UnsupportedUserData(reason: .reservedAlphabet, octets: Array(body)))
            default:
                content = .unsupported(UnsupportedUserData(reason: .reservedCodingGroup, octets: Array(body)))
            }
        } else {
            fillBits = 0
            bodyLength = body.count
            switch dcs.coding {
            case .alphabet(.ucs2): content = .text(TextDecoding.ucs2(body))
            case .alphabet: content = .data(Array(body))
            default: content = .unsupported(UnsupportedUserData(reason: .compressed, octets: Array(body)))
            }
        }
        self.init(
            length: length,
            octets: octets,
            header: header,
            content: content,
            fillBits: fillBits,
            bodyLength: bodyLength,
            missingOctets: missingOctets
        )
    }

    /// The national GSM 7-bit tables a header selects (IEI 0x24/0x25, TS 23.038 §6.2.1.2.4), or `nil` for the
    /// default tables. Identifiers this codec has no table for (0, 14…255) select the default tables, as
    /// §6.2.1.2.4 requires. `nil` rather than ``GSM7Alphabet/default``: most messages have no national shift, and
    /// they decode through ``TextDecoding`` without copying the default table pair.
    static func nationalAlphabet(for header: UserDataHeader?) -> GSM7Alphabet? {
        guard let header else { return nil }
        let locking = header.nationalLanguageLockingShift.flatMap(NationalLanguage.init(rawValue:))
        let single = header.nationalLanguageSingleShift.flatMap(NationalLanguage.init(rawValue:))
        if locking == nil, single == nil { return nil }
        let alphabet = GSM7Alphabet.make(locking: locking, single: single)
        return alphabet.isDefault ? nil : alphabet
    }

    // MARK: - Building

    /// GSM 7-bit user data: `septets` (unpacked, ESC included) after an optional header, with fill bits.
    /// - Throws: ``PDUError`` `.invalidValue` when header and septets exceed 160 septets.
    public init(header: UserDataHeader?, septets: [UInt8]) throws(PDUError) {
        var out = [UInt8]()
        var headerOctets = 0
        if let header {
            header.encode(into: &out)
            headerOctets = out.count
        }
        let headerSeptets = (headerOctets * 8 + 6) / 7
        let total = headerSeptets + septets.count
        guard total <= Self.maximumSeptets else {
            throw PDUError(.invalidValue, offset: 0, reason: "\(total) septets exceed \(Self.maximumSeptets)")
        }
        out.append(
            contentsOf: SeptetPacking.pack(septets.map { $0 & 0x7F }, fillBits: headerSeptets * 7 - headerOctets * 8)
        )
        try self.init(
            length: UInt8(total),
            octets: out[...],
            dcs: .gsm7,
            hasHeader: header != nil,
            baseOffset: 0
        )
    }

    /// 8-bit or UCS-2 user data: `body` octets after an optional header.
    /// - Throws: ``PDUError`` `.invalidValue` when header and body exceed 140 octets.
    public init(header: UserDataHeader?, octets body: [UInt8], alphabet: SMSAlphabet) throws(PDUError) {
        var out = [UInt8]()
        header?.encode(into: &out)
        out.append(contentsOf: body)
        guard out.count <= Self.maximumOctets else {
            throw PDUError(.invalidValue, offset: 0, reason: "\(out.count) octets exceed \(Self.maximumOctets)")
        }
        try self.init(
            length: UInt8(out.count),
            octets: out[...],
            dcs: alphabet == .ucs2 ? .ucs2 : .eightBit,
            hasHeader: header != nil,
            baseOffset: 0
        )
    }

    /// The octets ``encode(into:)`` appends: TP-UDL and TP-UD.
    var encodedCount: Int { 1 + octets.count }

    func encode(into out: inout [UInt8]) {
        out.append(length)
        out.append(contentsOf: octets)
    }
}

/// The body of a message after its user data header.
public enum UserDataContent: Hashable, Sendable {
    /// GSM 7-bit or UCS-2 text.
    case text(String)
    /// 8-bit data.
    case data([UInt8])
    /// The DCS names a coding this codec does not decode; the raw body is carried so nothing is lost.
    case unsupported(UnsupportedUserData)

    /// The text, if the body is text.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

/// User data whose coding is compressed (TS 23.042) or reserved (TS 23.038 §4).
public struct UnsupportedUserData: Hashable, Sendable {
    /// Why the body was not decoded.
    public enum Reason: String, Hashable, Sendable {
        case compressed
        case reservedAlphabet = "reserved-alphabet"
        case reservedCodingGroup = "reserved-coding-group"
    }

    public var reason: Reason
    /// The body octets after the header, as received (packed septets for codings counted in septets).
    public var octets: [UInt8]
}
