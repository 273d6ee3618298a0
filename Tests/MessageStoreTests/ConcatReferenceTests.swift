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
        _ = try await Self.enqueueTwoParts(in: store, now: 0)
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
}
