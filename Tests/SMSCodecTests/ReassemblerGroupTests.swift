import Testing

@testable import SMSCodec

/// The reassembly rules on one group, as a holder that keeps rows (the Messaging service's store) applies them:
/// the group is rebuilt from what was stored, and the outcome says what to store.
@Suite struct ReassemblerGroupTests {
    static let key = Reassembler.Key(party: "+4912345", reference: 7, referenceBits: 8, total: 3)
    static let configuration = Reassembler.Configuration(timeout: 100, lateRetention: 1_000)

    static func part(_ seq: UInt8, _ text: String, at time: Int64 = 0, id: String? = nil) -> Reassembler.Part {
        Reassembler.Part(sequence: seq, content: .text(text), receivedAt: time, partID: id ?? "row\(seq)")
    }

    @Test func theLastPartCompletesTheWaitingSet() throws {
        var group = Reassembler.Group(key: Self.key, waiting: [Self.part(3, "c"), Self.part(1, "a")])
        #expect(
            try group.add(Self.part(2, "b"), now: 5, configuration: Self.configuration)
                == .completed([Self.part(1, "a"), Self.part(2, "b"), Self.part(3, "c")])
        )
        #expect(group.waiting.isEmpty)
        #expect(group.shown?.shownAt == 5)
    }

    @Test func aRepeatReturnsTheHeldCopy() throws {
        var group = Reassembler.Group(key: Self.key, waiting: [Self.part(1, "a", id: "first")])
        #expect(
            try group.add(Self.part(1, "a", id: nil), now: 1, configuration: Self.configuration)
                == .duplicate(of: Self.part(1, "a", id: "first"))
        )
        let shown = Reassembler.Group.Shown(parts: [Self.part(1, "a"), Self.part(2, "b")], shownAt: 0)
        var late = Reassembler.Group(key: Self.key, shown: shown)
        #expect(
            try late.add(Self.part(2, "b", id: "again"), now: 1, configuration: Self.configuration)
                == .duplicate(of: Self.part(2, "b"))
        )
    }

    /// A holder may have stored repeats (or read its rows in arrival order): the first copy of each sequence
    /// number counts.
    @Test func aGroupKeepsTheFirstCopyOfEachSequenceNumber() {
        let group = Reassembler.Group(
            key: Self.key,
            waiting: [Self.part(2, "b"), Self.part(1, "a", id: "p1"), Self.part(1, "x", id: "p2")]
        )
        #expect(group.waiting == [Self.part(1, "a", id: "p1"), Self.part(2, "b")])
    }

    @Test func aReusedReferenceSurfacesTheWaitingSet() throws {
        var group = Reassembler.Group(key: Self.key, waiting: [Self.part(1, "old1"), Self.part(2, "old2")])
        let outcome = try group.add(Self.part(1, "new1", id: "new"), now: 50, configuration: Self.configuration)
        #expect(outcome == .restarted(surfaced: [Self.part(1, "old1"), Self.part(2, "old2")]))
        #expect(group.waiting == [Self.part(1, "new1", id: "new")])
        #expect(group.shown?.parts.count == 2)
    }

    @Test func aLatePartMergesIntoTheShownMessage() throws {
        let shown = Reassembler.Group.Shown(parts: [Self.part(3, "c"), Self.part(1, "a")], shownAt: 100)
        var group = Reassembler.Group(key: Self.key, shown: shown)
        let outcome = try group.add(Self.part(2, "b"), now: 150, configuration: Self.configuration)
        #expect(outcome == .merged([Self.part(1, "a"), Self.part(2, "b"), Self.part(3, "c")]))
        #expect(Self.key.isComplete(group.shown?.parts ?? []))
    }

    /// While a new set of the same reference is being collected, late parts belong to it, not to the message shown.
    @Test func aWaitingSetTakesPartsBeforeTheShownMessage() throws {
        let shown = Reassembler.Group.Shown(parts: [Self.part(1, "a")], shownAt: 100)
        var group = Reassembler.Group(key: Self.key, waiting: [Self.part(3, "z")], shown: shown)
        #expect(try group.add(Self.part(2, "y"), now: 150, configuration: Self.configuration) == .waiting)
        #expect(group.waiting.map(\.sequence) == [2, 3])
    }

    /// A new message on a reused reference whose last segment equals the shown message's ("a"): the segment
    /// completes the new message instead of being taken for a late repeat of the old one. A repeat of the old
    /// message's part that the new set already holds in its own version stays a duplicate.
    @Test func aPartTheWaitingSetLacksJoinsItEvenWhenTheShownMessageHoldsItsTwin() throws {
        let old = [Self.part(1, "old1"), Self.part(2, "old2"), Self.part(3, "a")]
        let shown = Reassembler.Group.Shown(parts: old, shownAt: 0)
        var group = Reassembler.Group(
            key: Self.key,
            waiting: [Self.part(1, "new1"), Self.part(2, "new2")],
            shown: shown
        )
        #expect(
            try group.add(Self.part(3, "a", id: "new3"), now: 10, configuration: Self.configuration)
                == .completed([Self.part(1, "new1"), Self.part(2, "new2"), Self.part(3, "a", id: "new3")])
        )

        var newer = Reassembler.Group(key: Self.key, waiting: [Self.part(1, "new1")], shown: shown)
        #expect(
            try newer.add(Self.part(1, "old1", id: "again"), now: 10, configuration: Self.configuration)
                == .duplicate(of: Self.part(1, "old1"))
        )
        #expect(newer.waiting == [Self.part(1, "new1")])
    }

    @Test func aPartTheShownMessageHoldsWithOtherContentStartsANewSet() throws {
        let parts = [Self.part(1, "a"), Self.part(2, "b"), Self.part(3, "c")]
        let shown = Reassembler.Group.Shown(parts: parts, shownAt: 0)
        var group = Reassembler.Group(key: Self.key, shown: shown)
        #expect(try group.add(Self.part(2, "other"), now: 10, configuration: Self.configuration) == .waiting)
        #expect(group.waiting == [Self.part(2, "other")])
    }

    @Test func afterLateRetentionALatePartStartsANewSet() throws {
        let shown = Reassembler.Group.Shown(parts: [Self.part(1, "a")], shownAt: 100)
        var kept = Reassembler.Group(key: Self.key, shown: shown)
        #expect(try kept.add(Self.part(2, "b"), now: 1_099, configuration: Self.configuration) != .waiting)
        var forgotten = Reassembler.Group(key: Self.key, shown: shown)
        #expect(try forgotten.add(Self.part(2, "b"), now: 1_100, configuration: Self.configuration) == .waiting)
        #expect(forgotten.shown == nil)
    }

    @Test func aWaitingSetSurfacesWhenItsFirstPartIsTimeoutOld() {
        var group = Reassembler.Group(key: Self.key, waiting: [Self.part(3, "c", at: 20), Self.part(1, "a", at: 10)])
        #expect(group.nextDeadline(configuration: Self.configuration) == 110)
        #expect(group.expire(now: 109, configuration: Self.configuration) == nil)
        let surfaced = group.expire(now: 110, configuration: Self.configuration)
        #expect(surfaced == [Self.part(1, "a", at: 10), Self.part(3, "c", at: 20)])
        #expect(group.waiting.isEmpty)
        #expect(group.shown?.shownAt == 110)
    }

    @Test func theTextMarksEveryMissingPart() {
        let parts = [Self.part(1, "one "), Self.part(3, "three")]
        #expect(Self.key.text(of: parts, missingMarker: "[…]") == "one […]three")
        #expect(Self.key.missingSequences(in: parts) == [2])
        #expect(!Self.key.isComplete(parts))
        let data = Reassembler.Part(sequence: 1, content: .data([1]), receivedAt: 0)
        #expect(Self.key.text(of: [data], missingMarker: "") == nil)
    }

    @Test func invalidConcatenationIsRefused() {
        var group = Reassembler.Group(key: Self.key)
        #expect(throws: ReassemblyError(.invalidConcatenation(.sequenceBeyondTotal), key: nil)) {
            try group.add(Self.part(4, "a"), now: 0, configuration: Self.configuration)
        }
        #expect(group.isEmpty)
    }
}
