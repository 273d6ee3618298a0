import Foundation
import MessageStore
import ModemSimulator
import Testing

@testable import Messaging

/// Every error code messaging-v2.md lists for an action, returned in the case it names (§5, §6, I-14).
@Suite struct ErrorCodeTests {
    // MARK: 606 on every action

    /// Each action, invoked with harmless arguments.
    static let everyAction: [(MessagingAction, @Sendable (MessagingService) async throws -> Void)] = [
        (.getTelephonyIdentity, { _ = try await $0.getTelephonyIdentity() }),
        (.getMessagingCapabilities, { _ = try await $0.getMessagingCapabilities() }),
        (.getNewMessages, { _ = try await $0.getNewMessages() }),
        (.searchMessages, { _ = try await $0.searchMessages(MessageQuery()) }),
        (.readMessage, { _ = try await $0.readMessage(id: "1") }),
        (.sendMessage, { _ = try await $0.sendMessage(ServiceFixture.sms()) }),
        (.deleteMessage, { try await $0.deleteMessage(id: "1") }),
        (
            .createSession,
            {
                _ = try await $0.createSession(
                    sessionClass: .sms,
                    recipients: RecipientsList(to: [Peer(id: "+15550000099")])
                )
            }
        ),
        (.modifySession, { try await $0.modifySession(id: "1", SessionModification(subject: "x")) }),
        (.acceptSession, { try await $0.acceptSession(id: "1") }),
        (.getSessionUpdates, { _ = try await $0.getSessionUpdates() }),
        (.getSessions, { _ = try await $0.getSessions(.all) }),
        (.joinSession, { try await $0.joinSession(id: "1") }),
        (.leaveSession, { try await $0.leaveSession(id: "1") }),
        (.closeSession, { try await $0.closeSession(id: "1") }),
        (.startFileTransfer, { try await $0.startFileTransfer(FileInfoList(sessionID: "1", files: [])) }),
        (.cancelFileTransfer, { try await $0.cancelFileTransfer(sessionID: "1") }),
        (.getFileTransferSession, { _ = try await $0.getFileTransferSession(sessionID: "1") }),
    ]

    @Test func everyActionIsListed() {
        #expect(Set(Self.everyAction.map(\.0)) == Set(MessagingAction.allCases))
    }

    @Test(arguments: MessagingAction.allCases)
    func refusedCallerGets606(action: MessagingAction) async throws {
        let fixture = try ServiceFixture { configuration in
            configuration.accessPolicy = AccessPolicy(
                isAllowed: { requested, _ in requested != action },
                mayReadOverviews: { _ in false }
            )
        }
        let call = try #require(Self.everyAction.first { $0.0 == action }?.1)
        let service = fixture.service
        #expect(await errorCode { try await call(service) } == 606)
        // Only that action is refused.
        let other: MessagingAction = action == .getSessionUpdates ? .getNewMessages : .getSessionUpdates
        let otherCall = try #require(Self.everyAction.first { $0.0 == other }?.1)
        #expect(await errorCode { try await otherCall(service) } == nil)
    }

    // MARK: GetTelephonyIdentity

    @Test func identityIsATelURI() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.service.getTelephonyIdentity() == "tel:+15550000001")
    }

    @Test func unknownIdentityIs714() async throws {
        let fixture = try ServiceFixture { $0.ownNumber = nil }
        #expect(await errorCode { _ = try await fixture.service.getTelephonyIdentity() } == 714)
    }

    // MARK: SearchMessages

    @Test(arguments: ["e-Mail", "Instant Message", "WebpageURL", "sms", "Fax"])
    func searchWithUnsupportedClassIs702(messageClass: String) async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode {
                let query = MessageQuery(messageClass: MessageClass(rawValue: messageClass))
                _ = try await fixture.service.searchMessages(query)
            } == 702
        )
    }

    @Test(arguments: ["zz", "1", "Not-An-ID"])
    func searchInUnknownSessionIs706(sessionID: String) async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode { _ = try await fixture.service.searchMessages(MessageQuery(sessionID: sessionID)) } == 706
        )
    }

    // MARK: ReadMessage / DeleteMessage

    @Test(arguments: ["", "42", "abc", "A1", "01", "1.2.3", "x.1", "1-2"])
    func readingAnUnknownOrMalformedIDIs701(id: String) async throws {
        let fixture = try ServiceFixture()
        try await fixture.receive()
        #expect(await errorCode { _ = try await fixture.service.readMessage(id: id) } == 701)
    }

    @Test(arguments: ["", "42", "01", "1.1"])
    func deletingAnUnknownOrMalformedIDIs701(id: String) async throws {
        let fixture = try ServiceFixture()
        try await fixture.receive()
        #expect(await errorCode { try await fixture.service.deleteMessage(id: id) } == 701)
    }

    @Test func aPurgedIDIs701AndNeverReused() async throws {
        let fixture = try ServiceFixture()
        let id = try await fixture.receive()
        try await fixture.service.deleteMessage(id: id)
        try await fixture.service.deleteMessage(id: id)
        #expect(await errorCode { _ = try await fixture.service.readMessage(id: id) } == 701)
        #expect(await errorCode { try await fixture.service.deleteMessage(id: id) } == 701)
        let next = try await fixture.receive()
        #expect(next != id)
    }

    // MARK: SendMessage

    static let invalidMessages: [(String, MessageToSend)] = [
        ("no recipient", MessageToSend(recipients: RecipientsList(), text: "hi")),
        (
            "e-mail class",
            MessageToSend(messageClass: .email, recipients: RecipientsList(to: [Peer(id: "+1555")]), text: "x")
        ),
        (
            "MMS without MMSC",
            MessageToSend(messageClass: .mms, recipients: RecipientsList(to: [Peer(id: "+1555")]), text: "x")
        ),
        (
            "vendor class",
            MessageToSend(
                messageClass: MessageClass(rawValue: "X-Fax"),
                recipients: RecipientsList(to: [Peer(id: "+1555")])
            )
        ),
        ("alphanumeric recipient", ServiceFixture.sms(to: "ACME")),
        ("e-mail recipient", ServiceFixture.sms(to: "bob@example.com")),
        ("21 digits", ServiceFixture.sms(to: "+123456789012345678901")),
        (
            "cc on an SMS",
            MessageToSend(recipients: RecipientsList(to: [Peer(id: "+1555")], cc: [Peer(id: "+1666")]), text: "x")
        ),
        (
            "subject on an SMS",
            MessageToSend(
                messageClass: .sms,
                recipients: RecipientsList(to: [Peer(id: "+1555")]),
                subject: "s",
                text: "x"
            )
        ),
        (
            "empty class with subject → MMS",
            MessageToSend(recipients: RecipientsList(to: [Peer(id: "+1555")]), subject: "s", text: "x")
        ),
        (
            "attachment",
            MessageToSend(
                messageClass: .sms,
                recipients: RecipientsList(to: [Peer(id: "+1555")]),
                attachments: [Attachment(uri: "http://192.168.1.2/a.png")]
            )
        ),
        ("11 segments", ServiceFixture.sms(text: String(repeating: "a", count: 153 * 10 + 1))),
        ("11 UCS-2 segments", ServiceFixture.sms(text: String(repeating: "ж", count: 67 * 10 + 1))),
    ]

    @Test(arguments: invalidMessages.indices)
    func invalidMessageIs703(index: Int) async throws {
        let fixture = try ServiceFixture()
        let (name, message) = Self.invalidMessages[index]
        #expect(await errorCode { _ = try await fixture.service.sendMessage(message) } == 703, "\(name)")
        #expect(try await fixture.store.folderCounts().isEmpty, "nothing stored for \(name)")
    }

    /// The most an SMS may need (`maximumSegments`, 10): accepted, stored whole, and sent as ten concatenated parts
    /// of 153 septets (TS 23.040 §9.2.3.24.1).
    @Test func tenSegmentsAreAccepted() async throws {
        let rig = try await SimulatorRig()
        let text = String(repeating: "a", count: 153 * 10)
        let id = try await rig.service.sendMessage(ServiceFixture.sms(to: "+15550000055", text: text))
        let queued = try await rig.service.readMessage(id: id.description)
        #expect(queued.folder == .outgoing)
        #expect(queued.text == text)
        try await rig.eventually("sent") { try await rig.service.readMessage(id: id.description).folder == .sent }
        let sent = try await rig.service.readMessage(id: id.description)
        #expect(sent.text == text)
        #expect(sent.delivery?.parts.map(\.sequence) == Array(1...10))
        #expect(sent.delivery?.parts.allSatisfy { $0.total == 10 && $0.messageReference != nil } == true)
        let submissions = await rig.network.submissions
        #expect(submissions.count == 10)
        #expect(submissions.compactMap { $0.concatenation?.sequence } == Array(1...10))
        #expect(submissions.allSatisfy { $0.concatenation?.total == 10 })
        #expect(Set(submissions.compactMap { $0.concatenation?.reference }).count == 1)
        #expect(submissions.map(\.text).joined() == text)
        await rig.stop()
    }

    @Test func sendingInAnUnknownSessionIs706() async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode { _ = try await fixture.service.sendMessage(ServiceFixture.sms(sessionID: "zz")) } == 706
        )
    }

    @Test func sendingInAClosedSessionIs708() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.service.createSession(
            sessionClass: .sms,
            recipients: RecipientsList(to: [Peer(id: "+15550000099")])
        )
        try await fixture.service.closeSession(id: session)
        #expect(
            await errorCode { _ = try await fixture.service.sendMessage(ServiceFixture.sms(sessionID: session)) } == 708
        )
    }

    // MARK: CreateSession

    @Test(arguments: ["Chat", "e-Mail", "WebpageSync", "File-Transfer", "MMS", "sms", "X-Vendor"])
    func creatingASessionOfAClassNotOfferedIs710(sessionClass: String) async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode {
                _ = try await fixture.service.createSession(
                    sessionClass: SessionClass(rawValue: sessionClass),
                    recipients: RecipientsList(to: [Peer(id: "+15550000099")])
                )
            } == 710
        )
    }

    static let invalidRecipientLists: [RecipientsList] = [
        RecipientsList(),
        RecipientsList(to: [Peer(id: "ACME")]),
        RecipientsList(to: [Peer(id: "")]),
        RecipientsList(to: [Peer(id: "+15550000099")], bcc: [Peer(id: "+15550000098")]),
    ]

    @Test(arguments: invalidRecipientLists)
    func creatingASessionWithInvalidRecipientsIs704(recipients: RecipientsList) async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode {
                _ = try await fixture.service.createSession(sessionClass: .sms, recipients: recipients)
            } == 704
        )
    }

    // MARK: Session actions on unknown sessions (706) and in the wrong state (708)

    static let sessionActions: [(String, @Sendable (MessagingService, String) async throws -> Void)] = [
        ("ModifySession", { try await $0.modifySession(id: $1, SessionModification(subject: "s")) }),
        ("AcceptSession", { try await $0.acceptSession(id: $1) }),
        ("GetSessions", { _ = try await $0.getSessions(.session(id: $1)) }),
        ("JoinSession", { try await $0.joinSession(id: $1) }),
        ("LeaveSession", { try await $0.leaveSession(id: $1) }),
        ("CloseSession", { try await $0.closeSession(id: $1) }),
        ("StartFileTransfer", { try await $0.startFileTransfer(FileInfoList(sessionID: $1, files: [])) }),
        ("CancelFileTransfer", { try await $0.cancelFileTransfer(sessionID: $1) }),
        ("GetFileTransferSession", { _ = try await $0.getFileTransferSession(sessionID: $1) }),
    ]

    @Test(arguments: sessionActions.indices, ["9", "zz", "S-1", "01"])
    func unknownSessionIs706(index: Int, id: String) async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.service.createSession(
            sessionClass: .sms,
            recipients: RecipientsList(to: [Peer(id: "+15550000099")])
        )
        let (name, call) = Self.sessionActions[index]
        let service = fixture.service
        #expect(await errorCode { try await call(service, id) } == 706, "\(name)")
    }

    @Test func modifyingWithUnknownRecipientsIs704() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        recipientsToRemove: RecipientsList(to: [Peer(id: "+19999")])
                    )
                )
            } == 704
        )
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        recipientsToAdd: RecipientsList(to: [Peer(id: "not a number")])
                    )
                )
            } == 704
        )
        // Removing the only recipient would leave a conversation with nobody.
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        recipientsToRemove: RecipientsList(to: [Peer(id: "+1 555 000 0099")])
                    )
                )
            } == 704
        )
    }

    /// §5.9: the session is looked up before its arguments are judged, so an unknown session is 706 even when the
    /// arguments would be refused.
    @Test(arguments: [
        SessionModification(recipientsToAdd: RecipientsList(to: [Peer(id: "not a number")])),
        SessionModification(recipientsToAdd: RecipientsList(to: [Peer(id: "+15550000099")], cc: [Peer(id: "+1555")])),
        SessionModification(recipientsToRemove: RecipientsList(to: [Peer(id: "+19999")])),
        SessionModification(sessionClass: .chat),
    ])
    func modifyingAnUnknownSessionIs706WhateverTheArguments(modification: SessionModification) async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.makeSession()
        #expect(await errorCode { try await fixture.service.modifySession(id: "zz", modification) } == 706)
    }

    @Test func aRefusedModificationChangesNothing() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        let before = try await fixture.store.sessionEvents(after: 0)
        // The class change alone would succeed; the removal of a peer who is not there refuses the whole action.
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        recipientsToRemove: RecipientsList(to: [Peer(id: "+19999")]),
                        subject: "Changed",
                        sessionClass: .mixed
                    )
                )
            } == 704
        )
        let info = try #require(try await fixture.service.getSessions(.session(id: session)).first)
        #expect(info.sessionClass == .sms)
        #expect(info.subject == nil)
        #expect(try await fixture.store.sessionEvents(after: 0) == before)
    }

    @Test func modifyingTheClassOfAMixedSessionIs710() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        try await fixture.service.modifySession(
            id: session,
            SessionModification(
                sessionClass: SessionClass(rawValue: "Mixed")
            )
        )
        let info = try #require(try await fixture.service.getSessions(.session(id: session)).first)
        #expect(info.sessionClass == .mixed)
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        sessionClass: SessionClass(rawValue: "SMS")
                    )
                )
            } == 710
        )
        #expect(
            await errorCode {
                try await fixture.service.modifySession(
                    id: session,
                    SessionModification(
                        sessionClass: SessionClass(rawValue: "Chat")
                    )
                )
            } == 710
        )
    }

    @Test func closedSessionRefusesModifyJoinLeaveCloseWith708() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        try await fixture.service.closeSession(id: session)
        let service = fixture.service
        for (name, call) in Self.sessionActions
        where ["ModifySession", "AcceptSession", "JoinSession", "LeaveSession", "CloseSession"].contains(name) {
            #expect(await errorCode { try await call(service, session) } == 708, "\(name)")
        }
    }

    @Test func acceptingASessionThatIsNotAnIncomingPendingOneIs708() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        #expect(await errorCode { try await fixture.service.acceptSession(id: session) } == 708)
    }

    @Test func leavingAParkedSessionIs708AndJoiningItWorks() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        try await fixture.service.leaveSession(id: session)
        #expect(try await fixture.status(of: session) == .parked)
        #expect(await errorCode { try await fixture.service.leaveSession(id: session) } == 708)
        try await fixture.service.joinSession(id: session)
        #expect(try await fixture.status(of: session) == .running)
    }

    /// §5.14: a control point leaves a session it takes part in (I-19). One that never joined is refused and
    /// cannot park a session another control point still uses.
    @Test func leavingASessionTheCallerNeverJoinedIs708AndKeepsItRunning() async throws {
        let creator = Caller(address: "192.168.1.20")
        let stranger = Caller(address: "192.168.1.21")
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession(caller: creator)
        let before = try await fixture.store.sessionEvents(after: 0)
        #expect(await errorCode { try await fixture.service.leaveSession(id: session, caller: stranger) } == 708)
        #expect(try await fixture.status(of: session) == .running)
        #expect(try await fixture.store.sessionEvents(after: 0) == before)
        try await fixture.service.leaveSession(id: session, caller: creator)
        #expect(try await fixture.status(of: session) == .parked)
    }

    @Test func joiningAPendingSessionIs708() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.insertFileTransferSession(status: "Pending")
        #expect(await errorCode { try await fixture.service.joinSession(id: session) } == 708)
    }

    // MARK: GetSessions

    @Test(arguments: ["X-Vendor", "mixed"])
    func listingSessionsOfAClassNeitherOfferedNorStandardIs710(sessionClass: String) async throws {
        let fixture = try ServiceFixture()
        #expect(
            await errorCode {
                _ = try await fixture.service.getSessions(
                    .matching(sessionClass: SessionClass(rawValue: sessionClass), status: nil)
                )
            } == 710
        )
    }

    /// §5.12: a class filter "specifies the class of Sessions to be retrieved"; a standard class (Table 6) the
    /// device does not offer is a valid filter that matches nothing, not an invalid class.
    @Test(arguments: ["Chat", "File-Transfer", "MMS", "e-Mail", "WebpageSync"])
    func listingSessionsOfAStandardClassNotOfferedIsEmpty(sessionClass: String) async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.makeSession()
        let sessions = try await fixture.service.getSessions(
            .matching(sessionClass: SessionClass(rawValue: sessionClass), status: nil)
        )
        #expect(sessions.isEmpty)
    }

    @Test func aStandardClassNotOfferedStillListsStoredSessionsOfThatClass() async throws {
        let fixture = try ServiceFixture()
        let transfer = try await fixture.insertFileTransferSession(status: "Pending")
        _ = try await fixture.makeSession()
        let sessions = try await fixture.service.getSessions(.matching(sessionClass: .fileTransfer, status: nil))
        #expect(sessions.map(\.id) == [transfer])
    }

    @Test func aGivenSessionIDIgnoresTheOtherArguments() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        let sessions = try await fixture.service.getSessions(.session(id: session))
        #expect(sessions.map(\.id) == [session])
    }

    // MARK: File transfer

    @Test func startingATransferOnAnSMSSessionIs710() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession()
        #expect(await errorCode { try await fixture.service.startFileTransfer(Self.files(session)) } == 710)
    }

    @Test func startingATransferOnAClosedFileTransferSessionIs708() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.insertFileTransferSession(status: "Closed")
        #expect(await errorCode { try await fixture.service.startFileTransfer(Self.files(session)) } == 708)
    }

    @Test func startingATransferWithoutFilesIs402() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.insertFileTransferSession(status: "Pending")
        #expect(
            await errorCode { try await fixture.service.startFileTransfer(FileInfoList(sessionID: session, files: [])) }
                == 402
        )
    }

    @Test func startingATransferThatCannotBeCarriedIs501() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.insertFileTransferSession(status: "Pending")
        #expect(await errorCode { try await fixture.service.startFileTransfer(Self.files(session)) } == 501)
    }

    @Test func cancellingWithoutAnActiveTransferIs709() async throws {
        let fixture = try ServiceFixture()
        let sms = try await fixture.makeSession()
        #expect(await errorCode { try await fixture.service.cancelFileTransfer(sessionID: sms) } == 709)
        let done = try await fixture.insertFileTransferSession(status: "Running", transferState: "completed")
        #expect(await errorCode { try await fixture.service.cancelFileTransfer(sessionID: done) } == 709)
    }

    @Test func cancellingAnActiveTransferKeepsTheSessionRunning() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.insertFileTransferSession(status: "Running", transferState: "running")
        try await fixture.service.cancelFileTransfer(sessionID: session)
        #expect(try await fixture.status(of: session) == .running)
        #expect(await errorCode { try await fixture.service.cancelFileTransfer(sessionID: session) } == 709)
    }

    @Test func fileTransferSessionOfAnotherClassIs710AndOpenOneIs708() async throws {
        let fixture = try ServiceFixture()
        let sms = try await fixture.makeSession()
        #expect(await errorCode { _ = try await fixture.service.getFileTransferSession(sessionID: sms) } == 710)
        let open = try await fixture.insertFileTransferSession(status: "Running", transferState: "completed")
        #expect(await errorCode { _ = try await fixture.service.getFileTransferSession(sessionID: open) } == 708)
        try await fixture.service.closeSession(id: open)
        let list = try await fixture.service.getFileTransferSession(sessionID: open)
        #expect(list.sessionID == open)
        #expect(list.files.map(\.fileLink) == ["http://192.168.1.3:8080/share/file1.pdf"])
        #expect(list.files.first?.progressNotification == .periodic(seconds: 2))
    }

    static func files(_ session: String) -> FileInfoList {
        FileInfoList(
            sessionID: session,
            files: [
                FileInfo(
                    fileType: "application/pdf",
                    fileSize: 1_048_576,
                    fileLink: "http://192.168.1.3:8080/share/file1.pdf",
                    progressNotification: .periodic(seconds: 2)
                )
            ]
        )
    }
}

extension ServiceFixture {
    func makeSession(with number: String = "+15550000099", caller: Caller = .local) async throws -> String {
        try await service.createSession(
            sessionClass: .sms,
            recipients: RecipientsList(to: [Peer(id: number, name: "Echo")]),
            caller: caller
        )
    }

    func status(of session: String) async throws -> SessionStatus? {
        try await service.getSessions(.session(id: session)).first?.status
    }

    /// A File-Transfer session cannot be created through the actions without an MMSC; the store takes one
    /// directly so that the codes of the file-transfer actions can be checked.
    func insertFileTransferSession(status: String, transferState: String? = nil) async throws -> String {
        let id = try await store.insertSession(
            SessionRecord(
                sessionClass: "File-Transfer",
                subject: nil,
                status: try #require(SessionRecord.Status(rawValue: status)),
                contentTypes: nil,
                isIncoming: false,
                creatorID: "+15550000001",
                creatorName: nil,
                peerKey: "+15550000099",
                dateStarted: 1_800_000_000,
                dateStartedOffset: 0,
                dateEnded: status == "Closed" ? 1_800_000_100 : nil
            ),
            recipients: [PeerRow(role: "to", peerID: "+15550000099", name: nil)],
            participant: "local",
            events: []
        )
        if let transferState {
            let state = try #require(FileTransferRecord.State(rawValue: transferState))
            _ = try await store.updateSession(id: id, at: 1_800_000_000) { editor in
                editor.fileTransfers = [
                    FileTransferRecord(
                        sessionID: id,
                        position: 0,
                        fileType: "application/pdf",
                        fileSize: 1_048_576,
                        fileLink: "http://192.168.1.3:8080/share/file1.pdf",
                        progressInterval: 2,
                        state: state
                    )
                ]
            }
        }
        return StoredID.encode(id)
    }
}
