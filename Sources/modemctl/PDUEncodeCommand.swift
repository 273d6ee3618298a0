import ArgumentParser
import Foundation
import SMSCodec

/// `modemctl pdu encode --to N --text T …`: the SMS-SUBMIT PDUs AT+CMGS needs.
struct PDUEncodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encodes a text as the SMS-SUBMIT PDUs that AT+CMGS takes in PDU mode.",
        discussion: """
            Chooses the alphabet (and, with --national, national language tables) that gives the fewest parts, \
            splits long texts into concatenated parts, and prints each PDU with the length for AT+CMGS=<length>.
            """
    )

    @Option(help: "The destination number (+ for international).")
    var to: String

    @Option(help: "The message text.")
    var text: String

    @Option(name: .customLong("ref-bits"), help: "Concatenation reference width: 8 or 16.")
    var refBits: Int = 8

    @Option(name: .customLong("ref"), help: "Concatenation reference (0…255 for 8 bits, 0…65535 for 16).")
    var reference: Int = 0

    @Option(help: "National language tables: none, auto, or a language name (turkish, spanish, hindi, …).")
    var national: String = "none"

    @Option(help: "The SMSC number for the PDU prefix; without it the prefix is 00 (the modem's AT+CSCA).")
    var smsc: String?

    @Option(help: "Relative validity period in minutes (rounded up to what TP-VP can express).")
    var validity: Int?

    @Option(help: "TP-MR of the first part, 0…255.")
    var mr: Int = 0

    @Flag(name: .customLong("status-report"), help: "Request a status report (TP-SRR).")
    var statusReport = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard refBits == 8 || refBits == 16 else { throw ValidationError("--ref-bits must be 8 or 16.") }
        guard (0...(refBits == 8 ? 255 : 65535)).contains(reference) else {
            throw ValidationError("--ref must fit in \(refBits) bits.")
        }
        guard (0...255).contains(mr) else { throw ValidationError("--mr must be 0…255.") }
        if let validity, validity <= 0 { throw ValidationError("--validity must be a positive number of minutes.") }
        _ = try nationalLanguages()
    }

    func nationalLanguages() throws -> SegmentationOptions.NationalLanguages {
        switch national.lowercased() {
        case "none": return .none
        case "auto": return .auto
        default:
            guard let language = NationalLanguage(name: national) else {
                throw ValidationError("--national must be none, auto or a language name, not \(national).")
            }
            return .languages([language])
        }
    }

    func run() async throws {
        let options = SMSEncodingOptions(
            serviceCentre: smsc,
            messageReference: UInt8(mr),
            concatenationReference: UInt16(reference),
            referenceBits: refBits == 16 ? .sixteen : .eight,
            nationalLanguages: try nationalLanguages(),
            validityPeriod: validity.map { .relative(minutes: $0) },
            statusReportRequest: statusReport
        )
        let message: EncodedMessage
        do {
            message = try SMSEncoder.encode(text: text, to: to, options: options)
        } catch {
            FileHandle.standardError.write(Data("modemctl: cannot encode: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            JSONOutput.write(message.json)
            return
        }
        var alphabet = message.alphabetName
        if case .gsm7(let locking, let single) = message.alphabet, locking != nil || single != nil {
            let lockingName = locking?.description ?? "default"
            let singleName = single?.description ?? "default"
            alphabet += " (locking shift: \(lockingName), single shift: \(singleName))"
        }
        print("Alphabet: \(alphabet); \(message.parts.count) part\(message.parts.count == 1 ? "" : "s")")
        for (index, part) in message.parts.enumerated() {
            print("Part \(index + 1): AT+CMGS=\(part.tpduLength)  (TP-MR \(part.messageReference))")
            print(part.hex)
        }
    }
}
