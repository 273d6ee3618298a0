extension MessagingService {
    /// The lifecycle of one session (messaging-v2.md §8.2, Figure 3) as a pure state machine (STYLE.md §4): which
    /// session action is allowed in which status, what it changes and which Table 2 event it records.
    ///
    /// The service builds one from the stored session inside the store transaction of an action, feeds it the
    /// action as an ``Event`` and carries out the returned ``Action``s on the stored session; a ``Action/refuse(_:)``
    /// comes alone and rolls the transaction back. No store, no clock, no events hub: testable action by action.
    struct SessionStateMachine: Hashable, Sendable {
        /// What happens to the session.
        enum Event: Hashable, Sendable {
            /// AcceptSession by `caller` (§5.10); `identity` is the device's own, for `session accepted by:` (I-21).
            case accept(caller: String, identity: String)
            /// JoinSession by `caller` (§5.13).
            case join(caller: String)
            /// LeaveSession by `caller` (§5.14).
            case leave(caller: String)
            /// CloseSession (§5.15).
            case close
            /// ModifySession (§5.9), with what its arguments would do to the session.
            case modify(Modification)
            /// CancelFileTransfer (§5.17); whether a transfer is queued or running.
            case cancelFileTransfer(hasActiveTransfer: Bool)
            /// SendMessage in session mode (§5.6).
            case sendMessage
        }

        /// What ModifySession's arguments would do, worked out on a copy of the session before the machine
        /// decides; the machine checks the status first, so a Closed session is 708 whatever the arguments.
        enum Modification: Hashable, Sendable {
            /// Something would change.
            case changes
            /// Every argument asks for what the session already is.
            case noChange
            /// An argument is refused (704 recipients, 710 class).
            case invalid(MessagingError)
        }

        /// What the service does to the stored session, in order.
        enum Action: Hashable, Sendable {
            /// Refuse the action with this error; nothing is changed. Always the only action.
            case refuse(MessagingError)
            case setStatus(SessionStatus)
            /// A control point now participates (I-19: counted by address).
            case addParticipant(String)
            case removeParticipant(String)
            /// Write the modification that was worked out for ``Event/modify(_:)``.
            case applyModification
            /// Set `dateEnded` and move the session's messages to ClosedSession (I-22).
            case end
            /// Cancel every queued or running file transfer of the session.
            case cancelFileTransfers
            /// Append a Table 2 event (§7.4) for SessionUpdates.
            case record(SessionEventKind, argument: String? = nil)
        }

        private(set) var status: SessionStatus
        /// Requested by the remote side (only such a Pending session can be accepted, I-14).
        let isIncoming: Bool
        /// Addresses of the participating control points (I-19).
        private(set) var participants: Set<String>

        init(status: SessionStatus, isIncoming: Bool, participants: Set<String>) {
            self.status = status
            self.isIncoming = isIncoming
            self.participants = participants
        }

        /// A session created by CreateSession (§5.8). The creator participates (I-19). Classes without WAN
        /// signalling (SMS, MMS, Mixed) are Running at once with `session accepted by: <first peer>` (I-20); a
        /// File-Transfer session stays Pending until StartFileTransfer (Annex C.3).
        static func created(
            sessionClass: SessionClass,
            by caller: String,
            firstPeer: String
        ) -> (machine: SessionStateMachine, actions: [Action]) {
            guard sessionClass != .fileTransfer else {
                return (
                    SessionStateMachine(status: .pending, isIncoming: false, participants: [caller]),
                    [.setStatus(.pending), .addParticipant(caller)]
                )
            }
            return (
                SessionStateMachine(status: .running, isIncoming: false, participants: [caller]),
                [.setStatus(.running), .addParticipant(caller), .record(.accepted, argument: firstPeer)]
            )
        }

        /// Handles one event and returns what to do.
        mutating func handle(_ event: Event) -> [Action] {
            switch event {
            case .accept(let caller, let identity):
                guard status == .pending, isIncoming else {
                    return Self.refuse(.invalidAction, "not an incoming Pending session")
                }
                status = .running
                participants.insert(caller)
                return [.setStatus(.running), .addParticipant(caller), .record(.accepted, argument: identity)]

            case .join(let caller):
                guard status == .parked || status == .running else {
                    return Self.refuse(.invalidAction, "session is neither Parked nor Running")
                }
                var actions: [Action] = []
                if status == .parked {
                    status = .running
                    actions.append(.setStatus(.running))
                }
                participants.insert(caller)
                return actions + [.addParticipant(caller), .record(.telCPJoined)]

            case .leave(let caller):
                guard status == .running else { return Self.refuse(.invalidAction, "session is not Running") }
                // §5.14: a TelCP leaves a session it takes part in; one that never joined has nothing to leave, and
                // must not park a session that others still use.
                guard participants.contains(caller) else {
                    return Self.refuse(.invalidAction, "the caller does not participate in the session")
                }
                participants.remove(caller)
                var actions: [Action] = [.removeParticipant(caller)]
                if participants.isEmpty {
                    status = .parked
                    actions.append(.setStatus(.parked))
                }
                return actions + [.record(.telCPLeft)]

            case .close:
                guard status != .closed else { return Self.refuse(.invalidAction, "session is already Closed") }
                status = .closed
                return [.setStatus(.closed), .end, .cancelFileTransfers, .record(.closed)]

            case .modify(let modification):
                guard status != .closed else { return Self.refuse(.invalidAction, "session is Closed") }
                switch modification {
                case .invalid(let error): return [.refuse(error)]
                // Annex C.2 c–d: `session modified` reports a change; a request that changes nothing reports none.
                case .noChange: return []
                case .changes: return [.applyModification, .record(.modified)]
                }

            case .cancelFileTransfer(let hasActiveTransfer):
                guard hasActiveTransfer else { return Self.refuse(.noActiveFileTransfer, "no active file transfer") }
                return [.cancelFileTransfers, .record(.fileTransferCancelled)]

            case .sendMessage:
                guard status == .running else { return Self.refuse(.invalidAction, "session is not Running") }
                return []
            }
        }

        private static func refuse(_ code: MessagingError.Code, _ reason: String) -> [Action] {
            [.refuse(MessagingError(code, reason))]
        }
    }
}
