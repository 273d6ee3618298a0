import Foundation
import MessageStore
import MessageStoreTestSupport
import Testing

/// The hook queue's triggers: a delivery per configured hook is written in the transaction that stores the event,
/// once per message and event.
@Suite struct HookQueueTests {
    static let targets: [(event: String, target: String)] = [
        ("received", "on-receive"), ("sent", "on-sent"), ("failed", "on-failed"), ("received", "webhook"),
    ]

    func queued(_ store: MessageStore) async throws -> [String] {
        try await store.dueHookDeliveries(now: .greatestFiniteMagnitude, limit: 100, excluding: [])
            .map { "\($0.messageID) \($0.event) \($0.target)" }
    }

    @Test func aConcatenatedMessageIsQueuedOnceWhenComplete() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.setHookTargets(Self.targets)
        _ = try await store.importPart(
            ImportFixtures.segment("first ", reference: 9, total: 2),
            rules: ScriptedRules()
        )
        #expect(try await queued(store).isEmpty)
        let outcome = try await store.importPart(
            ImportFixtures.segment("second", reference: 9, total: 2, sequence: 2),
            rules: ScriptedRules(decision: .complete(text: "first second"))
        )
        guard case .created(_, let messageID, _, _) = outcome else {
            Issue.record("not created: \(outcome)")
            return
        }
        #expect(try await queued(store) == ["\(messageID) received on-receive", "\(messageID) received webhook"])
    }

    @Test func withoutHooksNothingIsQueued() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("hello"), rules: ScriptedRules())
        #expect(try await queued(store).isEmpty)
    }

    @Test func sentAndFailedForGoodAreQueuedButARetryIsNot() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.setHookTargets(Self.targets)
        let sent = try await ImportFixtures.outgoingAwaitingReports(parts: 1, in: store, now: 10)
        let failed = try await ImportFixtures.outgoingAwaitingReports(parts: 1, in: store, now: 10)
        try await store.recordSendFailure(
            messageID: failed,
            code: 500,
            reason: "unknown",
            isPermanent: false,
            nextAttemptAt: 20
        )
        #expect(try await queued(store).isEmpty)
        try await store.finishSent(messageID: sent, now: 30, offset: 0)
        try await store.recordSendFailure(
            messageID: failed,
            code: 21,
            reason: "rejected",
            isPermanent: true,
            nextAttemptAt: nil
        )
        // Marking it sent again (a duplicate report path) does not queue it twice.
        try await store.finishSent(messageID: sent, now: 31, offset: 0)
        #expect(try await queued(store) == ["\(sent) sent on-sent", "\(failed) failed on-failed"])
    }

    @Test func aDeliveryIsCountedRetriedAndGivenUp() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.setHookTargets([("received", "hook")])
        _ = try await store.importPart(ImportFixtures.segment("hello"), rules: ScriptedRules())
        let delivery = try #require(
            try await store.dueHookDeliveries(now: 0, limit: 10, excluding: []).first
        )
        let begun = try #require(try await store.beginHookAttempt(id: delivery.id, now: 100))
        #expect(begun.attempts == 1 && begun.firstAttemptAt == 100)
        try await store.recordHookFailure(id: delivery.id, error: "exit status 1", nextAttemptAt: 105)
        #expect(try await store.dueHookDeliveries(now: 104, limit: 10, excluding: []).isEmpty)
        #expect(try await store.nextHookAttempt(excluding: []) == 105)
        let again = try #require(try await store.beginHookAttempt(id: delivery.id, now: 105))
        #expect(again.attempts == 2 && again.firstAttemptAt == 100)
        try await store.recordHookFailure(id: delivery.id, error: "exit status 2", nextAttemptAt: nil)
        #expect(try await store.nextHookAttempt(excluding: []) == nil)
        let summary = try await store.hookQueueSummary()
        #expect(summary == [HookTargetSummary(target: "hook", pending: 0, retrying: 0, abandoned: 1, lastError: nil)])
    }
}
