import Testing

@testable import Messaging

@Suite struct MemoryReleaseScheduleTests {
    @Test func theFirstImportReleasesAtOnce() {
        var schedule = MemoryReleaseSchedule()
        #expect(schedule.passEnded(imported: 1, at: .seconds(5)))
        #expect(schedule.lastRelease == .seconds(5))
        #expect(schedule.owedParts == 0)
    }

    @Test func aPassThatImportedNothingOwesNothing() {
        var schedule = MemoryReleaseSchedule()
        #expect(!schedule.passEnded(imported: 0, at: .seconds(5)))
        #expect(schedule.lastRelease == nil)
    }

    @Test func atMostOneReleaseAMinuteThenTheOwedOneOnTheNextPass() {
        var schedule = MemoryReleaseSchedule()
        #expect(schedule.passEnded(imported: 3, at: .seconds(0)))
        // Passes on every +CMTI: imports within the minute are owed, not released.
        #expect(!schedule.passEnded(imported: 2, at: .seconds(10)))
        #expect(!schedule.passEnded(imported: 4, at: .seconds(59)))
        #expect(schedule.owedParts == 6)
        // The slow timer's pass imports nothing, but the minute is over: the owed release is made.
        #expect(schedule.passEnded(imported: 0, at: .seconds(60)))
        #expect(schedule.owedParts == 0)
        #expect(!schedule.passEnded(imported: 0, at: .seconds(200)))
    }

    @Test func aLargeImportReleasesWithinTheMinute() {
        var schedule = MemoryReleaseSchedule()
        #expect(schedule.passEnded(imported: 1, at: .seconds(0)))
        #expect(!schedule.passEnded(imported: 999, at: .seconds(1)))
        #expect(schedule.passEnded(imported: 1, at: .seconds(2)))
        #expect(schedule.lastRelease == .seconds(2))
        #expect(!schedule.passEnded(imported: 1, at: .seconds(3)))
    }
}
