/// When the mirror gives memory back after importing (``MessageStore/MessageStore/releaseMemory()``): releasing
/// closes SQLite's idle readers and trims every malloc arena, which costs more than a pass that imported one SMS, so
/// during a burst it runs at most once per ``interval``, and at once after a large import (the heap grew with it).
/// Parts imported while a release was not yet due stay owed, and are released by the first pass that imports
/// nothing: the burst is over. The mirror makes that pass ``quietPeriod`` after an import instead of waiting for its
/// slow timer, so that a daemon that just took in many messages gives the memory back within seconds, not a minute.
/// Readings are durations on the service's injected clock; no clock, no I/O: testable pass by pass.
struct MemoryReleaseSchedule: Sendable {
    /// The shortest time between two releases while parts keep arriving, unless a large import makes one due.
    var interval: Duration = .seconds(60)
    /// Parts imported since the last release that make a release due at once.
    var largeImport = 1_000
    /// How long after a pass that imported parts the mirror passes again when a release is owed.
    var quietPeriod: Duration = .seconds(5)

    /// Parts imported since the last release.
    private(set) var owedParts = 0
    /// When the last release was made (nil: none yet).
    private(set) var lastRelease: Duration?

    /// When the mirror should pass next at the latest, counted from a pass's end: ``quietPeriod`` while a release
    /// is owed, else `slowTimer`.
    func nextPass(slowTimer: Duration) -> Duration {
        owedParts > 0 ? min(slowTimer, quietPeriod) : slowTimer
    }

    /// Records a pass that imported `imported` parts, ending at `now`; true when memory is to be released now (the
    /// schedule then counts it as made).
    mutating func passEnded(imported: Int, at now: Duration) -> Bool {
        owedParts += max(0, imported)
        guard owedParts > 0 else { return false }
        let due =
            imported == 0 || owedParts >= largeImport || lastRelease.map { now - $0 >= interval } ?? true
        guard due else { return false }
        owedParts = 0
        lastRelease = now
        return true
    }
}
