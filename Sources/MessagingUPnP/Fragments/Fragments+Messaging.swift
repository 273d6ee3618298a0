import Foundation
import Messaging

// Conversions between the wire fragments and the Messaging service's domain types (STYLE.md §2: the wire struct
// is kept apart from the semantic model).

// MARK: - Dates

/// `xsd:dateTime` text with an explicit offset (messaging-v2.md §7.0: RFC 3339, `Z` or `±hh:mm`).
enum XSDDateTime {
    /// Formats a timestamp in its own UTC offset, to whole seconds: `2026-11-23T14:58:03+01:00`.
    static func format(_ timestamp: MessageTimestamp) -> String {
        // Offsets beyond ±18 h are not valid RFC 3339 offsets; fall back to UTC.
        let offset = abs(timestamp.utcOffsetSeconds) <= 18 * 3600 ? timestamp.utcOffsetSeconds : 0
        let seconds = Int64(timestamp.date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if offset == 0 { return text + "Z" }
        let magnitude = abs(offset) / 60
        return text + (offset < 0 ? "-" : "+") + "\(pad(Int64(magnitude / 60), 2)):\(pad(Int64(magnitude % 60), 2))"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

// MARK: - Domain → wire

extension PeerFragment {
    /// The wire form of a domain peer (address and name: all the service models).
    init(_ peer: Peer) {
        self.init(id: peer.id, name: peer.name)
    }

    /// The domain peer (address-book links, image and location are dropped: no Phone Data Model, §7.1).
    var peer: Peer { Peer(id: id, name: name) }
}

extension RecipientsListFragment {
    init(_ list: RecipientsList) {
        self.init(
            to: list.to.map(PeerFragment.init),
            cc: list.cc.map(PeerFragment.init),
            bcc: list.bcc.map(PeerFragment.init),
            from: list.from.map(PeerFragment.init)
        )
    }

    /// The domain list; a `recipientFrom` with an empty id counts as absent (I-8).
    var recipientsList: RecipientsList {
        RecipientsList(
            to: to.map(\.peer),
            cc: cc.map(\.peer),
            bcc: bcc.map(\.peer),
            from: from.flatMap { $0.id.isEmpty ? nil : $0.peer }
        )
    }
}

extension MessageFragment {
    /// The wire form of a stored message (ReadMessage, SearchMessages). Each `recipientTo` of a message in Outgoing
    /// carries the vendor extension ``PeerFragment/SendStatus``: pending, sent to that recipient, or failed for good.
    init(_ message: Message) {
        var recipients = RecipientsListFragment(message.recipients)
        if message.folder == .outgoing, let delivery = message.delivery {
            for index in recipients.to.indices {
                let state = delivery.sendState(to: recipients.to[index].id)
                recipients.to[index].sendStatus = PeerFragment.SendStatus(state)
            }
        }
        self.init(
            messageID: message.id.description,
            sessionID: message.sessionID,
            messageClass: message.messageClass.rawValue,
            messageFolder: message.folder.rawValue,
            messageStatus: message.status.rawValue,
            replyMessageID: message.replyMessageID,
            recipients: recipients,
            subject: message.subject,
            text: message.text,
            attachments: message.attachments.map { Attachment(uri: $0.uri, size: $0.size, mimeType: $0.mimeType) },
            dateSent: message.dateSent.map(XSDDateTime.format),
            dateReceived: message.dateReceived.map(XSDDateTime.format)
        )
    }

    /// The SendMessage input; `messageID`, `messageFolder`, `messageStatus` and the dates are the service's to
    /// manage and are ignored (§5.6 Rec.), an empty class lets the service choose.
    var messageToSend: MessageToSend {
        MessageToSend(
            messageClass: messageClass.isEmpty ? nil : MessageClass(rawValue: messageClass),
            sessionID: sessionID,
            replyMessageID: replyMessageID,
            recipients: recipients.recipientsList,
            subject: subject,
            text: text,
            attachments: attachments.map { Messaging.Attachment(uri: $0.uri, size: $0.size, mimeType: $0.mimeType) }
        )
    }

    /// The form validated against the schema on input: the fields SendMessage ignores are blanked, so that a
    /// TelCP's junk in them cannot fail an otherwise good message.
    var sendMessageValidationForm: MessageFragment {
        var copy = self
        copy.messageID = ""
        copy.messageFolder = ""
        copy.messageStatus = ""
        copy.dateSent = nil
        copy.dateReceived = nil
        return copy
    }
}

extension PeerFragment.SendStatus {
    /// The extension's value for the service's send state: a message that will not be tried again has failed.
    init(_ state: SendState) {
        switch state {
        case .queued, .sending: self = .pending
        case .sent: self = .sent
        case .failed, .cancelled: self = .failed
        }
    }
}

extension NewMessagesFragment {
    init(_ value: NewMessagesValue) {
        self.init(entries: value.entries.map { Entry(messageID: $0.id.description, overview: $0.overview) })
    }
}

extension SessionUpdatesFragment {
    init(_ value: SessionUpdatesValue) {
        self.init(
            updates: value.updates.map {
                Update(sessionID: $0.sessionID, events: $0.events.map(\.text), status: $0.status.rawValue)
            }
        )
    }
}

extension MessagingCapabilitiesFragment {
    init(_ capabilities: MessagingCapabilities) {
        self.init(
            messageClasses: capabilities.messageClasses.map(\.rawValue),
            sessionClasses: capabilities.sessionClasses.map(\.rawValue),
            messageFolders: capabilities.folders.map(\.rawValue)
        )
    }
}

extension SessionInfoFragment {
    init(_ session: SessionInfo) {
        self.init(
            sessionID: session.id,
            sessionClass: session.sessionClass.rawValue,
            subject: session.subject,
            sessionStatus: session.status.rawValue,
            supportedContentType: session.supportedContentType,
            recipients: RecipientsListFragment(session.recipients),
            messageIDs: session.messageIDs.map(\.description),
            dateStarted: session.dateStarted.map(XSDDateTime.format),
            dateLastMessage: session.dateLastMessage.map(XSDDateTime.format),
            dateEnded: session.dateEnded.map(XSDDateTime.format)
        )
    }
}

extension FileInfoListFragment {
    init(_ list: FileInfoList) {
        self.init(
            sessionID: list.sessionID,
            files: list.files.map { file in
                switch file.progressNotification {
                case .atCompletion:
                    File(
                        fileType: file.fileType,
                        fileSize: file.fileSize,
                        fileLink: file.fileLink,
                        progressNotification: false
                    )
                case .periodic(let seconds):
                    File(
                        fileType: file.fileType,
                        fileSize: file.fileSize,
                        fileLink: file.fileLink,
                        progressNotification: true,
                        progressPeriod: UInt32(clamping: max(1, seconds))
                    )
                }
            }
        )
    }

    var fileInfoList: FileInfoList {
        FileInfoList(
            sessionID: sessionID,
            files: files.map { file in
                FileInfo(
                    fileType: file.fileType,
                    fileSize: file.fileSize,
                    fileLink: file.fileLink,
                    progressNotification: file.progressNotification
                        ? .periodic(seconds: Int(file.progressPeriod ?? 1)) : .atCompletion
                )
            }
        )
    }
}
