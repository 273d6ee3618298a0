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

    /// One attachment of an MMS, as the page shows it.
    struct AttachmentEntry: Encodable {
        /// Its position among the message's attachments (the `part` of its URL).
        var part: Int
        var name: String?
        var mimeType: String?
        var size: UInt64?
        /// Where the device serves it (`/attachment?message=…&part=…`); `nil` for a link the device does not keep.
        var url: String?
        /// The same, as a download (`Content-Disposition: attachment`).
        var downloadURL: String?
        /// Whether the page may show it inline as an image (``Messaging/Attachment/inlineImageTypes``).
        var isInlineImage: Bool
    }

    struct MessageEntry: Encodable {
        var id: String
        var folder: String
        var status: String
        var isOutgoing: Bool
        var peers: [String]
        var from: String?
        /// "SMS", "MMS", ….
        var messageClass: String
        var subject: String?
        var text: String
        var date: String?
        var delivery: Delivery?
        var attachments: [AttachmentEntry]
        /// For a received MMS: `pending`, `fetched`, `failed` or `gone` (``Messaging/MMSFetchState``); `nil`
        /// otherwise.
        var content: String?
        /// Why the content is not there (failed or gone), when known.
        var contentError: String?
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

    /// The line a conversation list shows for `message`: its text, or for an MMS without text its subject or
    /// how many attachments it has.
    static func preview(of message: Message) -> String {
        if let text = message.text, !text.isEmpty { return text }
        if let subject = message.subject, !subject.isEmpty { return subject }
        guard !message.attachments.isEmpty else { return "" }
        return message.attachments.count == 1 ? "[1 attachment]" : "[\(message.attachments.count) attachments]"
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
        let fetchState = message.mms?.fetchState
        return MessageEntry(
            id: message.id.description,
            folder: message.folder.rawValue,
            status: message.status.rawValue,
            isOutgoing: isOutgoing(message),
            peers: peers(of: message),
            from: message.recipients.from?.id,
            messageClass: message.messageClass.rawValue,
            subject: message.subject,
            text: message.text ?? message.subject ?? "",
            date: date(of: message)?.rfc3339,
            delivery: delivery,
            attachments: message.attachments.enumerated().map { attachmentEntry($1, part: $0) },
            content: fetchState == .outgoing ? nil : fetchState?.rawValue,
            contentError: fetchState == .failed || fetchState == .gone ? message.mms?.lastError : nil
        )
    }

    /// An attachment as the page shows it. Only what the device itself serves gets a URL: the page never points
    /// at a link a control point gave (the page's Content-Security-Policy would refuse it as an image anyway).
    static func attachmentEntry(_ attachment: Attachment, part: Int) -> AttachmentEntry {
        let served = attachment.uri.hasPrefix(MessagingService.attachmentRoutePath + "?")
        return AttachmentEntry(
            part: part,
            name: attachment.name,
            mimeType: attachment.mimeType,
            size: attachment.size,
            url: served ? attachment.uri : nil,
            downloadURL: served ? attachment.uri + "&" + MessagingService.attachmentDownloadParameter : nil,
            isInlineImage: served && Attachment.isInlineImage(mimeType: attachment.mimeType)
        )
    }
}
