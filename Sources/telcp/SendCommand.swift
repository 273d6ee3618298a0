import ArgumentParser
import MessagingUPnP
import SMSCodec
import UPnP

/// `telcp send`: SendMessage, optionally followed until the message is sent or has failed.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a text message, or with --attach a picture message (MMS), and print its ID.",
        discussion: """
            The text comes from --text, or from standard input when --text and --attach are absent. With --wait, \
            telcp follows the message until the service centre (or the MMSC) accepted it (exit 0, folder Sent) or \
            it failed for good (exit 2), or --wait-timeout passes (exit 4).

            --attach FILE (repeatable) sends an MMS (class MMS unless --class says otherwise) with the files, \
            --subject and the text, if any. The device fetches each file from telcp (Messaging:2 attachments are \
            links): telcp serves them from a temporary HTTP server on the address it reaches the device from (a \
            random port and path), until the device has fetched them all (or, with --wait, until the message's \
            fate is known), then stops it. The device's own size limit applies (the [mms] max-size).
            """
    )

    @OptionGroup var options: DeviceOptions

    @Option(help: "The recipients' numbers, separated by commas.")
    var to: String

    @Option(help: "The text; read from standard input when absent (and no --attach is given).")
    var text: String?

    @Option(help: "The subject (MMS).")
    var subject: String?

    @Option(name: .customLong("attach"), help: "A file to send as an attachment of an MMS (repeatable).")
    var attachments: [String] = []

    @Option(name: .customLong("class"), help: "The message class (default SMS, MMS with --attach).")
    var messageClass: String?

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
        if messageClass == "SMS", !attachments.isEmpty {
            throw ValidationError("--attach sends an MMS: leave --class out or give --class MMS.")
        }
        guard waitTimeout > 0 else { throw ValidationError("--wait-timeout must be positive.") }
    }

    func run() async throws {
        try await reportingFailures {
            let files = try attachments.map(AttachmentFiles.offered(path:))
            let body = try attachments.isEmpty ? text ?? Self.readStandardInput() : text
            var message = MessageFragment(
                messageID: "",
                messageClass: messageClass ?? (files.isEmpty ? "SMS" : "MMS"),
                messageFolder: "",
                messageStatus: "",
                recipients: RecipientsListFragment(to: recipients.map { PeerFragment(id: $0) }),
                subject: subject,
                text: body
            )
            let device = try await options.connect()
            guard !files.isEmpty else { return try await send(message, on: device) }
            guard let host = device.localAddress else {
                throw TelCPFailure(
                    message: "cannot tell the address the device reaches this host at",
                    status: ExitStatus.network
                )
            }
            try await OfferedFileServer.with(host: host.description, files: files) { server in
                message.attachments = zip(files, server.links).map { file, link in
                    MessageFragment.Attachment(uri: link, size: UInt64(file.bytes.count), mimeType: file.mimeType)
                }
                try await send(message, on: device) {
                    // The device fetches before it answers SendMessage (messaging-v2.md §5.6); one that fetches
                    // later is given until --timeout.
                    try await Self.waitForFetches(of: server, timeout: .seconds(options.timeout))
                }
            }
        }
    }

    /// SendMessage, the ID printed, then `whileServing` (the offered files' wait) and, with --wait, the message
    /// followed to its fate.
    func send(
        _ message: MessageFragment,
        on device: MessagingDevice,
        whileServing: () async throws -> Void = {}
    ) async throws {
        let id = try await device.call("SendMessage", [("MessageToSend", message.serialized())], out: "MessageID")
        let output = Output(json: options.json)
        guard wait else {
            try await whileServing()
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

    /// Waits until the device has fetched every offered file once; says which it has not fetched after `timeout`.
    static func waitForFetches(of server: OfferedFileServer, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while server.fetches.contains(0) {
            guard clock.now < deadline else {
                let missing = zip(server.files, server.fetches).filter { $0.1 == 0 }.map(\.0.name)
                printError("telcp: the device did not fetch \(missing.joined(separator: ", ")) within \(timeout)")
                return
            }
            try await clock.sleep(for: .milliseconds(100))
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
