import ArgumentParser
import Dispatch
import Foundation
import Logging
import Modem
import ModemSimulator
import SMSCodec
import Synchronization

/// `modemctl simulate`: simulated modems on pseudo-terminals, all on one simulated network (DESIGN.md).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Exposes simulated modems on pseudo-terminals, all on one simulated network.",
        discussion: """
            Modem N (in --pty-link order) has the number +1555000000N; +15550000099 answers every SMS with \
            "echo: <text>". One JSON line per modem is printed on start: {"link","number","imsi","profile"}. \
            Runs until SIGINT or SIGTERM.
            """
    )

    @Option(name: .customLong("pty-link"), help: "Path of a symbolic link to a new modem's pty (repeatable).")
    var ptyLinks: [String] = []

    @Option(
        help:
            "Modem profile: huawei-e173, huawei-e3372, zte-mf190, quectel-ec25, simcom-sim800, simcom-sim7600, sierra-mc7455."
    )
    var profile: String = SimulatorProfile.huaweiE3372.id

    @Option(help: "Simulated serial speed in baud (throttles output to bytes × 10 / baud seconds).")
    var baud: Int?

    @Option(help: "JSON file that keeps the SIM and phone stores across runs.")
    var state: String?

    @Option(
        name: .customLong("network-delay-ms"),
        help: "Delay between a submission and its delivery, in milliseconds."
    )
    var networkDelayMilliseconds: Int = 0

    @OptionGroup var logLevel: LogLevelOption

    func validate() throws {
        if ptyLinks.isEmpty { throw ValidationError("Give at least one --pty-link PATH.") }
        if SimulatorProfile.named(profile) == nil {
            let names = SimulatorProfile.all.map(\.id).joined(separator: ", ")
            throw ValidationError("Unknown profile '\(profile)'; known: \(names).")
        }
        if let baud, !(300...4_000_000).contains(baud) { throw ValidationError("--baud must be 300…4000000.") }
        if !(0...600_000).contains(networkDelayMilliseconds) {
            throw ValidationError("--network-delay-ms must be 0…600000.")
        }
        if Set(ptyLinks).count != ptyLinks.count { throw ValidationError("Each --pty-link must be different.") }
    }

    func run() async throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "modemctl.simulate")
        let stateURL = state.map { URL(fileURLWithPath: $0) }
        let saved = try stateURL.map { try SimulatorState.load(from: $0) } ?? SimulatorState()
        let network = SimulatedNetwork(
            delay: .milliseconds(networkDelayMilliseconds),
            state: saved,
            logger: logger
        )
        // Safe to force unwrap: validate() checked the name.
        let chosen = SimulatorProfile.named(profile)!
        var ports: [(SimulatedModem, PseudoTerminal)] = []
        for link in ptyLinks {
            let port = try PseudoTerminal()
            try port.link(at: link)
            let modem = await network.makeModem(profile: chosen)
            await modem.setBaudRate(baud)
            ports.append((modem, port))
            // Keys in alphabetical order.
            JSONOutput.write(
                .object([
                    ("imsi", .string(modem.imsi)), ("link", .string(link)), ("number", .string(modem.number)),
                    ("profile", .string(chosen.id)),
                ])
            )
        }
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (modem, port) in ports {
                group.addTask { try await modem.serve(port) }
            }
            if let stateURL {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(500))
                        if network.takeStoresChanged() { try await network.currentState().save(to: stateURL) }
                    }
                }
            }
            group.addTask { await signals.wait() }
            // The first task to end is the signal (or a failed modem): stop everything.
            _ = try await group.next()
            group.cancelAll()
            for (_, port) in ports { await port.close() }
        }
        if let stateURL { try await network.currentState().save(to: stateURL) }
    }
}

/// Waits for one of the given signals (DispatchSource, so the process is not killed by the default action).
final class SignalWaiter: Sendable {
    /// Kept alive for the life of the waiter; a Mutex because DispatchSource is not Sendable.
    private let sources: Mutex<[any DispatchSourceSignal]>
    private let stream: AsyncStream<Void>

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.stream = stream
        sources = Mutex(
            signals.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield() }
                source.resume()
                return source
            }
        )
    }

    func wait() async {
        for await _ in stream { return }
    }
}
