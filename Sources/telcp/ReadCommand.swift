import ArgumentParser
import Foundation
import MessagingUPnP
import NIOHTTP1
import SMSCodec
import UPnP

/// `telcp read ID`: ReadMessage (which marks a received message Read, messaging-v2.md §5.5), and with `--save DIR`
/// the message's attachments written to DIR.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print one message; a received message becomes Read. --save writes its attachments to a directory.",
        discussion: """
            --save DIR fetches each attachment of the message from the link the device lists (its /attachment \
            route) and writes it to DIR (created when missing) under the name the device gives (else \
            <ID>-<part>.<extension>), reduced to a plain file name: no directories, nothing hidden. An existing \
            file is never replaced: the name gets a number (picture-1.jpg) unless --force is given. Each file \
            written is printed (with --json, one object per file: id, part, path, bytes, mimeType).
            """
    )

    @OptionGroup var options: DeviceOptions

    @Argument(help: "The message ID.")
    var id: String

    @Option(help: "Write the message's attachments to this directory.")
    var save: String?

    @Flag(help: "With --save: replace files of the same name instead of numbering the new ones.")
    var force = false

    func validate() throws {
        if force, save == nil { throw ValidationError("--force needs --save.") }
    }

    func run() async throws {
        try await reportingFailures {
            let device = try await options.connect()
            let text = try await device.call("ReadMessage", [("MessageID", id)], out: "MessageRequested")
            let message = try device.fragment(MessageFragment.self, text)
            let output = Output(json: options.json)
            output.print(message.json, text: message.details)
            guard let save else { return }
            do {
                try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
            } catch {
                throw TelCPFailure(
                    message: "cannot create \(save): \(error.localizedDescription)",
                    status: ExitStatus.file
                )
            }
            for (part, attachment) in message.attachments.enumerated() {
                let saved = try await self.save(attachment, part: part, of: message, from: device, in: save)
                output.print(
                    .object([
                        ("id", .string(message.messageID)), ("part", .int(part)), ("path", .string(saved.path)),
                        ("bytes", .int(saved.bytes)), ("mimeType", .string(saved.mimeType)),
                    ]),
                    text: "saved \(saved.path) (\(saved.bytes) bytes, \(saved.mimeType))"
                )
            }
        }
    }

    /// Fetches one attachment from the device and writes it.
    func save(
        _ attachment: MessageFragment.Attachment,
        part: Int,
        of message: MessageFragment,
        from device: MessagingDevice,
        in directory: String
    ) async throws -> (path: String, bytes: Int, mimeType: String) {
        guard let url = device.location.resolving(attachment.uri) else {
            throw TelCPFailure(
                message: "attachment \(part): cannot fetch \(attachment.uri)",
                status: ExitStatus.network
            )
        }
        let response = try await options.httpClient.request(
            .GET,
            url,
            maximumResponseBytes: AttachmentFiles.maximumBytes
        )
        guard response.status.code == 200 else {
            throw TelCPFailure(
                message: "attachment \(part): \(url) answered \(response.status.code) \(response.status.reasonPhrase)",
                status: ExitStatus.network
            )
        }
        let mimeType = response.headers.first(name: "content-type") ?? attachment.mimeType ?? "application/octet-stream"
        let fallback = "\(message.messageID)-\(part).\(AttachmentFiles.fileExtension(ofMimeType: mimeType))"
        let name = AttachmentFiles.safeFileName(
            AttachmentFiles.dispositionFileName(response.headers.first(name: "content-disposition")),
            fallback: fallback
        )
        let path = try AttachmentFiles.save(response.body, as: name, in: directory, force: force)
        return (path, response.body.count, mimeType)
    }
}
