import Foundation

/// A message as one JSON object: the stable shape that tools outside the service read (hook commands and
/// webhooks; `telcp --json` prints the same fields).
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

    enum CodingKeys: String, CodingKey {
        case id, folder, status
        case messageClass = "class"
        case from, to, cc, bcc, subject, text, dateSent, dateReceived, sessionID, replyMessageID, attachments
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
        dateSent = message.dateSent.map(Self.format)
        dateReceived = message.dateReceived.map(Self.format)
        sessionID = message.sessionID
        replyMessageID = message.replyMessageID
        attachments = message.attachments.map(\.uri)
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
    }

    /// `2027-01-15T09:00:00+01:00`: ISO 8601 in the offset the time was observed in.
    public static func format(_ timestamp: MessageTimestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: timestamp.utcOffsetSeconds) ?? TimeZone(secondsFromGMT: 0)
        return formatter.string(from: timestamp.date)
    }
}
