import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp transfer …`: the file-transfer actions of Messaging:2 (§5.16–§5.18), as the device offers them (a device
/// without MMS answers them with the standard's fault codes, which telcp prints).
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Start, cancel and inspect file transfers in a File-Transfer session.",
        subcommands: [Start.self, Cancel.self, Status.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start sending a file into a session.")

        @OptionGroup var options: DeviceOptions

        @Argument(help: "The session ID.")
        var session: String

        @Option(help: "The file's URL, where the device fetches it.")
        var link: String

        @Option(help: "The file's MIME type.")
        var type: String

        @Option(help: "The file's size in bytes.")
        var size: UInt64

        @Option(name: .customLong("progress-period"), help: "Report progress every N seconds (default: at the end).")
        var progressPeriod: UInt32?

        func run() async throws {
            try await reportingFailures {
                let list = FileInfoListFragment(
                    sessionID: session,
                    files: [
                        .init(
                            fileType: type,
                            fileSize: size,
                            fileLink: link,
                            progressNotification: progressPeriod != nil,
                            progressPeriod: progressPeriod
                        )
                    ]
                )
                _ = try await options.connect().call("StartFileTransfer", [("FileInfoList", list.serialized())])
                Output(json: options.json).print(.object([("session", .string(session))]), text: "started")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel the file transfers of a session.")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var session: String

        func run() async throws {
            try await reportingFailures {
                _ = try await options.connect().call("CancelFileTransfer", [("SessionID", session)])
                Output(json: options.json).print(.object([("session", .string(session))]), text: "cancelled")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the files of a File-Transfer session.")
        @OptionGroup var options: DeviceOptions
        @Argument(help: "The session ID.") var session: String

        func run() async throws {
            try await reportingFailures {
                let device = try await options.connect()
                let text = try await device.call(
                    "GetFileTransferSession",
                    [("SessionID", session)],
                    out: "FileInfoList"
                )
                let list = try device.fragment(FileInfoListFragment.self, text)
                let output = Output(json: options.json)
                for file in list.files {
                    output.print(
                        .object([
                            ("session", .string(list.sessionID)), ("link", .string(file.fileLink)),
                            ("type", .string(file.fileType)), ("size", .number(Int(clamping: file.fileSize))),
                        ]),
                        text: "\(file.fileLink)\t\(file.fileType)\t\(file.fileSize) bytes"
                    )
                }
            }
        }
    }
}
