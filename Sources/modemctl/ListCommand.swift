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
        let only = storage.map { MessageStorage(rawValue: $0.uppercased()) }
        let messages = try await options.withModem { modem in
            guard let startup = modem.startup else { throw ModemError(.notStarted) }
            var messages: [StoredMessage] = []
            for storage in startup.storages where only == nil || only == storage {
                messages += try await modem.listMessages(in: storage)
            }
            return messages
        }
        if options.json {
            JSONOutput.write(.object([("messages", .array(messages.map(Self.json)))]))
        } else {
            for message in messages {
                print("\(message.storage) \(message.index) \(message.status): \(Self.summary(Self.decode(message)))")
            }
        }
    }

    static func decode(_ message: StoredMessage) -> SMSPDU? {
        try? SMSPDU.decode(message.pdu, hasSMSC: true, options: .lenient)
    }

    static func json(_ message: StoredMessage) -> JSONValue {
        .object([
            ("storage", .string(message.storage.rawValue)), ("index", .int(message.index)),
            ("status", .string("\(message.status)")), ("pdu", .string(PDUHex.encode(message.pdu))),
            ("decoded", decode(message)?.json ?? .null),
        ])
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
