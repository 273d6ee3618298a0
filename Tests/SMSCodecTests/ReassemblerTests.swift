import Foundation
import TestSupport
import Testing

@testable import SMSCodec

@Suite struct ReassemblerTests {
    static let sets = PDUVector.load("concat-sets.jsonl")

    struct Received {
        let pdu: SMSPDU
        let seq: Int
    }

    static func parts(of vector: PDUVector) throws -> [Received] {
        try (vector.record["parts"]?.array ?? []).map { part in
            Received(
                pdu: try SMSPDU.decode(hex: part["pdu"]?.string ?? "", hasSMSC: part["has_smsc"]?.bool ?? true),
                seq: part["seq"]?.int ?? 0
            )
        }
    }

    static func checkMessage(_ message: Reassembler.Message, _ vector: PDUVector) {
        let expect = vector.expect
        #expect(message.isComplete)
        #expect(message.key.party == expect["party"]?.string)
        #expect(Int(message.key.reference) == expect["concat"]?["ref"]?.int)
        #expect(Int(message.key.total) == expect["concat"]?["total"]?.int)
        #expect(message.key.referenceBits == expect["concat"]?["ref_bits"]?.int)
        if let text = expect["text"]?.string {
            #expect(message.text == text)
        } else {
            #expect(message.data.map { PDUHex.encode($0) } == expect["data_hex"]?.string)
        }
    }

    @Test func everyLineIsLoaded() {
        #expect(Self.sets.count == PDUVector.lineCount("concat-sets.jsonl"))
        #expect(Self.sets.count >= 7)
    }

    /// Every set, fed in sequence order, in reverse order and in the source's arrival order, completes once.
    @Test(arguments: sets)
    func reassemblesEverySetInAnyOrder(_ vector: PDUVector) throws {
        let parts = try Self.parts(of: vector)
        var orders = [parts, parts.reversed()]
        if let arrival = vector.record["arrival_order"]?.array?.compactMap({ $0.int }) {
            orders.append(arrival.compactMap { seq in parts.first { $0.seq == seq } })
        }
        for order in orders {
            var reassembler = Reassembler()
            var completed: [Reassembler.Message] = []
            for (index, part) in order.enumerated() {
                for event in try reassembler.add(part.pdu, partID: "p\(part.seq)", now: Int64(index)) {
                    if case .completed(let message) = event { completed.append(message) }
                }
            }
            try #require(completed.count == 1)
            Self.checkMessage(completed[0], vector)
            #expect(completed[0].partIDs == parts.map { "p\($0.seq)" })
            #expect(reassembler.pendingCount == 0)
            if let ports = vector.expect["ports"] {
                let header = order[0].pdu.tpdu.userData?.header
                #expect(header?.ports.map { Int($0.destination) } == ports["dst"]?.int)
            }
        }
    }

    static func part(_ seq: UInt8, _ text: String, at time: Int64 = 0) -> Reassembler.Part {
        Reassembler.Part(sequence: seq, content: .text(text), receivedAt: time, partID: "id\(seq)")
    }

    static let key = Reassembler.Key(party: "+4912345", reference: 7, referenceBits: 8, total: 3)

    /// A repeat of a waiting part is ignored. The same sequence number with other content means the sender reused
    /// the reference: the waiting set can no longer complete, so it surfaces incomplete and the part starts a new
    /// set (nothing received is dropped from view).
    @Test func duplicatesAreIgnoredAndAReusedReferenceRestartsTheSet() throws {
        var r = Reassembler()
        #expect(try r.add(Self.part(1, "a"), key: Self.key, now: 0) == [])
        #expect(try r.add(Self.part(1, "a"), key: Self.key, now: 1) == [.duplicate(Self.key, sequence: 1)])
        let restarted = try r.add(Self.part(1, "X"), key: Self.key, now: 2)
        guard case .partial(let old, .referenceReused) = try #require(restarted.first) else {
            Issue.record("expected the old set as a partial, got \(restarted)")
            return
        }
        #expect(old.text == "a")
        #expect(old.missingSequences == [2, 3])
        #expect(r.pendingCount == 1)
        _ = try r.add(Self.part(3, "c"), key: Self.key, now: 3)
        let events = try r.add(Self.part(2, "b"), key: Self.key, now: 4)
        guard case .completed(let message) = try #require(events.first) else {
            Issue.record("expected completion, got \(events)")
            return
        }
        #expect(message.text == "Xbc")
        #expect(message.id != old.id)
    }

    /// FOUND by randomInterleavingsCompleteEverySetOnce: a copy of a part arriving after its set completed opened a
    /// new set (and, for one-part sets, completed the message a second time).
    @Test func duplicateAfterCompletionIsIgnored() throws {
        var r = Reassembler()
        let single = Reassembler.Key(party: "+1", reference: 5, referenceBits: 8, total: 1)
        #expect(try r.add(Self.part(1, "x"), key: single, now: 0).count == 1)
        #expect(try r.add(Self.part(1, "x"), key: single, now: 1) == [.duplicate(single, sequence: 1)])
        _ = try r.add(Self.part(1, "a"), key: Self.key, now: 0)
        _ = try r.add(Self.part(2, "b"), key: Self.key, now: 0)
        _ = try r.add(Self.part(3, "c"), key: Self.key, now: 0)
        #expect(try r.add(Self.part(2, "b"), key: Self.key, now: 5) == [.duplicate(Self.key, sequence: 2)])
        #expect(r.pendingCount == 0)
        // The same reference with new content is a new message.
        #expect(try r.add(Self.part(1, "new"), key: Self.key, now: 6) == [])
        #expect(r.pendingCount == 1)
    }

    @Test func keysSeparateSendersWidthsAndTotals() throws {
        var r = Reassembler()
        let other = [
            Reassembler.Key(party: "+4999999", reference: 7, referenceBits: 8, total: 3),
            Reassembler.Key(party: "+4912345", reference: 7, referenceBits: 16, total: 3),
            Reassembler.Key(party: "+4912345", reference: 7, referenceBits: 8, total: 2),
        ]
        _ = try r.add(Self.part(1, "a"), key: Self.key, now: 0)
        for key in other { #expect(try r.add(Self.part(1, "z"), key: key, now: 0) == []) }
        #expect(r.pendingCount == 4)
    }

    /// Timeout surfaces a partial; the late parts merge into it under the same id, and the last one completes it.
    @Test func partialAfterTimeoutThenLateMerge() throws {
        var r = Reassembler(configuration: .init(timeout: 100))
        _ = try r.add(Self.part(1, "a", at: 0), key: Self.key, now: 0)
        #expect(r.expire(now: 99) == [])
        #expect(r.nextDeadline == 100)
        let expired = r.expire(now: 100)
        guard case .partial(let partial, .timedOut) = try #require(expired.first) else {
            Issue.record("expected a partial, got \(expired)")
            return
        }
        #expect(!partial.isComplete)
        #expect(partial.missingSequences == [2, 3])
        #expect(partial.text == "a")

        let late = try r.add(Self.part(3, "c", at: 150), key: Self.key, now: 150)
        guard case .updated(let updated) = try #require(late.first) else {
            Issue.record("expected an update, got \(late)")
            return
        }
        #expect(updated.id == partial.id)
        #expect(!updated.isComplete)
        #expect(updated.missingSequences == [2])

        let last = try r.add(Self.part(2, "b", at: 160), key: Self.key, now: 160)
        guard case .updated(let complete) = try #require(last.first) else {
            Issue.record("expected an update, got \(last)")
            return
        }
        #expect(complete.id == partial.id)
        #expect(complete.isComplete)
        #expect(complete.text == "abc")
        #expect(r.retainedPartialCount == 0)
    }

    @Test func surfacedPartialsAreForgottenAfterRetention() throws {
        var r = Reassembler(configuration: .init(timeout: 10, lateRetention: 50))
        _ = try r.add(Self.part(1, "a"), key: Self.key, now: 0)
        _ = r.expire(now: 10)
        #expect(r.retainedPartialCount == 1)
        _ = r.expire(now: 60)
        #expect(r.retainedPartialCount == 0)
        #expect(r.nextDeadline == nil)
    }

    /// The cap on pending sets evicts the oldest set as a partial, which late parts still update.
    @Test func memoryIsBoundedByEvictingTheOldestSet() throws {
        var r = Reassembler(configuration: .init(maximumPendingSets: 3))
        for ref in 0..<3 {
            let key = Reassembler.Key(party: "+1", reference: UInt16(ref), referenceBits: 8, total: 2)
            #expect(try r.add(Self.part(1, "r\(ref)"), key: key, now: Int64(ref)) == [])
        }
        let fourth = Reassembler.Key(party: "+1", reference: 3, referenceBits: 8, total: 2)
        let events = try r.add(Self.part(1, "r3"), key: fourth, now: 10)
        guard case .partial(let evicted, .evicted) = try #require(events.first) else {
            Issue.record("expected an eviction, got \(events)")
            return
        }
        #expect(evicted.key.reference == 0)
        #expect(r.pendingCount == 3)
        let oldKey = Reassembler.Key(party: "+1", reference: 0, referenceBits: 8, total: 2)
        let late = try r.add(Self.part(2, "!"), key: oldKey, now: 11)
        #expect(late.count == 1)
        if case .updated(let message) = late.first {
            #expect(message.id == evicted.id && message.isComplete && message.text == "r0!")
        } else {
            Issue.record("expected an update, got \(late)")
        }
    }

    @Test func invalidConcatenationIsRefused() {
        var r = Reassembler()
        let zero = Reassembler.Key(party: "+1", reference: 1, referenceBits: 8, total: 0)
        #expect(throws: ReassemblyError(.invalidConcatenation(.zeroTotal), key: nil)) {
            try r.add(Self.part(1, "a"), key: zero, now: 0)
        }
        #expect(throws: ReassemblyError(.invalidConcatenation(.zeroSequence), key: nil)) {
            try r.add(Self.part(0, "a"), key: Self.key, now: 0)
        }
        #expect(throws: ReassemblyError(.invalidConcatenation(.sequenceBeyondTotal), key: nil)) {
            try r.add(Self.part(4, "a"), key: Self.key, now: 0)
        }
        #expect(r.pendingCount == 0)
    }

    @Test func singlePartAndStatusReport() throws {
        var r = Reassembler()
        let single = try SMSPDU.decode(
            hex: "07912143658709F1040B918100551512F20000111010214365000AE8329BFD4697D9EC37",
            hasSMSC: true
        )
        let events = try r.add(single, now: 5)
        guard case .completed(let message) = try #require(events.first) else {
            Issue.record("expected completion")
            return
        }
        #expect(message.text == "hellohello")
        #expect(message.key.party == "+18005551212")
        let report = try SMSPDU.decode(hex: "06040D91945152991136F00160124130340A0160124130940A00", hasSMSC: false)
        #expect(throws: ReassemblyError(.notAMessage, key: nil)) { try r.add(report, now: 0) }
    }

    /// The state survives a JSON round trip mid-set (what the store persists), and reassembly continues after it.
    @Test func stateIsCodable() throws {
        var r = Reassembler(configuration: .init(timeout: 100))
        _ = try r.add(Self.part(2, "b"), key: Self.key, now: 0)
        let other = Reassembler.Key(party: "x", reference: 9, referenceBits: 16, total: 2)
        _ = try r.add(Self.part(1, "q"), key: other, now: 1)
        _ = r.expire(now: 101)
        let restored = try JSONDecoder().decode(Reassembler.self, from: JSONEncoder().encode(r))
        #expect(restored == r)
        var again = restored
        _ = try again.add(Self.part(1, "a"), key: Self.key, now: 200)
        let events = try again.add(Self.part(3, "c"), key: Self.key, now: 201)
        if case .updated(let message) = events.first {
            #expect(message.isComplete && message.text == "abc")
        } else {
            Issue.record("expected an update, got \(events)")
        }
    }

    /// Property: any arrival order with random duplicates completes exactly once with the parts in sequence order,
    /// for many interleaved sets (fixed seed, printed on failure).
    @Test func randomInterleavingsCompleteEverySetOnce() throws {
        let seed: UInt64 = 0xC0FFEE
        var rng = SeededRandom(seed: seed)
        for round in 0..<50 {
            var reassembler = Reassembler(configuration: .init(maximumPendingSets: 1000))
            var arrivals: [(Reassembler.Key, Reassembler.Part)] = []
            var expected: [Reassembler.Key: String] = [:]
            for set in 0..<20 {
                let total = UInt8(rng.next() % 6 + 1)
                let key = Reassembler.Key(
                    party: "+1555\(rng.next() % 3)",
                    reference: UInt16(set),
                    referenceBits: rng.next() % 2 == 0 ? 8 : 16,
                    total: total
                )
                var text = ""
                for sequence in 1...total {
                    let chunk = "[\(set).\(sequence)]"
                    text += chunk
                    let part = Reassembler.Part(sequence: sequence, content: .text(chunk), receivedAt: 0)
                    arrivals.append((key, part))
                    if rng.next() % 4 == 0 { arrivals.append((key, part)) }  // a duplicate
                }
                expected[key] = text
            }
            arrivals.shuffle(using: &rng)
            var completed: [Reassembler.Key: String] = [:]
            for (index, (key, part)) in arrivals.enumerated() {
                for event in try reassembler.add(part, key: key, now: Int64(index)) {
                    switch event {
                    case .completed(let message):
                        #expect(completed[message.key] == nil, "seed \(seed) round \(round): completed twice")
                        completed[message.key] = message.text
                    case .duplicate: break
                    default: Issue.record("seed \(seed) round \(round): unexpected \(event)")
                    }
                }
            }
            #expect(completed == expected, "seed \(seed) round \(round)")
            #expect(reassembler.pendingCount == 0)
        }
    }
}
