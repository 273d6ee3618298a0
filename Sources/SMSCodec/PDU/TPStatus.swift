/// TP-Status of an SMS-STATUS-REPORT (TS 23.040 §9.2.3.15); an open set of codes, so a struct with named values.
public struct TPStatus: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00: short message received by the SME.
    public static let delivered = TPStatus(rawValue: 0x00)

    /// The four outcome classes the code ranges stand for.
    public enum Category: String, Hashable, Sendable {
        /// 0x00…0x1F: transaction completed.
        case completed
        /// 0x20…0x3F: temporary error, the SC is still trying.
        case temporaryRetrying = "temporary-error-retrying"
        /// 0x40…0x5F: permanent error, the SC has given up.
        case permanent = "permanent-error"
        /// 0x60…0x7F: temporary error, the SC is not making any more attempts.
        case temporaryFinal = "temporary-error-final"
        /// 0x80…0xFF: reserved.
        case reserved
    }

    /// The outcome class.
    public var category: Category {
        switch rawValue {
        case 0x00...0x1F: .completed
        case 0x20...0x3F: .temporaryRetrying
        case 0x40...0x5F: .permanent
        case 0x60...0x7F: .temporaryFinal
        default: .reserved
        }
    }

    /// True for the "transaction completed" range (the message reached the recipient or was replaced).
    public var isDelivered: Bool { category == .completed }
    /// True when the SC will not try again (permanent or final temporary error).
    public var isFinalFailure: Bool { category == .permanent || category == .temporaryFinal }

    /// The meaning in words, after the tables of §9.2.3.15.
    public var meaning: String {
        switch rawValue {
        case 0x00: return "delivered (received by SME)"
        case 0x01: return "delivered (forwarded by SC, delivery unconfirmed)"
        case 0x02: return "delivered (replaced by SC)"
        default: break
        }
        let detail: String? =
            switch rawValue & 0x1F {
            case 0x00 where rawValue == 0x40: "remote procedure error"
            case 0x00: "congestion"
            case 0x01 where rawValue == 0x41: "incompatible destination"
            case 0x01: "SME busy"
            case 0x02 where rawValue == 0x42: "connection rejected by SME"
            case 0x02: "no response from SME"
            case 0x03 where rawValue == 0x43: "not obtainable"
            case 0x03: "service rejected"
            case 0x04: "quality of service not available"
            case 0x05 where rawValue == 0x45: "no interworking available"
            case 0x05: "error in SME"
            case 0x06 where rawValue == 0x46: "validity period expired"
            case 0x07 where rawValue == 0x47: "deleted by originating SME"
            case 0x08 where rawValue == 0x48: "deleted by SC administration"
            case 0x09 where rawValue == 0x49: "message does not exist"
            default: nil
            }
        let prefix: String
        switch category {
        case .completed: prefix = "completed"
        case .temporaryRetrying: prefix = "temporary error, SC still trying"
        case .permanent: prefix = "permanent error"
        case .temporaryFinal: prefix = "temporary error, SC stopped trying"
        case .reserved: return "reserved (0x\(PDUHex.encode([rawValue])))"
        }
        if let detail { return "\(prefix): \(detail)" }
        return rawValue & 0x10 != 0
            ? "\(prefix): SC-specific (0x\(PDUHex.encode([rawValue])))"
            : "\(prefix): reserved (0x\(PDUHex.encode([rawValue])))"
    }
}
