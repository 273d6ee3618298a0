import Foundation
import Logging
import MessageStore
import Messaging
import Modem

/// Test-support process for the SIGKILL tests: runs the Messaging service on a modem tty and a
/// database file until it is killed. The test process owns the simulated modem (on a pty) and the network, so
/// killing this process is a crash of the service alone, as on the board.
///
/// ```
/// MessagingCrashHarness --db PATH --device TTY [--policy move|keep-on-sim]
///                       [--send-to NUMBER --send-count N --send-prefix TEXT]
/// ```
/// Prints `ready` on stdout once the modem is started and any messages are queued.
@main
struct CrashHarness {
    /// Most messages one run may queue (bounds the `--send-count` argument).
    static let maximumSendCount = 1000

    static func main() async {
        do {
            try await run(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("MessagingCrashHarness: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(arguments: [String]) async throws {
        var options: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            options[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let db = options["--db"], let device = options["--device"] else {
            throw HarnessError("usage: --db PATH --device TTY [--send-to N --send-count K --send-prefix P]")
        }
        let sendCount = min(Int(options["--send-count"] ?? "0") ?? 0, maximumSendCount)
        var logger = Logger(label: "crash-harness", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning

        let port = try SerialPort(path: device, options: SerialPort.Options(exclusive: false))
        let modem = ATModem(transport: port, logger: logger)
        let reader = Task { try await modem.run() }
        try await modem.start()
        let store = try MessageStore(path: db)
        var configuration = MessagingConfiguration()
        configuration.mirrorInterval = .seconds(2)
        configuration.initialRetryDelay = .milliseconds(200)
        if let policy = options["--policy"] {
            guard let parsed = MessagingConfiguration.MirrorPolicy(rawValue: policy) else {
                throw HarnessError("unknown --policy \(policy) (move or keep-on-sim)")
            }
            configuration.mirrorPolicy = parsed
        }
        let service = MessagingService(store: store, modem: modem, configuration: configuration, logger: logger)
        if sendCount > 0, let destination = options["--send-to"] {
            let prefix = options["--send-prefix"] ?? "message"
            for number in 0..<sendCount {
                _ = try await service.sendMessage(
                    MessageToSend(recipients: RecipientsList(to: [Peer(id: destination)]), text: "\(prefix) \(number)")
                )
            }
        }
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        try await service.run()
        reader.cancel()
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
