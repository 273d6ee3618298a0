import Foundation
import Synchronization

/// A long-running program of this package (`messagingd`) as a separate process whose standard output and error go to
/// files the test reads while it runs.
package final class DaemonProcess: Sendable {
    private final class Exit: Sendable {
        let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))
    }

    package let process: Process
    package let logPath: String
    package let outputPath: String
    private let exit = Exit()

    /// Starts `executable` with `arguments`; standard error goes to `logPath`, standard output to `outputPath`.
    package init(_ executable: URL, _ arguments: [String], logPath: String, outputPath: String? = nil) throws {
        self.logPath = logPath
        self.outputPath = outputPath ?? logPath + ".out"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        _ = FileManager.default.createFile(atPath: self.outputPath, contents: nil)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: self.outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.terminationHandler = { [exit] process in
            let waiter = exit.state.withLock { state in
                state.status = process.terminationStatus
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: process.terminationStatus)
        }
        try process.run()
    }

    /// Standard error so far.
    package var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    /// Standard output so far.
    package var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    package var isRunning: Bool { exit.state.withLock { $0.status == nil } }

    /// How many lines of standard error contain `text`.
    package func logLines(containing text: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(text) }.count
    }

    /// SIGTERM, then the exit status.
    package func stop() async -> Int32 {
        process.terminate()
        return await withCheckedContinuation { continuation in
            let status = exit.state.withLock { state -> Int32? in
                if state.status == nil { state.waiter = continuation }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// SIGKILL if it still runs (a failed test must not leave it behind).
    package func kill() {
        if isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
