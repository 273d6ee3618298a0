import Foundation
import MessagingUPnP

/// A JSON value written with its keys in a fixed order, so that `--json` output is stable line by line (the keys
/// are a contract: add fields, never rename them).
indirect enum JSON {
    case string(String)
    case number(Int)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

    /// The compact text (RFC 8259), non-ASCII characters written as they are (UTF-8).
    var text: String {
        switch self {
        case .string(let value): return JSON.quote(value)
        case .number(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSON.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Prints results: one JSON object per line with `--json`, readable text otherwise.
struct Output {
    var json: Bool

    func print(_ value: JSON, text: @autoclosure () -> String) {
        Swift.print(json ? value.text : text())
        // Each result as it comes, also into a pipe or a file (`watch` runs for long; scripts read line by line).
        fflush(nil)
    }
}

// MARK: - Messages

extension MessageFragment {
    /// The `--json` object of a message.
    var json: JSON {
        let sendStatus = recipients.to.compactMap { peer in peer.sendStatus.map { (peer.id, JSON.string($0.rawValue)) }
        }
        return .object([
            ("id", .string(messageID)),
            ("folder", .string(messageFolder)),
            ("status", .string(messageStatus)),
            ("class", .string(messageClass)),
            ("from", .optional(recipients.from?.id)),
            ("to", .array(recipients.to.map { .string($0.id) })),
            ("cc", .array(recipients.cc.map { .string($0.id) })),
            ("bcc", .array(recipients.bcc.map { .string($0.id) })),
            ("subject", .optional(subject)),
            ("text", .optional(text)),
            ("dateSent", .optional(dateSent)),
            ("dateReceived", .optional(dateReceived)),
            ("sessionID", .optional(sessionID)),
            ("replyMessageID", .optional(replyMessageID)),
            ("sendStatus", sendStatus.isEmpty ? .null : .object(sendStatus)),
        ])
    }

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
        lines.append("")
        lines.append(text ?? "")
        return lines.joined(separator: "\n")
    }
}

extension SessionInfoFragment {
    var json: JSON {
        .object([
            ("id", .string(sessionID)),
            ("class", .string(sessionClass)),
            ("status", .string(sessionStatus)),
            ("subject", .optional(subject)),
            ("from", .optional(recipients.from?.id)),
            ("to", .array(recipients.to.map { .string($0.id) })),
            ("messages", .array((messageIDs ?? []).map(JSON.string))),
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
