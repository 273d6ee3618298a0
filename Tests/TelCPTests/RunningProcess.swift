import Foundation
import Synchronization
import TestSupport
import Testing

/// A program that runs beside the test (`messagingd`, `telcp watch`): its output is collected as it comes, so that
/// the test can wait for a line, and it is stopped with SIGTERM (SIGKILL five seconds later) when the test is done.
final class RunningProcess: Sendable {
    /// Output received so far (drained on threads of their own, never on the cooperative pool).
    private final class Output: Sendable {
        let stdout = Mutex(Data())
        let stderr = Mutex(Data())
    }

    // Process is not Sendable; it is only started here and signalled or queried (isRunning, pid) afterwards, which
    // Foundation allows from any thread.
    nonisolated(unsafe) private let process = Process()
    private let output = Output()

    init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = self.output
        Self.drain(stdout.fileHandleForReading) { data in output.stdout.withLock { $0.append(data) } }
        Self.drain(stderr.fileHandleForReading) { data in output.stderr.withLock { $0.append(data) } }
    }

    private static func drain(_ handle: FileHandle, _ append: @escaping @Sendable (Data) -> Void) {
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                append(chunk)
            }
        }
    }

    var stdout: String { String(decoding: output.stdout.withLock { $0 }, as: UTF8.self) }
    var stderr: String { String(decoding: output.stderr.withLock { $0 }, as: UTF8.self) }
    var isRunning: Bool { process.isRunning }
    var status: Int32 { process.terminationStatus }

    /// Waits until a line of standard output (or error) starts with `prefix`, and returns it.
    func line(
        startingWith prefix: String,
        onStandardError: Bool = false,
        timeout: Duration = .seconds(60)
    ) async throws -> String {
        var found: String?
        try await eventually("a line starting with '\(prefix)'; stdout: \(stdout) stderr: \(stderr)", timeout: timeout)
        {
            let text = onStandardError ? stderr : stdout
            found = text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
            return found != nil || !process.isRunning
        }
        return try #require(found, "the process exited first: \(stdout) \(stderr)")
    }

    /// Waits until the process has exited by itself and returns its exit status.
    func exit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await eventually("the process to exit; stdout: \(stdout) stderr: \(stderr)", timeout: timeout) {
            !process.isRunning
        }
        return process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if the process is still there after five seconds; returns at once.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let pid = process.processIdentifier
        nonisolated(unsafe) let process = self.process
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
    }
}
