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
            "echo: <text>". One JSON line per modem is printed on start: {"imsi","link","number","profile","tty"}. \
            Runs until SIGINT or SIGTERM.

            Quirks of real sticks: --sim-busy-seconds, --radio-off, --refuse-storage, --urc-flood, \
            --indications-on-other-port and --sim-pin start every modem with them.

            Control: each line on standard input is one JSON command, answered by one JSON line on standard output \
            with "ok" (true, or false and "error"). "modem" is the 1-based modem number (default 1).
              {"command":"unplug"}  the pty closes (clients see EIO/hang-up) and the link is removed; the network \
            holds messages for the modem.
              {"command":"plug"}  a new pty (a new /dev/pts name) appears and the link points to it; answer: "tty".
              {"command":"reenumerate","awayMs":500}  unplug, wait, plug.
              {"command":"reboot","bootMs":1000}  restart on the same pty: gone for bootMs (default 1000; input \
            lost, messages held), then power-on URCs, settings lost, SIM busy again; answers after the boot.
              {"command":"hang","mode":"sms"}  stop answering SMS commands ("all": every command) until \
            AT+CFUN=1,1, the vendor reset, a reboot or a re-plug.
              {"command":"inject","from":"+15550000042","text":"hi"}  deliver an SMS to the modem; answer: "parts". \
            "national":"auto" lets national language tables encode it.
              {"command":"garbage","text":"\\u0000~junk"}  write these bytes (UTF-8) onto the line now (line noise).
              {"command":"drop","count":20}  drop the next bytes the modem sends.
              {"command":"stall"} / {"command":"resume"}  stop answering (input is swallowed) / answer again.
              {"command":"fail","name":"+CMGS","cms":500}  the next such command fails with +CMS ERROR: <cms>.
              {"command":"fill","storage":"SM","from":"+15550000042","text":"filler"}  fill the free slots with \
            distinct messages "<text> 1", "<text> 2"… (a SIM full on demand); answer: "texts".
              {"command":"submissions","since":0}  what the service centre received from any modem, from that \
            absolute index on; answer: "first" (index of the first), "total", "submissions" \
            ([{"from","to","mr","text","srr","concat":[ref,total,seq]}]).
              {"command":"status"}  answer: "hung", "pinAttemptsLeft", "pinEntries" (AT+CPIN=… sent while the SIM \
            asked for a PIN or PUK), "plugged", "queued" (held by the network), "simBusy", "tty", \
            "unroutedStatusReports" ([{"mr","to"}]: reports the modem got while AT+CNMI <ds> was 0, e.g. after a \
            restart or ATZ, and gave to nobody, TS 27.005 §3.4.1).

            MMS (--mmsc): a simulated MMSC on 127.0.0.1 that is also the MMS proxy; each modem's line adds \
            "mmscURL" and "mmsProxy" (messagingd's --mmsc-url and --mms-proxy for that modem). An MMS to a modem \
            arrives as a WAP push (SMS to port 2948); +15550000099 answers an MMS with its parts, "echo: " before \
            the text.
              {"command":"mmsc-faults","contentStatus":404,"delayMs":5000,"truncate":true,"proxyStatus":403,\
            "proxyClose":true}  sets the MMSC's faults (each optional; a key left out is off; {} clears them).
              {"command":"mmsc-status"}  answer: "faults", "reports" (m-notifyresp-ind and m-acknowledge-ind \
            received), "sent" (m-send-req accepted), "stored" (messages held for download).
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

    @Option(
        name: .customLong("sim-busy-seconds"),
        help: "After each power-on the SIM is busy this long (+CME ERROR: 14, +CMS ERROR: 314), then SMS-ready URCs."
    )
    var simBusySeconds: Double = 0

    @Flag(name: .customLong("radio-off"), help: "Power on with the radio off (+CFUN: 0) until AT+CFUN=1.")
    var radioOff = false

    @Option(
        name: .customLong("refuse-storage"),
        help: "A storage AT+CPMS=? advertises but AT+CPMS refuses with +CMS ERROR: 302 (repeatable, e.g. SR)."
    )
    var refusedStorages: [String] = []

    @Option(
        name: .customLong("urc-flood"),
        help: "Status URCs (Huawei ^RSSI, ^MODE, ^DSFLOWRPT…) every this many seconds until AT^CURC=0."
    )
    var urcFloodSeconds: Double?

    @Flag(
        name: .customLong("indications-on-other-port"),
        help: "Send +CMTI/+CDSI/+CMT/+CDS to the stick's other port until AT^PORTSEL=1 (Huawei profiles)."
    )
    var indicationsOnOtherPort = false

    @Option(
        name: .customLong("sim-pin"),
        help: "The SIM asks for this PIN at each power-on; a wrong one answers +CME ERROR: 16, the third the PUK."
    )
    var simPIN: String?

    @Flag(help: "Run a simulated MMSC (and MMS proxy) on 127.0.0.1; each modem's line gives its URL.")
    var mmsc = false

    @Option(name: .customLong("mmsc-port"), help: "The simulated MMSC's TCP port (default: a free one).")
    var mmscPort: Int = 0

    @OptionGroup var logLevel: LogLevelOption

    func validate() throws {
        if ptyLinks.isEmpty { throw ValidationError("Give at least one --pty-link PATH.") }
        guard let chosen = SimulatorProfile.named(profile) else {
            let names = SimulatorProfile.all.map(\.id).joined(separator: ", ")
            throw ValidationError("Unknown profile '\(profile)'; known: \(names).")
        }
        if let baud, !(300...4_000_000).contains(baud) { throw ValidationError("--baud must be 300…4000000.") }
        if !(0...600_000).contains(networkDelayMilliseconds) {
            throw ValidationError("--network-delay-ms must be 0…600000.")
        }
        if Set(ptyLinks).count != ptyLinks.count { throw ValidationError("Each --pty-link must be different.") }
        if !(0...600).contains(simBusySeconds) { throw ValidationError("--sim-busy-seconds must be 0…600.") }
        for storage in refusedStorages where !chosen.supportedStorages.contains(storage) {
            let known = chosen.supportedStorages.joined(separator: ", ")
            throw ValidationError("--refuse-storage \(storage): \(chosen.id) does not advertise it (\(known)).")
        }
        if let urcFloodSeconds, !(0.01...3600).contains(urcFloodSeconds) {
            throw ValidationError("--urc-flood must be 0.01…3600 seconds.")
        }
        if urcFloodSeconds != nil, chosen.noiseURCs.isEmpty {
            throw ValidationError("--urc-flood: \(chosen.id) has no status URCs.")
        }
        if let simPIN, !(4...8).contains(simPIN.count) || !simPIN.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // TS 31.102 §4.4.3: a PIN is 4 to 8 digits (as ATModemConfiguration checks).
            throw ValidationError("--sim-pin must be 4 to 8 digits.")
        }
        if !(0...65535).contains(mmscPort) { throw ValidationError("--mmsc-port must be 0…65535.") }
        if mmscPort != 0, !mmsc { throw ValidationError("--mmsc-port needs --mmsc.") }
        if indicationsOnOtherPort, chosen.iccidCommand != .huawei {
            throw ValidationError("--indications-on-other-port needs a Huawei profile (AT^PORTSEL).")
        }
    }

    /// The chosen profile with the quirks the flags ask for.
    func quirkyProfile() -> SimulatorProfile {
        // Safe to force unwrap: validate() checked the name.
        var chosen = SimulatorProfile.named(profile)!
        chosen.simBusyDuration = .milliseconds(Int64(simBusySeconds * 1000))
        if radioOff { chosen.powerOnFunctionality = 0 }
        chosen.refusedStorages.formUnion(refusedStorages)
        if let urcFloodSeconds { chosen.statusURCInterval = .milliseconds(Int64(urcFloodSeconds * 1000)) }
        if indicationsOnOtherPort { chosen.indicationPortSelection = 1 }
        return chosen
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
        let chosen = quirkyProfile()
        let mmscServer =
            mmsc
            ? try await SimulatedMMSCServer.start(mmsc: SimulatedMMSC(network: network, logger: logger), port: mmscPort)
            : nil
        var sockets: [SimulatedUSBSocket] = []
        for link in ptyLinks {
            let modem = await network.makeModem(profile: chosen)
            await modem.setBaudRate(baud)
            if let simPIN { await modem.setSIMPIN(simPIN) }
            let socket = try await SimulatedUSBSocket(modem: modem, link: link, logger: logger)
            sockets.append(socket)
            var fields: [(String, JSONValue)] = [
                ("imsi", .string(modem.imsi)), ("link", .string(link)), ("number", .string(modem.number)),
                ("profile", .string(chosen.id)), ("tty", .string(await socket.tty ?? "")),
            ]
            if let mmscServer {
                fields.append(("mmsProxy", .string(mmscServer.proxyAddress)))
                fields.append(("mmscURL", .string(await mmscServer.mmsc.url(forModem: modem.number))))
            }
            // Keys in alphabetical order.
            JSONOutput.write(.object(fields.sorted { $0.0 < $1.0 }))
        }
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let control = SimulatorControl(network: network, sockets: sockets, mmsc: mmscServer?.mmsc)
        // Standard input closing (e.g. /dev/null) ends the control channel, not the simulator.
        let controlChannel = Task {
            for await line in standardInputLines() { JSONOutput.write(await control.handle(line)) }
        }
        defer { controlChannel.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let stateURL {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(500))
                        if network.takeStoresChanged() { try await network.currentState().save(to: stateURL) }
                    }
                }
            }
            group.addTask { await signals.wait() }
            // The first task to end is the signal (or a failed state save): stop everything.
            _ = try await group.next()
            group.cancelAll()
            for socket in sockets { await socket.close() }
        }
        await mmscServer?.shutdown()
        if let stateURL { try await network.currentState().save(to: stateURL) }
    }
}

/// Lines of standard input, read on a thread of their own (blocking reads stay off the cooperative pool).
func standardInputLines() -> AsyncStream<String> {
    // Started in the background of an interactive shell, a read of the terminal would stop the whole process
    // (SIGTTIN); ignored, the read fails with EIO instead and only the control channel ends (POSIX read()).
    signal(SIGTTIN, SIG_IGN)
    let (stream, continuation) = AsyncStream<String>.makeStream()
    Thread.detachNewThread {
        while let line = readLine(strippingNewline: true) { continuation.yield(line) }
        continuation.finish()
    }
    return stream
}

/// One simulated stick in a USB socket: served on a pty whose slave `link` points to, unplugged and plugged back under
/// a new tty name as a stick that re-enumerates.
actor SimulatedUSBSocket {
    let modem: SimulatedModem
    let link: String
    private let logger: Logger
    private var port: PseudoTerminal?
    /// The next pty, opened while the previous one still exists, so that its /dev/pts name differs (the kernel reuses
    /// a freed number), as a re-enumerated stick comes back as another ttyUSB.
    private var next: PseudoTerminal?
    private var serving: Task<Void, Never>?

    init(modem: SimulatedModem, link: String, logger: Logger) async throws {
        self.modem = modem
        self.link = link
        self.logger = logger
        _ = try plug()
    }

    /// The slave tty the link points to, nil while unplugged.
    var tty: String? { port?.slavePath }

    /// Opens a pty (the one prepared at unplug, if any), points the link to it and powers the modem on there.
    /// - Returns: the new tty.
    func plug() throws -> String {
        if let port { return port.slavePath }
        let port = try next ?? PseudoTerminal()
        next = nil
        try port.link(at: link)
        self.port = port
        let modem = self.modem
        let logger = self.logger
        serving = Task {
            do {
                try await modem.serve(port)
            } catch is CancellationError {
            } catch {
                logger.error("simulated modem stopped", metadata: ["error": "\(error)"])
            }
        }
        return port.slavePath
    }

    /// Closes the pty (a client sees EIO/hang-up) and removes the link; the network holds what arrives meanwhile.
    func unplug() async throws {
        guard port != nil else { return }
        if next == nil { next = try PseudoTerminal() }
        port = nil
        await modem.unplug()
        await serving?.value
        serving = nil
    }

    func close() async {
        serving?.cancel()
        await port?.close()
        await next?.close()
        port = nil
        next = nil
    }
}

/// The control channel of `modemctl simulate`: one JSON command per line, one JSON answer (see its help).
struct SimulatorControl: Sendable {
    let network: SimulatedNetwork
    let sockets: [SimulatedUSBSocket]
    var mmsc: SimulatedMMSC?

    /// How long a "reboot" keeps the modem gone unless the command says: shorter than a real stick's seconds
    /// (assumed, no measurement) so that end-to-end runs stay quick, and far longer than the daemon's gap between
    /// two commands of one operation.
    static let defaultBootMilliseconds = 1000

    struct Failure: Error {
        var message: String
    }

    func handle(_ line: String) async -> JSONValue {
        var command = ""
        var modemNumber = 1
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(message: "a command is a JSON object")
            }
            guard let name = object["command"] as? String else { throw Failure(message: "no \"command\"") }
            command = name
            if let value = object["modem"] {
                guard let n = value as? Int, (1...sockets.count).contains(n) else {
                    throw Failure(message: "\"modem\" must be 1…\(sockets.count)")
                }
                modemNumber = n
            }
            let fields = try await run(name, object, on: sockets[modemNumber - 1])
            return .object(
                ([("command", .string(command)), ("modem", .int(modemNumber)), ("ok", .bool(true))] + fields)
                    .sorted { $0.0 < $1.0 }
            )
        } catch {
            let message = (error as? Failure)?.message ?? "\(error)"
            return .object([
                ("command", .string(command)), ("error", .string(message)), ("modem", .int(modemNumber)),
                ("ok", .bool(false)),
            ])
        }
    }

    private func run(
        _ name: String,
        _ object: [String: Any],
        on socket: SimulatedUSBSocket
    ) async throws -> [(String, JSONValue)] {
        let modem = socket.modem
        switch name {
        case "unplug":
            try await socket.unplug()
            return []
        case "plug":
            return [("tty", .string(try await socket.plug()))]
        case "reenumerate":
            let away = object["awayMs"] as? Int ?? 500
            guard (0...600_000).contains(away) else { throw Failure(message: "\"awayMs\" must be 0…600000") }
            try await socket.unplug()
            try await Task.sleep(for: .milliseconds(away))
            return [("tty", .string(try await socket.plug()))]
        case "reboot":
            let boot = object["bootMs"] as? Int ?? Self.defaultBootMilliseconds
            guard (0...600_000).contains(boot) else { throw Failure(message: "\"bootMs\" must be 0…600000") }
            await modem.reboot(bootTime: .milliseconds(boot))
            return []
        case "hang":
            let mode = object["mode"] as? String ?? "sms"
            switch mode {
            case "sms": await modem.hang(.smsService)
            case "all": await modem.hang(.everything)
            default: throw Failure(message: "\"mode\" is \"sms\" or \"all\"")
            }
            return [("mode", .string(mode))]
        case "inject":
            guard let text = object["text"] as? String else { throw Failure(message: "no \"text\"") }
            let from = object["from"] as? String ?? "+15550000042"
            let tables: SimulatedNetwork.NationalTables
            switch object["national"] as? String ?? "none" {
            case "none": tables = .none
            case "auto": tables = .auto
            default: throw Failure(message: "\"national\" is \"none\" or \"auto\"")
            }
            let parts = await network.injectText(text, from: from, to: modem.number, nationalTables: tables)
            return [("parts", .int(parts.count))]
        case "garbage":
            guard let text = object["text"] as? String else { throw Failure(message: "no \"text\"") }
            await modem.injectGarbage(Array(text.utf8))
            return []
        case "drop":
            guard let count = object["count"] as? Int, (1...100_000).contains(count) else {
                throw Failure(message: "\"count\" must be 1…100000")
            }
            await modem.dropNextOutputBytes(count)
            return []
        case "stall":
            await modem.stall()
            return []
        case "resume":
            await modem.resume()
            return []
        case "fail":
            guard let name = object["name"] as? String, name.hasPrefix("+") else {
                throw Failure(message: "\"name\" is a command name such as \"+CMGS\"")
            }
            guard let code = object["cms"] as? Int, (0...511).contains(code) else {
                throw Failure(message: "\"cms\" must be 0…511 (TS 27.005 §3.2.5)")
            }
            await modem.failNextCommand(name, with: .cms(code))
            return []
        case "fill":
            let storage = try Self.storage(object["storage"] as? String ?? "SM")
            let texts = await network.fillStorage(
                of: modem.number,
                storage,
                from: object["from"] as? String ?? "+15550000042",
                prefix: object["text"] as? String ?? "filler"
            )
            return [("texts", .array(texts.map { .string($0) }))]
        case "submissions":
            let since = object["since"] as? Int ?? 0
            guard since >= 0 else { throw Failure(message: "\"since\" must be ≥ 0") }
            let (first, list) = await network.submissions(since: since)
            return [
                ("first", .int(first)), ("submissions", .array(list.map(Self.json))),
                ("total", .int(await network.submissionTotal)),
            ]
        case "status":
            let hung: JSONValue =
                switch await modem.hangState {
                case nil: .null
                case .smsService: .string("sms")
                case .everything: .string("all")
                }
            let tty = await socket.tty
            return [
                ("hung", hung), ("pinAttemptsLeft", .int(await modem.simPINAttemptsLeft)),
                ("pinEntries", .int(await modem.simPINEntries)), ("plugged", .bool(tty != nil)),
                ("queued", .int(await network.queuedCount(for: modem.number))),
                ("simBusy", .bool(await modem.isSIMBusy)), ("tty", .optional(tty)),
                (
                    "unroutedStatusReports",
                    .array(
                        await modem.statusReportsRoutedNowhere.map {
                            .object([("mr", .int($0.reference)), ("to", .string($0.recipient))])
                        }
                    )
                ),
            ]
        case "mmsc-faults":
            guard let mmsc else { throw Failure(message: "no MMSC: start with --mmsc") }
            let faults = try Self.mmscFaults(object)
            await mmsc.setFaults(faults)
            return [("faults", Self.json(faults))]
        case "mmsc-status":
            guard let mmsc else { throw Failure(message: "no MMSC: start with --mmsc") }
            return [
                ("faults", Self.json(await mmsc.faults)), ("reports", .int(await mmsc.reports.count)),
                ("sent", .int(await mmsc.sent.count)), ("stored", .int(await mmsc.messages.count)),
            ]
        default:
            throw Failure(message: "unknown command '\(name)'")
        }
    }

    /// The MMSC faults a `mmsc-faults` command sets: each key optional, a key left out is off.
    static func mmscFaults(_ object: [String: Any]) throws -> SimulatedMMSC.Faults {
        func status(_ key: String) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard let status = value as? Int, (100...599).contains(status) else {
                throw Failure(message: "\"\(key)\" must be an HTTP status 100…599")
            }
            return status
        }
        func flag(_ key: String) throws -> Bool {
            guard let value = object[key] else { return false }
            guard let flag = value as? Bool else { throw Failure(message: "\"\(key)\" must be true or false") }
            return flag
        }
        let delay = object["delayMs"] as? Int ?? 0
        guard object["delayMs"] == nil || object["delayMs"] is Int, (0...600_000).contains(delay) else {
            throw Failure(message: "\"delayMs\" must be 0…600000")
        }
        return SimulatedMMSC.Faults(
            contentStatus: try status("contentStatus"),
            delayMilliseconds: delay,
            truncateContent: try flag("truncate"),
            proxyRefusalStatus: try status("proxyStatus"),
            proxyClosesConnection: try flag("proxyClose")
        )
    }

    static func json(_ faults: SimulatedMMSC.Faults) -> JSONValue {
        let contentStatus: JSONValue = faults.contentStatus.map { .int($0) } ?? .null
        let proxyStatus: JSONValue = faults.proxyRefusalStatus.map { .int($0) } ?? .null
        let fields: [(String, JSONValue)] = [
            ("contentStatus", contentStatus), ("delayMs", .int(faults.delayMilliseconds)),
            ("proxyClose", .bool(faults.proxyClosesConnection)), ("proxyStatus", proxyStatus),
            ("truncate", .bool(faults.truncateContent)),
        ]
        return .object(fields)
    }
}

extension SimulatorControl {
    static func storage(_ name: String) throws -> MessageStorage {
        guard ["SM", "ME", "SR"].contains(name) else { throw Failure(message: "\"storage\" is SM, ME or SR") }
        return MessageStorage(rawValue: name)
    }

    /// One submission as the `submissions` command lists it (keys in alphabetical order).
    static func json(_ submission: SimulatedNetwork.Submission) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if let concat = submission.concatenation {
            fields.append(
                ("concat", .array([.int(concat.reference), .int(concat.total), .int(concat.sequence)]))
            )
        }
        fields += [
            ("from", .string(submission.from)), ("mr", .int(Int(submission.messageReference))),
            ("srr", .bool(submission.requestsStatusReport)), ("text", .string(submission.text)),
            ("to", .string(submission.to)),
        ]
        return .object(fields)
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
