import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp search`: the messages whose peers or subject contain a string.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "List the messages whose numbers or subject contain a string.",
        discussion: """
            Messaging:2's SearchMessages filters by folder, status, class and session only, and its results carry \
            no text (ReadMessage does, but it marks a received message Read). telcp asks for the messages the \
            filters select and matches the string against their numbers and subject itself, ignoring case.
            """
    )

    @OptionGroup var options: DeviceOptions
    @OptionGroup var filters: MessageFilterOptions

    @Argument(help: "The string to look for: a number, part of one, or a word of the subject.")
    var query: String

    func run() async throws {
        try await reportingFailures {
            let needle = query.lowercased()
            let messages = try await filters.search(try await options.connect()).filter { message in
                let peers = message.recipients.to + message.recipients.cc + (message.recipients.from.map { [$0] } ?? [])
                let haystacks = [message.subject].compactMap { $0 } + peers.map(\.id)
                return haystacks.contains { $0.lowercased().contains(needle) }
            }
            let output = Output(json: options.json)
            for message in messages { output.print(message.json, text: message.summary) }
        }
    }
}
