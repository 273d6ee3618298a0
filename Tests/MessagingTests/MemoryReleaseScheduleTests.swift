import Testing

@testable import Messaging

@Suite struct MemoryReleaseScheduleTests {
    /// Feeds the passes (parts imported, second it ended) and returns, for each, whether it released memory.
    private static func releases(
        _ passes: [(imported: Int, second: Int64)],
        into schedule: inout MemoryReleaseSchedule
    ) -> [Bool] {
        passes.map { schedule.passEnded(imported: $0.imported, at: .seconds($0.second)) }
    }

    @Test func theFirstImportReleasesAtOnce() {
        var schedule = MemoryReleaseSchedule()
        #expect(Self.releases([(1, 5)], into: &schedule) == [true])
        #expect(schedule.lastRelease == .seconds(5))
        #expect(schedule.owedParts == 0)
    }

    @Test func aPassThatImportedNothingOwesNothing() {
        var schedule = MemoryReleaseSchedule()
        #expect(Self.releases([(0, 5), (0, 100)], into: &schedule) == [false, false])
        #expect(schedule.lastRelease == nil)
    }

    @Test func atMostOneReleaseAMinuteWhilePartsKeepArriving() {
        var schedule = MemoryReleaseSchedule()
        // Passes on every +CMTI: imports within the minute are owed, not released.
        #expect(Self.releases([(3, 0), (2, 10), (4, 59)], into: &schedule) == [true, false, false])
        #expect(schedule.owedParts == 6)
        // The slow timer's pass imports nothing, but the minute is over: the owed release is made, and only once.
        #expect(Self.releases([(0, 60), (0, 200)], into: &schedule) == [true, false])
        #expect(schedule.owedParts == 0)
        #expect(schedule.lastRelease == .seconds(60))
    }

    @Test func theFirstPassThatImportsNothingEndsTheBurstAndReleases() {
        var schedule = MemoryReleaseSchedule()
        #expect(Self.releases([(3, 0), (2, 10), (4, 20)], into: &schedule) == [true, false, false])
        // While parts are owed the mirror passes again after the quiet period, not the slow timer's minute.
        #expect(schedule.nextPass(slowTimer: .seconds(60)) == .seconds(5))
        #expect(Self.releases([(0, 25)], into: &schedule) == [true])
        #expect(schedule.owedParts == 0)
        #expect(schedule.nextPass(slowTimer: .seconds(60)) == .seconds(60))
        // A slow timer shorter than the quiet period stays as it is.
        #expect(schedule.nextPass(slowTimer: .seconds(2)) == .seconds(2))
    }

    @Test func aLargeImportReleasesWithinTheMinute() {
        var schedule = MemoryReleaseSchedule()
        #expect(Self.releases([(1, 0), (999, 1), (1, 2), (1, 3)], into: &schedule) == [true, false, true, false])
        #expect(schedule.lastRelease == .seconds(2))
    }
}
