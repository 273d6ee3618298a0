import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp read ID`: ReadMessage (which marks a received message Read, messaging-v2.md §5.5).
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print one message; a received message becomes Read."
    )

    @OptionGroup var options: DeviceOptions

    @Argument(help: "The message ID.")
    var id: String

    func run() async throws {
        try await reportingFailures {
            let device = try await options.connect()
            let text = try await device.call("ReadMessage", [("MessageID", id)], out: "MessageRequested")
            let message = try device.fragment(MessageFragment.self, text)
            Output(json: options.json).print(message.json, text: message.details)
        }
    }
}
