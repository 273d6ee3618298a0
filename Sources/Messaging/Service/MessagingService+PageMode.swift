import Foundation
import Logging
import MessageStore
import Modem

// MARK: - Page-mode actions (messaging-v2.md §5.1–§5.7)

extension MessagingService {
    /// GetTelephonyIdentity (§5.1): the device's identity as a TEL URI, `tel:+<MSISDN>`.
    ///
    /// The number comes from ``MessagingConfiguration/ownNumber`` or from the SIM (+CNUM) once the mirror has read
    /// the modem's identity.
    /// - Throws: 606 when the policy refuses the caller; 714 while no number is known.
    public func getTelephonyIdentity(caller: Caller = .local) async throws -> String {
        try authorize(.getTelephonyIdentity, caller)
        guard let number = ownNumber else {
            throw MessagingError(.identityDoesNotExist, "no MSISDN from the SIM and none configured")
        }
        return "tel:" + number
    }

    /// GetMessagingCapabilities (§5.2): classes, session classes and folders (§10 "Capabilities").
    /// - Throws: 606 when the policy refuses the caller (600–699 are this action's codes).
    public func getMessagingCapabilities(caller: Caller = .local) async throws -> MessagingCapabilities {
        try authorize(.getMessagingCapabilities, caller)
        return capabilities
    }

    /// GetNewMessages (§5.3): every unread received message, oldest first (I-1), with overviews when the policy lets
    /// this caller read them (I-28). Changes nothing.
    /// - Throws: 606.
    public func getNewMessages(caller: Caller = .local) async throws -> NewMessagesValue {
        try authorize(.getNewMessages, caller)
        return try await newMessagesValue(includeOverview: configuration.accessPolicy.mayReadOverviews(caller))
    }

    /// SearchMessages (§5.4): the messages matching every criterion of `query` (`nil` = any), oldest first, in
    /// search form: no `text`, no `attachments` (I-12). Besides the four criteria of the action, the query takes
    /// peer, time and text filters; all run as indexed SQL. Searching changes nothing.
    /// - Throws: 606; 702 for a class not in the capabilities; 707 for a folder not in the capabilities; 706 when
    ///   `sessionID` names no session.
    public func searchMessages(_ query: MessageQuery, caller: Caller = .local) async throws -> [Message] {
        try authorize(.searchMessages, caller)
        return try await messages(matching: query, includeContent: false)
    }

    /// The messages matching every criterion of `query`, oldest first, with their text and their send state
    /// (Outgoing and Sent), and for an MMS its attachments and content state: what a conversation view shows. Authorized as SearchMessages, and like it changes
    /// nothing (no message becomes Read); a caller that may search may read any message anyway (ReadMessage is a
    /// read action too).
    /// - Throws: as ``searchMessages(_:caller:)``.
    public func conversationMessages(_ query: MessageQuery, caller: Caller = .local) async throws -> [Message] {
        try authorize(.searchMessages, caller)
        return try await messages(matching: query, includeContent: true)
    }

    private func messages(matching query: MessageQuery, includeContent: Bool) async throws -> [Message] {
        if let messageClass = query.messageClass, !capabilities.messageClasses.contains(messageClass) {
            throw MessagingError(.invalidMessageClass, "class not supported")
        }
        if let folder = query.folder, !capabilities.folders.contains(folder) {
            throw MessagingError(.invalidFolder, "folder not supported")
        }
        var storeQuery = StoreQuery(
            messageClass: query.messageClass?.rawValue,
            folder: query.folder.flatMap { MessageRecord.Folder(rawValue: $0.rawValue) },
            status: query.status.flatMap { MessageRecord.ReadStatus(rawValue: $0.rawValue) },
            peer: query.peer.map(PeerAddress.normalize),
            since: query.since?.timeIntervalSince1970,
            until: query.until?.timeIntervalSince1970,
            text: query.text,
            limit: query.limit
        )
        if let sessionID = query.sessionID {
            guard let rowID = StoredID.decode(sessionID), try await store.session(id: rowID) != nil else {
                throw MessagingError(.invalidSessionID, "no such session")
            }
            storeQuery.sessionID = rowID
        }
        let summaries = try await store.search(storeQuery, withText: includeContent)
        let own = ownNumber
        var messages: [Message] = []
        messages.reserveCapacity(summaries.count)
        for summary in summaries {
            // What waits in Outgoing carries its send state, so that a search tells a message still being tried
            // from one that failed for good (I-30). Only Outgoing needs the extra read, and it holds few messages;
            // a conversation view also shows the delivery reports of what was sent.
            // An MMS in a conversation view also carries its attachments and where its content stands.
            var outbox: OutboxRecord?
            var parts: [OutboxPartRecord] = []
            let isMMS = summary.message.messageClass == MessageClass.mms.rawValue
            if summary.message.folder == .outgoing || (includeContent && (summary.message.folder == .sent || isMMS)),
                let id = summary.message.id,
                let detail = try await store.message(id: id)
            {
                if includeContent {
                    messages.append(makeMessage(detail))
                    continue
                }
                outbox = detail.outbox
                parts = detail.outboxParts
            }
            messages.append(
                makeMessage(
                    ownNumber: own,
                    record: summary.message,
                    recipients: summary.recipients,
                    attachments: [],
                    outbox: outbox,
                    parts: parts,
                    includeContent: includeContent
                )
            )
        }
        return messages
    }

    /// ReadMessage (§5.5): every detail of a message, in any folder. An Unread message becomes Read — except in
    /// Outgoing, where Unread means "not yet sent" (I-13). The result shows the status after the read.
    /// - Throws: 606; 701 when the ID is malformed or names no message (or names it with the wrong session).
    public func readMessage(id: String, caller: Caller = .local) async throws -> Message {
        try authorize(.readMessage, caller)
        guard let rowID = Self.messageRowID(id) else { throw MessagingError(.invalidMessageID, "malformed ID") }
        guard let outcome = try await store.readMessage(id: rowID),
            MessageID(record: outcome.detail.message).description == id
        else {
            throw MessagingError(.invalidMessageID, "no such message")
        }
        if outcome.becameRead { hub.newMessagesDidChange() }
        return makeMessage(outcome.detail)
    }

    /// DeleteMessage (§5.7): moves the message to Deleted; a message already in Deleted is removed for good (its
    /// ID is never reused, I-29). The status does not change. Deleting an Outgoing message that has not been handed
    /// to the network cancels it.
    /// - Throws: 606; 701 when the ID is malformed or names no message.
    public func deleteMessage(id: String, caller: Caller = .local) async throws {
        try authorize(.deleteMessage, caller)
        guard let rowID = Self.messageRowID(id),
            let detail = try await store.message(id: rowID),
            MessageID(record: detail.message).description == id
        else {
            throw MessagingError(.invalidMessageID, "no such message")
        }
        switch try await store.deleteMessage(id: rowID) {
        case .notFound: throw MessagingError(.invalidMessageID, "no such message")
        case .movedToDeleted(let wasNew): if wasNew { hub.newMessagesDidChange() }
        case .purged:
            // Attachment files no other message names go with it (not in the transaction: a file is removed only
            // once no row names it).
            do {
                try await store.collectAttachmentFiles()
            } catch {
                logger.warning("could not collect attachment files", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - Helpers

    /// The row id of a message ID string (`MessageID` or `SessionID.MessageID`), or `nil` when malformed.
    static func messageRowID(_ text: String) -> Int64? {
        guard let id = MessageID(text), let row = StoredID.decode(id.messageID) else { return nil }
        if let session = id.sessionID, StoredID.decode(session) == nil { return nil }
        return row
    }

    func authorize(_ action: MessagingAction, _ caller: Caller) throws {
        guard configuration.accessPolicy.isAllowed(action, caller) else {
            throw MessagingError(.notAuthorized, "refused by the access policy")
        }
    }

    /// The classes, session classes and folders this device offers (messaging-v2.md §10 "Capabilities": SMS, and
    /// MMS with File-Transfer only when an MMS transport is configured; sessions as SMS/MMS conversations; all five
    /// folders).
    var capabilities: MessagingCapabilities {
        MessagingCapabilities(
            messageClasses: mmsTransport == nil ? [.sms] : [.sms, .mms],
            sessionClasses: mmsTransport == nil ? [.sms, .mixed] : [.sms, .mms, .mixed, .fileTransfer],
            folders: MessageFolder.allCases
        )
    }

    /// The device's own number, E.164 with `+` when known.
    var ownNumber: String? {
        if let configured = configuration.ownNumber.nonEmpty { return Self.e164(PeerAddress.normalize(configured)) }
        if let msisdn = (modemIdentity?.msisdn).nonEmpty { return Self.e164(PeerAddress.normalize(msisdn)) }
        return nil
    }

    static func e164(_ number: String) -> String? {
        guard PeerAddress.isDialable(number) else { return nil }
        return number
    }

    /// The peer the device itself is, for `recipientFrom` of what it sends and `recipientTo` of what it receives.
    /// Its id is empty while no number is known; it is stored so, and filled in on output
    /// (``sender(storedID:name:isDevice:)``).
    var ownPeer: Peer { Peer(id: ownNumber ?? "", name: nil) }

    /// The `peer:id` written for a sender that is not known: the device itself while neither `ownNumber` nor the
    /// SIM (+CNUM) gives a number, or an originator the PDU did not name.
    static let unknownPeerID = "unknown"

    /// The `recipientFrom` of a stored message or session: the stored sender, else (stored before the number was
    /// known, or never known) the device's own number, else ``unknownPeerID``. Never an empty `peer:id`: the
    /// schema requires `recipientFrom` on output, and an empty one reads as "no sender" (I-8).
    func sender(storedID: String, name: String?, isDevice: Bool = true) -> Peer {
        guard storedID.isEmpty else { return Peer(id: storedID, name: name) }
        return Peer(id: (isDevice ? ownNumber : nil) ?? Self.unknownPeerID, name: name)
    }

    /// NewMessages: Received ∧ Unread, oldest first (I-1); overview `<class> from <name or id>:<first characters>`.
    func newMessagesValue(includeOverview: Bool) async throws -> NewMessagesValue {
        let records = try await store.unreadReceived(withText: includeOverview)
        return NewMessagesValue(
            entries: records.map { record in
                NewMessageEntry(
                    id: MessageID(record: record),
                    overview: includeOverview ? Self.overview(of: record) : nil
                )
            }
        )
    }

    /// Characters of text an overview shows before `...` (§7.3 Rec.: "first ~40 characters").
    static let overviewTextLength = 40

    static func overview(of record: MessageRecord) -> String {
        let sender = record.fromName.nonEmpty ?? record.fromID
        let body = record.text.nonEmpty ?? record.subject ?? ""
        // `dropFirst` walks only the first characters; `count` would walk all of a long text, for every message.
        let shown = body.dropFirst(overviewTextLength).isEmpty ? body : String(body.prefix(overviewTextLength)) + "..."
        return "\(record.messageClass) from \(sender):\(shown)"
    }
}
