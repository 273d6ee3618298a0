/// A stored message as ReadMessage returns it (`message`, messaging-v2.md §7.5).
///
/// SearchMessages returns the same type with ``text`` and ``attachments`` left out (`nil` and empty): the search
/// result carries only the required elements plus `subject` (§5.4, I-12).
public struct Message: Hashable, Sendable {
    /// `MessageID` (page mode) or `SessionID.MessageID` (session mode).
    public var id: MessageID
    public var messageClass: MessageClass
    public var folder: MessageFolder
    public var status: MessageReadStatus
    /// The message this one replies to, when known.
    public var replyMessageID: String?
    /// The recipients; `from` is always set on output (the device identity for what it sends).
    public var recipients: RecipientsList
    public var subject: String?
    /// The text content; `nil` in search results.
    public var text: String?
    /// MMS parts other than the first text part; empty in search results.
    public var attachments: [Attachment]
    /// Set for sent messages (and for received SMS: the service-centre time stamp, messaging-v2.md §10).
    public var dateSent: MessageTimestamp?
    /// Set for received messages: the local arrival time.
    public var dateReceived: MessageTimestamp?

    // MARK: Beyond the standard fragment (the `message` schema has no extension point, messaging-v2.md §10)

    /// What kind of SMS this is; `.normal` for everything but class 0 (flash) messages.
    public var kind: MessageKind
    /// Sending and delivery state of a message this device sends; `nil` for received messages.
    public var delivery: DeliveryInfo?
    /// For MMS: where its content (received) or its recipients' delivery (sent) stands.
    public var mms: MMSInfo?

    /// The session the message belongs to, in session mode.
    public var sessionID: String? { id.sessionID }

    public init(
        id: MessageID,
        messageClass: MessageClass,
        folder: MessageFolder,
        status: MessageReadStatus,
        replyMessageID: String? = nil,
        recipients: RecipientsList,
        subject: String? = nil,
        text: String? = nil,
        attachments: [Attachment] = [],
        dateSent: MessageTimestamp? = nil,
        dateReceived: MessageTimestamp? = nil,
        kind: MessageKind = .normal,
        delivery: DeliveryInfo? = nil,
        mms: MMSInfo? = nil
    ) {
        self.id = id
        self.messageClass = messageClass
        self.folder = folder
        self.status = status
        self.replyMessageID = replyMessageID
        self.recipients = recipients
        self.subject = subject
        self.text = text
        self.attachments = attachments
        self.dateSent = dateSent
        self.dateReceived = dateReceived
        self.kind = kind
        self.delivery = delivery
        self.mms = mms
    }
}

/// One attachment of an MMS (`attachment`, messaging-v2.md §7.5).
public struct Attachment: Hashable, Sendable, Codable {
    /// Where the content is (RFC 2396); on input, where the device fetches it from.
    public var uri: String
    /// Size in bytes, when known.
    public var size: UInt64?
    /// MIME type (RFC 2046), when known.
    public var mimeType: String?
    /// The part's file name (its Content-Location or `name`), when it has one. Not in the standard fragment.
    public var name: String?

    public init(uri: String, size: UInt64? = nil, mimeType: String? = nil, name: String? = nil) {
        self.uri = uri
        self.size = size
        self.mimeType = mimeType
        self.name = name
    }
}

extension Attachment {
    /// The raster image types a browser may show inline from the device's origin: decoders that run no script
    /// and read no other resource. SVG (`image/svg+xml`) is not one of them: it is a document that can carry
    /// script and markup, so a received SVG, like an HTML part, is only ever offered as a download.
    public static let inlineImageTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    /// Whether `mimeType` (parameters and case ignored) names one of ``inlineImageTypes``.
    public static func isInlineImage(mimeType: String?) -> Bool {
        guard let mimeType else { return false }
        let name = mimeType.split(separator: ";", maxSplits: 1).first ?? ""
        return inlineImageTypes.contains(String(name.filter { $0 != " " && $0 != "\t" }).lowercased())
    }
}

/// The SMS kind of a message (TS 23.038 §4 message class 0 = flash).
public enum MessageKind: String, Hashable, Sendable, Codable {
    /// An ordinary message.
    case normal
    /// A class 0 ("flash") message, meant for immediate display; stored like any other so it is never lost.
    case flash
}

/// Sending and delivery state of an outgoing message (not part of the standard fragment, messaging-v2.md §10, I-30;
/// the binding shows control points where a message in Outgoing stands through a documented vendor extension).
public struct DeliveryInfo: Hashable, Sendable {
    /// Where the message stands.
    public var state: SendState
    /// Send attempts made so far.
    public var attempts: Int
    /// The last error, when an attempt failed: its `+CMS ERROR` code when the modem gave one, and a reason.
    public var lastError: SendFailure?
    /// One entry per recipient and segment, in order.
    public var parts: [PartDelivery]
    /// True when every part has a successful status report.
    public var isDelivered: Bool { !parts.isEmpty && parts.allSatisfy { $0.status == .delivered } }

    /// Where sending to one recipient stands: ``SendState/sent`` once the service centre has accepted every segment
    /// for it, otherwise the state of the message (queued or sending while it is tried; failed or cancelled when it
    /// will not be tried again).
    /// - Parameter recipient: the address as the message lists it (normalised the same way as when it was stored).
    public func sendState(to recipient: String) -> SendState {
        let address = PeerAddress.normalize(recipient)
        let segments = parts.filter { $0.recipient == address }
        if !segments.isEmpty, segments.allSatisfy({ $0.status != .notSent }) { return .sent }
        return state
    }

    public init(state: SendState, attempts: Int, lastError: SendFailure?, parts: [PartDelivery]) {
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.parts = parts
    }
}

/// The outbox state of a message this device sends.
public enum SendState: String, Hashable, Sendable, Codable {
    /// Waiting for its (next) attempt. The message is in Outgoing.
    case queued
    /// An attempt is under way (AT+CMGS issued). The message is in Outgoing.
    case sending
    /// Every part was accepted by the service centre (`+CMGS: <mr>`). The message is in Sent.
    case sent
    /// A permanent failure (e.g. an invalid destination), or the retry limit was reached. The message stays in
    /// Outgoing, as the standard has no failure folder (I-30); ``DeliveryInfo/lastError`` says why.
    case failed
    /// The message was deleted before it was handed to the network; it will not be sent.
    case cancelled
}

/// Why a send attempt failed.
public struct SendFailure: Hashable, Sendable, Codable {
    /// The `+CMS ERROR` code (TS 27.005 §3.2.5), when the modem reported one.
    public var cmsError: Int?
    /// A short reason for logs and control points.
    public var reason: String
    /// True when retrying cannot help.
    public var isPermanent: Bool

    public init(cmsError: Int?, reason: String, isPermanent: Bool) {
        self.cmsError = cmsError
        self.reason = reason
        self.isPermanent = isPermanent
    }
}

/// Delivery of one segment to one recipient.
public struct PartDelivery: Hashable, Sendable {
    /// The recipient address.
    public var recipient: String
    /// 1-based segment number.
    public var sequence: Int
    /// Number of segments for this recipient.
    public var total: Int
    /// The TP-MR the network assigned when the segment was accepted.
    public var messageReference: UInt8?
    /// Delivery status from the SMS-STATUS-REPORT (TS 23.040 §9.2.3.15 TP-ST).
    public var status: PartDeliveryStatus
    /// TP-ST of the last status report, raw.
    public var statusCode: Int?
    /// TP-DT of the last status report: when the SMSC delivered (or gave up on) the segment.
    public var statusTime: MessageTimestamp?

    public init(
        recipient: String,
        sequence: Int,
        total: Int,
        messageReference: UInt8?,
        status: PartDeliveryStatus,
        statusCode: Int?,
        statusTime: MessageTimestamp?
    ) {
        self.recipient = recipient
        self.sequence = sequence
        self.total = total
        self.messageReference = messageReference
        self.status = status
        self.statusCode = statusCode
        self.statusTime = statusTime
    }
}

/// Delivery status of one segment (TS 23.040 §9.2.3.15).
public enum PartDeliveryStatus: String, Hashable, Sendable, Codable {
    /// Not yet accepted by the service centre.
    case notSent
    /// Accepted by the service centre; no status report yet.
    case accepted
    /// The SMSC is still trying (TP-ST 0x20…0x3F).
    case pending
    /// Delivered to the recipient (TP-ST 0x00…0x1F).
    case delivered
    /// The SMSC gave up (TP-ST 0x40…0x7F).
    case failed
}
