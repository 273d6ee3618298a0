/// When the mirror gives memory back after importing (``MessageStore/MessageStore/releaseMemory()``): releasing
/// closes SQLite's idle readers and trims every malloc arena, which costs more than a pass that imported one SMS, so
/// it runs at most once per ``interval``, and at once after a large import (the heap grew with it). Parts imported
/// while a release was not yet due stay owed: the next pass past the interval (the mirror's slow timer makes one)
/// releases for them. Readings are durations on the service's injected clock; no clock, no I/O: testable pass by
/// pass.
struct MemoryReleaseSchedule: Sendable {
    /// The shortest time between two releases, unless a large import makes one due.
    var interval: Duration = .seconds(60)
    /// Parts imported since the last release that make a release due at once.
    var largeImport = 1_000

    /// Parts imported since the last release.
    private(set) var owedParts = 0
    /// When the last release was made (nil: none yet).
    private(set) var lastRelease: Duration?

    /// Records a pass that imported `imported` parts, ending at `now`; true when memory is to be released now (the
    /// schedule then counts it as made).
    mutating func passEnded(imported: Int, at now: Duration) -> Bool {
        owedParts += max(0, imported)
        guard owedParts > 0 else { return false }
        let due = owedParts >= largeImport || lastRelease.map { now - $0 >= interval } ?? true
        guard due else { return false }
        owedParts = 0
        lastRelease = now
        return true
    }
}
