import Foundation
import MessageStore

// MARK: - Session-mode actions (messaging-v2.md §5.8–§5.15; over SMS: §10 "Sessions over SMS/MMS")

extension MessagingService {
    /// CreateSession (§5.8): a conversation with `recipients.to`. SMS/MMS/Mixed sessions have no WAN signalling, so
    /// they are Running at once with `session accepted by: <peer>` (I-20); a File-Transfer session stays Pending
    /// until StartFileTransfer. The caller participates (I-19).
    /// - Parameters:
    ///   - sessionClass: the class; `nil` lets the service choose (SMS here).
    ///   - subject: the title, or `nil`.
    ///   - supportedContentType: comma-separated MIME types, or `nil`.
    /// - Returns: the new SessionID.
    /// - Throws: 606; 710 for a class not offered; 704 for no `recipientTo`, Cc/Bcc on an SMS session, or an
    ///   address an SMS cannot reach. (A recipients fragment the binding cannot parse is its 704.)
    public func createSession(
        sessionClass: SessionClass?,
        recipients: RecipientsList,
        subject: String? = nil,
        supportedContentType: String? = nil,
        caller: Caller = .local
    ) async throws -> String {
        try authorize(.createSession, caller)
        let requested = sessionClass ?? .sms
        guard capabilities.sessionClasses.contains(requested) else {
            throw MessagingError(.invalidSessionClass, "session class not offered")
        }
        if let error = Self.sessionRecipientsError(recipients, maximumRecipients: configuration.maximumRecipients) {
            throw error
        }
        let now = wallClock()
        var record = SessionRecord(
            sessionClass: requested.rawValue,
            subject: subject.nonEmpty,
            status: .pending,
            contentTypes: supportedContentType.nonEmpty,
            isIncoming: false,
            creatorID: ownPeer.id,
            creatorName: nil,
            peerKey: PeerAddress.conversationKey(recipients.to),
            dateStarted: now.timeIntervalSince1970,
            dateStartedOffset: 0
        )
        var participant: String?
        var events: [NewSessionEvent] = []
        let created = SessionStateMachine.created(
            sessionClass: requested,
            by: caller.address,
            firstPeer: recipients.to.first.map(\.displayName) ?? ""
        )
        for action in created.actions {
            switch action {
            case .setStatus(let status): record.status = SessionRecord.Status(status)
            case .addParticipant(let address): participant = address
            default: if let event = action.recordedEvent { events.append(event) }
            }
        }
        let id = try await store.insertSession(
            record,
            recipients: RecipientsList(to: recipients.to).rows,
            participant: participant,
            events: events
        )
        if !events.isEmpty { hub.sessionEventsDidChange() }
        return StoredID.encode(id)
    }

    /// ModifySession (§5.9): adds/removes recipients, changes subject, content types or class; a `nil` member of
    /// `modification` leaves that part unchanged. A class change always yields Mixed (I-23). Emits
    /// `session modified` with the current status (I-25) when something changed, and nothing when nothing did.
    /// - Throws: 606; 706 unknown session; 708 Closed session (I-14); 704 for an unusable recipient, removing one
    ///   that is not in the session, or removing every `recipientTo`; 710 for an unknown or unsupported class or a
    ///   Mixed session asked to change class. The session is looked up first, so an unknown session is 706
    ///   whatever the other arguments.
    public func modifySession(id: String, _ modification: SessionModification, caller: Caller = .local) async throws {
        try authorize(.modifySession, caller)
        let offered = capabilities.sessionClasses
        let maximumRecipients = configuration.maximumRecipients
        try await runSessionEvent(id) { editor in
            var modified = editor
            let outcome = Self.apply(
                modification,
                to: &modified,
                offered: offered,
                maximumRecipients: maximumRecipients
            )
            return (.modify(outcome), modified)
        }
    }

    /// AcceptSession (§5.10): accepts an incoming Pending session → Running, `session accepted by: <own identity>`
    /// (I-21). Over SMS no session is ever requested by the network, so only 706/708 can happen in practice.
    /// - Throws: 606; 706 unknown session; 708 when it is not an incoming Pending session (I-14).
    public func acceptSession(id: String, caller: Caller = .local) async throws {
        try authorize(.acceptSession, caller)
        let identity = ownPeer.id.isEmpty ? "local" : ownPeer.id
        try await runSessionEvent(id) { _ in (.accept(caller: caller.address, identity: identity), nil) }
    }

    /// GetSessionUpdates (§5.11): the last published SessionUpdates batch (I-2). Changes nothing.
    /// - Throws: 606.
    public func getSessionUpdates(caller: Caller = .local) async throws -> SessionUpdatesValue {
        try authorize(.getSessionUpdates, caller)
        return try await lastSessionUpdates()
    }

    /// GetSessions (§5.12): one session by ID, or every session of a class and status, oldest first, closed ones
    /// included. A standard class (Table 6) the device does not offer lists the sessions of that class, which is
    /// none: the value is valid, there is just nothing of it.
    /// - Throws: 606; 706 unknown session; 710 a class that is neither offered nor standard.
    public func getSessions(_ query: SessionQuery, caller: Caller = .local) async throws -> [SessionInfo] {
        try authorize(.getSessions, caller)
        switch query {
        case .session(let id):
            guard let rowID = StoredID.decode(id), let detail = try await store.session(id: rowID) else {
                throw MessagingError(.invalidSessionID, "no such session")
            }
            return [makeSessionInfo(detail)]
        case .matching(let sessionClass, let status):
            if let sessionClass, !capabilities.sessionClasses.contains(sessionClass),
                !SessionClass.standardValues.contains(sessionClass)
            {
                throw MessagingError(.invalidSessionClass, "session class neither offered nor standard")
            }
            return try await store.sessions(
                sessionClass: sessionClass?.rawValue,
                status: status.map(SessionRecord.Status.init)
            )
            .map(makeSessionInfo)
        }
    }

    /// JoinSession (§5.13): joins a Parked or Running session → Running, `one TelCP has joined`.
    /// - Throws: 606; 706 unknown session; 708 for a Pending or Closed session.
    public func joinSession(id: String, caller: Caller = .local) async throws {
        try authorize(.joinSession, caller)
        try await runSessionEvent(id) { _ in (.join(caller: caller.address), nil) }
    }

    /// LeaveSession (§5.14): the caller leaves a Running session it participates in, without closing it; Parked
    /// when no control point is left (I-19). Event `one TelCP has left`.
    /// - Throws: 606; 706 unknown session; 708 when the session is not Running or the caller does not participate.
    public func leaveSession(id: String, caller: Caller = .local) async throws {
        try authorize(.leaveSession, caller)
        try await runSessionEvent(id) { _ in (.leave(caller: caller.address), nil) }
    }

    /// CloseSession (§5.15): → Closed, `dateEnded` set, its messages move to ClosedSession (I-22), event
    /// `session closed`. A Pending session is thereby refused.
    /// - Throws: 606; 706 unknown session; 708 when it is already Closed (I-14).
    public func closeSession(id: String, caller: Caller = .local) async throws {
        try authorize(.closeSession, caller)
        try await runSessionEvent(id) { _ in (.close, nil) }
    }

    // MARK: - Carrying out the state machine's actions

    /// What a session action changed beyond the session itself.
    struct SessionEventOutcome: Sendable {
        /// Table 2 events were appended: SessionUpdates changes.
        var recordedEvents = false
        /// The session's messages moved to ClosedSession: NewMessages may change.
        var movedMessages = false
    }

    /// The one pattern of the session actions: look the session up (706 when there is none), let its
    /// ``SessionStateMachine`` decide on the event inside the store transaction, carry the actions out on the stored
    /// session (a refusal rolls the transaction back), then wake the publisher for what changed.
    /// - Parameter decide: the event for the stored session and, for ModifySession, the session as the
    ///   modification would leave it.
    func runSessionEvent(
        _ id: String,
        _ decide: @escaping @Sendable (SessionEditor) -> (SessionStateMachine.Event, modified: SessionEditor?)
    ) async throws {
        let rowID = try existingSessionRowID(id)
        let now = wallClock().timeIntervalSince1970
        let outcome = try await store.updateSession(id: rowID, at: now) { editor in
            let (event, modified) = decide(editor)
            var machine = SessionStateMachine(editor)
            return try Self.carryOut(machine.handle(event), on: &editor, modified: modified, at: now)
        }
        guard let outcome else { throw MessagingError(.invalidSessionID, "no such session") }
        if outcome.recordedEvents { hub.sessionEventsDidChange() }
        // Unread received messages of a closed session leave Received, so NewMessages changes.
        if outcome.movedMessages { hub.newMessagesDidChange() }
    }

    /// Applies the state machine's actions to the stored session; throws the refusal.
    static func carryOut(
        _ actions: [SessionStateMachine.Action],
        on editor: inout SessionEditor,
        modified: SessionEditor?,
        at now: Double
    ) throws -> SessionEventOutcome {
        var outcome = SessionEventOutcome()
        for action in actions {
            switch action {
            case .refuse(let error):
                throw error
            case .setStatus(let status):
                editor.session.status = SessionRecord.Status(status)
            case .addParticipant(let caller):
                editor.participants.insert(caller)
            case .removeParticipant(let caller):
                editor.participants.remove(caller)
            case .applyModification:
                if let modified {
                    editor.session = modified.session
                    editor.recipients = modified.recipients
                }
            case .end:
                editor.session.dateEnded = now
                editor.moveMessagesToClosedSession = true
                outcome.movedMessages = !editor.messageIDs.isEmpty
            case .cancelFileTransfers:
                for index in editor.fileTransfers.indices where editor.fileTransfers[index].isActive {
                    editor.fileTransfers[index].state = .cancelled
                }
            case .record:
                if let event = action.recordedEvent {
                    editor.events.append(event)
                    outcome.recordedEvents = true
                }
            }
        }
        return outcome
    }

    // MARK: - Helpers

    /// The row id of a session ID, or 706 when it is malformed (the store then says whether it exists).
    func existingSessionRowID(_ id: String) throws -> Int64 {
        guard let rowID = StoredID.decode(id) else { throw MessagingError(.invalidSessionID, "malformed session ID") }
        return rowID
    }

    /// Works ModifySession's arguments out on `editor` (§5.9, I-23): what would change, or which argument is
    /// refused. Recipients are matched by normalised address; an added peer already present changes nothing.
    static func apply(
        _ modification: SessionModification,
        to editor: inout SessionEditor,
        offered: [SessionClass],
        maximumRecipients: Int
    ) -> SessionStateMachine.Modification {
        let original = editor
        if let add = modification.recipientsToAdd,
            let error = sessionRecipientsError(add, requireTo: false, maximumRecipients: maximumRecipients)
        {
            return .invalid(error)
        }
        if let requested = modification.sessionClass {
            guard offered.contains(requested) else {
                return .invalid(MessagingError(.invalidSessionClass, "session class not offered"))
            }
            let current = SessionClass(rawValue: editor.session.sessionClass)
            if requested != current {
                guard current != .mixed, offered.contains(.mixed) else {
                    return .invalid(MessagingError(.invalidSessionClass, "a Mixed session cannot change class"))
                }
                editor.session.sessionClass = SessionClass.mixed.rawValue
            }
        }
        var recipients = editor.recipients
        let removeIDs = Set((modification.recipientsToRemove?.allRecipients ?? []).map { PeerAddress.normalize($0.id) })
        guard removeIDs.isSubset(of: Set(recipients.map(\.peerID))) else {
            return .invalid(MessagingError(.invalidRecipients, "a recipient to remove is not in the session"))
        }
        recipients.removeAll { removeIDs.contains($0.peerID) }
        for peer in modification.recipientsToAdd?.to ?? [] {
            let normalized = PeerAddress.normalize(peer.id)
            if !recipients.contains(where: { $0.peerID == normalized }) {
                recipients.append(PeerRow(role: "to", peerID: normalized, name: peer.name.nonEmpty))
            }
        }
        guard recipients.contains(where: { $0.role == "to" }) else {
            return .invalid(MessagingError(.invalidRecipients, "a session needs a recipientTo"))
        }
        if recipients != editor.recipients {
            editor.recipients = recipients
            editor.session.peerKey = PeerAddress.conversationKey(
                recipients.filter { $0.role == "to" }.map { Peer(id: $0.peerID) }
            )
        }
        if let subject = modification.subject.nonEmpty { editor.session.subject = subject }
        if let types = modification.supportedContentType.nonEmpty { editor.session.contentTypes = types }
        return editor.session == original.session && editor.recipients == original.recipients ? .noChange : .changes
    }

    /// Why recipients cannot make an SMS conversation (704), or `nil`: at least one `to` (unless only adding), no
    /// Cc/Bcc, at most `maximumRecipients`, every address reachable by SMS.
    static func sessionRecipientsError(
        _ recipients: RecipientsList,
        requireTo: Bool = true,
        maximumRecipients: Int
    ) -> MessagingError? {
        if requireTo, recipients.to.isEmpty { return MessagingError(.invalidRecipients, "no recipientTo") }
        guard recipients.cc.isEmpty, recipients.bcc.isEmpty else {
            return MessagingError(.invalidRecipients, "no Cc/Bcc over SMS")
        }
        guard recipients.to.count <= maximumRecipients else {
            return MessagingError(.invalidRecipients, "too many recipients")
        }
        for peer in recipients.to {
            guard peer.id.utf8.count <= PeerAddress.maximumInputLength,
                PeerAddress.isDialable(PeerAddress.normalize(peer.id))
            else {
                return MessagingError(.invalidRecipients, "a recipient is not reachable by SMS")
            }
        }
        return nil
    }
}

extension MessagingService.SessionStateMachine {
    /// The machine of a session being updated.
    init(_ editor: SessionEditor) {
        self.init(
            status: editor.session.sessionStatus,
            isIncoming: editor.session.isIncoming,
            participants: editor.participants
        )
    }

    /// The machine of a stored session.
    init(_ detail: SessionDetail) {
        self.init(
            status: detail.session.sessionStatus,
            isIncoming: detail.session.isIncoming,
            participants: detail.participants
        )
    }
}

extension MessagingService.SessionStateMachine.Action {
    /// The stored event of a `.record` action.
    var recordedEvent: NewSessionEvent? {
        guard case .record(let kind, let argument) = self else { return nil }
        return kind.event(argument)
    }
}

extension FileTransferRecord {
    /// Queued or running: what CancelFileTransfer and CloseSession cancel.
    var isActive: Bool { state == .queued || state == .running }
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
