import ArgumentParser
import Modem
import SMSCodec

/// `modemctl send --device D --to N --text T`: encodes and sends a text message.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Sends a text message through a modem and prints the message reference of each part."
    )

    @OptionGroup var options: ATDeviceOptions

    @Option(help: "The destination number (international with +, or national).")
    var to: String

    @Option(help: "The message text; long texts are sent as a concatenated message.")
    var text: String

    @Flag(help: "Ask the network for a status report.")
    var statusReport = false

    func run() async throws {
        let options = self.options
        let message: EncodedMessage
        do {
            message = try SMSEncoder.encode(
                text: text,
                to: to,
                options: SMSEncodingOptions(
                    concatenationReference: UInt16.random(in: 0...255),
                    statusReportRequest: statusReport
                )
            )
        } catch {
            throw ValidationError("\(error)")
        }
        let parts = message.parts.map { OutgoingPDU(pdu: $0.bytes, tpduLength: $0.tpduLength) }
        let references = try await options.withModem { modem in try await modem.send(parts) }
        if options.json {
            JSONOutput.write(
                .object([
                    ("parts", .int(parts.count)), ("alphabet", .string(message.alphabetName)),
                    ("references", .array(references.map { .int(Int($0)) })),
                ])
            )
        } else {
            print(
                "sent \(parts.count) part(s), message reference(s) \(references.map(String.init).joined(separator: ","))"
            )
        }
    }
}
