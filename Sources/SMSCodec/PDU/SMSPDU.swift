/// A PDU as a modem hands it over in PDU mode (TS 27.005 §3.1): an optional SMSC address prefix followed by a
/// TPDU (TS 23.040 §9.2.2). This is the decode entry point:
///
/// ```swift
/// let pdu = try SMSPDU.decode(hex: line, hasSMSC: true)   // +CMGR/+CMGL/+CMT output
/// if case .deliver(let deliver) = pdu.tpdu { … deliver.userData.content … }
/// ```
///
/// Serialization is the exact inverse of parsing: `SMSPDU.decode(bytes, …).encoded() == bytes` for every input
/// that decodes.
public struct SMSPDU: Hashable, Sendable {
    /// The SMSC prefix: `nil` when the input had none (a bare TPDU); ``SMSAddress/emptyServiceCentre`` for `00`.
    public let serviceCentre: SMSAddress?
    /// The transfer-layer PDU.
    public let tpdu: TPDU

    /// A PDU from its parts.
    public init(serviceCentre: SMSAddress?, tpdu: TPDU) {
        self.serviceCentre = serviceCentre
        self.tpdu = tpdu
    }

    /// Decodes hex text (as in `+CMGR`, `+CMGL`, `+CMT`).
    /// - Parameters:
    ///   - hasSMSC: true when the text starts with the SMSC prefix (what modems give in PDU mode); false for a bare
    ///     TPDU.
    /// - Throws: ``PDUError`` for bad hex or a PDU that does not parse; its offset counts octets of the input.
    ///   - options: ``PDUDecodingOptions/strict`` (the default) rejects every PDU whose length fields lie.
    public static func decode(
        hex: some StringProtocol,
        hasSMSC: Bool,
        options: PDUDecodingOptions = .strict
    ) throws(PDUError) -> SMSPDU {
        try decode(PDUHex.decode(hex), hasSMSC: hasSMSC, options: options)
    }

    /// Decodes octets; see ``decode(hex:hasSMSC:)``.
    ///
    /// The TP-MTI is read in the mobile's receive/storage direction: 00 SMS-DELIVER, 01 SMS-SUBMIT (a stored
    /// outgoing message), 10 SMS-STATUS-REPORT, and the reserved 11 as SMS-DELIVER (TS 23.040 §9.2.3.1).
    /// SMS-SUBMIT-REPORT and SMS-DELIVER-REPORT share MTI values with these and are decoded with their own types.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        hasSMSC: Bool,
        options: PDUDecodingOptions = .strict
    ) throws(PDUError) -> SMSPDU {
        try decode(slice: ArraySlice(bytes), hasSMSC: hasSMSC, options: options)
    }

    /// Decodes octets without copying them: the decoded value keeps slices of `bytes`.
    public static func decode(
        _ bytes: ArraySlice<UInt8>,
        hasSMSC: Bool,
        options: PDUDecodingOptions = .strict
    ) throws(PDUError) -> SMSPDU {
        try decode(slice: bytes, hasSMSC: hasSMSC, options: options)
    }

    /// Decodes octets without copying them: the decoded value keeps slices of `bytes`.
    public static func decode(
        _ bytes: [UInt8],
        hasSMSC: Bool,
        options: PDUDecodingOptions = .strict
    ) throws(PDUError) -> SMSPDU {
        try decode(slice: bytes[...], hasSMSC: hasSMSC, options: options)
    }

    private static func decode(
        slice array: ArraySlice<UInt8>,
        hasSMSC: Bool,
        options: PDUDecodingOptions
    ) throws(PDUError) -> SMSPDU {
        guard !array.isEmpty, array.count <= PDUHex.maximumOctets else {
            throw PDUError(
                .invalidPDULength,
                offset: 0,
                reason: "a PDU has 1…\(PDUHex.maximumOctets) octets, not \(array.count)"
            )
        }
        var cursor = PDUCursor(array)
        let smsc = hasSMSC ? try SMSAddress(decoding: &cursor, kind: .serviceCentre, field: "SMSC address") : nil
        guard let first = cursor.peekByte() else {
            throw PDUError(.truncated, offset: cursor.offset, reason: "input ends before the TPDU")
        }
        let tpdu: TPDU
        switch first & 0x03 {
        case 0x01: tpdu = .submit(try SMSSubmit(decoding: &cursor, options: options))
        case 0x02: tpdu = .statusReport(try SMSStatusReport(decoding: &cursor))
        default: tpdu = .deliver(try SMSDeliver(decoding: &cursor, options: options))
        }
        return SMSPDU(serviceCentre: smsc, tpdu: tpdu)
    }

    /// The PDU octets: SMSC prefix (if any) and TPDU.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(180)
        serviceCentre?.encode(into: &out)
        tpdu.encode(into: &out)
        return out
    }

    /// Upper-case hex of ``encoded()``, as AT+CMGS takes it.
    public var hex: String { PDUHex.encode(encoded()) }

    /// Octets after the SMSC prefix: the `<length>` of AT+CMGS and of `+CMGR: …,<length>`.
    public var tpduLength: Int { tpdu.encodedCount }
}

/// The TPDUs a modem hands over in PDU mode.
public enum TPDU: Hashable, Sendable {
    case deliver(SMSDeliver)
    case submit(SMSSubmit)
    case statusReport(SMSStatusReport)

    /// The name used in JSON output: `deliver`, `submit`, `status-report`.
    public var typeName: String { staticTypeName.description }

    /// ``typeName`` as the JSON writer takes it, with no String in between.
    var staticTypeName: StaticString {
        switch self {
        case .deliver: "deliver"
        case .submit: "submit"
        case .statusReport: "status-report"
        }
    }

    /// The first octet.
    public var firstOctet: UInt8 {
        switch self {
        case .deliver(let m): m.firstOctet
        case .submit(let m): m.firstOctet
        case .statusReport(let m): m.firstOctet
        }
    }

    /// The user data of a DELIVER or SUBMIT, or of a status report that carries some.
    public var userData: UserData? {
        switch self {
        case .deliver(let m): m.userData
        case .submit(let m): m.userData
        case .statusReport(let m): m.parameters?.userData
        }
    }

    /// Octets after the last field that were ignored.
    public var trailingOctets: [UInt8] {
        switch self {
        case .deliver(let m): m.trailingOctets
        case .submit(let m): m.trailingOctets
        case .statusReport(let m): m.trailingOctets
        }
    }

    /// The TPDU octets.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        encode(into: &out)
        return out
    }

    /// The count of ``encoded()``, counted field by field without encoding (the JSON of every PDU asks).
    var encodedCount: Int {
        switch self {
        case .deliver(let m): m.encodedCount
        case .submit(let m): m.encodedCount
        case .statusReport(let m): m.encodedCount
        }
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .deliver(let m): m.encode(into: &out)
        case .submit(let m): m.encode(into: &out)
        case .statusReport(let m): m.encode(into: &out)
        }
    }
}

/// How forgiving the decoder is.
public struct PDUDecodingOptions: Hashable, Sendable {
    /// Decode user data that ends before TP-UDL says it does, as far as it goes, and report the shortfall in
    /// ``UserData/missingOctets`` instead of throwing `.truncated`. Real modems hand over such PDUs (gammu's
    /// `at-sms/41.dump`); ModemManager rejects them. Salvaging the text is the caller's choice.
    public var acceptsTruncatedUserData: Bool

    public init(acceptsTruncatedUserData: Bool = false) {
        self.acceptsTruncatedUserData = acceptsTruncatedUserData
    }

    /// Every length must hold (the default).
    public static let strict = PDUDecodingOptions()
    /// Truncated user data is decoded as far as it goes.
    public static let lenient = PDUDecodingOptions(acceptsTruncatedUserData: true)
}
