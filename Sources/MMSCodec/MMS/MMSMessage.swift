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
struct HeaderFields {
    private var headers: [MMSHeader]

    init(_ pdu: MMSPDU) { headers = pdu.headers.filter { $0.field != .messageType } }

    var rest: [MMSHeader] { headers.filter { $0.field != .contentType } }

    mutating func take(_ field: MMSField) -> MMSHeader.Value? {
        guard let index = headers.firstIndex(where: { $0.field == field }) else { return nil }
        return headers.remove(at: index).value
    }

    mutating func require(_ field: MMSField, _ name: String) throws(MMSCodecError) -> MMSHeader.Value {
        guard let value = take(field) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "\(name) is missing")
        }
        return value
    }

    mutating func text(_ field: MMSField) -> String? {
        guard case .text(let text) = take(field) else { return nil }
        return text
    }

    mutating func requireText(_ field: MMSField, _ name: String) throws(MMSCodecError) -> String {
        guard case .text(let text) = try require(field, name) else {
            throw MMSCodecError(.invalidValue, offset: 0, reason: "\(name) is not text")
        }
        return text
    }

    mutating func token(_ field: MMSField) -> UInt8? {
        guard case .token(let token) = take(field) else { return nil }
        return token
    }

    mutating func version() throws(MMSCodecError) -> MMSVersion {
        guard case .token(let raw) = try require(.mmsVersion, "X-Mms-MMS-Version") else {
            throw MMSCodecError(.invalidValue, offset: 0, reason: "X-Mms-MMS-Version is not a short-integer")
        }
        return MMSVersion(rawValue: raw)
    }

    mutating func string(_ field: MMSField) -> EncodedStringValue? {
        guard case .encodedString(let value) = take(field) else { return nil }
        return value
    }

    mutating func strings(_ field: MMSField) -> [EncodedStringValue] {
        var values: [EncodedStringValue] = []
        while let value = string(field) { values.append(value) }
        return values
    }

    mutating func integer(_ field: MMSField) -> UInt64? {
        guard case .integer(let value) = take(field) else { return nil }
        return value
    }

    mutating func time(_ field: MMSField) -> MMSTime? {
        guard case .time(let value) = take(field) else { return nil }
        return value
    }

    mutating func from() -> MMSHeader.Value? { take(.from) }

    /// Message-Class (§7.3.27): a class token or Token-text, as text ("Personal", "Advertisement", …).
    mutating func messageClass() -> MMSMessageClass? {
        switch take(.messageClass) {
        case .token(let token): return MMSMessageClass(token: token)
        case .generic(.text(let text)): return MMSMessageClass(text: text)
        default: return nil
        }
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
    case other(String)

    init?(token: UInt8) {
        switch token {
        case 0x00: self = .personal
        case 0x01: self = .advertisement
        case 0x02: self = .informational
        case 0x03: self = .auto
        default: return nil
        }
    }

    init(text: String) { self = .other(text) }

    var value: MMSHeader.Value {
        switch self {
        case .personal: return .token(0x00)
        case .advertisement: return .token(0x01)
        case .informational: return .token(0x02)
        case .auto: return .token(0x03)
        case .other(let text): return .generic(.text(text))
        }
    }
}

extension HeaderFields {
    /// Yes (0x80) / No (0x81) flags such as Delivery-Report (§7.3.13).
    mutating func yesNo(_ field: MMSField) -> Bool? { token(field).map { $0 == 0x00 } }
}
