import ArgumentParser
import Modem
import SMSCodec

/// `modemctl at --device D 'AT+CSQ' […]`: sends raw AT commands and prints their answers.
struct ATSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "at",
        abstract: "Sends AT commands to a modem and prints the answers.",
        discussion: """
            The modem is not initialised first (no echo off, no PIN), so that the command runs on the modem as it \
            is. Unsolicited result codes that arrive meanwhile are not printed. Exits non-zero when a command \
            fails (ERROR, +CME ERROR, +CMS ERROR, timeout).
            """
    )

    @OptionGroup var options: ATDeviceOptions

    @Argument(help: "The commands, e.g. AT+CSQ (sent in order).")
    var commands: [String]

    func validate() throws {
        guard !commands.isEmpty else { throw ValidationError("Give at least one command.") }
        for command in commands where command.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw ValidationError("A command must be one line.")
        }
    }

    func run() async throws {
        let options = self.options
        let commands = self.commands
        let failed = try await options.withModem(start: false) { modem in
            var failed = false
            for text in commands {
                let command = ATCommand(
                    text,
                    timeout: .seconds(options.timeout),
                    responsePrefix: ATCommand.responsePrefix(of: text)
                )
                do {
                    let response = try await modem.send(command)
                    if options.json {
                        JSONOutput.write(
                            .object([
                                ("command", .string(text)), ("lines", .array(response.lines.map { .string($0) })),
                                ("result", .string("\(response.result)")),
                            ])
                        )
                    } else {
                        for line in response.lines { print(line) }
                        print(response.result == .ok ? "OK" : "\(response.result)")
                    }
                } catch {
                    failed = true
                    if options.json {
                        JSONOutput.write(.object([("command", .string(text)), ("error", .string("\(error)"))]))
                    } else {
                        print("\(text): \(error)")
                    }
                }
            }
            return failed
        }
        if failed { throw ExitCode.failure }
    }
}
