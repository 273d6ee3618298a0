/// An MMS PDU as a typed value: the eight PDUs an MMS client sends or receives (OMA-TS-MMS_ENC §6).
///
/// Each struct holds the headers its clause names; headers it does not name stay in `otherHeaders`, so that
/// decode → encode keeps them. Encoding writes Message-Type, Transaction-Id and MMS-Version first and
/// Content-Type last (§6, §7.2), the named headers in clause order, then `otherHeaders` before Content-Type.
public enum MMSMessage: Hashable, Sendable {
    case sendReq(MMSSendReq)
    case sendConf(MMSSendConf)
    case notificationInd(MMSNotificationInd)
    case notifyRespInd(MMSNotifyRespInd)
    case retrieveConf(MMSRetrieveConf)
    case acknowledgeInd(MMSAcknowledgeInd)
    case deliveryInd(MMSDeliveryInd)
    case readOrigInd(MMSReadOrigInd)

    /// Decodes an MMS PDU into its typed value.
    /// - Throws: ``MMSCodecError``: malformed octets, an unsupported message type (`.unsupported`), or a missing
    ///   mandatory header (`.missingHeader`).
    public init(decoding bytes: [UInt8]) throws(MMSCodecError) {
        try self.init(try MMSPDU(decoding: bytes))
    }

    /// The typed value of a decoded PDU.
    public init(_ pdu: MMSPDU) throws(MMSCodecError) {
        var fields = HeaderFields(pdu)
        guard let type = pdu.messageType else {
            throw MMSCodecError(.unsupported, offset: 0, reason: "unknown X-Mms-Message-Type")
        }
        switch type {
        case .sendReq: self = .sendReq(try MMSSendReq(&fields, body: pdu.body))
        case .sendConf: self = .sendConf(try MMSSendConf(&fields))
        case .notificationInd: self = .notificationInd(try MMSNotificationInd(&fields))
        case .notifyRespInd: self = .notifyRespInd(try MMSNotifyRespInd(&fields))
        case .retrieveConf: self = .retrieveConf(try MMSRetrieveConf(&fields, body: pdu.body))
        case .acknowledgeInd: self = .acknowledgeInd(try MMSAcknowledgeInd(&fields))
        case .deliveryInd: self = .deliveryInd(try MMSDeliveryInd(&fields))
        case .readOrigInd: self = .readOrigInd(try MMSReadOrigInd(&fields))
        case .readRecInd:
            throw MMSCodecError(.unsupported, offset: 0, reason: "m-read-rec-ind is not supported")
        }
    }

    /// The wire PDU of this value.
    public var pdu: MMSPDU {
        switch self {
        case .sendReq(let value): return value.pdu
        case .sendConf(let value): return value.pdu
        case .notificationInd(let value): return value.pdu
        case .notifyRespInd(let value): return value.pdu
        case .retrieveConf(let value): return value.pdu
        case .acknowledgeInd(let value): return value.pdu
        case .deliveryInd(let value): return value.pdu
        case .readOrigInd(let value): return value.pdu
        }
    }

    /// Encodes the PDU.
    public func encoded() -> [UInt8] { pdu.encoded() }
}

/// MMS-Version (§7.3.34): major in bits 4–6, minor in bits 0–3 of a short-integer; 1.2 is 0x12.
public struct MMSVersion: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }
    public init(major: UInt8, minor: UInt8) { self.init(rawValue: (major & 0x07) << 4 | (minor & 0x0F)) }
    public static let v1_0 = MMSVersion(major: 1, minor: 0)
    public static let v1_2 = MMSVersion(major: 1, minor: 2)
    public static let v1_3 = MMSVersion(major: 1, minor: 3)
    public var description: String { "\(rawValue >> 4).\(rawValue & 0x0F)" }
}

/// Headers taken one by one by the typed PDUs; what is left is `otherHeaders`.
///
/// A field is taken only in the form its clause gives (the first such header); a header of the same field in
/// another form, or a repeated one, stays in `otherHeaders`, so that decode → encode → decode gives the same value.
struct HeaderFields {
    private var headers: [MMSHeader]

    init(_ pdu: MMSPDU) { headers = pdu.headers.filter { $0.field != .messageType } }

    var rest: [MMSHeader] { headers.filter { $0.field != .contentType } }

    mutating func take<T>(_ field: MMSField, _ extract: (MMSHeader.Value) -> T?) -> T? {
        for (index, header) in headers.enumerated() where header.field == field {
            if let value = extract(header.value) {
                headers.remove(at: index)
                return value
            }
        }
        return nil
    }

    mutating func require<T>(
        _ field: MMSField,
        _ name: String,
        _ extract: (MMSHeader.Value) -> T?
    ) throws(MMSCodecError) -> T {
        guard let value = take(field, extract) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "\(name) is missing")
        }
        return value
    }

    mutating func text(_ field: MMSField) -> String? {
        take(field) { if case .text(let text) = $0 { text } else { nil } }
    }

    mutating func requireText(_ field: MMSField, _ name: String) throws(MMSCodecError) -> String {
        try require(field, name) { if case .text(let text) = $0 { text } else { nil } }
    }

    mutating func token(_ field: MMSField) -> UInt8? {
        take(field) { if case .token(let token) = $0 { token } else { nil } }
    }

    mutating func version() throws(MMSCodecError) -> MMSVersion {
        try require(.mmsVersion, "X-Mms-MMS-Version") {
            if case .token(let raw) = $0 { MMSVersion(rawValue: raw) } else { nil }
        }
    }

    mutating func string(_ field: MMSField) -> EncodedStringValue? {
        take(field) { if case .encodedString(let value) = $0 { value } else { nil } }
    }

    mutating func strings(_ field: MMSField) -> [EncodedStringValue] {
        var values: [EncodedStringValue] = []
        while let value = string(field) { values.append(value) }
        return values
    }

    mutating func integer(_ field: MMSField) -> UInt64? {
        take(field) { if case .integer(let value) = $0 { value } else { nil } }
    }

    mutating func time(_ field: MMSField) -> MMSTime? {
        take(field) { if case .time(let value) = $0 { value } else { nil } }
    }

    /// From with an address; an Insert-address-token stays in `otherHeaders` (it only has a meaning in m-send-req).
    mutating func fromAddress() -> EncodedStringValue? {
        take(.from) { if case .from(let address?) = $0 { address } else { nil } }
    }

    /// From of m-send-req: an address, or `nil` for Insert-address-token.
    mutating func requireFrom() throws(MMSCodecError) -> EncodedStringValue? {
        try require(.from, "From") { if case .from(let address) = $0 { .some(address) } else { nil } }
    }

    mutating func contentType() throws(MMSCodecError) -> WSPContentType {
        try require(.contentType, "Content-Type") { if case .contentType(let value) = $0 { value } else { nil } }
    }

    /// Message-Class (§7.3.27): a class token or Token-text.
    mutating func messageClass() -> MMSMessageClass? {
        take(.messageClass) {
            switch $0 {
            case .token(let token): MMSMessageClass(token: token)
            case .generic(.text(let text)): MMSMessageClass.other(text)
            default: nil
            }
        }
    }

    /// Yes (0x80) / No (0x81) flags such as Delivery-Report (§7.3.13); other tokens stay in `otherHeaders`.
    mutating func yesNo(_ field: MMSField) -> Bool? {
        take(field) { if case .token(let token) = $0, token <= 0x01 { token == 0x00 } else { nil } }
    }
}

/// Builds a PDU in clause order.
struct HeaderBuilder {
    var headers: [MMSHeader] = []

    init(_ type: MMSMessageType) { headers.append(MMSHeader(.messageType, .token(type.rawValue))) }

    mutating func add(_ field: MMSField, _ value: MMSHeader.Value?) {
        if let value { headers.append(MMSHeader(field, value)) }
    }
    mutating func add(_ field: MMSField, text: String?) { add(field, text.map { .text($0) }) }
    mutating func add(_ field: MMSField, token: UInt8?) { add(field, token.map { .token($0) }) }
    mutating func add(_ field: MMSField, string: EncodedStringValue?) { add(field, string.map { .encodedString($0) }) }
    mutating func add(_ field: MMSField, strings: [EncodedStringValue]) {
        for value in strings { add(field, .encodedString(value)) }
    }
    mutating func add(_ field: MMSField, integer: UInt64?) { add(field, integer.map { .integer($0) }) }
    mutating func add(_ field: MMSField, time: MMSTime?) { add(field, time.map { .time($0) }) }
    mutating func add(version: MMSVersion) { add(.mmsVersion, .token(version.rawValue)) }
    mutating func add(messageClass: MMSMessageClass?) { add(.messageClass, messageClass?.value) }
    mutating func add(yesNo field: MMSField, _ flag: Bool?) { add(field, token: flag.map { $0 ? 0x00 : 0x01 }) }

    func pdu(other: [MMSHeader], body: MMSBody = .none, contentType: WSPContentType? = nil) -> MMSPDU {
        var headers = self.headers + other
        if let contentType { headers.append(MMSHeader(.contentType, .contentType(contentType))) }
        return MMSPDU(headers: headers, body: body)
    }
}

/// Message-Class (§7.3.27): Personal, Advertisement, Informational, Auto, or a token text.
public enum MMSMessageClass: Hashable, Sendable {
    case personal, advertisement, informational, auto
    /// A Token-text class.
    case other(String)
    /// A class token this codec does not name (without its top bit).
    case unassigned(UInt8)

    init(token: UInt8) {
        switch token {
        case 0x00: self = .personal
        case 0x01: self = .advertisement
        case 0x02: self = .informational
        case 0x03: self = .auto
        default: self = .unassigned(token)
        }
    }

    var value: MMSHeader.Value {
        switch self {
        case .personal: return .token(0x00)
        case .advertisement: return .token(0x01)
        case .informational: return .token(0x02)
        case .auto: return .token(0x03)
        case .other(let text): return .generic(.text(text))
        case .unassigned(let token): return .token(token)
        }
    }
}
