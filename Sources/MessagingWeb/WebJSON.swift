import Foundation
import Messaging

/// The API's JSON shapes. Dates are ISO 8601 with the offset they were observed in. The request bodies are
/// `package` for FuzzTargets.
package enum WebJSON {
    struct State: Encodable {
        var loginRequired: Bool
        var loggedIn: Bool
        var canSend: Bool
        var identity: String?
    }

    package struct Login: Decodable {
        package var password: String
    }

    package struct Send: Decodable {
        package var to: String
        package var text: String
    }

    struct Sent: Encodable {
        var id: String
    }

    package struct Delete: Decodable {
        package var id: String
    }

    package struct LayoutRequest: Decodable {
        package var text: String
    }

    struct Layout: Encodable {
        var characters: Int
        var parts: Int
        /// "GSM 7-bit", "GSM 7-bit, Turkish table" or "UCS-2".
        var encoding: String
        var units: Int
        var unitsPerPart: Int
        var remainingInPart: Int
        var maximumParts: Int

        init(_ layout: SMSTextLayout) {
            characters = layout.characters
            parts = layout.parts
            switch layout.encoding {
            case .gsm7: encoding = "GSM 7-bit"
            case .gsm7National(let locking, let single):
                let names = Set([locking, single].compactMap { $0 }).sorted().map { $0.capitalized }
                encoding = "GSM 7-bit, \(names.joined(separator: "/")) table"
            case .ucs2: encoding = "UCS-2"
            }
            units = layout.units
            unitsPerPart = layout.unitsPerPart
            remainingInPart = layout.remainingInPart
            maximumParts = layout.maximumParts
        }
    }

    struct Conversation: Encodable {
        var peer: String
        var name: String?
        var count: Int
        var unread: Int
        var lastText: String
        var lastDate: String?
        var lastIsOutgoing: Bool
    }

    struct Conversations: Encodable {
        var conversations: [Conversation]
    }

    struct Part: Encodable {
        var recipient: String
        var sequence: Int
        var total: Int
        /// notSent, accepted, pending, delivered or failed (TS 23.040 §9.2.3.15 TP-ST classes).
        var status: String
    }

    struct Delivery: Encodable {
        /// queued, sending, sent, delivered, failed or cancelled.
        var state: String
        var attempts: Int
        var reason: String?
        var parts: [Part]
    }

    struct MessageEntry: Encodable {
        var id: String
        var folder: String
        var status: String
        var isOutgoing: Bool
        var peers: [String]
        var from: String?
        var text: String
        var date: String?
        var delivery: Delivery?
    }

    struct Messages: Encodable {
        var peer: String?
        var messages: [MessageEntry]
    }

    struct Failure: Encodable {
        var error: String
    }

    /// Whether the device sent `message` (Outgoing, Sent, or deleted after it was: it has a send state).
    static func isOutgoing(_ message: Message) -> Bool {
        message.folder == .outgoing || message.folder == .sent || message.delivery != nil
            || (message.folder != .received && message.dateReceived == nil)
    }

    /// The other parties of `message`: its sender for what came in, its recipients for what went out.
    static func peers(of message: Message) -> [String] {
        if isOutgoing(message) { return message.recipients.allRecipients.map(\.id) }
        return [message.recipients.from?.id ?? "unknown"]
    }

    /// When it happened: arrival for what came in, the send (or creation) for what went out.
    static func date(of message: Message) -> MessageTimestamp? {
        isOutgoing(message) ? message.dateSent ?? message.dateReceived : message.dateReceived ?? message.dateSent
    }

    static func entry(_ message: Message) -> MessageEntry {
        var delivery: Delivery?
        if let info = message.delivery {
            let state = info.state == .sent && info.isDelivered ? "delivered" : info.state.rawValue
            delivery = Delivery(
                state: state,
                attempts: info.attempts,
                reason: info.lastError?.reason,
                parts: info.parts.map {
                    Part(recipient: $0.recipient, sequence: $0.sequence, total: $0.total, status: $0.status.rawValue)
                }
            )
        }
        return MessageEntry(
            id: message.id.description,
            folder: message.folder.rawValue,
            status: message.status.rawValue,
            isOutgoing: isOutgoing(message),
            peers: peers(of: message),
            from: message.recipients.from?.id,
            text: message.text ?? message.subject ?? "",
            date: date(of: message)?.rfc3339,
            delivery: delivery
        )
    }
}
