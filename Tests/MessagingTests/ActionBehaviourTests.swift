import Foundation
import MessageStore
import Synchronization
import TestSupport
import Testing

@testable import Messaging

/// Folders, status and sessions exactly as messaging-v2.md §5 and §8 say.
@Suite struct ActionBehaviourTests {
    @Test func readMessageMarksReadAndLeavesNewMessages() async throws {
        let fixture = try ServiceFixture()
        let id = try await fixture.receive(text: "hello")
        #expect(try await fixture.service.getNewMessages().entries.map(\.id.description) == [id])
        // Searching changes nothing.
        let found = try await fixture.service.searchMessages(MessageQuery(status: .unread))
        #expect(found.map(\.id.description) == [id])
        #expect(found.first?.text == nil)
        let read = try await fixture.service.readMessage(id: id)
        #expect(read.status == .read)
        #expect(read.text == "hello")
        #expect(read.folder == .received)
        #expect(read.dateReceived != nil)
        #expect(read.dateSent?.utcOffsetSeconds == 3600)
        #expect(try await fixture.service.getNewMessages().entries.isEmpty)
    }

    @Test func readingAnOutgoingMessageKeepsItUnread() async throws {
        let fixture = try ServiceFixture()
        let id = try await fixture.service.sendMessage(ServiceFixture.sms())
        let message = try await fixture.service.readMessage(id: id.description)
        #expect(message.folder == .outgoing)
        #expect(message.status == .unread)
        #expect(message.recipients.from?.id == "+15550000001")
        #expect(message.recipients.to.map(\.id) == ["+15550000099"])
        #expect(message.delivery?.state == .queued)
    }

    @Test func deleteMovesToDeletedKeepsStatusAndDeletingAgainPurges() async throws {
        let fixture = try ServiceFixture()
        let id = try await fixture.receive()
        try await fixture.service.deleteMessage(id: id)
        var message = try await fixture.service.searchMessages(MessageQuery(folder: .deleted))
        #expect(message.map(\.id.description) == [id])
        #expect(message.first?.status == .unread)
        #expect(try await fixture.service.getNewMessages().entries.isEmpty)
        // Still readable in Deleted.
        #expect(try await fixture.service.readMessage(id: id).folder == .deleted)
        try await fixture.service.deleteMessage(id: id)
        message = try await fixture.service.searchMessages(MessageQuery())
        #expect(message.isEmpty)
    }

    @Test func deletingAQueuedMessageCancelsIt() async throws {
        let fixture = try ServiceFixture()
        let id = try await fixture.service.sendMessage(ServiceFixture.sms())
        try await fixture.service.deleteMessage(id: id.description)
        let message = try await fixture.service.readMessage(id: id.description)
        #expect(message.folder == .deleted)
        #expect(message.delivery?.state == .cancelled)
    }

    @Test func searchFiltersCombine() async throws {
        let fixture = try ServiceFixture()
        let a = try await fixture.receive(from: "+15550000077", text: "alpha", at: 100)
        _ = try await fixture.receive(from: "+15550000078", text: "beta", at: 200, status: .read)
        let c = try await fixture.receive(from: "+1 555 000 0077", text: "gamma alphabet", at: 300)
        let sent = try await fixture.service.sendMessage(ServiceFixture.sms(to: "tel:+1-555-000-0077", text: "reply"))
        #expect(
            try await fixture.service.searchMessages(MessageQuery(peer: "+15550000077")).map(\.id.description)
                == [a, c, sent.description]
        )
        #expect(try await fixture.service.searchMessages(MessageQuery(text: "ALPHA")).map(\.id.description) == [a, c])
        #expect(try await fixture.service.searchMessages(MessageQuery(text: "ph")).map(\.id.description) == [a, c])
        #expect(
            try await fixture.service.searchMessages(
                MessageQuery(since: Date(timeIntervalSince1970: 150), until: Date(timeIntervalSince1970: 250))
            )
            .count == 1
        )
        #expect(
            try await fixture.service.searchMessages(
                MessageQuery(messageClass: .sms, folder: .received, status: .unread)
            ).map(\.id.description) == [a, c]
        )
        #expect(try await fixture.service.searchMessages(MessageQuery()).count == 4)
        #expect(
            try await fixture.service.searchMessages(MessageQuery(folder: .outgoing)).map(\.id.description)
                == [sent.description]
        )
    }

    @Test func aConversationTakesTheMessagesOfItsPeerAndClosingMovesThemToClosedSession() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession(with: "+15550000099")
        let info = try #require(try await fixture.service.getSessions(.session(id: session)).first)
        #expect(info.status == .running)
        #expect(info.recipients.from?.id == "+15550000001")
        let sent = try await fixture.service.sendMessage(ServiceFixture.sms(to: "+15550000099", sessionID: session))
        #expect(sent.sessionID == session)
        // A message sent in session mode without recipientTo goes to the session's peers.
        let implicit = try await fixture.service.sendMessage(
            MessageToSend(sessionID: session, recipients: RecipientsList(), text: "to the conversation")
        )
        #expect(
            try await fixture.service.readMessage(id: implicit.description).recipients.to.map(\.id) == ["+15550000099"]
        )
        // A bare MessageID does not name a session message.
        #expect(await errorCode { _ = try await fixture.service.readMessage(id: sent.messageID) } == 701)
        #expect(try await fixture.service.searchMessages(MessageQuery(sessionID: session)).count == 2)

        try await fixture.service.closeSession(id: session)
        let closed = try #require(try await fixture.service.getSessions(.session(id: session)).first)
        #expect(closed.status == .closed)
        #expect(closed.dateEnded != nil)
        #expect(closed.messageIDs.count == 2)
        #expect(try await fixture.service.readMessage(id: sent.description).folder == .closedSession)
        #expect(try await fixture.service.getSessions(.matching(sessionClass: nil, status: .closed)).count == 1)
        #expect(try await fixture.service.getSessions(.matching(sessionClass: .sms, status: .running)).isEmpty)
    }

    @Test func modifySessionAddsRemovesAndTurnsTheClassIntoMixed() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession(with: "+15550000099")
        try await fixture.service.modifySession(
            id: session,
            SessionModification(
                recipientsToAdd: RecipientsList(to: [Peer(id: "+15550000098", name: "Bob")]),
                subject: "Plans",
                supportedContentType: "text/plain"
            )
        )
        try await fixture.service.modifySession(
            id: session,
            SessionModification(
                recipientsToRemove: RecipientsList(to: [Peer(id: "tel:+1-555-000-0099")]),
                sessionClass: .mixed
            )
        )
        let info = try #require(try await fixture.service.getSessions(.session(id: session)).first)
        #expect(info.recipients.to == [Peer(id: "+15550000098", name: "Bob")])
        #expect(info.subject == "Plans")
        #expect(info.supportedContentType == "text/plain")
        #expect(info.sessionClass == .mixed)
    }

    /// Annex C.2 c–d: `session modified` reports a change; a ModifySession that changes nothing reports nothing.
    @Test func aModificationThatChangesNothingRecordsNoEvent() async throws {
        let fixture = try ServiceFixture()
        let session = try await fixture.makeSession(with: "+15550000099")
        let before = try await fixture.store.sessionEvents(after: 0).count
        try await fixture.service.modifySession(id: session, SessionModification())
        // The peer already in the session (spelled otherwise) and the class it already has.
        try await fixture.service.modifySession(
            id: session,
            SessionModification(
                recipientsToAdd: RecipientsList(to: [Peer(id: "tel:+1-555-000-0099")]),
                sessionClass: .sms
            )
        )
        #expect(try await fixture.store.sessionEvents(after: 0).count == before)

        try await fixture.service.modifySession(id: session, SessionModification(subject: "Plans"))
        let events = try await fixture.store.sessionEvents(after: 0)
        #expect(events.count == before + 1)
        #expect(events.last?.kind == "modified")
        // The same subject again changes nothing.
        try await fixture.service.modifySession(id: session, SessionModification(subject: "Plans"))
        #expect(try await fixture.store.sessionEvents(after: 0).count == before + 1)
    }

    /// I-30: a send that failed for good stays in Outgoing/Unread like one still pending; its delivery state, per
    /// recipient too, tells them apart (the binding writes it as a vendor extension).
    @Test func aSendThatFailedForGoodStaysInOutgoingAndSaysSo() async throws {
        let fixture = try ServiceFixture()
        let pending = try await fixture.service.sendMessage(ServiceFixture.sms(to: "+15550000098"))
        let id = try await fixture.service.sendMessage(ServiceFixture.sms())
        let row = try #require(StoredID.decode(id.messageID))
        try await fixture.store.recordSendFailure(
            messageID: row,
            code: 1,
            reason: "unassigned number",
            isPermanent: true,
            nextAttemptAt: nil
        )
        let failed = try await fixture.service.readMessage(id: id.description)
        #expect(failed.folder == .outgoing)
        #expect(failed.status == .unread)
        #expect(failed.delivery?.state == .failed)
        #expect(failed.delivery?.sendState(to: "+15550000099") == .failed)
        let waiting = try await fixture.service.readMessage(id: pending.description)
        #expect(waiting.delivery?.sendState(to: "+15550000098") == .queued)
        // A search shows the same, so a control point can list what failed without reading each message.
        let found = try await fixture.service.searchMessages(MessageQuery(folder: .outgoing))
        #expect(found.map(\.id) == [pending, id])
        #expect(found.map { $0.delivery?.state } == [.queued, .failed])
    }

    static func part(_ recipient: String, _ sequence: Int, _ status: PartDeliveryStatus) -> PartDelivery {
        PartDelivery(
            recipient: recipient,
            sequence: sequence,
            total: 2,
            messageReference: status == .notSent ? nil : UInt8(sequence),
            status: status,
            statusCode: nil,
            statusTime: nil
        )
    }

    @Test func theSendStateOfARecipientIsSentOnceEverySegmentWasAccepted() {
        let parts = [
            Self.part("+15550000099", 1, .accepted), Self.part("+15550000099", 2, .delivered),
            Self.part("+15550000098", 1, .accepted), Self.part("+15550000098", 2, .notSent),
        ]
        let failed = DeliveryInfo(state: .failed, attempts: 10, lastError: nil, parts: parts)
        #expect(failed.sendState(to: "+1 555 000 0099") == .sent)
        #expect(failed.sendState(to: "+15550000098") == .failed)
        let retrying = DeliveryInfo(state: .queued, attempts: 2, lastError: nil, parts: parts)
        #expect(retrying.sendState(to: "+15550000098") == .queued)
        let sending = DeliveryInfo(state: .sending, attempts: 1, lastError: nil, parts: [])
        #expect(sending.sendState(to: "+1555") == .sending)
    }

    @Test func sessionUpdatesAccumulateAndArePublishedAtMostOncePerSecond() async throws {
        let fixture = try ServiceFixture()
        let publications = Mutex<[SessionUpdatesValue]>([])
        let running = Task { try await fixture.service.run() }
        let collector = Task {
            for await event in fixture.service.events() {
                if let value = event.sessionUpdates { publications.withLock { $0.append(value) } }
            }
        }
        defer {
            running.cancel()
            collector.cancel()
        }
        let session = try await fixture.makeSession()  // → accepted (leading edge: published at once)
        try await eventually("the first publication") { publications.withLock { $0.count } == 1 }
        try await fixture.service.leaveSession(id: session)  // within the same second: held
        try await fixture.service.joinSession(id: session)
        try await fixture.service.closeSession(id: session)
        #expect(publications.withLock { $0.count } == 1)
        fixture.clock.advance(by: .seconds(1))
        try await eventually("the second publication") { publications.withLock { $0.count } == 2 }
        let values = publications.withLock { $0 }
        #expect(values[0].updates.map(\.events) == [[.accepted(by: "Echo")]])
        #expect(values[1].updates.count == 1)
        #expect(values[1].updates[0].sessionID == session)
        #expect(values[1].updates[0].events == [.telCPLeft, .telCPJoined, .closed])
        #expect(
            values[1].updates[0].events.map(\.text) == ["one TelCP has left", "one TelCP has joined", "session closed"]
        )
        #expect(values[1].updates[0].status == .closed)
        // GetSessionUpdates returns the last batch.
        #expect(try await fixture.service.getSessionUpdates() == values[1])
    }

    @Test func unpublishedSessionEventsArePublishedAfterARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("msvc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.sqlite").path
        let session: String
        do {
            // No run(): the events are recorded but never published (as if the process died first).
            let store = try MessageStore(path: path)
            let clock = ManualClock()
            let service = MessagingService(
                store: store,
                modem: nil,
                configuration: ServiceFixture.configuration,
                clock: clock,
                wallClock: clock.wallClock,
                logger: ServiceFixture.logger
            )
            session = try await service.createSession(
                sessionClass: .sms,
                recipients: RecipientsList(to: [Peer(id: "+15550000099")])
            )
            try await service.closeSession(id: session)
        }
        let store = try MessageStore(path: path)
        let clock = ManualClock()
        let service = MessagingService(
            store: store,
            modem: nil,
            configuration: ServiceFixture.configuration,
            clock: clock,
            wallClock: clock.wallClock,
            logger: ServiceFixture.logger
        )
        let publications = Mutex<[SessionUpdatesValue]>([])
        let collector = Task {
            for await event in service.events() {
                if let value = event.sessionUpdates { publications.withLock { $0.append(value) } }
            }
        }
        let running = Task { try await service.run() }
        defer {
            running.cancel()
            collector.cancel()
        }
        try await eventually("a publication") { !publications.withLock { $0 }.isEmpty }
        let value = try #require(publications.withLock { $0 }.first)
        #expect(value.updates.map(\.sessionID) == [session])
        #expect(value.updates.first?.events == [.accepted(by: "+15550000099"), .closed])
    }
}
