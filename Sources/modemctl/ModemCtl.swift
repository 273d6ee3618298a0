import ArgumentParser

/// `modemctl`: direct modem and PDU tool (DESIGN.md "Executables"). Each subcommand lives in its own file.
@main
struct ModemCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modemctl",
        abstract: "Talks to a modem directly, decodes and encodes SMS PDUs, and simulates modems on pseudo-terminals.",
        version: "0.1.0",
        subcommands: [
            PDUCommand.self, ProbeCommand.self, ATSubcommand.self, ListCommand.self, SendCommand.self,
            SimulateCommand.self, DetectCommand.self,
        ]
    )
}
