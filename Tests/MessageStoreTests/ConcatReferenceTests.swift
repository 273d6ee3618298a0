import Foundation
import GRDB
import MessageStoreTestSupport
import Testing

@testable import MessageStore

/// The concatenation references given to outgoing messages (TS 23.040 §9.2.3.24.1), and the references held back
/// because a segment carrying one may reach the recipient twice.
@Suite struct ConcatReferenceTests {
    static let destination = ImportFixtures.outgoingRecipient

    /// Enqueues a two-part message to ``destination``, its reference allocated by the store; returns its row ID and
    /// reference.
    static func enqueueTwoParts(in store: MessageStore, now: Double) async throws -> (id: Int64, reference: Int) {
        let (id, reference) = try await ImportFixtures.outgoing(
            parts: 2,
            requestStatusReport: false,
            allocatesReference: true,
            in: store,
            now: now
        )
        return (id, try #require(reference))
    }

    /// Makes the next allocation start from `value` again, as after the counter wrapped.
    static func rewindCounter(to value: Int, in store: MessageStore) async throws {
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE concatReference SET nextValue = ?", arguments: [value])
        }
    }

    /// Every part accepted and the message sent: its reference is free again unless held.
    static func finishSent(_ id: Int64, in store: MessageStore, now: Double) async throws {
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE outboxPart SET state = 'accepted' WHERE messageId = ?", arguments: [id])
        }
        try await store.finishSent(messageID: id, now: now, offset: 0)
    }

    static func held(in store: MessageStore) async throws -> [Int] {
        try await store.writer.read { db in
            try Int.fetchAll(db, sql: "SELECT reference FROM heldConcatReference ORDER BY reference")
        }
    }

    @Test func eachMessageToADestinationGetsTheNextReference() async throws {
        let store = try await ImportFixtures.makeStore()
        var references: [Int] = []
        for now in 0..<3 { references.append(try await Self.enqueueTwoParts(in: store, now: Double(now)).reference) }
        #expect(references == [0, 1, 2])
        #expect(try await Self.held(in: store) == [])
    }

    /// A message's last segment submitted again while its last submission's outcome is unknown may arrive twice,
    /// after the message was complete: its reference is passed over when the counter comes round to it. An earlier
    /// segment's second copy comes while the message is incomplete and holds nothing.
    @Test func aLastSegmentSubmittedAgainWithAnUnknownOutcomeHoldsItsReference() async throws {
        let store = try await ImportFixtures.makeStore()
        let (id, reference) = try await Self.enqueueTwoParts(in: store, now: 0)
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 1, now: 1)
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 1, now: 2)
        #expect(try await Self.held(in: store) == [])
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 2, now: 3)
        #expect(try await Self.held(in: store) == [])
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 2, now: 4)
        #expect(try await Self.held(in: store) == [reference])
        try await Self.finishSent(id, in: store, now: 5)

        try await Self.rewindCounter(to: reference, in: store)
        #expect(try await Self.enqueueTwoParts(in: store, now: 3).reference == reference + 1)
    }

    /// A submission the modem refused took nothing: sending it again makes no second copy.
    @Test func aRefusedSubmissionHoldsNothing() async throws {
        let store = try await ImportFixtures.makeStore()
        let (id, reference) = try await Self.enqueueTwoParts(in: store, now: 0)
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 2, now: 1)
        try await store.markPartRefused(messageID: id, recipientIndex: 0, seq: 2)
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 2, now: 2)
        #expect(try await Self.held(in: store) == [])
        try await Self.finishSent(id, in: store, now: 3)

        try await Self.rewindCounter(to: reference, in: store)
        #expect(try await Self.enqueueTwoParts(in: store, now: 3).reference == reference)
    }

    /// A segment in flight when the process stopped is sent again at the next start: its reference is held.
    @Test func aSegmentInFlightAtAStopHoldsItsReference() async throws {
        let store = try await ImportFixtures.makeStore()
        let first = try await Self.enqueueTwoParts(in: store, now: 0)
        let second = try await Self.enqueueTwoParts(in: store, now: 0)
        try await store.markPartSubmitting(messageID: first.id, recipientIndex: 0, seq: 1, now: 1)
        try await store.markPartSubmitting(messageID: second.id, recipientIndex: 0, seq: 2, now: 1)
        _ = try await store.recoverInterruptedSends(now: 5)
        #expect(try await Self.held(in: store) == [second.reference])
        #expect(first.reference != second.reference)
    }

    /// With every reference held, the one held longest is given out again, and counts as held last: the messages
    /// after it take the next oldest, and so on round.
    @Test func whenEveryReferenceIsHeldTheOldestIsReused() async throws {
        let store = try await ImportFixtures.makeStore()
        try await Self.finishSent(try await Self.enqueueTwoParts(in: store, now: 0).id, in: store, now: 0)
        try await store.writer.write { db in
            for reference in 0..<256 {
                try db.execute(
                    sql: "INSERT INTO heldConcatReference (destination, reference, heldAt) VALUES (?, ?, ?)",
                    arguments: [Self.destination, reference, reference == 7 ? 1.0 : 50.0]
                )
            }
        }
        #expect(try await Self.enqueueTwoParts(in: store, now: 60).reference == 7)
        #expect(try await Self.held(in: store).count == 256)
        var next: [Int] = []
        for now in 61..<64 { next.append(try await Self.enqueueTwoParts(in: store, now: Double(now)).reference) }
        #expect(next == [0, 1, 2])
    }

    /// A message not yet finished keeps its reference: its first parts may already wait at the recipient while the
    /// rest is retried, so however often the counter comes round meanwhile, no other message gets it.
    @Test func anUnfinishedMessageKeepsItsReferenceUntilItIsSent() async throws {
        let store = try await ImportFixtures.makeStore()
        let first = try await Self.enqueueTwoParts(in: store, now: 0)
        try await store.writer.write { db in
            try db.execute(
                sql: "UPDATE outboxPart SET state = 'accepted', submittedAt = 1 WHERE messageId = ? AND seq = 1",
                arguments: [first.id]
            )
        }
        try await Self.rewindCounter(to: first.reference, in: store)
        let second = try await Self.enqueueTwoParts(in: store, now: 2)
        #expect(second.reference == first.reference + 1)

        try await Self.finishSent(first.id, in: store, now: 3)
        try await Self.rewindCounter(to: first.reference, in: store)
        #expect(try await Self.enqueueTwoParts(in: store, now: 4).reference == first.reference)
        #expect(try await Self.held(in: store) == [])
    }

    /// A message given up after some of its parts went out (failed for good, or deleted) leaves them waiting at
    /// the recipient: its reference is held. One given up before any part went out holds nothing.
    @Test func aMessageGivenUpAfterSomePartsWentOutHoldsItsReference() async throws {
        let store = try await ImportFixtures.makeStore()
        let failed = try await Self.enqueueTwoParts(in: store, now: 0)
        let deleted = try await Self.enqueueTwoParts(in: store, now: 0)
        let untouched = try await Self.enqueueTwoParts(in: store, now: 0)
        for message in [failed, deleted] {
            try await store.markPartSubmitting(messageID: message.id, recipientIndex: 0, seq: 1, now: 1)
        }
        try await store.recordSendFailure(
            messageID: failed.id,
            code: 500,
            reason: "+CMS ERROR: 500",
            isPermanent: true,
            nextAttemptAt: nil
        )
        _ = try await store.deleteMessage(id: deleted.id)
        try await store.recordSendFailure(
            messageID: untouched.id,
            code: 500,
            reason: "+CMS ERROR: 500",
            isPermanent: true,
            nextAttemptAt: nil
        )
        #expect(try await Self.held(in: store) == [failed.reference, deleted.reference].sorted())

        try await Self.rewindCounter(to: failed.reference, in: store)
        let next = try await Self.enqueueTwoParts(in: store, now: 2).reference
        #expect(next == untouched.reference)
    }
}
