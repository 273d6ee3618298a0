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
