import ArgumentParser
import UPnP

/// `telcp delete ID`: DeleteMessage.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete one message (it moves to the Deleted folder; deleted there, it is gone)."
    )

    @OptionGroup var options: DeviceOptions

    @Argument(help: "The message ID.")
    var id: String

    func run() async throws {
        try await reportingFailures {
            _ = try await options.connect().call("DeleteMessage", [("MessageID", id)])
            Output(json: options.json).print(
                .object([("id", .string(id)), ("deleted", .bool(true))]),
                text: "deleted \(id)"
            )
        }
    }
}
