import Foundation
import MessageStore

// MARK: - Session-mode actions (messaging-v2.md §5.8–§5.15; over SMS: §10 "Sessions over SMS/MMS")

extension MessagingService {
    /// CreateSession (§5.8): a conversation with `recipients.to`. SMS/MMS/Mixed sessions have no WAN signalling, so
    /// they are Running at once with `session accepted by: <peer>` (I-20); a File-Transfer session stays Pending
    /// until StartFileTransfer. The caller participates (I-19).
    /// - Parameters:
    ///   - sessionClass: the wire value; `""` lets the service choose (SMS here).
    ///   - supportedContentType: comma-separated MIME types, `""` for none.
    /// - Returns: the new SessionID.
    /// - Throws: 606; 710 for a class not offered; 704 for no `recipientTo`, Cc/Bcc on an SMS session, or an
    ///   address an SMS cannot reach. (A recipients fragment the binding cannot parse is its 704.)
    public func createSession(
        sessionClass: String,
        recipients: RecipientsList,
        subject: String,
        supportedContentType: String,
        caller: Caller = .local
    ) async throws -> String {
        try authorize(.createSession, caller)
        let requested = sessionClass.isEmpty ? SessionClass.sms : SessionClass(rawValue: sessionClass)
        guard capabilities.sessionClasses.contains(requested) else {
            throw MessagingError(.invalidSessionClass, "session class not offered")
        }
        try validateSessionRecipients(recipients.to, cc: recipients.cc, bcc: recipients.bcc)
        let now = clock.wallNow
        let isImmediate = requested != .fileTransfer
        let first = recipients.to.first.map { $0.displayName } ?? ""
        let own = ownPeer
        let record = SessionRecord(
            sessionClass: requested.rawValue,
            subject: subject.isEmpty ? nil : subject,
            status: (isImmediate ? SessionStatus.running : .pending).rawValue,
            contentTypes: supportedContentType.isEmpty ? nil : supportedContentType,
            isIncoming: false,
            creatorId: own.id,
            creatorName: nil,
            peerKey: PeerAddress.conversationKey(recipients.to),
            dateStarted: now.timeIntervalSince1970,
            dateStartedOffset: 0
        )
        let id = try await store.insertSession(
            record,
            recipients: RecipientsList(to: recipients.to).rows,
            participant: caller.address,
            events: isImmediate ? [SessionEventKind.accepted.event(first)] : []
        )
        if isImmediate { hub.sessionEventsDidChange() }
        return StoredID.encode(id)
    }

    /// ModifySession (§5.9): adds/removes recipients, changes subject, content types or class; `""` (or `nil` for a
    /// recipients list) leaves a parameter unchanged. A class change always yields Mixed (I-23). Emits
    /// `session modified` with the current status (I-25).
    /// - Throws: 606; 706 unknown session; 708 Closed session (I-14); 704 for an unusable recipient, removing one
    ///   that is not in the session, or removing every `recipientTo`; 710 for an unknown or unsupported class or a
    ///   Mixed session asked to change class.
    public func modifySession(
        id: String,
        recipientsToAdd: RecipientsList?,
        recipientsToRemove: RecipientsList?,
        subject: String,
        supportedContentType: String,
        sessionClass: String,
        caller: Caller = .local
    ) async throws {
        try authorize(.modifySession, caller)
        let rowID = try existingSessionRowID(id)
        let offered = capabilities.sessionClasses
        if let add = recipientsToAdd {
            try validateSessionRecipients(add.to, cc: add.cc, bcc: add.bcc, requireTo: false)
        }
        let removeIDs = Set((recipientsToRemove?.allRecipients ?? []).map { PeerAddress.normalize($0.id) })
        let addPeers = recipientsToAdd?.to ?? []
        let outcome: Result<Void, MessagingError>? = try await store.updateSession(
            id: rowID,
            at: clock.wallNow.timeIntervalSince1970
        ) { editor in
            guard editor.session.status != SessionStatus.closed.rawValue else {
                return .failure(MessagingError(.invalidAction, "session is Closed"))
            }
            if !sessionClass.isEmpty {
                let requested = SessionClass(rawValue: sessionClass)
                guard offered.contains(requested) else {
                    return .failure(MessagingError(.invalidSessionClass, "session class not offered"))
                }
                if requested.rawValue != editor.session.sessionClass {
                    guard editor.session.sessionClass != SessionClass.mixed.rawValue, offered.contains(.mixed) else {
                        return .failure(MessagingError(.invalidSessionClass, "a Mixed session cannot change class"))
                    }
                    editor.session.sessionClass = SessionClass.mixed.rawValue
                }
            }
            var recipients = editor.recipients
            let present = Set(recipients.map(\.peerId))
            guard removeIDs.isSubset(of: present) else {
                return .failure(MessagingError(.invalidRecipients, "a recipient to remove is not in the session"))
            }
            recipients.removeAll { removeIDs.contains($0.peerId) }
            for peer in addPeers {
                let normalized = PeerAddress.normalize(peer.id)
                if !recipients.contains(where: { $0.peerId == normalized }) {
                    recipients.append(PeerRow(role: "to", peerId: normalized, name: peer.name.nonEmpty))
                }
            }
            guard recipients.contains(where: { $0.role == "to" }) else {
                return .failure(MessagingError(.invalidRecipients, "a session needs a recipientTo"))
            }
            editor.recipients = recipients
            editor.session.peerKey = PeerAddress.conversationKey(
                recipients.filter { $0.role == "to" }.map { Peer(id: $0.peerId) }
            )
            if !subject.isEmpty { editor.session.subject = subject }
            if !supportedContentType.isEmpty { editor.session.contentTypes = supportedContentType }
            editor.events.append(SessionEventKind.modified.event())
            return .success(())
        }
        try settle(outcome)
        hub.sessionEventsDidChange()
    }

    /// AcceptSession (§5.10): accepts an incoming Pending session → Running, `session accepted by: <own identity>`
    /// (I-21). Over SMS no session is ever requested by the network, so only 706/708 can happen in practice.
    /// - Throws: 606; 706 unknown session; 708 when it is not an incoming Pending session (I-14).
    public func acceptSession(id: String, caller: Caller = .local) async throws {
        try authorize(.acceptSession, caller)
        let rowID = try existingSessionRowID(id)
        let own = ownPeer.id.isEmpty ? "local" : ownPeer.id
        let outcome: Result<Void, MessagingError>? = try await store.updateSession(
            id: rowID,
            at: clock.wallNow.timeIntervalSince1970
        ) { editor in
            guard editor.session.status == SessionStatus.pending.rawValue, editor.session.isIncoming else {
                return .failure(MessagingError(.invalidAction, "not an incoming Pending session"))
            }
            editor.session.status = SessionStatus.running.rawValue
            editor.participants.insert(caller.address)
            editor.events.append(SessionEventKind.accepted.event(own))
            return .success(())
        }
        try settle(outcome)
        hub.sessionEventsDidChange()
    }

    /// GetSessionUpdates (§5.11): the last published SessionUpdates batch (I-2). Changes nothing.
    /// - Throws: 606.
    public func getSessionUpdates(caller: Caller = .local) async throws -> SessionUpdatesValue {
        try authorize(.getSessionUpdates, caller)
        return try await lastSessionUpdates()
    }

    /// GetSessions (§5.12): one session by ID (the other arguments are then not looked at), or every session of a
    /// class and status (`""`/`ANY` = any), oldest first, closed ones included.
    /// - Throws: 606; 706 unknown session; 710 unknown or unsupported class; 711 unknown status.
    public func getSessions(
        sessionID: String,
        sessionClass: String,
        sessionStatus: String,
        caller: Caller = .local
    ) async throws -> [SessionInfo] {
        try authorize(.getSessions, caller)
        if !sessionID.isEmpty {
            let rowID = try existingSessionRowID(sessionID)
            guard let detail = try await store.session(id: rowID) else {
                throw MessagingError(.invalidSessionID, "no such session")
            }
            return [makeSessionInfo(detail)]
        }
        var classFilter: String?
        if let value = Self.filterValue(sessionClass) {
            guard capabilities.sessionClasses.contains(SessionClass(rawValue: value)) else {
                throw MessagingError(.invalidSessionClass, "session class not offered")
            }
            classFilter = value
        }
        var statusFilter: String?
        if let value = Self.filterValue(sessionStatus) {
            guard SessionStatus(rawValue: value) != nil else {
                throw MessagingError(.invalidSessionStatus, "unknown session status")
            }
            statusFilter = value
        }
        return try await store.sessions(sessionClass: classFilter, status: statusFilter).map(makeSessionInfo)
    }

    /// JoinSession (§5.13): joins a Parked or Running session → Running, `one TelCP has joined`.
    /// - Throws: 606; 706 unknown session; 708 for a Pending or Closed session.
    public func joinSession(id: String, caller: Caller = .local) async throws {
        try authorize(.joinSession, caller)
        let rowID = try existingSessionRowID(id)
        let outcome: Result<Void, MessagingError>? = try await store.updateSession(
            id: rowID,
            at: clock.wallNow.timeIntervalSince1970
        ) { editor in
            guard editor.session.status == SessionStatus.parked.rawValue
                || editor.session.status == SessionStatus.running.rawValue
            else {
                return .failure(MessagingError(.invalidAction, "session is neither Parked nor Running"))
            }
            editor.session.status = SessionStatus.running.rawValue
            editor.participants.insert(caller.address)
            editor.events.append(SessionEventKind.telCPJoined.event())
            return .success(())
        }
        try settle(outcome)
        hub.sessionEventsDidChange()
    }

    /// LeaveSession (§5.14): the caller leaves a Running session without closing it; Parked when no control point
    /// is left (I-19). Event `one TelCP has left`.
    /// - Throws: 606; 706 unknown session; 708 when the session is not Running.
    public func leaveSession(id: String, caller: Caller = .local) async throws {
        try authorize(.leaveSession, caller)
        let rowID = try existingSessionRowID(id)
        let outcome: Result<Void, MessagingError>? = try await store.updateSession(
            id: rowID,
            at: clock.wallNow.timeIntervalSince1970
        ) { editor in
            guard editor.session.status == SessionStatus.running.rawValue else {
                return .failure(MessagingError(.invalidAction, "session is not Running"))
            }
            editor.participants.remove(caller.address)
            if editor.participants.isEmpty { editor.session.status = SessionStatus.parked.rawValue }
            editor.events.append(SessionEventKind.telCPLeft.event())
            return .success(())
        }
        try settle(outcome)
        hub.sessionEventsDidChange()
    }

    /// CloseSession (§5.15): → Closed, `dateEnded` set, its messages move to ClosedSession (I-22), event
    /// `session closed`. A Pending session is thereby refused.
    /// - Throws: 606; 706 unknown session; 708 when it is already Closed (I-14).
    public func closeSession(id: String, caller: Caller = .local) async throws {
        try authorize(.closeSession, caller)
        let rowID = try existingSessionRowID(id)
        let now = clock.wallNow.timeIntervalSince1970
        let outcome: Result<Bool, MessagingError>? = try await store.updateSession(id: rowID, at: now) { editor in
            guard editor.session.status != SessionStatus.closed.rawValue else {
                return .failure(MessagingError(.invalidAction, "session is already Closed"))
            }
            editor.session.status = SessionStatus.closed.rawValue
            editor.session.dateEnded = now
            editor.moveMessagesToClosedSession = true
            for index in editor.fileTransfers.indices
            where editor.fileTransfers[index].state == "queued" || editor.fileTransfers[index].state == "running" {
                editor.fileTransfers[index].state = "cancelled"
            }
            editor.events.append(SessionEventKind.closed.event())
            return .success(!editor.messageIds.isEmpty)
        }
        guard let outcome else { throw MessagingError(.invalidSessionID, "no such session") }
        let hadMessages = try outcome.get()
        hub.sessionEventsDidChange()
        // Unread received messages of the session leave Received, so NewMessages changes.
        if hadMessages { hub.newMessagesDidChange() }
    }

    // MARK: - Helpers

    /// The row id of an existing session, or 706.
    func existingSessionRowID(_ id: String) throws -> Int64 {
        guard let rowID = StoredID.decode(id) else { throw MessagingError(.invalidSessionID, "malformed session ID") }
        return rowID
    }

    /// Turns the result of an `updateSession` into a return or a throw (`nil` = no such session → 706).
    func settle<T>(_ outcome: Result<T, MessagingError>?) throws {
        guard let outcome else { throw MessagingError(.invalidSessionID, "no such session") }
        _ = try outcome.get()
    }

    /// Recipients of an SMS conversation: at least one `to` (unless only adding), no Cc/Bcc, every address
    /// reachable by SMS (704).
    func validateSessionRecipients(_ to: [Peer], cc: [Peer], bcc: [Peer], requireTo: Bool = true) throws {
        if requireTo, to.isEmpty { throw MessagingError(.invalidRecipients, "no recipientTo") }
        guard cc.isEmpty, bcc.isEmpty else { throw MessagingError(.invalidRecipients, "no Cc/Bcc over SMS") }
        guard to.count <= configuration.maximumRecipients else {
            throw MessagingError(.invalidRecipients, "too many recipients")
        }
        for peer in to {
            guard peer.id.utf8.count <= PeerAddress.maximumInputLength,
                PeerAddress.isDialable(PeerAddress.normalize(peer.id))
            else {
                throw MessagingError(.invalidRecipients, "a recipient is not reachable by SMS")
            }
        }
    }
}

/// The stored form of Table 2's events (`kind` column; the argument column carries the name or byte count).
enum SessionEventKind: String, CaseIterable {
    case requested, accepted, closed, modified, typing, telCPLeft, telCPJoined, peerLeft, peerJoined
    case fileTransferStarted, fileTransferCompleted, fileTransferCancelled, fileTransferProgress, fileDownloadFailed

    func event(_ argument: String? = nil) -> NewSessionEvent { NewSessionEvent(kind: rawValue, argument: argument) }

    /// The public event of a stored row, or `nil` for a kind this version does not know.
    static func sessionEvent(kind: String, argument: String?) -> SessionEvent? {
        guard let known = SessionEventKind(rawValue: kind) else { return nil }
        let name = argument ?? ""
        switch known {
        case .requested: return .requested(by: name)
        case .accepted: return .accepted(by: name)
        case .closed: return .closed
        case .modified: return .modified
        case .typing: return .typing(name)
        case .telCPLeft: return .telCPLeft
        case .telCPJoined: return .telCPJoined
        case .peerLeft: return .peerLeft(name)
        case .peerJoined: return .peerJoined(name)
        case .fileTransferStarted: return .fileTransferStarted
        case .fileTransferCompleted: return .fileTransferCompleted
        case .fileTransferCancelled: return .fileTransferCancelled
        case .fileTransferProgress: return .fileTransferProgress(bytes: argument.flatMap { UInt64($0) } ?? 0)
        case .fileDownloadFailed: return .fileDownloadFailed
        }
    }
}
