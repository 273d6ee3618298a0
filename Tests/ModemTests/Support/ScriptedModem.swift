import Modem
import Synchronization

/// A small fake *modem* for driver tests: it reads command lines from its end of a transport and answers from a
/// script (transcript responses), so that the real ``ATModem`` is what runs. Not a simulator: no state beyond
/// what a test puts in its handler.
final class ScriptedModem: Sendable {
    /// How to answer one command line.
    enum Reply: Sendable {
        /// Send this text (line ends included).
        case text(String)
        /// Send `\r\n> `, wait for the payload up to Ctrl-Z, then send what `after` returns for it.
        case prompt(after: @Sendable (String) -> String)
        /// Say nothing (a stalled modem).
        case silent
    }

    let transport: any ByteTransport
    let echo: Bool
    private let handler: @Sendable (String) -> Reply
    private let log = Mutex<[String]>([])
    private let waiters = Mutex<[(String, CheckedContinuation<Void, Never>)]>([])

    init(transport: any ByteTransport, echo: Bool = false, handler: @escaping @Sendable (String) -> Reply) {
        self.transport = transport
        self.echo = echo
        self.handler = handler
    }

    /// A handler answering from a transcript's `commands` (keys end with CR), `OK` for anything else (the
    /// transcripts' stated default), with `overrides` taking precedence.
    static func transcriptHandler(
        _ file: String,
        overrides: [String: String] = [:]
    ) throws -> @Sendable (String) -> Reply {
        var table: [String: String] = [:]
        for (command, response) in try Transcripts.commands(file) {
            table[command.trimmingCharacters(in: ["\r"])] = response
        }
        for (command, response) in overrides { table[command] = response }
        let frozen = table
        return { command in .text("\r\n" + (frozen[command] ?? "OK\r\n")) }
    }

    /// Every command line received, in order.
    var commands: [String] { log.withLock { $0 } }

    /// Waits until a received command line starts with `prefix` (returns at once if one already did).
    func waitForCommand(prefix: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let seen = log.withLock { log in
                if log.contains(where: { $0.hasPrefix(prefix) }) { return true }
                waiters.withLock { $0.append((prefix, continuation)) }
                return false
            }
            if seen { continuation.resume() }
        }
    }

    /// Sends unsolicited text at once (e.g. `\r\n+CMTI: "SM",3\r\n`).
    func inject(_ text: String) async throws {
        try await transport.write(Array(text.utf8))
    }

    /// Serves until the transport closes.
    func run() async {
        var line: [UInt8] = []
        var payloadContinuation: (@Sendable (String) -> String)?
        do {
            while true {
                let bytes = try await transport.read()
                for byte in bytes {
                    if let after = payloadContinuation {
                        if byte == 0x1A {
                            payloadContinuation = nil
                            let payload = String(decoding: line, as: UTF8.self)
                            line.removeAll()
                            record("PDU:" + payload)
                            try await transport.write(Array(("\r\n" + after(payload)).utf8))
                        } else if byte == 0x1B {
                            payloadContinuation = nil
                            line.removeAll()
                            record("ESC")
                        } else {
                            line.append(byte)
                        }
                        continue
                    }
                    if byte == 0x1B {
                        line.removeAll()
                        continue
                    }
                    guard byte == 0x0D else {
                        if byte != 0x0A { line.append(byte) }
                        continue
                    }
                    let command = String(decoding: line, as: UTF8.self)
                    line.removeAll()
                    guard !command.isEmpty else { continue }
                    if echo { try await transport.write(Array((command + "\r").utf8)) }
                    let reply = handler(command)
                    record(command)
                    switch reply {
                    case .text(let text): try await transport.write(Array(text.utf8))
                    case .prompt(let after):
                        payloadContinuation = after
                        try await transport.write(Array("\r\n> ".utf8))
                    case .silent: break
                    }
                }
            }
        } catch {
            return
        }
    }

    private func record(_ command: String) {
        log.withLock { $0.append(command) }
        let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            let matching = waiters.filter { command.hasPrefix($0.0) }.map(\.1)
            waiters.removeAll { command.hasPrefix($0.0) }
            return matching
        }
        for continuation in ready { continuation.resume() }
    }
}
