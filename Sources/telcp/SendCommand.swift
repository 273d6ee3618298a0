import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp send`: SendMessage, optionally followed until the message is sent or has failed.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a text message and print its ID.",
        discussion: """
            The text comes from --text, or from standard input when --text is absent. With --wait, telcp follows \
            the message until the service centre accepted it (exit 0, folder Sent) or it failed for good (exit 2), \
            or --wait-timeout passes (exit 4).
            """
    )

    @OptionGroup var options: DeviceOptions

    @Option(help: "The recipients' numbers, separated by commas.")
    var to: String

    @Option(help: "The text; read from standard input when absent.")
    var text: String?

    @Option(name: .customLong("class"), help: "The message class (default SMS).")
    var messageClass = "SMS"

    @Flag(help: "Follow the message until it is sent or has failed.")
    var wait = false

    @Option(name: .customLong("wait-timeout"), help: "Seconds --wait follows the message before it gives up.")
    var waitTimeout = 120

    /// Longest text read from standard input (far above the service's ten segments).
    static let maximumStandardInputBytes = 64 * 1024

    var recipients: [String] {
        to.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard !recipients.isEmpty else { throw ValidationError("--to needs at least one number.") }
        guard waitTimeout > 0 else { throw ValidationError("--wait-timeout must be positive.") }
    }

    func run() async throws {
        try await reportingFailures {
            let body = try text ?? Self.readStandardInput()
            let message = MessageFragment(
                messageID: "",
                messageClass: messageClass,
                messageFolder: "",
                messageStatus: "",
                recipients: RecipientsListFragment(to: recipients.map { PeerFragment(id: $0) }),
                text: body
            )
            let device = try await options.connect()
            let id = try await device.call("SendMessage", [("MessageToSend", message.serialized())], out: "MessageID")
            let output = Output(json: options.json)
            guard wait else {
                output.print(.object([("id", .string(id))]), text: id)
                return
            }
            let outcome = try await follow(id, on: device)
            output.print(
                .object([("id", .string(id)), ("status", .string(outcome.sent ? "sent" : "failed"))]),
                text: "\(id) \(outcome.sent ? "sent" : "failed")"
            )
            if !outcome.sent {
                throw TelCPFailure(
                    message: "message \(id) failed for \(outcome.failedRecipients.joined(separator: ", "))",
                    status: ExitStatus.sendFailed
                )
            }
        }
    }

    /// Polls SearchMessages until the message is in Sent, or in Outgoing with every recipient failed
    /// (`X_sendStatus`, docs/messaging-mapping.md): the standard has no event for the outbox.
    func follow(_ id: String, on device: MessagingDevice) async throws -> (sent: Bool, failedRecipients: [String]) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(waitTimeout)
        while clock.now < deadline {
            if try await device.searchMessages(folder: "Sent").contains(where: { $0.messageID == id }) {
                return (true, [])
            }
            let outgoing = try await device.searchMessages(folder: "Outgoing").first { $0.messageID == id }
            if let outgoing {
                let states = outgoing.recipients.to.map(\.sendStatus)
                let failed = outgoing.recipients.to.filter { $0.sendStatus == .failed }.map(\.id)
                // Done when no recipient is still pending and one has failed (the others were accepted).
                if !failed.isEmpty, !states.contains(where: { $0 == .pending || $0 == nil }) {
                    return (false, failed)
                }
            }
            try await clock.sleep(for: .milliseconds(250))
        }
        throw TelCPFailure(message: "message \(id) was not sent within \(waitTimeout) s", status: ExitStatus.timeout)
    }

    static func readStandardInput() throws -> String {
        var lines: [String] = []
        var bytes = 0
        while let line = readLine(strippingNewline: false) {
            bytes += line.utf8.count
            guard bytes <= maximumStandardInputBytes else {
                throw ValidationError("The text on standard input exceeds \(maximumStandardInputBytes) bytes.")
            }
            lines.append(line)
        }
        var text = lines.joined()
        if text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { throw ValidationError("No text: give --text or write it on standard input.") }
        return text
    }
}
