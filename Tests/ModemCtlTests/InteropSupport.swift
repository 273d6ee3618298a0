import Foundation
import TestSupport
import Testing

/// Runs external programs for the interop tests: the built `modemctl simulate`, gammu, smsd.
enum Interop {
    /// An executable on PATH or in the usual system directories (smsd lives in /usr/sbin).
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/sbin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool to completion (killed after `timeout`); returns its exit status and stdout followed by stderr.
    static func run(
        _ tool: String,
        _ arguments: [String],
        timeout: Duration = .seconds(60)
    ) async throws -> (Int32, String) {
        let run = try await Subprocess.run(URL(fileURLWithPath: tool), arguments, timeout: timeout)
        return (run.status, run.stdout + run.stderr)
    }

    /// SIGTERM, then SIGKILL if the process is still there after five seconds. Returns at once: the wait runs on a
    /// thread of its own (never on the cooperative pool, see TestSupport), so `defer { stop() }` blocks nothing.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        Thread.detachNewThread { reap(process) }
    }

    /// Like ``stop(_:)``, but returns only once the process has exited (e.g. to read what it saved at exit).
    static func stopAndWait(_ process: Process) async {
        guard process.isRunning else { return }
        process.terminate()
        _ = try? await onDedicatedThread { reap(process) }
    }

    /// Waits up to five seconds for a terminated process, then SIGKILLs it; blocks, so only on a dedicated thread.
    private static func reap(_ process: Process) {
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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
        // Blocking reads until the JSON lines arrive: on a thread of its own (TestSupport).
        let lines = try await onDedicatedThread { () throws -> [ModemLine] in
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
        }
        modems = lines
    }

    /// Sends SIGTERM and waits for the exit.
    func stop() {
        Interop.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends SIGTERM and returns once the simulator has exited (and saved its `--state`).
    func stopAndWait() async {
        await Interop.stopAndWait(process)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A minimal serial client on a pty slave: writes a command, reads until a marker (poll with a deadline).
final class PTYClient {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
    }

    deinit { close(fd) }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if errno != EAGAIN && errno != EINTR { return }
        }
    }

    /// Reads until `marker` appears or `timeout` passes; returns what was read.
    func read(until marker: String, timeout: Duration = .seconds(10)) -> String {
        var data = [UInt8]()
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline, !String(decoding: data, as: UTF8.self).contains(marker) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data += buffer[0..<n] }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends a command line and returns the answer up to OK/ERROR.
    func command(_ line: String) -> String {
        write(line + "\r")
        let answer = read(until: "OK\r\n", timeout: .seconds(10))
        return answer
    }
}
