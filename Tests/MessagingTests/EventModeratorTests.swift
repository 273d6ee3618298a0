import Testing

@testable import Messaging

/// The moderation state machine alone (messaging-v2.md §4, I-27).
@Suite struct EventModeratorTests {
    @Test func aChangeAfterAQuietSecondIsPublishedAtOnce() {
        var moderator = EventModerator()
        #expect(moderator.dueTime(now: .seconds(10)) == nil)
        moderator.changed()
        #expect(moderator.isDue(now: .seconds(10)))
        moderator.published(at: .seconds(10))
        #expect(moderator.dueTime(now: .seconds(10)) == nil)
    }

    @Test func changesWithinASecondWaitForTheTrailingEdge() {
        var moderator = EventModerator()
        moderator.changed()
        moderator.published(at: .seconds(10))
        moderator.changed()
        #expect(moderator.dueTime(now: .milliseconds(10_200)) == .seconds(11))
        #expect(!moderator.isDue(now: .milliseconds(10_999)))
        moderator.changed()
        #expect(moderator.isDue(now: .seconds(11)))
        moderator.published(at: .seconds(11))
        #expect(moderator.lastPublication == .seconds(11))
    }

    /// Leading edge, then one trailing publication for every change of the window (the value is made when it is
    /// published, so the latest state wins and a batch holds every event of the window).
    @Test func leadingEdgeThenTrailingCoalescing() {
        var moderator = EventModerator()
        let t0 = Duration.seconds(100)
        moderator.changed()
        #expect(moderator.isDue(now: t0))  // Sent at once.
        moderator.published(at: t0)
        moderator.changed()
        #expect(moderator.dueTime(now: t0 + .milliseconds(200)) == t0 + .seconds(1))
        moderator.changed()
        #expect(moderator.dueTime(now: t0 + .milliseconds(400)) == t0 + .seconds(1))  // Still one publication.
        #expect(!moderator.isDue(now: t0 + .milliseconds(900)))
        #expect(moderator.isDue(now: t0 + .seconds(1)))
        moderator.published(at: t0 + .seconds(1))
        #expect(moderator.dueTime(now: t0 + .seconds(1)) == nil)
        // The next change within a second of that publication waits again.
        moderator.changed()
        #expect(moderator.dueTime(now: t0 + .milliseconds(1500)) == t0 + .seconds(2))
        moderator.changed()
        #expect(moderator.isDue(now: t0 + .seconds(5)))  // Still pending, coalesced: one publication.
        moderator.published(at: t0 + .seconds(5))
        #expect(moderator.dueTime(now: t0 + .seconds(5)) == nil)
    }

    /// NewMessages and SessionUpdates each have their own moderator: one's window does not delay the other.
    @Test func variablesAreModeratedIndependently() {
        var a = EventModerator()
        var b = EventModerator()
        let t0 = Duration.seconds(100)
        a.changed()
        a.published(at: t0)
        b.changed()
        a.changed()
        #expect(b.isDue(now: t0 + .milliseconds(500)))
        #expect(a.dueTime(now: t0 + .milliseconds(500)) == t0 + .seconds(1))
        b.published(at: t0 + .milliseconds(500))
        b.changed()
        #expect(b.dueTime(now: t0 + .milliseconds(600)) == t0 + .milliseconds(1500))  // A is due first.
        #expect(a.isDue(now: t0 + .seconds(1)) && !b.isDue(now: t0 + .seconds(1)))
        a.published(at: t0 + .seconds(1))
        #expect(b.isDue(now: t0 + .milliseconds(1500)))
    }

    @Test(arguments: [0, 1, 7, 50])
    func neverMoreThanOnePublicationPerSecond(changesPerTick: Int) {
        // Changes every 100 ms for 10 s; publish whenever due.
        var moderator = EventModerator()
        var publications: [Duration] = []
        for tick in 0...100 {
            let now = Duration.milliseconds(tick * 100)
            for _ in 0..<changesPerTick { moderator.changed() }
            if moderator.isDue(now: now) {
                moderator.published(at: now)
                publications.append(now)
            }
        }
        for (earlier, later) in zip(publications, publications.dropFirst()) {
            #expect(later - earlier >= .seconds(1))
        }
        if changesPerTick > 0 { #expect(publications.count == 11) } else { #expect(publications.isEmpty) }
    }
}
