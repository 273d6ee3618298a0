import ArgumentParser
import Logging
import ModemDiscovery
import SMSCodec

/// `modemctl detect`: what `messagingd --device auto` would find, and the sticks it cannot use with what to do.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Lists the modem sticks plugged in with their AT ports, and the sticks that cannot be used.",
        discussion: """
            Reads libudev: a known stick's AT port comes from the table (ModemManager's port rules); other ports \
            of known vendors are probed with AT. Exits 1 when no usable modem is found.
            """
    )

    @Option(help: "Seconds to wait for an answer to AT on each port probed.")
    var probeTimeout = 2

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var logLevel: LogLevelOption

    func validate() throws {
        guard (1...60).contains(probeTimeout) else { throw ValidationError("--probe-timeout must be 1…60 seconds.") }
    }

    func run() async throws {
        var logger = Logger(label: "modemctl", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = logLevel.level
        let discovery = ModemDiscovery(probe: ATPortProbes.serial(timeout: .seconds(probeTimeout), logger: logger))
        let report = try await discovery.scan()
        if json {
            JSONOutput.write(Self.json(report))
        } else {
            for line in Self.text(report) { print(line) }
        }
        if report.modems.isEmpty { throw ExitCode(1) }
    }

    static func json(_ report: DiscoveryReport) -> JSONValue {
        let modems = report.modems.map { modem -> JSONValue in
            let how: String
            let source: String?
            switch modem.selection {
            case .table(let from): (how, source) = ("table", from)
            case .probe: (how, source) = ("probe", nil)
            }
            return .object([
                ("usb_id", .string(modem.id.description)), ("name", .string(modem.name)),
                ("serial", .optional(modem.serial)), ("port", .string(modem.atPort)),
                ("by_id", .optional(modem.byIDLink)), ("path", .string(modem.path)),
                ("interface", .int(modem.interfaceNumber)), ("selected_by", .string(how)),
                ("source", .optional(source)), ("usb_path", .string(modem.usbDevicePath)),
            ])
        }
        let problems = report.problems.map { problem -> JSONValue in
            .object([
                ("usb_id", .string(problem.id.description)), ("name", .string(problem.name)),
                ("kind", .string(problem.kind.rawValue)), ("advice", .string(problem.advice)),
                ("usb_path", .string(problem.usbDevicePath)),
            ])
        }
        return .object([("modems", .array(modems)), ("problems", .array(problems))])
    }

    static func text(_ report: DiscoveryReport) -> [String] {
        var lines: [String] = []
        for modem in report.modems {
            let how: String
            switch modem.selection {
            case .table: how = "from the table"
            case .probe: how = "answered AT"
            }
            lines.append(
                "modem \(modem.id) \(modem.name): AT port \(modem.path) (interface \(modem.interfaceNumber), \(how))"
            )
        }
        for problem in report.problems {
            lines.append("cannot use \(problem.id) \(problem.name): \(problem.advice)")
        }
        if report.modems.isEmpty && report.problems.isEmpty {
            lines.append("no modem stick found (lsusb lists what is plugged in)")
        }
        return lines
    }
}
