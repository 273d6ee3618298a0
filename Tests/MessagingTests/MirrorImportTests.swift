import Foundation
import MessageStore
import MessageStoreTestSupport
import SMSCodec
import TestSupport
import Testing

@testable import Messaging

/// The mirror's import as the product runs it: the store's rows with the rules the service gives it (SMSCodec's
/// reassembly, TP-ST classification, number matching). Segments reassemble in any order and across restarts, a
/// group that times out is shown incomplete and a late segment merges into it, and status reports mark each part.
@Suite struct MirrorImportTests {
    static let rules = MirrorImportRules(reassemblyTimeout: .seconds(3600))

    // MARK: - Reassembly

    @Test func outOfOrderSegmentsAreReassembled() async throws {
        let store = try await ImportFixtures.makeStore()
        #expect(try await store.importPart(ImportFixtures.segment("C", reference: 7, total: 3, sequence: 3)).isPending)
        #expect(try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 3, sequence: 1)).isPending)
        // A duplicate of a waiting segment does not complete anything.
        #expect(
            try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 3, sequence: 1)).isDuplicate
        )
        let last = try await store.importPart(ImportFixtures.segment("B", reference: 7, total: 3, sequence: 2))
        guard case .created = last else {
            Issue.record("expected the message, got \(last)")
            return
        }
        let messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["ABC"])
        #expect(messages.first?.isComplete == true)
        #expect(try await store.pendingSegmentCount() == 0)
    }

    @Test func segmentsOfDifferentSendersOrReferencesDoNotMix() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("A1", reference: 7, total: 2, sequence: 1))
        _ = try await store.importPart(
            ImportFixtures.segment("X1", from: "+15550000078", reference: 7, total: 2, sequence: 1)
        )
        _ = try await store.importPart(ImportFixtures.segment("B1", reference: 8, total: 2, sequence: 1))
        _ = try await store.importPart(ImportFixtures.segment("A2", reference: 7, total: 2, sequence: 2))
        #expect(try await ImportFixtures.received(store).map(\.text) == ["A1A2"])
        #expect(try await store.pendingSegmentCount() == 2)
    }

    /// TS 23.040 §9.2.3.24.1 and §9.2.3.24.8 are two elements: an 8-bit and a 16-bit set with the same number are
    /// two messages.
    @Test func eightAndSixteenBitReferencesDoNotMix() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("8a", reference: 7, total: 2, sequence: 1))
        _ = try await store.importPart(
            ImportFixtures.segment("16b", reference: 7, referenceBits: 16, total: 2, sequence: 2)
        )
        #expect(try await ImportFixtures.received(store).isEmpty)
        _ = try await store.importPart(ImportFixtures.segment("8b", reference: 7, total: 2, sequence: 2))
        #expect(try await ImportFixtures.received(store).map(\.text) == ["8a8b"])
        #expect(try await store.pendingSegmentCount() == 1)
    }

    /// A copy of a segment in another PDU (here another TP-SCTS, as when the SC delivers it again) is the same
    /// segment: it neither restarts the group nor completes anything twice.
    @Test func aCopyOfASegmentInAnotherPDUIsADuplicate() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("A", reference: 7, total: 2, sequence: 1))
        var copy = ImportFixtures.segment(
            "A",
            reference: 7,
            total: 2,
            sequence: 1,
            pdu: Array("same segment, new SCTS".utf8)
        )
        copy.receivedAt += 60
        #expect(try await store.importPart(copy).isDuplicate)
        _ = try await store.importPart(ImportFixtures.segment("B", reference: 7, total: 2, sequence: 2))
        #expect(try await ImportFixtures.received(store).map(\.text) == ["AB"])
        // And after completion, a late copy does not open a new group.
        var late = ImportFixtures.segment("B", reference: 7, total: 2, sequence: 2, pdu: Array("late copy".utf8))
        late.receivedAt += 600
        #expect(try await store.importPart(late).isDuplicate)
        #expect(try await store.pendingSegmentCount() == 0)
    }

    @Test func pendingSegmentsSurviveARestart() async throws {
        let scratch = try ScratchDirectory("mstore")
        defer { scratch.remove() }
        let path = scratch.path("m.sqlite")
        do {
            let store = try MessageStore(path: path)
            _ = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
            _ = try await store.importPart(ImportFixtures.segment("first ", reference: 200, total: 2, sequence: 1))
        }
        let reopened = try MessageStore(path: path)
        #expect(try await reopened.pendingSegmentCount() == 1)
        _ = try await reopened.importPart(
            ImportFixtures.segment("second", reference: 200, total: 2, sequence: 2, at: 5_000)
        )
        #expect(try await ImportFixtures.received(reopened).map(\.text) == ["first second"])
    }

    @Test func aTimedOutGroupIsShownIncompleteAndALateSegmentIsMerged() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("one ", reference: 9, total: 3, sequence: 1, at: 1_000))
        _ = try await store.importPart(ImportFixtures.segment("three", reference: 9, total: 3, sequence: 3, at: 1_001))
        #expect(
            try await store.flushStaleSegments(
                olderThan: 999,
                ownNumber: "+15550000001",
                routingClasses: [],
                now: 2_000,
                offset: 0
            )
            .isEmpty
        )
        let flushed = try await store.flushStaleSegments(
            olderThan: 1_500,
            ownNumber: "+15550000001",
            routingClasses: [],
            now: 2_000,
            offset: 0
        )
        #expect(flushed.count == 1)
        var messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["one [\u{2026}]three"])
        #expect(messages.first?.isComplete == false)
        #expect(messages.first?.fromID == "+15550000077")

        let late = try await store.importPart(
            ImportFixtures.segment("two ", reference: 9, total: 3, sequence: 2, at: 3_000)
        )
        #expect(late == .merged(partID: late.partID, messageID: try #require(flushed.first)))
        messages = try await ImportFixtures.received(store)
        #expect(messages.map(\.text) == ["one two three"])
        #expect(messages.first?.isComplete == true)
    }

    @Test func aReusedReferenceStartsANewGroup() async throws {
        let store = try await ImportFixtures.makeStore()
        _ = try await store.importPart(ImportFixtures.segment("old1", reference: 1, total: 2, sequence: 1, at: 1_000))
        // Same reference and sequence, other content: the old group can never complete.
        let restarted = try await store.importPart(
            ImportFixtures.segment("new1", reference: 1, total: 2, sequence: 1, at: 9_000)
        )
        guard case .restarted(_, _, true) = restarted else {
            Issue.record("expected the old group shown as a new unread message, got \(restarted)")
            return
        }
        _ = try await store.importPart(ImportFixtures.segment("new2", reference: 1, total: 2, sequence: 2, at: 9_001))
        let texts = try await ImportFixtures.received(store).map(\.text)
        #expect(texts == ["old1[\u{2026}]", "new1new2"])
    }

    // MARK: - Status reports

    @Test func statusReportsMarkEachPartAndMatchByReferenceRecipientAndTime() async throws {
        let store = try await ImportFixtures.makeStore()
        let id = try await ImportFixtures.outgoingAwaitingReports(parts: 2, in: store, now: 10)
        try await store.markPartAccepted(messageID: id, recipientIndex: 0, seq: 1, mr: 41, now: 100, rules: Self.rules)
        try await store.markPartAccepted(messageID: id, recipientIndex: 0, seq: 2, mr: 42, now: 101, rules: Self.rules)
        // An older message that also got TP-MR 41 (TP-MR wraps), long ago.
        let old = try await ImportFixtures.outgoingAwaitingReports(parts: 1, in: store, now: 1)
        try await store.markPartAccepted(messageID: old, recipientIndex: 0, seq: 1, mr: 41, now: 1, rules: Self.rules)

        func report(_ mr: Int, _ status: UInt8, recipient: String = "+15550000099", hash: String) -> IncomingPart {
            Self.report(
                mr,
                status,
                recipient: recipient,
                hash: hash,
                at: 200,
                serviceCentreTime: 100,
                dischargeTime: 150
            )
        }
        #expect(try await store.importPart(report(41, 0x00, hash: "r1")) == .statusReport(partID: 1, messageID: id))
        var parts = try #require(try await store.message(id: id)).outboxParts
        #expect(parts.map(\.state) == [.delivered, .accepted])
        // A national form of the same number matches; a temporary status keeps it pending.
        #expect(try await store.importPart(report(42, 0x20, recipient: "5550000099", hash: "r2")).partID > 0)
        parts = try #require(try await store.message(id: id)).outboxParts
        #expect(parts.map(\.state) == [.delivered, .pending])
        _ = try await store.importPart(report(42, 0x00, hash: "r3"))
        parts = try #require(try await store.message(id: id)).outboxParts
        #expect(parts.map(\.state) == [.delivered, .delivered])
        #expect(parts.map(\.statusTime) == [150, 150])
        // Another recipient with the same TP-MR matches nothing.
        #expect(
            try await store.importPart(report(41, 0x00, recipient: "+15550000098", hash: "r4"))
                .matchedMessage == nil
        )
        #expect(try #require(try await store.message(id: old)).outboxParts.map(\.state) == [.accepted])
    }

    /// TS 23.040 §9.2.2.3: the network's report can come before the modem's `+CMGS: <mr>` is saved (the part is
    /// still `submitting`, with no TP-MR). It is kept and applied when the part is accepted with its TP-MR and
    /// recipient, also after the store was closed and opened again in between; a report of another recipient, or
    /// one received before this attempt began (an older submission's wrapped TP-MR), is not applied to it.
    @Test func aReportBeforeTheMessageReferenceIsAppliedWhenThePartIsAccepted() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("early-\(UUID().uuidString).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm", "-attachments"] {
                try? FileManager.default.removeItem(atPath: path.path + suffix)
            }
        }
        var store: MessageStore? = try MessageStore(path: path.path)
        _ = try await store?.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
        let id = try await ImportFixtures.outgoingAwaitingReports(parts: 2, in: try #require(store), now: 10)
        // Before this attempt: the same TP-MR and recipient, another submission.
        _ = try await store?.importPart(Self.report(7, 0x40, hash: "stale", at: 150))
        try await store?.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 1, now: 200)
        try await store?.markPartSubmitting(messageID: id, recipientIndex: 0, seq: 2, now: 200)
        let first = try await store?.importPart(Self.report(7, 0x20, hash: "pending", at: 201))
        #expect(first?.matchedMessage == nil)
        _ = try await store?.importPart(Self.report(7, 0x00, hash: "delivered", at: 202))
        _ = try await store?.importPart(Self.report(8, 0x00, recipient: "+15550000098", hash: "other", at: 202))
        store = nil  // the daemon stops here; the reports are kept

        let reopened = try MessageStore(path: path.path)
        #expect(
            try #require(try await reopened.message(id: id)).outboxParts.map(\.state) == [.submitting, .submitting]
        )
        try await reopened.markPartAccepted(
            messageID: id,
            recipientIndex: 0,
            seq: 1,
            mr: 7,
            now: 203,
            rules: Self.rules
        )
        try await reopened.markPartAccepted(
            messageID: id,
            recipientIndex: 0,
            seq: 2,
            mr: 8,
            now: 204,
            rules: Self.rules
        )
        let parts = try #require(try await reopened.message(id: id)).outboxParts
        // The final report after the "still trying" one; the stale one (0x40, failed) never applied.
        #expect(parts.map(\.state) == [.delivered, .accepted])
        #expect(parts[0].statusCode == 0x00)
        // Applied reports are gone; a later report for part 2 still matches the usual way.
        let late = try await reopened.importPart(Self.report(8, 0x00, hash: "late", at: 300), rules: Self.rules)
        #expect(late.matchedMessage == id)
        #expect(try #require(try await reopened.message(id: id)).outboxParts.map(\.state) == [.delivered, .delivered])
    }

    static func report(
        _ mr: Int,
        _ status: UInt8,
        recipient: String = "+15550000099",
        hash: String,
        at time: Double,
        serviceCentreTime: Double? = nil,
        dischargeTime: Double? = nil
    ) -> IncomingPart {
        IncomingPart(
            simID: 1,
            pdu: Array(hash.utf8),
            contentHash: hash,
            source: "cds",
            receivedAt: time,
            receivedOffset: 0,
            content: .statusReport(
                StatusReportPart(
                    messageReference: mr,
                    recipient: recipient,
                    status: Int(status),
                    deliveryState: IncomingDecoder.deliveryState(TPStatus(rawValue: status)),
                    serviceCentreTime: serviceCentreTime ?? time - 1,
                    dischargeTime: dischargeTime ?? time,
                    dischargeOffset: 0
                )
            )
        )
    }

    /// TS 23.040 §9.2.3.15: 0x00–0x1F completed, 0x20–0x3F the SC still trying, 0x40 and above given up.
    @Test(arguments: [
        (UInt8(0x00), OutboxPartRecord.State.delivered), (0x1F, .delivered), (0x20, .pending), (0x3F, .pending),
        (0x40, .failed), (0x5F, .failed), (0x60, .failed), (0x7F, .failed), (0x80, .failed), (0xFF, .failed),
    ])
    func tpStatusClassifiesThePart(status: UInt8, state: OutboxPartRecord.State) {
        #expect(IncomingDecoder.deliveryState(TPStatus(rawValue: status)) == state)
    }
}

extension MessageStore {
    /// The import as the mirror runs it, with the service's rules.
    fileprivate func importPart(_ part: IncomingPart) async throws -> ImportOutcome {
        try await importPart(part, rules: MirrorImportTests.rules)
    }

    /// The reassembly timeout expressed as a cutoff: groups whose first segment arrived at or before it are due.
    fileprivate func flushStaleSegments(
        olderThan cutoff: Double,
        ownNumber: String,
        routingClasses: [String],
        now: Double,
        offset: Int
    ) async throws -> [Int64] {
        try await flushStaleSegments(
            rules: MirrorImportRules(reassemblyTimeout: .seconds(now - cutoff)),
            ownNumber: ownNumber,
            routingClasses: routingClasses,
            now: now,
            offset: offset
        )
    }
}

extension ImportOutcome {
    var isPending: Bool {
        if case .pending = self { return true }
        return false
    }
    var isDuplicate: Bool {
        if case .duplicate = self { return true }
        return false
    }
    var matchedMessage: Int64? {
        if case .statusReport(_, let id) = self { return id }
        return nil
    }
}
