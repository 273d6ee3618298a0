import ArgumentParser
import MessagingUPnP
import UPnP

/// The filters of SearchMessages (messaging-v2.md §5.4), shared by `list` and `search`.
struct MessageFilterOptions: ParsableArguments {
    @Option(help: "Only this folder: Received, Outgoing, Sent, Deleted or ClosedSession.")
    var folder: String?

    @Option(help: "Only this status: Read or Unread.")
    var status: String?

    @Option(name: .customLong("class"), help: "Only this message class, e.g. SMS.")
    var messageClass: String?

    @Option(help: "Only the messages of this session.")
    var session: String?

    func search(_ device: MessagingDevice) async throws -> [MessageFragment] {
        try await device.searchMessages(
            messageClass: messageClass ?? "",
            folder: folder ?? "",
            status: status ?? "",
            sessionID: session ?? ""
        )
    }
}

/// `telcp list`: SearchMessages with filters.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List messages, optionally of one folder, status, class or session.",
        discussion: """
            The list comes from SearchMessages, whose results carry no text (messaging-v2.md §5.4): `text` is null \
            in --json. `telcp read ID` shows the text (and marks a received message Read).
            """
    )

    @OptionGroup var options: DeviceOptions
    @OptionGroup var filters: MessageFilterOptions

    func run() async throws {
        try await reportingFailures {
            let messages = try await filters.search(try await options.connect())
            let output = Output(json: options.json)
            for message in messages { output.print(message.json, text: message.summary) }
        }
    }
}
