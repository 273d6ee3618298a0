import ArgumentParser
import Logging
import Modem

/// Options shared by `modemctl probe|at|list|send`: which tty, how to open it, how to print.
struct ATDeviceOptions: ParsableArguments {
    @Option(help: "The modem's AT port, e.g. /dev/ttyUSB2, or a pty link made by modemctl simulate.")
    var device: String

    @Option(help: "The line speed of the --device serial port in bits per second.")
    var baud = 115_200

    @Flag(help: "Use RTS/CTS hardware flow control.")
    var rtscts = false

    @Option(help: "The SIM PIN to enter if the SIM asks for one (AT+CPIN).")
    var pin: String?

    @Option(help: "Seconds to wait for an ordinary command's final result.")
    var timeout = 10

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// `trace` logs the AT dialogue to standard error.
    @OptionGroup var logLevel: LogLevelOption

    func validate() throws {
        guard baud > 0 else { throw ValidationError("--baud must be positive.") }
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1…600 seconds.") }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    var configuration: ATModemConfiguration {
        ATModemConfiguration(pin: pin, commandTimeout: .seconds(timeout))
    }

    var logger: Logger {
        var logger = Logger(label: "modemctl", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = logLevel.level
        return logger
    }

    /// Opens the device and runs `body` with a driver whose reader is running; started when `start` is true.
    func withModem<R: Sendable>(start: Bool = true, _ body: @Sendable (ATModem) async throws -> R) async throws -> R {
        let port = try SerialPort(
            path: device,
            options: SerialPort.Options(baudRate: baud, hardwareFlowControl: rtscts)
        )
        let modem = ATModem(transport: port, configuration: configuration, logger: logger)
        if start { return try await modem.withStarted(body) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(modem)
                await modem.close()
                return result
            } catch {
                await modem.close()
                throw error
            }
        }
    }
}
