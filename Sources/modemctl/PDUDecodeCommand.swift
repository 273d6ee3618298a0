import ArgumentParser
import Foundation
import SMSCodec

/// `modemctl pdu decode HEX [--json]` and `modemctl pdu decode -` (one hex PDU per stdin line → one JSON line each).
struct PDUDecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decodes an SMS PDU given in hex, as AT+CMGR/+CMGL print it.",
        discussion: """
            With HEX "-", reads one PDU per line from standard input and prints one JSON object per line \
            ({"error": "..."} for a PDU that cannot be decoded). Otherwise prints a readable summary, or JSON with \
            --json; an undecodable PDU exits non-zero with the reason on standard error.
            """
    )

    @Argument(help: "The PDU in hex, or - to read one PDU per line from standard input.")
    var hex: String

    @Flag(help: "Print JSON (the testdata/README.md schema) instead of text.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Whether the PDU starts with the SMSC address, as modems print it.")
    var smsc = true

    @Flag(help: "Decode user data shorter than TP-UDL announces as far as it goes instead of failing.")
    var lenient = false

    var options: PDUDecodingOptions { lenient ? .lenient : .strict }

    func run() async throws {
        if hex == "-" {
            do {
                try PDUBatchDecoder(hasSMSC: smsc, options: options).run()
            } catch {
                FileHandle.standardError.write(Data("modemctl: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        let pdu: SMSPDU
        do {
            pdu = try SMSPDU.decode(hex: hex, hasSMSC: smsc, options: options)
        } catch {
            FileHandle.standardError.write(Data("modemctl: cannot decode PDU: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            JSONOutput.write(pdu.json)
        } else {
            print(PDUDescription.describe(pdu))
        }
    }
}
