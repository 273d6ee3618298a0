import Foundation
import Synchronization

/// A program running beside the test (a daemon): its output collected as it comes, stopped with a signal.
///
/// ``Subprocess`` runs a program to completion; this one keeps it running until the test sends ``signal(_:)``.
/// Pipes are drained on dispatch threads, never on the cooperative pool.
package final class RunningProcess: Sendable {
    private let process: Process
    private final class Output: Sendable {
        let state = Mutex((stdout: "", stderr: "", exited: false))
        /// The exit status once known, and a ``stop()`` waiting for it.
        let exit = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))
    }

    private let output = Output()

    /// Starts `executable` with `arguments`.
    package init(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let output = self.output
        process.terminationHandler = { process in
            output.state.withLock { $0.exited = true }
            let waiter = output.exit.withLock { exit in
                exit.status = process.terminationStatus
                defer { exit.waiter = nil }
                return exit.waiter
            }
            waiter?.resume(returning: process.terminationStatus)
        }
        try process.run()
        for (handle, isError) in [(stdout.fileHandleForReading, false), (stderr.fileHandleForReading, true)] {
            DispatchQueue.global().async {
                // `availableData` returns what has arrived; `read(upToCount:)` would wait for the whole count.
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    let text = String(decoding: chunk, as: UTF8.self)
                    output.state.withLock { if isError { $0.stderr += text } else { $0.stdout += text } }
                }
            }
        }
    }

    /// Standard output so far.
    package var stdout: String { output.state.withLock { $0.stdout } }
    /// Standard error so far.
    package var stderr: String { output.state.withLock { $0.stderr } }
    /// Whether the process has exited.
    package var hasExited: Bool { output.state.withLock { $0.exited } }

    /// How many lines of standard error so far contain `text` (a daemon's log lines).
    package func stderrLines(containing text: String) -> Int {
        stderr.split(separator: "\n").filter { $0.contains(text) }.count
    }

    /// SIGTERM, then the exit status (a daemon's clean stop).
    package func stop() async -> Int32 {
        signal(SIGTERM)
        return await withCheckedContinuation { continuation in
            let status = output.exit.withLock { exit -> Int32? in
                if exit.status == nil { exit.waiter = continuation }
                return exit.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Sends `signal` (SIGTERM, SIGKILL) unless the process has exited.
    package func signal(_ signal: Int32) {
        guard !hasExited else { return }
        kill(process.processIdentifier, signal)
    }

    deinit {
        if !hasExited { kill(process.processIdentifier, SIGKILL) }
    }
}
