/// The decisions an import needs that are not the store's to make: the reassembly rules and which sent part a
/// status report is about. The Messaging service supplies them (with SMSCodec's rules and its number matching);
/// the store asks inside the import transaction and writes the rows, so a decision and its rows commit together.
package protocol ImportRules: Sendable {
    /// What an arriving segment does to its group.
    func decide(_ segment: ReceivedPartRecord, in group: SegmentGroup) -> SegmentDecision

    /// The text of the incomplete message that waiting segments (one group, in arrival order) are shown as at
    /// `now`, or `nil` while they may still complete.
    func surface(_ waiting: [ReceivedPartRecord], now: Double) -> String?

    /// The sent part a status report is about, among those with its TP-MR that await a report (newest first).
    func match(_ report: StatusReportPart, among candidates: [OutboxPartRecord]) -> OutboxPartRecord?

    /// What an arriving segment of a concatenated WAP push does to the segments of its push still waiting (one
    /// SIM, party, reference and its width, and total; in arrival order).
    func decidePush(_ segment: ReceivedPartRecord, waiting: [ReceivedPartRecord]) -> PushSegmentDecision

    /// The text of the message that the waiting segments of one push (in arrival order) are shown as at `now`,
    /// because the rest will not come; `nil` while they may still complete.
    func surfacePush(_ waiting: [ReceivedPartRecord], now: Double) -> String?

    /// What a reassembled WAP push is: an MMS notification to store, or something else (kept, never shown).
    func notification(fromPush payload: [UInt8], receivedAt: Double) -> PushNotice
}

/// What the rules decided for an arriving segment of a WAP push; the store writes the rows.
package enum PushSegmentDecision: Sendable, Hashable {
    /// The same content as a segment waiting: kept for diagnosis, nothing changes.
    case duplicate
    /// The segment waits with the push's other segments.
    case wait
    /// The segment completes the push: `payload` is the WSP push, the segments' user data in sequence order.
    case complete(payload: [UInt8])
    /// The reference was reused: the waiting segments are shown as a message reading `surfacedText` (the
    /// notification they carried cannot be read), and the segment waits alone.
    case restart(surfacedText: String)
}

extension ImportRules {
    /// Rules that know no MMS keep every push for diagnosis only.
    package func notification(fromPush payload: [UInt8], receivedAt: Double) -> PushNotice {
        .notMMS(reason: "WAP push not handled")
    }
}

/// What a reassembled WAP push is.
package enum PushNotice: Sendable, Hashable {
    /// An m-notification-ind (OMA-TS-MMS_ENC §6.2): a message waits at the MMSC.
    case mms(MMSNotice)
    /// An m-delivery-ind (OMA-TS-MMS_ENC §6.6): how one recipient of a sent MMS fared.
    case deliveryReport(MMSDeliveryNotice)
    /// Not an MMS notification (another application's push, or undecodable): stored for diagnosis only.
    case notMMS(reason: String)
}

/// The data of an m-delivery-ind the store applies.
package struct MMSDeliveryNotice: Sendable, Hashable {
    /// The Message-ID the MMSC gave the sent MMS (m-send-conf).
    package var mmsMessageID: String
    /// The recipient, normalised as the sent message stores it.
    package var recipient: String
    /// X-Mms-Status by name (`retrieved`, `rejected`, …).
    package var state: String
    /// X-Mms-Status without its top bit.
    package var statusCode: Int
    /// Date of the report, seconds since 1970.
    package var date: Double?

    package init(mmsMessageID: String, recipient: String, state: String, statusCode: Int, date: Double?) {
        self.mmsMessageID = mmsMessageID
        self.recipient = recipient
        self.state = state
        self.statusCode = statusCode
        self.date = date
    }
}

/// The data of an m-notification-ind the store keeps, and how the message reads until its content is fetched.
package struct MMSNotice: Sendable, Hashable {
    package var transactionID: String
    /// The sender, normalised; `nil` when hidden.
    package var from: String?
    package var subject: String?
    package var contentLocation: String
    /// Absolute expiry, seconds since 1970.
    package var expiry: Double
    /// X-Mms-Message-Size, octets.
    package var size: Int64
    /// The text the message shows until its content is fetched (says that it is pending).
    package var placeholderText: String

    package init(
        transactionID: String,
        from: String?,
        subject: String?,
        contentLocation: String,
        expiry: Double,
        size: Int64,
        placeholderText: String
    ) {
        self.transactionID = transactionID
        self.from = from
        self.subject = subject
        self.contentLocation = contentLocation
        self.expiry = expiry
        self.size = size
        self.placeholderText = placeholderText
    }
}

/// The rows of one concatenation group (one SIM, party, reference and its width, and total) as the rules see
/// them.
package struct SegmentGroup: Sendable, Hashable {
    /// Segments waiting for the rest of their message, in arrival order.
    package var waiting: [ReceivedPartRecord]
    /// The message last shown from this group, if any.
    package var shown: Shown?

    /// A message made of the group's segments (complete, or shown incomplete).
    package struct Shown: Sendable, Hashable {
        package var messageID: Int64
        /// When it was shown: its `sortTime` (the arrival of its last segment, or when it surfaced incomplete).
        package var shownAt: Double
        /// Its segments, in arrival order.
        package var segments: [ReceivedPartRecord]

        package init(messageID: Int64, shownAt: Double, segments: [ReceivedPartRecord]) {
            self.messageID = messageID
            self.shownAt = shownAt
            self.segments = segments
        }
    }

    package init(waiting: [ReceivedPartRecord], shown: Shown?) {
        self.waiting = waiting
        self.shown = shown
    }
}

/// What the rules decided for an arriving segment; the store writes the rows.
package enum SegmentDecision: Sendable, Hashable {
    /// The same content as a segment held: kept for diagnosis, nothing shown changes.
    case duplicate
    /// The segment waits with the group's waiting segments.
    case wait
    /// The segment completes the waiting segments: together they are a new message reading `text`.
    case complete(text: String)
    /// The segment joins the shown message, which now reads `text`.
    case merge(text: String, isComplete: Bool)
    /// The reference was reused: the waiting segments become an incomplete message reading `surfacedText`, and the
    /// segment waits alone.
    case restart(surfacedText: String)
}
