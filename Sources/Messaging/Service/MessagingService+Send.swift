import Foundation
import Logging
import MessageStore

extension MessagingService {
    /// SendMessage (§5.6): validates the message, stores it in Outgoing with status Unread and returns its ID at
    /// once; the outbox worker sends it and moves it to Sent (status Read, `dateSent`) when the service centre has
    /// accepted every segment (I-30). Temporary failures are retried with back-off; a permanent failure leaves it in
    /// Outgoing with ``DeliveryInfo/state`` `.failed` (see ``Message/delivery``).
    ///
    /// The message is committed to the database before this returns, so a crash after the response loses nothing.
    /// - Returns: `MessageID`, or `SessionID.MessageID` in session mode.
    /// - Throws: 606; 703 for an invalid message (unsupported class, no `recipientTo`, a recipient an SMS cannot be
    ///   sent to, attachments or a subject on an SMS, too many segments or recipients, class mismatch with a
    ///   non-Mixed session); 706 for an unknown session; 708 for a session that is not Running (I-14).
    public func sendMessage(_ message: MessageToSend, caller: Caller = .local) async throws -> MessageID {
        try authorize(.sendMessage, caller)
        let now = wallClock()
        var sessionRecord: SessionDetail?
        if let sessionID = message.sessionID.nonEmpty {
            guard let rowID = StoredID.decode(sessionID), let detail = try await store.session(id: rowID) else {
                throw MessagingError(.invalidSessionID, "no such session")
            }
            var machine = SessionStateMachine(detail)
            if case .refuse(let error) = machine.handle(.sendMessage).first { throw error }
            sessionRecord = detail
        }
        // §10: an empty class is SMS unless there are attachments or a subject (→ MMS).
        let messageClass =
            message.messageClass
            ?? (message.attachments.isEmpty && message.subject.nonEmpty == nil ? .sms : .mms)
        guard capabilities.messageClasses.contains(messageClass) else {
            throw MessagingError(.invalidMessage, "class not supported")
        }
        if let session = sessionRecord?.session, session.sessionClass != SessionClass.mixed.rawValue,
            session.sessionClass != messageClass.rawValue
        {
            throw MessagingError(.invalidMessage, "class does not match the session (I-14)")
        }
        var recipients = message.recipients
        if recipients.to.isEmpty, let session = sessionRecord {
            recipients.to = session.recipients.filter { $0.role == "to" }.map(Peer.init)
        }
        if messageClass == .mms {
            return try await enqueueMMS(message, recipients: recipients, sessionID: sessionRecord?.session.id, now: now)
        }
        try validateSMS(recipients: recipients, message: message)

        let record = MessageRecord(
            sessionID: sessionRecord?.session.id,
            simID: simID,
            messageClass: messageClass.rawValue,
            folder: .outgoing,
            status: .unread,
            direction: .outgoing,
            replyTo: message.replyMessageID.nonEmpty,
            fromID: ownNumber ?? "",
            subject: message.subject.nonEmpty,
            text: message.text ?? "",
            sortTime: now.timeIntervalSince1970
        )
        let rowID = try await store.enqueueOutgoing(
            record,
            recipients: RecipientsList(to: recipients.to).rows,
            attachments: [],
            requestStatusReport: configuration.requestStatusReports,
            now: now.timeIntervalSince1970
        )
        outboxSignal.fire()
        var stored = record
        stored.id = rowID
        logger.debug("message queued", metadata: ["message.id": "\(rowID)", "message.parts": "\(recipients.to.count)"])
        return MessageID(record: stored)
    }

    /// The §5.6 rules for an SMS (703 on any violation).
    func validateSMS(recipients: RecipientsList, message: MessageToSend) throws {
        guard !recipients.to.isEmpty else { throw MessagingError(.invalidMessage, "no recipientTo") }
        guard recipients.cc.isEmpty, recipients.bcc.isEmpty else {
            throw MessagingError(.invalidMessage, "an SMS has no Cc/Bcc")
        }
        guard recipients.to.count <= configuration.maximumRecipients else {
            throw MessagingError(.invalidMessage, "too many recipients")
        }
        for peer in recipients.to {
            guard peer.id.utf8.count <= PeerAddress.maximumInputLength,
                PeerAddress.isDialable(PeerAddress.normalize(peer.id))
            else {
                throw MessagingError(.invalidMessage, "a recipient is not a number an SMS can be sent to")
            }
        }
        guard message.attachments.isEmpty else { throw MessagingError(.invalidMessage, "an SMS has no attachments") }
        guard message.subject.nonEmpty == nil else { throw MessagingError(.invalidMessage, "an SMS has no subject") }
        let text = message.text ?? ""
        let segments = SMSSegmentation.segmentCount(for: text)
        guard segments <= configuration.maximumSegments else {
            throw MessagingError(.invalidMessage, "text needs \(segments) segments, more than allowed")
        }
    }
}
