import Foundation
import Testing

/// A running `modemctl simulate` whose standard input (its JSON control channel) and output the test holds: modem N's
/// pty link is `modem<N>` in ``directory``.
package final class ControlledSimulator {
    package let process = Process()
    package let directory: URL
    private let ownsDirectory: Bool
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    /// The JSON line each modem printed on start (`imsi`, `link`, `number`, `profile`, `tty`).
    package private(set) var start: [[String: Any]] = []

    /// Starts `count` simulated modems with `arguments` (profile, quirk flags) and waits for their start lines.
    /// - Parameter directory: where the links go; nil: a temporary directory removed by ``stop()``.
    package init(count: Int = 1, arguments: [String], in directory: URL? = nil) async throws {
        if let directory {
            self.directory = directory
            ownsDirectory = false
        } else {
            self.directory = try ScratchDirectory("modemsim-control").url
            ownsDirectory = true
        }
        process.executableURL = try BuiltProducts.executable("modemctl")
        var args = ["simulate"]
        for n in 1...count { args += ["--pty-link", link(n)] }
        process.arguments = args + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        for _ in 0..<count { start.append(try await nextLine()) }
    }

    package func link(_ n: Int) -> String { directory.appendingPathComponent("modem\(n)").path }

    /// The next JSON line on standard output.
    package func nextLine() async throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            }
            let handle = output.fileHandleForReading
            // availableData blocks until bytes come: on a thread of its own.
            let chunk = try await onDedicatedThread { handle.availableData }
            try #require(!chunk.isEmpty, "modemctl simulate closed its output")
            buffer.append(chunk)
        }
    }

    /// Sends one control command and returns its answer.
    package func control(_ command: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: command) + Data("\n".utf8)
        input.fileHandleForWriting.write(data)
        return try await nextLine()
    }

    /// SIGTERM, then SIGKILL if it is still there after five seconds; returns at once (the wait runs on a thread of
    /// its own, so `defer { stop() }` blocks nothing).
    package func stop() {
        if process.isRunning {
            process.terminate()
            let process = self.process
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning, Date() < deadline { usleep(50_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
        }
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }
}
