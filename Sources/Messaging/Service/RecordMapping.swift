import Foundation
import MessageStore

// Mapping between store records (strings and row ids) and the public domain types.

extension MessageTimestamp {
    init?(seconds: Double?, offset: Int?) {
        guard let seconds else { return nil }
        self.init(date: Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset ?? 0)
    }
}

extension Peer {
    init(_ row: PeerRow) { self.init(id: row.peerID, name: row.name) }
}

extension RecipientsList {
    /// Builds the list from stored rows plus the sender.
    init(rows: [PeerRow], from: Peer?) {
        self.init(
            to: rows.filter { $0.role == "to" }.map(Peer.init),
            cc: rows.filter { $0.role == "cc" }.map(Peer.init),
            bcc: rows.filter { $0.role == "bcc" }.map(Peer.init),
            from: from
        )
    }

    /// Rows to store, addresses normalised.
    var rows: [PeerRow] {
        to.map { PeerRow(role: "to", peerID: PeerAddress.normalize($0.id), name: $0.name.nonEmpty) }
            + cc.map { PeerRow(role: "cc", peerID: PeerAddress.normalize($0.id), name: $0.name.nonEmpty) }
            + bcc.map { PeerRow(role: "bcc", peerID: PeerAddress.normalize($0.id), name: $0.name.nonEmpty) }
    }
}

extension Optional where Wrapped == String {
    /// `nil` for `nil` and for the empty string.
    var nonEmpty: String? {
        switch self {
        case .some(let text) where !text.isEmpty: text
        default: nil
        }
    }
}

extension MessageID {
    /// The public ID of a stored message.
    init(record: MessageRecord) {
        let message = StoredID.encode(record.id ?? 0)
        let session = record.sessionID.map(StoredID.encode)
        // Safe to force unwrap: "0" is a literal alphanumeric ID, and base-36 text is alphanumeric and non-empty,
        // so the fallback is never even reached.
        self = MessageID(sessionID: session, messageID: message) ?? MessageID(messageID: "0")!
    }
}

extension MessagingService {
    /// The full public form of a stored message, text and attachments included (ReadMessage, hooks).
    func makeMessage(_ detail: MessageDetail) -> Message {
        makeMessage(
            ownNumber: ownNumber,
            record: detail.message,
            recipients: detail.recipients,
            attachments: detail.attachments,
            outbox: detail.outbox,
            parts: detail.outboxParts,
            includeContent: true,
            mms: detail.mms,
            mmsRecipients: detail.mmsRecipients
        )
    }

    /// The public form of a stored message. `includeContent` false gives the search form (no text, attachments).
    /// `ownNumber` is the service's ``ownNumber``, which normalises the configured number on every read: a search
    /// reads it once for its whole page.
    func makeMessage(
        ownNumber own: String?,
        record: MessageRecord,
        recipients: [PeerRow],
        attachments: [AttachmentRow],
        outbox: OutboxRecord?,
        parts: [OutboxPartRecord],
        includeContent: Bool,
        mms: MMSRecord? = nil,
        mmsRecipients: [MMSRecipientRecord] = []
    ) -> Message {
        // What was stored before the modem's number was known gets it now: the device is the sender of what it
        // sends and the recipient of what it receives (§10 "Identity"; recipientTo is required for SMS, §7.5).
        let from = sender(storedID: record.fromID, name: record.fromName, isDevice: record.direction != .incoming)
        var recipients = recipients
        if record.direction == .incoming, let own, !recipients.contains(where: { $0.role == "to" }) {
            recipients.insert(PeerRow(role: "to", peerID: own, name: nil), at: 0)
        }
        var delivery: DeliveryInfo?
        if let outbox {
            delivery = DeliveryInfo(
                state: SendState(rawValue: outbox.state.rawValue) ?? .queued,
                attempts: outbox.attempts,
                lastError: outbox.lastError.map {
                    SendFailure(cmsError: outbox.lastErrorCode, reason: $0, isPermanent: outbox.isPermanentError)
                },
                parts: parts.map { part in
                    PartDelivery(
                        recipient: part.recipient,
                        sequence: part.seq,
                        total: part.total,
                        messageReference: part.mr.flatMap { UInt8(exactly: $0) },
                        status: PartDeliveryStatus(storedState: part.state),
                        statusCode: part.statusCode,
                        statusTime: MessageTimestamp(seconds: part.statusTime, offset: part.statusTimeOffset)
                    )
                }
            )
        }
        return Message(
            id: MessageID(record: record),
            messageClass: MessageClass(rawValue: record.messageClass),
            folder: MessageFolder(rawValue: record.folder.rawValue) ?? .received,
            status: MessageReadStatus(rawValue: record.status.rawValue) ?? .unread,
            replyMessageID: record.replyTo,
            recipients: RecipientsList(rows: recipients, from: from),
            subject: record.subject,
            text: includeContent ? (record.text ?? (record.messageClass == "SMS" ? "" : nil)) : nil,
            attachments: includeContent
                ? attachments.enumerated().map { position, row in
                    Attachment(
                        // Content kept here is served by the device (``MessagingService/attachmentPath``).
                        uri: row.sha256 == nil
                            ? row.uri : Self.attachmentPath(messageID: MessageID(record: record), position: position),
                        size: row.size.flatMap { UInt64(exactly: $0) },
                        mimeType: row.mimeType,
                        name: row.name
                    )
                }
                : [],
            dateSent: MessageTimestamp(seconds: record.dateSent, offset: record.dateSentOffset),
            dateReceived: MessageTimestamp(seconds: record.dateReceived, offset: record.dateReceivedOffset),
            kind: MessageKind(rawValue: record.kind.rawValue) ?? .normal,
            delivery: delivery,
            mms: mms.map { mms in
                MMSInfo(
                    fetchState: MMSFetchState(rawValue: mms.fetchState.rawValue) ?? .pending,
                    lastError: mms.fetchError,
                    attempts: mms.attempts,
                    size: mms.size.flatMap { UInt64(exactly: $0) },
                    expiry: MessageTimestamp(seconds: mms.expiry, offset: 0),
                    recipients: mmsRecipients.map {
                        MMSRecipientDelivery(
                            recipient: $0.recipient,
                            state: $0.state,
                            date: MessageTimestamp(seconds: $0.at, offset: 0)
                        )
                    }
                )
            }
        )
    }

    func makeSessionInfo(_ detail: SessionDetail) -> SessionInfo {
        let record = detail.session
        let sessionID = StoredID.encode(record.id ?? 0)
        return SessionInfo(
            id: sessionID,
            sessionClass: SessionClass(rawValue: record.sessionClass),
            subject: record.subject,
            status: record.sessionStatus,
            supportedContentType: record.contentTypes,
            recipients: RecipientsList(
                rows: detail.recipients,
                from: sender(storedID: record.creatorID, name: record.creatorName)
            ),
            messageIDs: detail.messageIDs.compactMap {
                MessageID(sessionID: sessionID, messageID: StoredID.encode($0))
            },
            dateStarted: MessageTimestamp(seconds: record.dateStarted, offset: record.dateStartedOffset),
            dateLastMessage: MessageTimestamp(seconds: record.dateLastMessage, offset: record.dateStartedOffset),
            dateEnded: MessageTimestamp(seconds: record.dateEnded, offset: record.dateStartedOffset)
        )
    }
}

extension SessionRecord {
    /// The stored status as the service's enum.
    var sessionStatus: SessionStatus { SessionStatus(status) }
}

extension SessionStatus {
    /// The service's form of a stored session status.
    init(_ stored: SessionRecord.Status) {
        switch stored {
        case .pending: self = .pending
        case .running: self = .running
        case .parked: self = .parked
        case .closed: self = .closed
        }
    }
}

extension SessionRecord.Status {
    /// The stored form of a session status.
    init(_ status: SessionStatus) {
        switch status {
        case .pending: self = .pending
        case .running: self = .running
        case .parked: self = .parked
        case .closed: self = .closed
        }
    }
}

extension PartDeliveryStatus {
    init(storedState: OutboxPartRecord.State) {
        switch storedState {
        case .notSent, .submitting: self = .notSent
        case .accepted: self = .accepted
        case .pending: self = .pending
        case .delivered: self = .delivered
        case .failed: self = .failed
        }
    }
}
