import Foundation
import Testing

/// Runs external programs for the interop tests: the built `modemctl simulate`, gammu, smsd.
enum Interop {
    /// Most output kept from one tool run.
    static let maximumOutput = 4 << 20

    /// The repository root (Tests/ModemSimulatorTests/InteropSupport.swift → three levels up).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// An executable on PATH or in the usual system directories (smsd lives in /usr/sbin).
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/sbin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The `modemctl` built next to the test bundle (same build directory).
    static func modemctl() -> String? {
        var candidates: [URL] = []
        let bundle = URL(fileURLWithPath: Bundle.main.bundlePath)
        candidates.append(bundle.appendingPathComponent("modemctl"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("modemctl"))
        let argv0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("modemctl"))
        candidates.append(root.appendingPathComponent(".build/debug/modemctl"))
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool to completion (killed after `timeout`); returns its exit status and stdout+stderr.
    static func run(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = Task.detached { () -> Data in
            var data = Data()
            while let chunk = try? pipe.fileHandleForReading.read(upToCount: 65536), !chunk.isEmpty {
                if data.count < maximumOutput { data.append(chunk) }
            }
            return data
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let output = String(decoding: await reader.value, as: UTF8.self)
        return (process.terminationStatus, output)
    }

    /// SIGTERM, then SIGKILL if the process is still there after five seconds.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Polls `condition` every 200 ms until it holds or `timeout` passes (external processes have no clock to
    /// inject).
    static func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }
}

/// A running `modemctl simulate` with its modems' pty links.
final class SimulatorProcess {
    struct ModemLine: Decodable {
        var link: String
        var number: String
        var imsi: String
        var profile: String
    }

    let process = Process()
    let directory: URL
    private(set) var modems: [ModemLine] = []

    /// Starts `modemctl simulate` with `count` modems and waits for their JSON lines.
    init(modemctl: String, count: Int, arguments: [String] = []) async throws {
        directory = try Interop.temporaryDirectory("modemsim")
        process.executableURL = URL(fileURLWithPath: modemctl)
        var args = ["simulate"]
        for n in 1...count { args += ["--pty-link", directory.appendingPathComponent("modem\(n)").path] }
        process.arguments = args + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let handle = pipe.fileHandleForReading
        let lines = try await Task.detached { () throws -> [ModemLine] in
            var buffer = Data()
            var result: [ModemLine] = []
            // availableData returns what is there (read(upToCount:) would wait for the whole count).
            while result.count < count {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer = Data(buffer[(newline + 1)...])
                    result.append(try JSONDecoder().decode(ModemLine.self, from: line))
                }
            }
            return result
        }.value
        modems = lines
    }

    /// Sends SIGTERM and waits for the exit.
    func stop() {
        Interop.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }
}
