import Testing

@testable import Messaging

/// The session lifecycle alone (messaging-v2.md §5.8–§5.17, §8.2): one row per status, event and outcome.
@Suite struct SessionStateMachineTests {
    typealias Machine = MessagingService.SessionStateMachine
    typealias Action = Machine.Action

    static let creator = "192.168.1.20"
    static let other = "192.168.1.21"

    /// One transition: the machine before, the event, the actions and the status after.
    struct Transition: CustomTestStringConvertible, Sendable {
        var name: String
        var status: SessionStatus
        var isIncoming = false
        var participants: Set<String> = [SessionStateMachineTests.creator]
        var event: Machine.Event
        var actions: [Action]
        var statusAfter: SessionStatus
        var participantsAfter: Set<String>?

        var testDescription: String { name }
    }

    static func refusal(_ code: MessagingError.Code) -> [Action] { [.refuse(MessagingError(code))] }

    static let transitions: [Transition] = [
        // AcceptSession (§5.10, I-14, I-21)
        Transition(
            name: "accept an incoming Pending session",
            status: .pending,
            isIncoming: true,
            participants: [],
            event: .accept(caller: creator, identity: "+15550000001"),
            actions: [.setStatus(.running), .addParticipant(creator), .record(.accepted, argument: "+15550000001")],
            statusAfter: .running,
            participantsAfter: [creator]
        ),
        Transition(
            name: "accept a Pending session this device started",
            status: .pending,
            event: .accept(caller: creator, identity: "me"),
            actions: refusal(.invalidAction),
            statusAfter: .pending
        ),
        Transition(
            name: "accept a Running session",
            status: .running,
            isIncoming: true,
            event: .accept(caller: creator, identity: "me"),
            actions: refusal(.invalidAction),
            statusAfter: .running
        ),
        // JoinSession (§5.13)
        Transition(
            name: "join a Parked session",
            status: .parked,
            participants: [],
            event: .join(caller: other),
            actions: [.setStatus(.running), .addParticipant(other), .record(.telCPJoined)],
            statusAfter: .running,
            participantsAfter: [other]
        ),
        Transition(
            name: "join a Running session",
            status: .running,
            event: .join(caller: other),
            actions: [.addParticipant(other), .record(.telCPJoined)],
            statusAfter: .running,
            participantsAfter: [creator, other]
        ),
        Transition(
            name: "join a Pending session",
            status: .pending,
            event: .join(caller: other),
            actions: refusal(.invalidAction),
            statusAfter: .pending
        ),
        Transition(
            name: "join a Closed session",
            status: .closed,
            event: .join(caller: other),
            actions: refusal(.invalidAction),
            statusAfter: .closed
        ),
        // LeaveSession (§5.14, I-19)
        Transition(
            name: "the last participant leaves",
            status: .running,
            event: .leave(caller: creator),
            actions: [.removeParticipant(creator), .setStatus(.parked), .record(.telCPLeft)],
            statusAfter: .parked,
            participantsAfter: []
        ),
        Transition(
            name: "one of two participants leaves",
            status: .running,
            participants: [creator, other],
            event: .leave(caller: other),
            actions: [.removeParticipant(other), .record(.telCPLeft)],
            statusAfter: .running,
            participantsAfter: [creator]
        ),
        Transition(
            name: "a control point that never joined leaves",
            status: .running,
            event: .leave(caller: other),
            actions: refusal(.invalidAction),
            statusAfter: .running,
            participantsAfter: [creator]
        ),
        Transition(
            name: "a non-participant leaves a Running session nobody takes part in",
            status: .running,
            participants: [],
            event: .leave(caller: other),
            actions: refusal(.invalidAction),
            statusAfter: .running
        ),
        Transition(
            name: "leave a Parked session",
            status: .parked,
            participants: [],
            event: .leave(caller: creator),
            actions: refusal(.invalidAction),
            statusAfter: .parked
        ),
        Transition(
            name: "leave a Pending session",
            status: .pending,
            event: .leave(caller: creator),
            actions: refusal(.invalidAction),
            statusAfter: .pending
        ),
        // CloseSession (§5.15, I-14, I-22)
        Transition(
            name: "close a Running session",
            status: .running,
            event: .close,
            actions: [.setStatus(.closed), .end, .cancelFileTransfers, .record(.closed)],
            statusAfter: .closed
        ),
        Transition(
            name: "close a Parked session",
            status: .parked,
            participants: [],
            event: .close,
            actions: [.setStatus(.closed), .end, .cancelFileTransfers, .record(.closed)],
            statusAfter: .closed
        ),
        Transition(
            name: "close (refuse) a Pending session",
            status: .pending,
            event: .close,
            actions: [.setStatus(.closed), .end, .cancelFileTransfers, .record(.closed)],
            statusAfter: .closed
        ),
        Transition(
            name: "close a Closed session",
            status: .closed,
            event: .close,
            actions: refusal(.invalidAction),
            statusAfter: .closed
        ),
        // ModifySession (§5.9, I-14, I-25)
        Transition(
            name: "modify a Running session",
            status: .running,
            event: .modify(.changes),
            actions: [.applyModification, .record(.modified)],
            statusAfter: .running
        ),
        Transition(
            name: "modify a Parked session keeps it Parked",
            status: .parked,
            participants: [],
            event: .modify(.changes),
            actions: [.applyModification, .record(.modified)],
            statusAfter: .parked
        ),
        Transition(
            name: "a modification that changes nothing records nothing",
            status: .running,
            event: .modify(.noChange),
            actions: [],
            statusAfter: .running
        ),
        Transition(
            name: "a refused argument",
            status: .running,
            event: .modify(.invalid(MessagingError(.invalidRecipients))),
            actions: refusal(.invalidRecipients),
            statusAfter: .running
        ),
        Transition(
            name: "modify a Closed session, even with a refused argument",
            status: .closed,
            event: .modify(.invalid(MessagingError(.invalidSessionClass))),
            actions: refusal(.invalidAction),
            statusAfter: .closed
        ),
        Transition(
            name: "modify a Closed session",
            status: .closed,
            event: .modify(.changes),
            actions: refusal(.invalidAction),
            statusAfter: .closed
        ),
        // CancelFileTransfer (§5.17, I-15)
        Transition(
            name: "cancel an active transfer",
            status: .running,
            event: .cancelFileTransfer(hasActiveTransfer: true),
            actions: [.cancelFileTransfers, .record(.fileTransferCancelled)],
            statusAfter: .running
        ),
        Transition(
            name: "cancel without an active transfer",
            status: .running,
            event: .cancelFileTransfer(hasActiveTransfer: false),
            actions: refusal(.noActiveFileTransfer),
            statusAfter: .running
        ),
        // SendMessage in session mode (§5.6, I-14)
        Transition(
            name: "send in a Running session",
            status: .running,
            event: .sendMessage,
            actions: [],
            statusAfter: .running
        ),
        Transition(
            name: "send in a Parked session",
            status: .parked,
            participants: [],
            event: .sendMessage,
            actions: refusal(.invalidAction),
            statusAfter: .parked
        ),
        Transition(
            name: "send in a Pending session",
            status: .pending,
            event: .sendMessage,
            actions: refusal(.invalidAction),
            statusAfter: .pending
        ),
        Transition(
            name: "send in a Closed session",
            status: .closed,
            event: .sendMessage,
            actions: refusal(.invalidAction),
            statusAfter: .closed
        ),
    ]

    @Test(arguments: transitions)
    func transition(_ transition: Transition) {
        var machine = Machine(
            status: transition.status,
            isIncoming: transition.isIncoming,
            participants: transition.participants
        )
        let actions = machine.handle(transition.event)
        #expect(actions == transition.actions)
        #expect(machine.status == transition.statusAfter)
        #expect(machine.participants == (transition.participantsAfter ?? transition.participants))
    }

    /// A refusal comes alone, so the service can roll the whole action back on it.
    @Test(arguments: transitions)
    func aRefusalIsTheOnlyAction(_ transition: Transition) {
        var machine = Machine(
            status: transition.status,
            isIncoming: transition.isIncoming,
            participants: transition.participants
        )
        let actions = machine.handle(transition.event)
        let refusals = actions.filter { if case .refuse = $0 { true } else { false } }
        #expect(refusals.isEmpty || actions.count == 1)
    }

    @Test(arguments: [SessionClass.sms, .mms, .mixed])
    func aSessionWithoutWANSignallingRunsAtOnce(sessionClass: SessionClass) {
        let (machine, actions) = Machine.created(sessionClass: sessionClass, by: Self.creator, firstPeer: "Echo")
        #expect(machine.status == .running)
        #expect(machine.participants == [Self.creator])
        #expect(actions == [.setStatus(.running), .addParticipant(Self.creator), .record(.accepted, argument: "Echo")])
    }

    @Test func aFileTransferSessionWaitsPendingWithoutAnEvent() {
        let (machine, actions) = Machine.created(sessionClass: .fileTransfer, by: Self.creator, firstPeer: "Echo")
        #expect(machine.status == .pending)
        #expect(actions == [.setStatus(.pending), .addParticipant(Self.creator)])
    }

    /// A walk through Figure 3: create, leave (Parked), join (Running), a second control point joins and leaves,
    /// close; every step is what the table above says.
    @Test func aWholeLifecycle() {
        var (machine, _) = Machine.created(sessionClass: .sms, by: Self.creator, firstPeer: "Echo")
        #expect(machine.handle(.leave(caller: Self.creator)).contains(.setStatus(.parked)))
        #expect(machine.handle(.join(caller: Self.creator)).contains(.setStatus(.running)))
        _ = machine.handle(.join(caller: Self.other))
        #expect(machine.handle(.leave(caller: Self.other)) == [.removeParticipant(Self.other), .record(.telCPLeft)])
        #expect(machine.status == .running)
        #expect(machine.handle(.close).last == .record(.closed))
        #expect(machine.handle(.join(caller: Self.creator)) == Self.refusal(.invalidAction))
    }
}
