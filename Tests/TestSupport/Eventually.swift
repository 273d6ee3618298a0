import Testing

/// Waits until `condition` holds, checking it every `interval`; records an issue naming `what` and throws when
/// `timeout` passes first.
///
/// For state that other tasks or processes change (a simulator, a subprocess, a database written by another
/// process) where no event can be awaited directly. The timeout is a bound for a broken test, not a timing
/// assertion: a passing test returns as soon as the condition holds.
/// - Parameters:
///   - what: what is awaited, for the failure message; evaluated only on timeout, so it may describe the state then.
///   - timeout: how long to wait before failing.
///   - interval: the pause between two checks.
///   - condition: checked first at once, then after each pause.
/// - Throws: ``EventuallyTimedOut`` on timeout; whatever `condition` throws.
package func eventually(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(20),
    interval: Duration = .milliseconds(5),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await clock.sleep(for: interval)
    }
    if try await condition() { return }
    let description = what()
    Issue.record("timed out after \(timeout) waiting for: \(description)", sourceLocation: sourceLocation)
    throw EventuallyTimedOut(what: description)
}

/// ``eventually(_:timeout:interval:sourceLocation:_:)`` gave up.
package struct EventuallyTimedOut: Error, CustomStringConvertible {
    package var what: String
    package var description: String { "timed out waiting for: \(what)" }
}
