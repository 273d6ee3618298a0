import Foundation
import Synchronization
import Testing

/// A program running beside the test (`messagingd`, `telcp watch`): its output collected as it comes, so that the
/// test can wait for a line, and stopped with ``stop()`` (SIGTERM, SIGKILL after a bound) or ``signal(_:)``.
///
/// ``Subprocess`` runs a program to completion; this one keeps it running until the test stops it. A process still
/// running when this object goes away, and not stopped, is killed.
package final class RunningProcess: Sendable {
    private final class State: Sendable {
        let value = Mutex(
            (stdout: Data(), stderr: Data(), openPipes: 2, status: Int32?.none, stopping: false)
        )
    }

    private let process: Process
    private let state = State()
    /// The write end of standard input, when the process was started with `standardInput: true`.
    private let input: FileHandle?

    /// Starts `executable` with `arguments`; with `standardInput`, the test writes its standard input through
    /// ``writeInput(_:)`` and ends it with ``closeInput()`` (a coprocess), otherwise it reads /dev/null.
    package init(_ executable: URL, _ arguments: [String], standardInput: Bool = false) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        if standardInput {
            let stdin = Pipe()
            process.standardInput = stdin
            input = stdin.fileHandleForWriting
        } else {
            process.standardInput = FileHandle.nullDevice
            input = nil
        }
        self.process = process
        let state = self.state
        process.terminationHandler = { process in
            let status = process.terminationStatus
            state.value.withLock { $0.status = status }
        }
        try process.run()
        let end: @Sendable () -> Void = { state.value.withLock { $0.openPipes -= 1 } }
        drain(stdout.fileHandleForReading, { data in state.value.withLock { $0.stdout.append(data) } }, end: end)
        drain(stderr.fileHandleForReading, { data in state.value.withLock { $0.stderr.append(data) } }, end: end)
    }

    /// Writes `text` to the process's standard input (started with `standardInput: true`).
    package func writeInput(_ text: String) throws {
        try input?.write(contentsOf: Data(text.utf8))
    }

    /// Closes the process's standard input: it reads end of file.
    package func closeInput() throws {
        try input?.close()
    }

    /// The process ID (for /proc/<pid>: its memory and CPU time).
    package var pid: Int32 { process.processIdentifier }

    /// Standard output so far.
    package var stdout: String { String(decoding: state.value.withLock { $0.stdout }, as: UTF8.self) }
    /// Standard error so far.
    package var stderr: String { String(decoding: state.value.withLock { $0.stderr }, as: UTF8.self) }
    /// Whether the process has exited.
    package var hasExited: Bool { state.value.withLock { $0.status != nil } }

    /// Waits until a line of standard output (or error) starts with `prefix`, and returns it.
    package func line(
        startingWith prefix: String,
        onStandardError: Bool = false,
        timeout: Duration = .seconds(60)
    ) async throws -> String {
        var found: String?
        try await eventually("a line starting with '\(prefix)'; stdout: \(stdout) stderr: \(stderr)", timeout: timeout)
        {
            let text = onStandardError ? stderr : stdout
            found = text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
            return found != nil || hasExited
        }
        return try #require(found, "the process exited first: \(stdout) \(stderr)")
    }

    /// Waits until the process has exited by itself and its output is read to the end; returns its exit status.
    package func exit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        var status: Int32?
        try await eventually("the process to exit; stdout: \(stdout) stderr: \(stderr)", timeout: timeout) {
            status = state.value.withLock { $0.openPipes == 0 ? $0.status : nil }
            return status != nil
        }
        return try #require(status)
    }

    /// How many lines of standard error so far contain `text` (a daemon's log lines).
    package func stderrLines(containing text: String) -> Int {
        stderr.split(separator: "\n").filter { $0.contains(text) }.count
    }

    /// SIGTERM, then waits for the exit and returns the status (a daemon's clean stop).
    package func terminate(timeout: Duration = .seconds(60)) async throws -> Int32 {
        signal(SIGTERM)
        return try await exit(timeout: timeout)
    }

    /// Sends `signal` (SIGTERM, SIGKILL) unless the process has exited.
    package func signal(_ signal: Int32) {
        let pid = process.processIdentifier
        // Checked under the lock the termination handler takes, so that a process known to have exited (whose pid
        // may be reused) is not signalled.
        state.value.withLock { if $0.status == nil { kill(pid, signal) } }
    }

    /// SIGTERM, then SIGKILL if the process is still there after `bound`; returns at once.
    package func stop(killAfter bound: Duration = .seconds(5)) {
        state.value.withLock { $0.stopping = true }
        signal(SIGTERM)
        let pid = process.processIdentifier
        let state = self.state
        let milliseconds = Int(bound / .milliseconds(1))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            state.value.withLock { if $0.status == nil { kill(pid, SIGKILL) } }
        }
    }

    deinit {
        let pid = process.processIdentifier
        // A stopped process gets its SIGKILL from ``stop(killAfter:)`` once the bound has passed.
        state.value.withLock { if $0.status == nil, !$0.stopping { kill(pid, SIGKILL) } }
    }
}
