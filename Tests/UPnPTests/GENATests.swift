import Synchronization
import Testing

@testable import UPnP

@Suite struct SubscriptionTableTests {
    static let callback = UPnPHeaderParsing.CallbackURL(host: .v4(127, 0, 0, 1), port: 9, path: "/e")

    static func table(limits: UPnPLimits = UPnPLimits()) -> SubscriptionTable {
        let counter = Atomic<Int>(0)
        return SubscriptionTable(limits: limits) { "uuid:sid-\(counter.add(1, ordering: .relaxed).newValue)" }
    }

    @Test func grantsClampedTimeouts() {
        var limits = UPnPLimits()
        limits.minimumSubscriptionTimeout = .seconds(60)
        limits.maximumSubscriptionTimeout = .seconds(1800)
        let table = Self.table(limits: limits)
        #expect(table.grantedTimeout(.seconds(300)) == .seconds(300))
        #expect(table.grantedTimeout(.seconds(5)) == .seconds(60))
        #expect(table.grantedTimeout(.seconds(99999)) == .seconds(1800))
        #expect(table.grantedTimeout(.infinite) == .seconds(1800))
        #expect(table.grantedTimeout(nil) == .seconds(1800))
    }

    @Test func initialEventFirstWithSequenceZeroThenQueuedChangesInOrder() throws {
        var table = Self.table()
        let now = ContinuousClock.now
        let (sid, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: now
        )
        // Changes before the response was written are queued but not yet deliverable.
        let r1 = table.enqueue(serviceIndex: 0, changes: [("A", "1")])
        #expect(r1.start.isEmpty)
        let r2 = table.enqueue(serviceIndex: 1, changes: [("A", "x")])
        #expect(r2.start.isEmpty)  // Another service.
        let r3 = table.activate(sid)
        #expect(r3)
        let again = table.activate(sid)
        #expect(!again)
        let r4 = table.next(for: sid)
        let initial = try #require(r4)
        #expect(initial.sequence == 0 && initial.changes == nil)
        let r5 = table.next(for: sid)
        let first = try #require(r5)
        #expect(first.sequence == 1 && first.changes?.map(\.value) == ["1"])
        let r6 = table.next(for: sid)
        #expect(r6 == nil)  // Idle now.
        // A change for an idle, active subscriber asks for a delivery loop.
        let r7 = table.enqueue(serviceIndex: 0, changes: [("A", "2")])
        #expect(r7.start == [sid])
        let r8 = table.enqueue(serviceIndex: 0, changes: [("A", "3")])
        #expect(r8.start.isEmpty)  // Loop already running.
        let r9 = table.next(for: sid)
        #expect(r9?.sequence == 2)
        let r10 = table.next(for: sid)
        #expect(r10?.sequence == 3)
    }

    @Test func sequenceWrapsToOneNotZero() throws {
        #expect(SubscriptionTable.sequence(after: 0) == 1)
        #expect(SubscriptionTable.sequence(after: 41) == 42)
        #expect(SubscriptionTable.sequence(after: UInt32.max) == 1)
        var table = Self.table()
        let (sid, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: .now
        )
        _ = table.activate(sid)
        _ = table.next(for: sid)
        table.setNextSequence(UInt32.max, for: sid)
        _ = table.enqueue(serviceIndex: 0, changes: [("A", "1")])
        _ = table.enqueue(serviceIndex: 0, changes: [("A", "2")])
        let r11 = table.next(for: sid)
        #expect(r11?.sequence == UInt32.max)
        let r12 = table.next(for: sid)
        #expect(r12?.sequence == 1)
    }

    @Test func renewalExtendsAndExpiryRemoves() throws {
        var limits = UPnPLimits()
        limits.minimumSubscriptionTimeout = .seconds(10)
        var table = Self.table(limits: limits)
        let start = ContinuousClock.now
        let (sid, granted) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: .seconds(10),
            now: start
        )
        #expect(granted == .seconds(10))
        let renewed = try table.renew(sid: sid, serviceIndex: 0, timeout: .seconds(20), now: start + .seconds(9))
        #expect(renewed == .seconds(20))
        let r13 = table.expire(now: start + .seconds(28))
        #expect(r13.isEmpty)
        #expect(throws: SubscriptionTable.Failure.unknownSID) {
            try table.renew(sid: sid, serviceIndex: 1, timeout: nil, now: start + .seconds(28))
        }
        let r14 = table.expire(now: start + .seconds(29))
        #expect(r14 == [sid])
        #expect(throws: SubscriptionTable.Failure.unknownSID) {
            try table.renew(sid: sid, serviceIndex: 0, timeout: nil, now: start + .seconds(30))
        }
        let r15 = table.next(for: sid)
        #expect(r15 == nil)
    }

    @Test func unsubscribeAndLimits() throws {
        var limits = UPnPLimits()
        limits.maximumSubscriptions = 2
        var table = Self.table(limits: limits)
        let now = ContinuousClock.now
        let (a, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: now
        )
        _ = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: now
        )
        #expect(throws: SubscriptionTable.Failure.tooManySubscriptions) {
            try table.subscribe(
                serviceIndex: 0,
                subscriber: Self.callback.host,
                callbacks: [Self.callback],
                timeout: nil,
                now: now
            )
        }
        #expect(throws: SubscriptionTable.Failure.unknownSID) {
            try table.unsubscribe(sid: a, serviceIndex: 1, now: now)
        }
        try table.unsubscribe(sid: a, serviceIndex: 0, now: now)
        #expect(throws: SubscriptionTable.Failure.unknownSID) {
            try table.unsubscribe(sid: a, serviceIndex: 0, now: now)
        }
        _ = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: now
        )
    }

    @Test func oneSubscriberAddressGetsOnlyItsShare() throws {
        var limits = UPnPLimits()
        limits.maximumSubscriptions = 4
        limits.maximumSubscriptionsPerAddress = 2
        var table = Self.table(limits: limits)
        let now = ContinuousClock.now
        let other = UPnPHeaderParsing.CallbackURL(host: .v4(127, 0, 0, 2), port: 9, path: "/e")
        func subscribe(
            _ callback: UPnPHeaderParsing.CallbackURL,
            serviceIndex: Int = 0
        ) throws(SubscriptionTable.Failure)
            -> String
        {
            try table.subscribe(
                serviceIndex: serviceIndex,
                subscriber: callback.host,
                callbacks: [callback],
                timeout: nil,
                now: now
            ).sid
        }
        let first = try subscribe(Self.callback)
        _ = try subscribe(Self.callback, serviceIndex: 1)
        // The share counts every service together.
        #expect(throws: SubscriptionTable.Failure.tooManySubscriptions) {
            try subscribe(Self.callback, serviceIndex: 2)
        }
        // At its share a subscriber still renews, and another address still subscribes.
        _ = try table.renew(sid: first, serviceIndex: 0, timeout: nil, now: now)
        _ = try subscribe(other)
        try table.unsubscribe(sid: first, serviceIndex: 0, now: now)
        _ = try subscribe(Self.callback)
    }

    @Test func slowSubscriberQueueIsBoundedByMerging() throws {
        var limits = UPnPLimits()
        limits.maximumQueuedEvents = 3
        var table = Self.table(limits: limits)
        let (sid, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: .now
        )
        for i in 0..<10 { _ = table.enqueue(serviceIndex: 0, changes: [("A", "\(i)"), ("B\(i % 2)", "x")]) }
        #expect(table.subscriptions[sid]?.queue.count == 3)
        _ = table.activate(sid)
        _ = table.next(for: sid)
        _ = table.next(for: sid)
        _ = table.next(for: sid)
        let r16 = table.next(for: sid)
        let last = try #require(r16?.changes)
        #expect(last.first { $0.name == "A" }?.value == "9")  // The latest value survives the merge.
        #expect(Set(last.map(\.name)) == ["A", "B0", "B1"])
    }

    @Test func aBatchJoinsTheLastQueuedEventOnlyWhereItReplacesNothing() throws {
        var limits = UPnPLimits()
        limits.maximumQueuedEvents = 2
        var table = Self.table(limits: limits)
        let (sid, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: .now
        )
        _ = table.enqueue(serviceIndex: 0, changes: [("A", "1")], batchVariables: ["B"])
        _ = table.enqueue(serviceIndex: 0, changes: [("A", "2")], batchVariables: ["B"])
        // The queue is full: the batch joins the last event, which has no B yet; a later state still merges.
        let joined = table.enqueue(serviceIndex: 0, changes: [("B", "b1")], batchVariables: ["B"])
        #expect(joined.cancelled.isEmpty)
        _ = table.enqueue(serviceIndex: 0, changes: [("A", "3")], batchVariables: ["B"])
        #expect(table.subscriptions[sid]?.queue.count == 2)
        _ = table.activate(sid)
        _ = table.next(for: sid)  // The initial event.
        let first = table.next(for: sid)
        #expect(first?.changes?.map(\.value) == ["1"])
        let second = table.next(for: sid)
        let last = try #require(second?.changes)
        #expect(last.map(\.name) == ["A", "B"] && last.map(\.value) == ["3", "b1"])
    }

    @Test func aSubscriberThatWouldLoseABatchIsUnsubscribedNotMerged() throws {
        var limits = UPnPLimits()
        limits.maximumQueuedEvents = 2
        var table = Self.table(limits: limits)
        let (slow, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: .now
        )
        _ = table.activate(slow)
        _ = table.next(for: slow)  // The initial event is in flight; the subscriber does not answer.
        var cancelled: [String] = []
        for batch in 1...5 {
            cancelled += table.enqueue(serviceIndex: 0, changes: [("B", "b\(batch)")], batchVariables: ["B"]).cancelled
        }
        // Two batches queued, the third could only replace the second: the subscription goes, nothing is merged.
        #expect(cancelled == [slow])
        #expect(table.subscriptions[slow] == nil)
        let none = table.next(for: slow)
        #expect(none == nil)
        #expect(throws: SubscriptionTable.Failure.unknownSID) {
            try table.renew(sid: slow, serviceIndex: 0, timeout: nil, now: .now)
        }

        // A subscriber that keeps up receives every batch, in order.
        let (fast, _) = try table.subscribe(
            serviceIndex: 0,
            subscriber: Self.callback.host,
            callbacks: [Self.callback],
            timeout: nil,
            now: .now
        )
        _ = table.activate(fast)
        _ = table.next(for: fast)
        var received: [String] = []
        for batch in 1...5 {
            let enqueued = table.enqueue(serviceIndex: 0, changes: [("B", "b\(batch)")], batchVariables: ["B"])
            #expect(enqueued.cancelled.isEmpty)
            while let delivery = table.next(for: fast) { received += delivery.changes?.map(\.value) ?? [] }
        }
        #expect(received == ["b1", "b2", "b3", "b4", "b5"])
    }
}

extension SubscriptionTable.Delivery: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.sid == rhs.sid && lhs.sequence == rhs.sequence }
}

@Suite struct PropertySetTests {
    @Test func propertySetEscapesValuesAndLeavesNamesUnqualified() {
        let body = String(decoding: PropertySet.body([("NewMessages", "<m a=\"1\">&</m>")]), as: UTF8.self)
        #expect(
            body == #"<?xml version="1.0" encoding="utf-8"?><e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">"#
                + "<e:property><NewMessages>&lt;m a=&quot;1&quot;&gt;&amp;&lt;/m&gt;</NewMessages></e:property>"
                + "</e:propertyset>"
        )
    }
}

@Suite struct XMLTextBytesTests {
    @Test(arguments: [
        "", "plain", "<a b=\"c\">&'</a>", "cr\r\nlf\ttab", "\u{0}\u{1}\u{1F}x", "\u{FFFE}\u{FFFF}\u{FFFD}\u{FEFF}",
        "ÄÖ € 😀 \u{EFBF}", "&amp;", String(repeating: "<&>", count: 1000), "\u{EF}\u{BF}", "end\u{FFFF}",
    ])
    func agreesWithXMLEscaping(_ text: String) {
        var out: [UInt8] = []
        XMLTextBytes.appendEscaped(text, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == XMLEscaping.escape(text))
    }

    @Test(arguments: ["", "tab\there", "lf\ncr\r", "<a b=\"c\">&'</a>", "\u{1}\u{FFFF}x", "ÄÖ 😀\t\n"])
    func attributeFormAgreesWithXMLEscaping(_ text: String) {
        var out: [UInt8] = []
        XMLTextBytes.appendEscaped(text, inAttribute: true, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == XMLEscaping.escapeAttribute(text))
    }

    @Test func appendsAfterWhatIsAlreadyThere() {
        var out = Array("<v>".utf8)
        XMLTextBytes.appendEscaped("a<b", to: &out)
        XMLTextBytes.appendEscaped("plain", to: &out)
        XMLTextBytes.appendEscaped("\u{FFFF}&", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "<v>a&lt;bplain\u{FFFD}&amp;")
    }

    @Test func agreesWithXMLEscapingOnRandomText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = [
            "a", "<", ">", "&", "\"", "'", "\r", "\n", "\t", "\u{0}", "\u{1B}", "é",
            "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{EFBF}", "😀", "\u{10FFFF}",
        ]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            let string = String(text)
            var out: [UInt8] = []
            XMLTextBytes.appendEscaped(string, to: &out)
            #expect(
                String(decoding: out, as: UTF8.self) == XMLEscaping.escape(string),
                "\(Array(string.unicodeScalars))"
            )
            var attribute: [UInt8] = []
            XMLTextBytes.appendEscaped(string, inAttribute: true, to: &attribute)
            #expect(
                String(decoding: attribute, as: UTF8.self) == XMLEscaping.escapeAttribute(string),
                "\(Array(string.unicodeScalars))"
            )
        }
    }
}
