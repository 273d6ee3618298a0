import Foundation
import Synchronization

/// Runs a program to completion as a separate process: `modemctl`, `messagingd`, gammu.
package enum Subprocess {
    package struct Run {
        package var status: Int32
        package var stdout: String
        package var stderr: String
        /// The process outlived its timeout and was killed.
        package var timedOut: Bool

        package var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input, and waits at most `timeout` (then
    /// SIGKILL, so that a hanging program fails the test instead of hanging it). Pipes are drained by ``drain(_:_:end:)``.
    package static func run(
        _ executable: URL,
        _ arguments: [String],
        input: String? = nil,
        timeout: Duration = .seconds(20)
    ) async throws -> Run {
        try await run(executable, arguments, inputBytes: input.map { Data($0.utf8) }, timeout: timeout)
    }

    /// ``run(_:_:input:timeout:)`` with standard input given as bytes (input that is not valid UTF-8).
    package static func run(
        _ executable: URL,
        _ arguments: [String],
        inputBytes input: Data?,
        timeout: Duration = .seconds(20)
    ) async throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin

        let out = Mutex(Data())
        let err = Mutex(Data())
        let exited = Mutex(false)
        let killed = Mutex(false)
        let group = DispatchGroup()
        // Entered before the child starts, so that an early exit cannot complete the group before the reads.
        group.enter()
        group.enter()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                let status = process.terminationStatus
                exited.withLock { $0 = true }
                // Both pipes reach end of file once the child (their only writer) has exited.
                group.notify(queue: .global()) { continuation.resume(returning: status) }
            }
            do {
                try process.run()
            } catch {
                group.leave()
                group.leave()
                continuation.resume(throwing: error)
                return
            }
            drain(stdout.fileHandleForReading, { data in out.withLock { $0.append(data) } }, end: { group.leave() })
            drain(stderr.fileHandleForReading, { data in err.withLock { $0.append(data) } }, end: { group.leave() })
            if let input {
                let stdinHandle = stdin.fileHandleForWriting
                DispatchQueue.global().async {
                    stdinHandle.write(input)
                    try? stdinHandle.close()
                }
            }
            let pid = process.processIdentifier
            let milliseconds = Int(timeout / .milliseconds(1))
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                // Checked under the lock the termination handler takes, so that a child known to have exited is
                // not signalled.
                exited.withLock { hasExited in
                    guard !hasExited else { return }
                    killed.withLock { $0 = true }
                    kill(pid, SIGKILL)
                }
            }
        }
        return Run(
            status: status,
            stdout: String(decoding: out.withLock { $0 }, as: UTF8.self),
            stderr: String(decoding: err.withLock { $0 }, as: UTF8.self),
            timedOut: killed.withLock { $0 }
        )
    }
}
