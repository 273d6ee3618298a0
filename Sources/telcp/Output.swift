import Foundation
import Messaging
import MessagingUPnP
import SMSCodec

extension JSONValue {
    /// A string, or null when absent.
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}

/// Prints results: one JSON object per line with `--json`, readable text otherwise.
struct Output {
    var json: Bool

    /// A result as a JSON tree with its keys in a fixed order (the keys are a contract: add fields, never rename
    /// them), or as text.
    func print(_ value: JSONValue, text: @autoclosure () -> String) {
        print(json: value.serialized, text: text())
    }

    /// A message as ``MessageJSON`` (the shape hook commands and webhooks get), or as text.
    func print(_ message: MessageJSON, text: @autoclosure () -> String) {
        print(json: message.jsonText, text: text())
    }

    private func print(json value: String, text: @autoclosure () -> String) {
        Swift.print(json ? value : text())
        // Each result as it comes, also into a pipe or a file (`watch` runs for long; scripts read line by line).
        fflush(nil)
    }
}

// MARK: - Messages

extension MessageJSON {
    /// The fields of a message read from the device; its dates are the service's `xsd:dateTime` text, as
    /// ``MessageTimestamp/rfc3339`` writes it.
    init(_ message: MessageFragment) {
        let sendStatus = message.recipients.to.compactMap { peer in peer.sendStatus.map { (peer.id, $0.rawValue) } }
        self.init(
            id: message.messageID,
            folder: message.messageFolder,
            status: message.messageStatus,
            messageClass: message.messageClass,
            from: message.recipients.from?.id,
            to: message.recipients.to.map(\.id),
            cc: message.recipients.cc.map(\.id),
            bcc: message.recipients.bcc.map(\.id),
            subject: message.subject,
            text: message.text,
            dateSent: message.dateSent,
            dateReceived: message.dateReceived,
            sessionID: message.sessionID,
            replyMessageID: message.replyMessageID,
            attachments: message.attachments.map(\.uri),
            sendStatus: sendStatus.isEmpty ? nil : Dictionary(sendStatus, uniquingKeysWith: { first, _ in first })
        )
    }
}

extension MessageFragment {
    /// The `--json` object of a message: ``MessageJSON``, the shape hook commands and webhooks get.
    var json: MessageJSON { MessageJSON(self) }

    /// One line: ID, folder and status, date, who, text.
    var summary: String {
        let date = dateReceived ?? dateSent ?? "-"
        let to = recipients.to.map(\.id).joined(separator: ",")
        let from = recipients.from?.id ?? "-"
        let state = recipients.to.compactMap(\.sendStatus).map(\.rawValue)
        let status = state.isEmpty ? messageStatus : "\(messageStatus) (\(Set(state).sorted().joined(separator: ",")))"
        return "\(messageID)\t\(messageFolder)\t\(status)\t\(date)\t\(from) → \(to)\t\(oneLine(text ?? subject ?? ""))"
    }

    /// Every field, one per line, then the text.
    var details: String {
        var lines = [
            "ID:       \(messageID)", "Folder:   \(messageFolder)", "Status:   \(messageStatus)",
            "Class:    \(messageClass)", "From:     \(recipients.from?.id ?? "-")",
            "To:       \(recipients.to.map(\.id).joined(separator: ", "))",
        ]
        if !recipients.cc.isEmpty { lines.append("Cc:       \(recipients.cc.map(\.id).joined(separator: ", "))") }
        if let sessionID { lines.append("Session:  \(sessionID)") }
        if let dateSent { lines.append("Sent:     \(dateSent)") }
        if let dateReceived { lines.append("Received: \(dateReceived)") }
        for peer in recipients.to { if let status = peer.sendStatus { lines.append("Sending:  \(peer.id) \(status)") } }
        if let subject { lines.append("Subject:  \(subject)") }
        for attachment in attachments {
            let details = [attachment.mimeType, attachment.size.map { "\($0) bytes" }].compactMap { $0 }
            let suffix = details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"
            lines.append("Attached: \(attachment.uri)\(suffix)")
        }
        lines.append("")
        lines.append(text ?? "")
        return lines.joined(separator: "\n")
    }
}

extension SessionInfoFragment {
    var json: JSONValue {
        .object([
            ("id", .string(sessionID)),
            ("class", .string(sessionClass)),
            ("status", .string(sessionStatus)),
            ("subject", .optional(subject)),
            ("from", .optional(recipients.from?.id)),
            ("to", .array(recipients.to.map { .string($0.id) })),
            ("messages", .array((messageIDs ?? []).map(JSONValue.string))),
            ("dateStarted", .optional(dateStarted)),
            ("dateLastMessage", .optional(dateLastMessage)),
            ("dateEnded", .optional(dateEnded)),
        ])
    }

    var summary: String {
        let to = recipients.to.map(\.id).joined(separator: ",")
        return "\(sessionID)\t\(sessionClass)\t\(sessionStatus)\t\(to)\t\(oneLine(subject ?? ""))"
    }
}

/// Text on one line: line breaks and tabs as spaces (a message's text may hold both).
func oneLine(_ text: String) -> String {
    String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 })
}
