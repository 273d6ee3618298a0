/// An MMS header field name (OMA-TS-MMS_ENC §7.4, Table 24 "Field name assignments"): an open set of numbers.
public struct MMSField: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bcc = MMSField(rawValue: 0x01)
    public static let cc = MMSField(rawValue: 0x02)
    public static let contentLocation = MMSField(rawValue: 0x03)
    public static let contentType = MMSField(rawValue: 0x04)
    public static let date = MMSField(rawValue: 0x05)
    public static let deliveryReport = MMSField(rawValue: 0x06)
    public static let deliveryTime = MMSField(rawValue: 0x07)
    public static let expiry = MMSField(rawValue: 0x08)
    public static let from = MMSField(rawValue: 0x09)
    public static let messageClass = MMSField(rawValue: 0x0A)
    public static let messageID = MMSField(rawValue: 0x0B)
    public static let messageType = MMSField(rawValue: 0x0C)
    public static let mmsVersion = MMSField(rawValue: 0x0D)
    public static let messageSize = MMSField(rawValue: 0x0E)
    public static let priority = MMSField(rawValue: 0x0F)
    public static let readReport = MMSField(rawValue: 0x10)
    public static let reportAllowed = MMSField(rawValue: 0x11)
    public static let responseStatus = MMSField(rawValue: 0x12)
    public static let responseText = MMSField(rawValue: 0x13)
    public static let senderVisibility = MMSField(rawValue: 0x14)
    public static let status = MMSField(rawValue: 0x15)
    public static let subject = MMSField(rawValue: 0x16)
    public static let to = MMSField(rawValue: 0x17)
    public static let transactionID = MMSField(rawValue: 0x18)
    public static let retrieveStatus = MMSField(rawValue: 0x19)
    public static let retrieveText = MMSField(rawValue: 0x1A)
    public static let readStatus = MMSField(rawValue: 0x1B)
    public static let replyCharging = MMSField(rawValue: 0x1C)
    public static let replyChargingDeadline = MMSField(rawValue: 0x1D)
    public static let replyChargingID = MMSField(rawValue: 0x1E)
    public static let replyChargingSize = MMSField(rawValue: 0x1F)

    /// The value grammar of the field (§7.3); fields not listed take the generic WSP form (§8.4.1.2 of WSP).
    enum Kind { case encodedString, text, longInteger, time, from, contentType, generic }

    var kind: Kind {
        switch self {
        case .bcc, .cc, .to, .subject, .responseText, .retrieveText: return .encodedString
        case .contentLocation, .messageID, .transactionID, .replyChargingID: return .text
        case .date, .messageSize, .replyChargingSize: return .longInteger
        case .deliveryTime, .expiry, .replyChargingDeadline: return .time
        case .from: return .from
        case .contentType: return .contentType
        default: return .generic
        }
    }
}

/// A time value of Expiry, Delivery-Time and Reply-Charging-Deadline (OMA-TS-MMS_ENC §7.3.12, §7.3.20):
/// `Value-length (Absolute-token Date-value | Relative-token Delta-seconds-value)`.
public enum MMSTime: Hashable, Sendable {
    /// Seconds since 1970-01-01 UTC.
    case absolute(UInt64)
    /// Seconds from the time the MMSC sent the PDU.
    case relative(UInt64)
}

/// One MMS header: a field and its value, in the grammar the field's clause gives.
public struct MMSHeader: Hashable, Sendable, CustomStringConvertible {
    public enum Value: Hashable, Sendable {
        /// A short-integer token (Message-Type, MMS-Version, Priority, Yes/No, status values, class tokens).
        case token(UInt8)
        case text(String)
        case encodedString(EncodedStringValue)
        /// Long-integer: Date (seconds since 1970), Message-Size (octets).
        case integer(UInt64)
        /// From: an address, or `nil` for the Insert-address-token (the MMSC fills it in, §7.3.21).
        case from(EncodedStringValue?)
        case time(MMSTime)
        case contentType(WSPContentType)
        /// Any other value, in the generic WSP form.
        case generic(WSPHeader.Value)
    }

    public var field: MMSField
    public var value: Value

    public init(_ field: MMSField, _ value: Value) {
        self.field = field
        self.value = value
    }

    public var description: String { "0x\(hex(field.rawValue)): \(value)" }

    // MARK: - Wire format

    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let fieldOffset = reader.offset
        let first = try reader.readOctet("header field")
        guard first & 0x80 != 0 else {
            throw MMSCodecError(
                .invalidValue,
                offset: fieldOffset,
                reason: "header field 0x\(hex(first)) is not well-known"
            )
        }
        let field = MMSField(rawValue: first & 0x7F)
        switch field.kind {
        case .encodedString: self.init(field, .encodedString(try EncodedStringValue(reading: &reader)))
        case .text: self.init(field, .text(try reader.readTextString("text value")))
        case .longInteger: self.init(field, .integer(try reader.readIntegerValue("integer value")))
        case .contentType: self.init(field, .contentType(try WSPContentType(reading: &reader)))
        case .time:
            let length = try reader.readValueLength("time value length")
            var value = try reader.subReader(length, "time value")
            let tokenOffset = value.offset
            let token = try value.readOctet("time token")
            let seconds = try value.readIntegerValue("time")
            switch token {
            case 0x80: self.init(field, .time(.absolute(seconds)))
            case 0x81: self.init(field, .time(.relative(seconds)))
            default:
                throw MMSCodecError(.invalidValue, offset: tokenOffset, reason: "time token 0x\(hex(token))")
            }
        case .from:
            let length = try reader.readValueLength("From length")
            var value = try reader.subReader(length, "From")
            let tokenOffset = value.offset
            switch try value.readOctet("From token") {
            case 0x80:
                // Octets after the address inside the value-length are ignored: gammu's tests/at-sms/33.dump
                // counts the address's NUL outside its own value-length but inside From's.
                self.init(field, .from(try EncodedStringValue(reading: &value)))
            case 0x81: self.init(field, .from(nil))
            case let token:
                throw MMSCodecError(.invalidValue, offset: tokenOffset, reason: "From token 0x\(hex(token))")
            }
        case .generic:
            switch try WSPHeader.readValue(&reader) {
            case .shortInteger(let token): self.init(field, .token(token))
            case let value: self.init(field, .generic(value))
            }
        }
    }

    func write(to writer: inout WSPWriter) {
        writer.writeShortInteger(field.rawValue)
        switch value {
        case .token(let token): writer.writeShortInteger(token)
        case .text(let text): writer.writeTextString(text)
        case .encodedString(let string): string.write(to: &writer)
        case .integer(let value): writer.writeLongInteger(value)
        case .contentType(let contentType): contentType.write(to: &writer)
        case .time(let time):
            writer.writeWithValueLength { inner in
                switch time {
                case .absolute(let seconds):
                    inner.append(0x80)
                    inner.writeLongInteger(seconds)
                case .relative(let seconds):
                    inner.append(0x81)
                    inner.writeLongInteger(seconds)
                }
            }
        case .from(let address):
            writer.writeWithValueLength { inner in
                if let address {
                    inner.append(0x80)
                    address.write(to: &inner)
                } else {
                    inner.append(0x81)
                }
            }
        case .generic(let value): WSPHeader.write(value, to: &writer)
        }
    }
}
