import ArgumentParser
import Modem
import SMSCodec

/// `modemctl list --device D`: lists the messages in every storage (or one).
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Lists the messages stored on a modem, decoded."
    )

    @OptionGroup var options: ATDeviceOptions

    @Option(help: "Only this storage (SM, ME, SR, …).")
    var storage: String?

    func run() async throws {
        let options = self.options
        let only = storage.map { MessageStorage(rawValue: $0.uppercased()) }
        let output = try await options.withModem { modem in
            guard let startup = modem.startup else { throw ModemError(.notStarted) }
            var lines: [String] = []
            var items: [String] = []
            for storage in startup.storages where only == nil || only == storage {
                for message in try await modem.listMessages(in: storage) {
                    let decoded = try? SMSPDU.decode(message.pdu, hasSMSC: true, options: .lenient)
                    if options.json {
                        items.append(ATJSON.object([
                            ("storage", ATJSON.string(storage.rawValue)), ("index", "\(message.index)"),
                            ("status", ATJSON.string("\(message.status)")), ("pdu", ATJSON.string(PDUHex.encode(message.pdu))),
                            ("decoded", decoded?.json.serialized ?? "null"),
                        ]))
                    } else {
                        lines.append("\(storage) \(message.index) \(message.status): \(Self.summary(decoded))")
                    }
                }
            }
            return options.json ? [ATJSON.object([("messages", ATJSON.array(items))])] : lines
        }
        for line in output { print(line) }
    }

    static func summary(_ pdu: SMSPDU?) -> String {
        guard let pdu else { return "(undecodable PDU)" }
        guard case .object(let members) = pdu.json else { return "" }
        let fields = Dictionary(members, uniquingKeysWith: { first, _ in first })
        var parts: [String] = []
        if case .string(let type) = fields["type"] { parts.append(type) }
        for key in ["originator", "destination", "recipient"] {
            if case .object(let address) = fields[key], let number = address.first(where: { $0.0 == "number" })?.1,
                case .string(let text) = number
            {
                parts.append(text)
            }
        }
        if case .string(let text) = fields["text"] { parts.append(text.debugDescription) }
        return parts.joined(separator: " ")
    }
}
