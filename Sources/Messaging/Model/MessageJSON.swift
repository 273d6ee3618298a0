import Foundation

/// A message as one JSON object: the stable shape that tools outside the service read (hook commands and
/// webhooks, `telcp --json`).
///
/// The shape is a contract: fields are added, never renamed or removed. Every field is always written, `null`
/// when unknown, so that a reader can rely on the key. Dates are ISO 8601 with the UTC offset they were observed
/// in (`xsd:dateTime`, messaging-v2.md §7.0).
public struct MessageJSON: Codable, Sendable, Hashable {
    /// `MessageID` or `SessionID.MessageID`, as ReadMessage takes it.
    public var id: String
    /// `Received`, `Outgoing`, `Sent`, `Deleted` or `ClosedSession`.
    public var folder: String
    /// `Read` or `Unread`.
    public var status: String
    /// `SMS`, `MMS`, … (`class`).
    public var messageClass: String
    /// The sender: the peer of a received message, the device's own number for one it sends.
    public var from: String?
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var subject: String?
    public var text: String?
    public var dateSent: String?
    public var dateReceived: String?
    public var sessionID: String?
    public var replyMessageID: String?
    /// Where each MMS attachment is (a URI or a local path); empty for SMS.
    public var attachments: [String]
    /// For a message the device sends, each `to` recipient's state: `pending` (queued, or an attempt under way),
    /// `sent` (the service centre accepted it) or `failed` (not tried again); `null` for a message it received.
    public var sendStatus: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, folder, status
        case messageClass = "class"
        case from, to, cc, bcc, subject, text, dateSent, dateReceived, sessionID, replyMessageID, attachments
        case sendStatus
    }

    /// A message known by its fields only (as a control point reads it from the device).
    public init(
        id: String,
        folder: String,
        status: String,
        messageClass: String,
        from: String?,
        to: [String],
        cc: [String],
        bcc: [String],
        subject: String?,
        text: String?,
        dateSent: String?,
        dateReceived: String?,
        sessionID: String?,
        replyMessageID: String?,
        attachments: [String],
        sendStatus: [String: String]?
    ) {
        self.id = id
        self.folder = folder
        self.status = status
        self.messageClass = messageClass
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.text = text
        self.dateSent = dateSent
        self.dateReceived = dateReceived
        self.sessionID = sessionID
        self.replyMessageID = replyMessageID
        self.attachments = attachments
        self.sendStatus = sendStatus
    }

    /// The JSON form of `message`.
    public init(_ message: Message) {
        id = message.id.description
        folder = message.folder.rawValue
        status = message.status.rawValue
        messageClass = message.messageClass.rawValue
        from = message.recipients.from?.id
        to = message.recipients.to.map(\.id)
        cc = message.recipients.cc.map(\.id)
        bcc = message.recipients.bcc.map(\.id)
        subject = message.subject
        text = message.text
        dateSent = message.dateSent.map(\.rfc3339)
        dateReceived = message.dateReceived.map(\.rfc3339)
        sessionID = message.sessionID
        replyMessageID = message.replyMessageID
        attachments = message.attachments.map(\.uri)
        sendStatus = message.delivery.map { delivery in
            Dictionary(
                message.recipients.to.map { ($0.id, Self.sendStatus(delivery.sendState(to: $0.id))) },
                uniquingKeysWith: { first, _ in first }
            )
        }
    }

    /// The state a reader needs: whether the device still tries, is done, or gave up (the same three values as the
    /// `X_sendStatus` of the UPnP service's messages).
    static func sendStatus(_ state: SendState) -> String {
        switch state {
        case .queued, .sending: "pending"
        case .sent: "sent"
        case .failed, .cancelled: "failed"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        // `encode` rather than the synthesised `encodeIfPresent`: an unknown value is written as null.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(folder, forKey: .folder)
        try container.encode(status, forKey: .status)
        try container.encode(messageClass, forKey: .messageClass)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(cc, forKey: .cc)
        try container.encode(bcc, forKey: .bcc)
        try container.encode(subject, forKey: .subject)
        try container.encode(text, forKey: .text)
        try container.encode(dateSent, forKey: .dateSent)
        try container.encode(dateReceived, forKey: .dateReceived)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(replyMessageID, forKey: .replyMessageID)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(sendStatus, forKey: .sendStatus)
    }

    /// The encoder of every JSON form of a message: keys sorted, so that a line is stable; slashes as they are.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The object on one line (``encoder()``).
    public var jsonText: String {
        // Safe: strings, arrays and objects of strings, and nulls only; nothing the encoder refuses.
        String(decoding: (try? Self.encoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

}
