import Foundation
import Messaging

// Conversions between the wire fragments and the Messaging service's domain types (STYLE.md §2: the wire struct
// is kept apart from the semantic model).

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
            dateSent: message.dateSent.map(\.rfc3339),
            dateReceived: message.dateReceived.map(\.rfc3339)
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

    /// This fragment with the device's own attachment references (``MessagingService/attachmentPath(messageID:position:)``,
    /// relative) made absolute against `baseURL` (RFC 3986 §5.2), the address the control point reached the device
    /// at: a relative `anyURI` in an answer has no base a control point could know, so only an absolute one can be
    /// fetched by any of them. Links to files elsewhere are left as they are.
    func resolvingAttachments(against baseURL: String?) -> MessageFragment {
        guard let baseURL else { return self }
        var copy = self
        for index in copy.attachments.indices where copy.attachments[index].uri.hasPrefix("/") {
            copy.attachments[index].uri = baseURL + copy.attachments[index].uri
        }
        return copy
    }

    /// The reverse of ``resolvingAttachments(against:)`` on input: a link to one of this device's attachments, as
    /// an answer gave it, becomes the device's own reference again (so that SendMessage forwards the stored part
    /// instead of fetching it over HTTP from itself); any other link stays a link to fetch.
    func localizingAttachments(of baseURL: String?) -> MessageFragment {
        guard let baseURL else { return self }
        var copy = self
        for index in copy.attachments.indices
        where copy.attachments[index].uri.hasPrefix(baseURL + MessagingService.attachmentRoutePath + "?") {
            copy.attachments[index].uri.removeFirst(baseURL.count)
        }
        return copy
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
            dateStarted: session.dateStarted.map(\.rfc3339),
            dateLastMessage: session.dateLastMessage.map(\.rfc3339),
            dateEnded: session.dateEnded.map(\.rfc3339)
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
