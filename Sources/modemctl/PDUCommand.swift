import ArgumentParser

/// `modemctl pdu …`: SMS PDU tools.
struct PDUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdu",
        abstract: "Decodes and encodes SMS PDUs.",
        subcommands: [PDUDecodeCommand.self, PDUEncodeCommand.self]
    )
}
