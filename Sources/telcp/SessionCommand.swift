import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp session …`: the session actions of Messaging:2 (§5.8–§5.15).
struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Create, list, change, join, leave, close and send into messaging sessions.",
        subcommands: [
            Create.self, List.self, Modify.self, Accept.self, Join.self, Leave.self, Close.self, Send.self,
        ]
    )

    /// A comma-separated list of numbers as a recipients list (recipientFrom left to the device, I-8).
    static func recipients(_ numbers: String) -> RecipientsListFragment {
        RecipientsListFragment(
            to: numbers.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
                .map { PeerFragment(id: $0) }
        )
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a session and print its ID.")

        @OptionGroup var options: DeviceOptions

        @Option(help: "The peers' numbers, separated by commas.")
        var to: String

        @Option(help: "The session's subject.")
        var subject: String?

        @Option(name: .customLong("class"), help: "The session class (default: the device chooses).")
        var sessionClass: String?

        func run() async throws {
            try await reportingFailures {
                let id = try await options.connect().call(
                    "CreateSession",
                    [
                        ("SessionClass", sessionClass ?? ""),
                        ("SessionRecipients", SessionCommand.recipients(to).serialized()),
                        ("Subject", subject ?? ""), ("SupportedContentType", ""),
                    ],
                    out: "SessionID"
                )
                Output(json: options.json).print(.object([("id", .string(id))]), text: id)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions, optionally one or of a status.")

        @OptionGroup var options: DeviceOptions

        @Option(help: "Only this session.")
        var id: String?

        @Option(name: .customLong("class"), help: "Only this session class.")
        var sessionClass: String?

        @Option(help: "Only this status: Pending, Running, Parked or Closed.")
        var status: String?

        func run() async throws {
            try await reportingFailures {
                let device = try await options.connect()
                let text = try await device.call(
                    "GetSessions",
                    [("SessionID", id ?? ""), ("SessionClass", sessionClass ?? ""), ("SessionStatus", status ?? "")],
                    out: "SessionsList"
                )
                let output = Output(json: options.json)
                for session in try device.fragment(SessionsListFragment.self, text).sessions {
                    output.print(session.json, text: session.summary)
                }
            }
        }
    }

    struct Modify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or remove peers, or change the subject.")

        @OptionGroup var options: DeviceOptions

        @Argument(help: "The session ID.")
        var id: String

        @Option(help: "Numbers to add, separated by commas.")
        var add: String?

        @Option(help: "Numbers to remove, separated by commas.")
        var remove: String?

        @Option(help: "The new subject.")
        var subject: String?

        @Option(name: .customLong("class"), help: "The new session class.")
        var sessionClass: String?

        func run() async throws {
            try await reportingFailures {
                _ = try await options.connect().call(
                    "ModifySession",
                    [
                        ("SessionID", id), ("SessionRecipientsToAdd", add.map { recipients($0).serialized() } ?? ""),
                        ("SessionRecipientsToRemove", remove.map { recipients($0).serialized() } ?? ""),
                        ("Subject", subject ?? ""), ("SupportedContentType", ""), ("SessionClass", sessionClass ?? ""),
                    ]
                )
                Output(json: options.json).print(.object([("id", .string(id))]), text: "modified \(id)")
            }
        }
    }

    /// One of the actions that take only a SessionID.
    static func simple(_ action: String, _ id: String, _ options: DeviceOptions, done: String) async throws {
        try await reportingFailures {
            _ = try await options.connect().call(action, [("SessionID", id)])
            Output(json: options.json).print(.object([("id", .string(id))]), text: "\(done) \(id)")
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept an incoming session.")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var id: String
        func run() async throws { try await simple("AcceptSession", id, options, done: "accepted") }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a session as another control point.")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var id: String
        func run() async throws { try await simple("JoinSession", id, options, done: "joined") }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a session (it stays open for the others).")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var id: String
        func run() async throws { try await simple("LeaveSession", id, options, done: "left") }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a session for every participant.")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var id: String
        func run() async throws { try await simple("CloseSession", id, options, done: "closed") }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a text into a session (to its peers) and print the message ID."
        )

        @OptionGroup var options: DeviceOptions

        @Argument(help: "The session ID.")
        var id: String

        @Option(help: "The text; read from standard input when absent.")
        var text: String?

        func run() async throws {
            try await reportingFailures {
                let message = MessageFragment(
                    messageID: "",
                    sessionID: id,
                    messageClass: "",
                    messageFolder: "",
                    messageStatus: "",
                    recipients: RecipientsListFragment(),
                    text: try text ?? SendCommand.readStandardInput()
                )
                let messageID = try await options.connect().call(
                    "SendMessage",
                    [("MessageToSend", message.serialized())],
                    out: "MessageID"
                )
                Output(json: options.json).print(.object([("id", .string(messageID))]), text: messageID)
            }
        }
    }
}
