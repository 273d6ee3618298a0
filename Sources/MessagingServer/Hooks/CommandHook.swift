import Foundation
import Logging
import Messaging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hook that runs a program: without a shell, with the event as one JSON object on standard input and its
/// essentials in environment variables (``Messaging/MessageHookInvocation/environment``).
///
/// The environment holds nothing of the daemon's (no PIN, no configuration): only the `MESSAGE_…` variables and a
/// minimal `PATH`. Standard output and standard error go to the log, at most ``maximumLoggedOutput`` bytes. Exit
/// status 0 is delivered; anything else (a non-zero status, a signal, a program that cannot start) is a failure
/// to retry. Cancelled (the timeout), the program's process group is killed.
struct CommandHook: MessageHook {
    /// The `PATH` a hook command sees.
    static let path = "/usr/local/bin:/usr/bin:/bin"
    /// Output logged per run; the rest is read and dropped, so a chatty program never blocks on a full pipe.
    static let maximumLoggedOutput = 4 * 1024

    let key: String
    let events: Set<MessageHookEvent>
    /// The program (an absolute path) and its arguments.
    let arguments: [String]
    let logger: Logger

    init(arguments: [String], events: Set<MessageHookEvent>, logger: Logger) {
        self.arguments = arguments
        self.events = events
        self.logger = logger
        self.key = "command:" + arguments.joined(separator: " ")
        // A program that exits without reading its standard input would otherwise end the daemon with SIGPIPE when
        // the JSON is written; the write then fails with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
    }

    func deliver(_ invocation: MessageHookInvocation) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var environment = invocation.environment
        environment["PATH"] = Self.path
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output

        let captured = Mutex(Data())
        let reader = DispatchGroup()
        // The process ID once started, and whether the delivery was cancelled (checked under one lock so that a
        // cancellation racing the start still kills the program).
        let state = Mutex<(pid: pid_t, isCancelled: Bool)>((0, false))
        let status: (code: Int32, isSignal: Bool) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { process in
                    continuation.resume(
                        returning: (process.terminationStatus, process.terminationReason == .uncaughtSignal)
                    )
                }
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: CommandHookError(description: "cannot start: \(error)"))
                    return
                }
                let pid = process.processIdentifier
                let killNow = state.withLock { state in
                    state.pid = pid
                    return state.isCancelled
                }
                if killNow { Self.killGroup(pid) }
                let outputHandle = output.fileHandleForReading
                reader.enter()
                // Pipes are read on dispatch threads, never on the cooperative pool.
                DispatchQueue.global().async {
                    defer { reader.leave() }
                    while let chunk = try? outputHandle.read(upToCount: 4096), !chunk.isEmpty {
                        captured.withLock { data in
                            if data.count < Self.maximumLoggedOutput {
                                data.append(chunk.prefix(Self.maximumLoggedOutput - data.count))
                            }
                        }
                    }
                }
                // One line: `read` in a shell script, and line-oriented tools, want the newline.
                let body = invocation.json() + [UInt8(ascii: "\n")]
                let inputHandle = input.fileHandleForWriting
                DispatchQueue.global().async {
                    // A program that does not read its input is not an error.
                    try? inputHandle.write(contentsOf: body)
                    try? inputHandle.close()
                }
            }
        } onCancel: {
            let pid = state.withLock { state in
                state.isCancelled = true
                return state.pid
            }
            if pid > 0 { Self.killGroup(pid) }
        }
        // The output ends when the program and whatever it started have closed it; a child left running must not
        // hold the delivery, so wait a moment only.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                _ = reader.wait(timeout: .now() + .seconds(1))
                continuation.resume()
            }
        }
        let text = String(decoding: captured.withLock { $0 }, as: UTF8.self)
        if !text.isEmpty {
            logger.info(
                "hook output",
                metadata: ["hook": "\(key)", "hook.event": "\(invocation.event.rawValue)", "hook.output": "\(text)"]
            )
        }
        try Task.checkCancellation()
        if status.isSignal { throw CommandHookError(description: "killed by signal \(status.code)") }
        if status.code != 0 { throw CommandHookError(description: "exit status \(status.code)") }
    }

    /// SIGKILL to the program and, when it leads one, its process group (what it started).
    private static func killGroup(_ pid: pid_t) {
        if getpgid(pid) == pid { _ = kill(-pid, SIGKILL) }
        _ = kill(pid, SIGKILL)
    }
}

struct CommandHookError: Error, CustomStringConvertible {
    var description: String
}
