import Foundation
import GRDB
import MessageStoreTestSupport
import Synchronization
import TestSupport
import Testing

@testable import MessageStore

/// Idempotent import and the rows of segments and status reports. The decisions themselves (reassembly, matching a
/// report) are the caller's rules: here they are scripted, so that these tests check what the store keeps and
/// writes for each decision. The real rules are tested in SMSCodecTests and, through the store, in MessagingTests.
@Suite struct ImportTests {
    static func parts(of message: Int64, in store: MessageStore) async throws -> [ReceivedPartRecord] {
        try await store.writer.read { db in
            try ReceivedPartRecord.fetchAll(
                db,
                sql: "SELECT * FROM receivedPart WHERE messageId = ? ORDER BY id",
                arguments: [message]
            )
        }
    }

    // MARK: - Idempotency

    @Test func aPartSeenTwiceIsStoredOnce() async throws {
        let store = try await ImportFixtures.makeStore()
        let first = try await store.importPart(ImportFixtures.segment("hello"), rules: ScriptedRules())
        var again = ImportFixtures.segment("hello")
        again.source = "cmt"
        let second = try await store.importPart(again, rules: ScriptedRules())
        guard case .created(let partID, _, true, nil) = first else {
            Issue.record("expected a new message, got \(first)")
            return
        }
        #expect(second == .duplicate(partID: partID))
        #expect(try await ImportFixtures.received(store).map(\.text) == ["hello"])
        #expect(try await store.receivedPartCount() == 1)
    }

    @Test func theSamePDUOnAnotherSIMIsAnotherMessage() async throws {
        let store = try await ImportFixtures.makeStore()
        let other = try await store.simID(iccid: "8902", imsi: "00102", msisdn: "", now: 0)
        _ = try await store.importPart(ImportFixtures.segment("hello"), rules: ScriptedRules())
        _ = try await store.importPart(ImportFixtures.segment("hello", simID: other), rules: ScriptedRules())
        #expect(try await ImportFixtures.received(store).count == 2)
    }

    @Test func aSegmentSeenTwiceIsNotOfferedToTheRulesAgain() async throws {
        let store = try await ImportFixtures.makeStore()
        let rules = ScriptedRules()
        let first = try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 2), rules: rules)
        let again = try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 2), rules: rules)
        #expect(again == .duplicate(partID: first.partID))
        #expect(rules.groups.count == 1)
        #expect(try await store.pendingSegmentCount() == 1)
    }

    // MARK: - Segments: what the rules see

    /// A group is one SIM, party, reference, reference width and total: the rules see only its rows.
    @Test func theRulesSeeOnlyTheSegmentsOfTheirGroup() async throws {
        let store = try await ImportFixtures.makeStore()
        let other = try await store.simID(iccid: "8902", imsi: "00102", msisdn: "", now: 0)
        let rules = ScriptedRules()
        for part in [
            ImportFixtures.segment("mine", reference: 7, total: 3, sequence: 1),
            ImportFixtures.segment("other sender", from: "+15550000078", reference: 7, total: 3, sequence: 1),
            ImportFixtures.segment("other reference", reference: 8, total: 3, sequence: 1),
            ImportFixtures.segment("16-bit reference", reference: 7, referenceBits: 16, total: 3, sequence: 1),
            ImportFixtures.segment("other total", reference: 7, total: 2, sequence: 1),
            ImportFixtures.segment("other SIM", reference: 7, total: 3, sequence: 1, simID: other),
        ] {
            _ = try await store.importPart(part, rules: rules)
        }
        _ = try await store.importPart(
            ImportFixtures.segment("mine too", reference: 7, total: 3, sequence: 3),
            rules: rules
        )
        let seen = try #require(rules.groups.last)
        #expect(seen.waiting.map(\.partText) == ["mine"])
        #expect(seen.shown == nil)
        #expect(try await store.pendingSegmentCount() == 7)
    }

    /// Reassembly state is rows: after a restart the rules see the segments that waited before it.
    @Test func waitingSegmentsSurviveARestart() async throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let path = scratch.path("m.sqlite")
        do {
            let store = try MessageStore(path: path)
            _ = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
            _ = try await store.importPart(
                ImportFixtures.segment("first ", reference: 200, total: 2),
                rules: ScriptedRules()
            )
        }
        let reopened = try MessageStore(path: path)
        #expect(try await reopened.pendingSegmentCount() == 1)
        let rules = ScriptedRules(decision: .complete(text: "first second"))
        _ = try await reopened.importPart(
            ImportFixtures.segment("second", reference: 200, total: 2, sequence: 2),
            rules: rules
        )
        #expect(rules.groups.first?.waiting.map(\.partText) == ["first "])
        #expect(try await ImportFixtures.received(reopened).map(\.text) == ["first second"])
    }

    @Test func releasingMemoryKeepsWhatIsStoredAndTheStoreWorks() async throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let store = try MessageStore(path: scratch.path("m.sqlite"))
        _ = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
        _ = try await store.importPart(ImportFixtures.segment("before"), rules: ScriptedRules())
        await store.releaseMemory()
        #expect(try await ImportFixtures.received(store).map(\.text) == ["before"])
        _ = try await store.importPart(ImportFixtures.segment("after"), rules: ScriptedRules())
        #expect(Set(try await ImportFixtures.received(store).map(\.text)) == ["before", "after"])
    }

    // MARK: - Segments: what the store writes for each decision

    @Test func aCompletedGroupIsOneMessageOfEveryWaitingSegment() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(
            ImportFixtures.segment("C", reference: 7, total: 3, sequence: 3),
            rules: ScriptedRules()
        )
        _ = try await store.importPart(
            ImportFixtures.segment("A", reference: 7, total: 3, sequence: 1),
            rules: ScriptedRules()
        )
        let last = try await store.importPart(
            ImportFixtures.segment("B", reference: 7, total: 3, sequence: 2),
            rules: ScriptedRules(decision: .complete(text: "ABC"))
        )
        guard case .created(_, let messageID, true, nil) = last else {
            Issue.record("expected the message, got \(last)")
            return
        }
        let messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["ABC"])
        #expect(messages.first?.isComplete == true)
        #expect(try await Self.parts(of: messageID, in: store).map(\.partText) == ["C", "A", "B"])
        #expect(try await store.pendingSegmentCount() == 0)
    }

    @Test func aMergeUpdatesTheMessageShownIncomplete() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(
            ImportFixtures.segment("one ", reference: 9, total: 2, at: 1_000),
            rules: ScriptedRules()
        )
        let flushed = try await store.flushStaleSegments(
            rules: ScriptedRules(surfacedText: "one […]"),
            ownNumber: "+15550000001",
            routingClasses: [],
            now: 2_000,
            offset: 0
        )
        let shownId = try #require(flushed.first)
        #expect(try await ImportFixtures.received(store).map(\.isComplete) == [false])

        let rules = ScriptedRules(decision: .merge(text: "one two", isComplete: true))
        let two = ImportFixtures.segment("two", reference: 9, total: 2, sequence: 2, at: 3_000)
        let late = try await store.importPart(two, rules: rules)
        #expect(late == .merged(partID: late.partID, messageID: shownId))
        let shown = try #require(rules.groups.first?.shown)
        #expect(shown.messageID == shownId)
        #expect(shown.shownAt == 2_000)
        #expect(shown.segments.map(\.partText) == ["one "])
        let messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["one two"])
        #expect(messages.first?.isComplete == true)
        #expect(try await Self.parts(of: shownId, in: store).count == 2)
    }

    @Test func aRestartShowsTheWaitingSegmentsAndTheNewOneWaits() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(
            ImportFixtures.segment("old1", reference: 1, total: 2, at: 1_000),
            rules: ScriptedRules()
        )
        let outcome = try await store.importPart(
            ImportFixtures.segment("new1", reference: 1, total: 2, at: 9_000),
            rules: ScriptedRules(decision: .restart(surfacedText: "old1[…]"))
        )
        guard case .restarted(_, let messageID, true) = outcome else {
            Issue.record("expected a restart, got \(outcome)")
            return
        }
        #expect(try await ImportFixtures.received(store).map(\.text) == ["old1[…]"])
        #expect(try await Self.parts(of: messageID, in: store).map(\.partText) == ["old1"])
        #expect(try await store.pendingSegmentCount() == 1)
    }

    @Test func aDuplicateIsKeptForDiagnosisAndChangesNothing() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 2), rules: ScriptedRules())
        let copy = ImportFixtures.segment("A", reference: 7, total: 2, pdu: Array("another PDU, same content".utf8))
        let outcome = try await store.importPart(copy, rules: ScriptedRules(decision: .duplicate))
        #expect(outcome == .duplicate(partID: outcome.partID))
        #expect(try await store.receivedPartCount() == 2)
        #expect(try await store.pendingSegmentCount() == 1)
        #expect(try await ImportFixtures.received(store).isEmpty)
    }

    @Test func onlyGroupsTheRulesSurfaceAreShown() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("a", reference: 1, total: 2), rules: ScriptedRules())
        _ = try await store.importPart(ImportFixtures.segment("b", reference: 2, total: 2), rules: ScriptedRules())
        let waiting = try await store.flushStaleSegments(
            rules: ScriptedRules(surfacedText: nil),
            ownNumber: "+15550000001",
            routingClasses: [],
            now: 5_000,
            offset: 0
        )
        #expect(waiting.isEmpty)
        let rules = ScriptedRules(surfacedText: "shown")
        let shown = try await store.flushStaleSegments(
            rules: rules,
            ownNumber: "+15550000001",
            routingClasses: [],
            now: 5_000,
            offset: 0
        )
        #expect(shown.count == 2)
        #expect(rules.surfaced.map { $0.map(\.partText) } == [["a"], ["b"]])
        let messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["shown", "shown"])
        #expect(messages.allSatisfy { !$0.isComplete && $0.fromID == "+15550000077" && $0.sortTime == 5_000 })
    }

    /// Rows stored before the reference width had a column join a group of either width.
    @Test func segmentsStoredWithoutAWidthJoinEitherWidth() async throws {
        let store = try await ImportFixtures.makeStore()
        try await store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO receivedPart (simId, state, contentHash, pdu, source, receivedAt, originator, concatRef,
                                              concatTotal, concatSeq, partText)
                    VALUES (1, 'pending', 'old', X'00', 'store', 10, 'in:+15550000077', 7, 2, 1, 'before ')
                    """
            )
        }
        let rules = ScriptedRules()
        let after = ImportFixtures.segment("after", reference: 7, referenceBits: 16, total: 2, sequence: 2)
        _ = try await store.importPart(after, rules: rules)
        #expect(rules.groups.first?.waiting.map(\.partText) == ["before "])
    }

    // MARK: - Received messages

    @Test func receivedMessagesAreRoutedIntoAnOpenConversation() async throws {
        let store = try await ImportFixtures.makeStore()
        let session = try await store.insertSession(
            SessionRecord(
                sessionClass: "SMS",
                subject: nil,
                status: .running,
                contentTypes: nil,
                isIncoming: false,
                creatorID: "+15550000001",
                creatorName: nil,
                peerKey: "+15550000077",
                dateStarted: 0,
                dateStartedOffset: 0
            ),
            recipients: [PeerRow(role: "to", peerID: "+15550000077", name: nil)],
            participant: "local",
            events: []
        )
        let outcome = try await store.importPart(ImportFixtures.segment("in session"), rules: ScriptedRules())
        let other = try await store.importPart(
            ImportFixtures.segment("page mode", from: "+15550000078"),
            rules: ScriptedRules()
        )
        guard case .created(_, _, _, let sessionID) = outcome, case .created(_, _, _, let none) = other else {
            Issue.record("expected messages")
            return
        }
        #expect(sessionID == session)
        #expect(none == nil)
        #expect(try await store.session(id: session)?.messageIDs.count == 1)
    }

    // MARK: - Status reports

    /// The rules are offered the parts with the report's TP-MR that await a report, newest first; the part they
    /// pick gets the state the report carries, its TP-ST and its discharge time.
    @Test func aStatusReportUpdatesThePartTheRulesPick() async throws {
        let store = try await ImportFixtures.makeStore()
        let id = try await ImportFixtures.outgoingAwaitingReports(parts: 3, in: store, now: 10)
        try await store.markPartAccepted(
            messageID: id,
            recipientIndex: 0,
            seq: 1,
            mr: 41,
            now: 100,
            rules: ScriptedRules()
        )
        try await store.markPartAccepted(
            messageID: id,
            recipientIndex: 0,
            seq: 2,
            mr: 41,
            now: 101,
            rules: ScriptedRules()
        )
        // Not accepted yet: never a candidate.
        try await store.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 3, now: 102)

        func report(_ state: OutboxPartRecord.State, hash: String) -> IncomingPart {
            IncomingPart(
                simID: 1,
                pdu: Array(hash.utf8),
                contentHash: hash,
                source: "cds",
                receivedAt: 200,
                receivedOffset: 0,
                content: .statusReport(
                    StatusReportPart(
                        messageReference: 41,
                        recipient: "+15550000099",
                        status: 0x45,
                        deliveryState: state,
                        serviceCentreTime: 100,
                        dischargeTime: 150,
                        dischargeOffset: 0
                    )
                )
            )
        }
        let rules = ScriptedRules()
        let matched = try await store.importPart(report(.failed, hash: "r1"), rules: rules)
        #expect(matched == .statusReport(partID: 1, messageID: id))
        #expect(rules.candidates.first?.map(\.seq) == [2, 1])
        let parts = try #require(try await store.message(id: id)).outboxParts
        #expect(parts.map(\.state) == [.accepted, .failed, .submitting])
        #expect(parts[1].statusCode == 0x45)
        #expect(parts[1].statusTime == 150)

        let none = ScriptedRules(matches: false)
        let unmatched = try await store.importPart(report(.delivered, hash: "r2"), rules: none)
        #expect(unmatched == .statusReport(partID: 2, messageID: nil))
        let unchanged = try #require(try await store.message(id: id)).outboxParts
        #expect(unchanged.map(\.state) == [.accepted, .failed, .submitting])
    }
}

/// Rules that answer what the test scripted, and remember what the store asked.
final class ScriptedRules: ImportRules {
    let decision: SegmentDecision
    let surfacedText: String?
    let matches: Bool
    private let asked = Mutex(Asked())

    private struct Asked {
        var groups: [SegmentGroup] = []
        var surfaced: [[ReceivedPartRecord]] = []
        var candidates: [[OutboxPartRecord]] = []
    }

    init(decision: SegmentDecision = .wait, surfacedText: String? = nil, matches: Bool = true) {
        self.decision = decision
        self.surfacedText = surfacedText
        self.matches = matches
    }

    /// The groups the store showed for each segment, in order.
    var groups: [SegmentGroup] { asked.withLock { $0.groups } }
    /// The waiting groups the store offered for surfacing, in order.
    var surfaced: [[ReceivedPartRecord]] { asked.withLock { $0.surfaced } }
    /// The candidates offered for each status report, in order.
    var candidates: [[OutboxPartRecord]] { asked.withLock { $0.candidates } }

    func decide(_ segment: ReceivedPartRecord, in group: SegmentGroup) -> SegmentDecision {
        asked.withLock { $0.groups.append(group) }
        return decision
    }

    func surface(_ waiting: [ReceivedPartRecord], now: Double) -> String? {
        asked.withLock { $0.surfaced.append(waiting) }
        return surfacedText
    }

    func match(_ report: StatusReportPart, among candidates: [OutboxPartRecord]) -> OutboxPartRecord? {
        asked.withLock { $0.candidates.append(candidates) }
        return matches ? candidates.first : nil
    }

    func decidePush(_ segment: ReceivedPartRecord, waiting: [ReceivedPartRecord]) -> PushSegmentDecision { .wait }

    func surfacePush(_ waiting: [ReceivedPartRecord], now: Double) -> String? { nil }
}
