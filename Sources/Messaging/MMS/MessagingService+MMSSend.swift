import CoreMetrics
import Foundation
import Logging
import MMSCodec
import MessageStore

/// How the device fetches what a control point offers by link: the attachments of SendMessage (messaging-v2.md
/// §5.6 "Attachment URIs given by the TelCP are fetched by the device before sending") and the `fileLink` of
/// StartFileTransfer (§5.16). An HTTP GET on the LAN in the daemon; a fake in tests.
public protocol FileFetcher: Sendable {
    /// The content at `uri`, at most `maximumBytes` long.
    /// - Throws: ``FileFetchError``.
    func fetch(_ uri: String, maximumBytes: Int) async throws -> FetchedFile
}

/// A file fetched from a link.
public struct FetchedFile: Sendable, Hashable {
    public var bytes: [UInt8]
    /// The Content-Type the server gave, if any.
    public var mimeType: String?

    public init(bytes: [UInt8], mimeType: String?) {
        self.bytes = bytes
        self.mimeType = mimeType
    }
}

/// Why a link could not be fetched.
public struct FileFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A short reason (the HTTP status, "larger than N bytes", "not a LAN address"…).
    public var reason: String
    /// True when the file is larger than allowed.
    public var isTooLarge: Bool

    public init(_ reason: String, isTooLarge: Bool = false) {
        self.reason = reason
        self.isTooLarge = isTooLarge
    }

    public var description: String { reason }
}

// MARK: - Sending MMS (OMA-TS-MMS_CTR §6.1, OMA-TS-MMS_ENC §6.1)

extension MessagingService {
    /// Where the device serves the content of a stored attachment (a relative reference, RFC 3986 §4.2, resolved
    /// against the device's HTTP address): `/attachment?message=<MessageID>&part=<position>`.
    public static let attachmentRoutePath = "/attachment"

    /// The reference of one stored attachment (``attachmentRoutePath`` with its query).
    public static func attachmentPath(messageID: MessageID, position: Int) -> String {
        "\(attachmentRoutePath)?message=\(messageID.description)&part=\(position)"
    }

    /// The query parameter that asks ``attachmentRoutePath`` for a download (`Content-Disposition: attachment`)
    /// rather than the content shown in place; not part of the attachment's reference.
    public static let attachmentDownloadParameter = "download=1"

    /// The message and position one of this device's attachment references names. Only the relative reference
    /// counts: an absolute link, even one ending in the same path, may name another device's attachment and is a
    /// file to fetch (the binding turns links to this device back into references).
    static func attachmentReference(_ uri: String) -> (messageID: Int64, position: Int)? {
        let prefix = attachmentRoutePath + "?"
        guard uri.hasPrefix(prefix) else { return nil }
        var message: String?
        var part: Int?
        for item in uri.dropFirst(prefix.count).split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "message": message = pair[1]
            case "part": part = Int(pair[1])
            default: return nil
            }
        }
        guard let message, let part, part >= 0, let rowID = messageRowID(message) else { return nil }
        return (rowID, part)
    }

    /// The content of an attachment this device keeps, by its path, for the HTTP route that serves it.
    /// - Returns: `nil` when there is no such attachment (or it is a link, not kept here).
    /// - Throws: 606 when the caller may not read messages.
    public func attachment(
        path: String,
        caller: Caller = .local
    ) async throws -> (
        bytes: [UInt8], mimeType: String, name: String?
    )? {
        try authorize(.readMessage, caller)
        guard let reference = Self.attachmentReference(path),
            let content = try await store.attachmentContent(
                messageID: reference.messageID,
                position: reference.position
            )
        else { return nil }
        // The ID must name the message as control points see it (with its session, if any).
        guard let detail = try await store.message(id: reference.messageID),
            path.hasSuffix(
                Self.attachmentPath(messageID: MessageID(record: detail.message), position: reference.position)
            )
        else { return nil }
        return (content.bytes, content.row.mimeType ?? "application/octet-stream", content.row.name)
    }

    /// SendMessage of an MMS: validates it (703), fetches every attachment (before responding, so a link that
    /// cannot be fetched is a 703 now rather than a silent failure later), writes the files, commits the message in
    /// Outgoing and wakes the MMS worker.
    func enqueueMMS(
        _ message: MessageToSend,
        recipients: RecipientsList,
        sessionID: Int64?,
        now: Date
    ) async throws -> MessageID {
        guard mmsTransport != nil else { throw MessagingError(.invalidMessage, "MMS is not configured") }
        guard !recipients.to.isEmpty else { throw MessagingError(.invalidMessage, "no recipientTo") }
        let everyone = recipients.to + recipients.cc + recipients.bcc
        guard everyone.count <= configuration.maximumRecipients else {
            throw MessagingError(.invalidMessage, "too many recipients")
        }
        for peer in everyone {
            guard peer.id.utf8.count <= PeerAddress.maximumInputLength,
                PeerAddress.isDialable(PeerAddress.normalize(peer.id))
            else {
                throw MessagingError(.invalidMessage, "a recipient is not a number an MMS can be sent to")
            }
        }
        // §7.5: "attachments shall exist for MMS".
        guard !message.attachments.isEmpty else { throw MessagingError(.invalidMessage, "an MMS needs attachments") }
        var contents: [AttachmentContent] = []
        var total = 0
        for attachment in message.attachments {
            let content = try await attachmentContent(
                for: attachment,
                remaining: configuration.mms.maximumMessageBytes - total
            )
            total += content.bytes.count
            contents.append(content)
        }
        return try await enqueueMMSContent(
            recipients: recipients,
            subject: message.subject.nonEmpty,
            text: message.text,
            contents: contents,
            sessionID: sessionID,
            replyTo: message.replyMessageID.nonEmpty,
            now: now
        )
    }

    /// Writes the attachment files and commits an MMS in Outgoing (SendMessage, and each file of a transfer).
    /// - Throws: 703 when the attachments are over the limits.
    func enqueueMMSContent(
        recipients: RecipientsList,
        subject: String?,
        text: String?,
        contents: [AttachmentContent],
        sessionID: Int64?,
        replyTo: String?,
        now: Date
    ) async throws -> MessageID {
        let rows: [AttachmentRow]
        do {
            rows = try await store.writeAttachments(contents, limits: attachmentLimits)
        } catch let error as AttachmentError {
            throw MessagingError(.invalidMessage, "attachments not accepted: \(error)")
        }
        let record = MessageRecord(
            sessionID: sessionID,
            simID: simID,
            messageClass: MessageClass.mms.rawValue,
            folder: .outgoing,
            status: .unread,
            direction: .outgoing,
            replyTo: replyTo,
            fromID: ownNumber ?? "",
            subject: subject,
            text: text ?? "",
            sortTime: now.timeIntervalSince1970
        )
        var peers: [PeerRow] = []
        for (role, list) in [("to", recipients.to), ("cc", recipients.cc), ("bcc", recipients.bcc)] {
            peers += list.map { PeerRow(role: role, peerID: PeerAddress.normalize($0.id), name: $0.name) }
        }
        let rowID = try await store.enqueueOutgoingMMS(
            record,
            recipients: peers,
            attachments: rows,
            transactionID: Self.makeTransactionID(),
            now: now.timeIntervalSince1970
        )
        mmsSignal.fire()
        var stored = record
        stored.id = rowID
        logger.debug("MMS queued", metadata: ["message.id": "\(rowID)", "mms.attachments": "\(rows.count)"])
        return MessageID(record: stored)
    }

    /// The bytes of one attachment of SendMessage: an attachment this device keeps (its path, e.g. to forward a
    /// received picture), else the link fetched through the ``FileFetcher`` (703 when it cannot be).
    func attachmentContent(for attachment: Attachment, remaining: Int) async throws -> AttachmentContent {
        if let reference = Self.attachmentReference(attachment.uri),
            let kept = try await store.attachmentContent(messageID: reference.messageID, position: reference.position)
        {
            guard kept.bytes.count <= remaining else {
                throw MessagingError(
                    .invalidMessage,
                    "attachments larger than \(configuration.mms.maximumMessageBytes) bytes"
                )
            }
            return AttachmentContent(
                bytes: kept.bytes,
                mimeType: attachment.mimeType ?? kept.row.mimeType ?? "application/octet-stream",
                name: attachment.name ?? kept.row.name
            )
        }
        guard let fileFetcher else {
            throw MessagingError(.invalidMessage, "attachment \(attachment.uri) cannot be fetched: no file fetcher")
        }
        guard remaining > 0 else {
            throw MessagingError(
                .invalidMessage,
                "attachments larger than \(configuration.mms.maximumMessageBytes) bytes"
            )
        }
        let fetched: FetchedFile
        do {
            fetched = try await fileFetcher.fetch(attachment.uri, maximumBytes: remaining)
        } catch let error as FileFetchError {
            throw MessagingError(.invalidMessage, "attachment \(attachment.uri) could not be fetched: \(error.reason)")
        }
        guard fetched.bytes.count <= remaining else {
            throw MessagingError(
                .invalidMessage,
                "attachments larger than \(configuration.mms.maximumMessageBytes) bytes"
            )
        }
        return AttachmentContent(
            bytes: fetched.bytes,
            mimeType: attachment.mimeType ?? fetched.mimeType ?? "application/octet-stream",
            name: attachment.name ?? Self.fileName(of: attachment.uri)
        )
    }

    /// The last path segment of a link, percent-decoded (RFC 3986 §2.1), as the part's name.
    static func fileName(of uri: String) -> String? {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard let last = path.split(separator: "/").last, !last.isEmpty, !last.contains(":") else { return nil }
        // A decoded name that would name another directory, or hide its end, is kept as it was sent.
        guard let decoded = last.removingPercentEncoding, !decoded.isEmpty,
            !decoded.contains(where: { $0 == "/" || $0 == "\\" || $0 == "\0" })
        else { return String(last) }
        return decoded
    }

    /// A Transaction-ID for an m-send-req (OMA-TS-MMS_ENC §7.3.63: unique per transaction of this client).
    static func makeTransactionID() -> String {
        "mmsg-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    // MARK: - The send worker

    /// Sends the MMS that are due; called by the MMS worker's loop.
    func sendDueMMS(transport: any MMSTransport) async throws -> Int {
        let due = try await store.dueMMSSends(now: wallClock().timeIntervalSince1970, limit: Self.mmsBatchSize)
        for entry in due {
            try Task.checkCancellation()
            do {
                try await attemptMMSSend(messageID: entry.messageID, transport: transport)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A store error must not stop the worker: the message is tried again after a back-off step.
                logger.warning("MMS send failed", metadata: ["message.id": "\(entry.messageID)", "error": "\(error)"])
                try await store.recordSendFailure(
                    messageID: entry.messageID,
                    code: nil,
                    reason: "\(error)",
                    isPermanent: false,
                    nextAttemptAt: wallClock().timeIntervalSince1970 + configuration.mms.initialRetryDelay.timeInterval
                )
            }
        }
        return due.count
    }

    /// One attempt at one MMS: build the m-send-req, POST it, read the m-send-conf.
    func attemptMMSSend(messageID: Int64, transport: any MMSTransport) async throws {
        guard let (detail, outbox) = try await store.beginAttempt(messageID: messageID), let mms = detail.mms else {
            return
        }
        let request: [UInt8]
        do {
            request = try Self.sendRequest(
                detail: detail,
                transactionID: mms.transactionID,
                attachments: try await store.attachmentContents(messageID: messageID),
                date: UInt64(max(0, wallClock().timeIntervalSince1970))
            )
        } catch {
            try await failMMSSend(
                messageID: messageID,
                reason: "cannot build the m-send-req: \(error)",
                attempts: outbox.attempts,
                transient: false
            )
            return
        }
        let answer: [UInt8]
        do {
            answer = try await transport.post(request)
        } catch {
            switch error {
            case .refused(let status) where (400..<500).contains(status) && status != 408 && status != 429:
                try await failMMSSend(
                    messageID: messageID,
                    reason: "\(error)",
                    attempts: outbox.attempts,
                    transient: false
                )
            case .tooLarge, .contentGone:
                try await failMMSSend(
                    messageID: messageID,
                    reason: "\(error)",
                    attempts: outbox.attempts,
                    transient: false
                )
            case .refused, .unreachable, .timedOut, .truncated:
                try await failMMSSend(
                    messageID: messageID,
                    reason: "\(error)",
                    attempts: outbox.attempts,
                    transient: true
                )
            }
            return
        }
        guard case .sendConf(let conf)? = try? MMSMessage(decoding: answer) else {
            try await failMMSSend(
                messageID: messageID,
                reason: "the MMSC's answer is not an m-send-conf",
                attempts: outbox.attempts,
                transient: true
            )
            return
        }
        // X-Mms-Response-Status (OMA-TS-MMS_ENC §7.3.48) without its top bit: 0x00 Ok, 0x40–0x5F transient errors,
        // 0x60–0x7F permanent ones (and the obsolete 0x01–0x07, permanent).
        switch conf.responseStatus {
        case MMSSendConf.statusOK:
            let now = wallClock()
            try await store.recordMMSAccepted(
                messageID: messageID,
                mmsMessageID: conf.messageID,
                now: now.timeIntervalSince1970,
                offset: MessageTimestamp.localUTCOffset(at: now)
            )
            metrics.messagesSent.increment()
            logger.info("MMS sent", metadata: ["message.id": "\(messageID)"])
            try await finishFileTransfer(carriedBy: messageID, sent: true, bytes: request.count)
        case 0x40...0x5F:
            try await failMMSSend(
                messageID: messageID,
                reason: Self.statusReason(conf),
                attempts: outbox.attempts,
                transient: true
            )
        default:
            try await failMMSSend(
                messageID: messageID,
                reason: Self.statusReason(conf),
                attempts: outbox.attempts,
                transient: false
            )
        }
    }

    static func statusReason(_ conf: MMSSendConf) -> String {
        let code = "X-Mms-Response-Status 0x" + String(conf.responseStatus | 0x80, radix: 16)
        guard let text = conf.responseText?.text, !text.isEmpty else { return code }
        return code + ": " + text
    }

    /// A failed attempt: retried with back-off while transient and under the attempt limit, else failed for good
    /// (the message stays in Outgoing, I-30).
    func failMMSSend(messageID: Int64, reason: String, attempts: Int, transient: Bool) async throws {
        metrics.sendAttemptsFailed.increment()
        let giveUp = !transient || attempts >= configuration.mms.maximumSendAttempts
        let next =
            giveUp
            ? nil
            : wallClock().timeIntervalSince1970 + Self.backOff(attempts: attempts - 1, configuration: configuration.mms)
        try await store.recordSendFailure(
            messageID: messageID,
            code: nil,
            reason: reason,
            isPermanent: !transient,
            nextAttemptAt: next
        )
        if giveUp {
            metrics.messagesFailed.increment()
            try await finishFileTransfer(carriedBy: messageID, sent: false, bytes: 0)
        }
        logger.info(
            giveUp ? "MMS send failed" : "MMS send failed, retrying later",
            metadata: ["message.id": "\(messageID)", "error": "\(reason)"]
        )
    }

    /// The m-send-req of a stored message (OMA-TS-MMS_ENC §6.1.1): From left to the MMSC (Insert-address-token,
    /// §7.3.21), recipients as `<number>/TYPE=PLMN`, the text as a UTF-8 text/plain part, each attachment as a part
    /// with its Content-Location, and a SMIL part laying them out (multipart/related, OMA-TS-MMS_CONF §8.1).
    static func sendRequest(
        detail: MessageDetail,
        transactionID: String,
        attachments: [(row: AttachmentRow, bytes: [UInt8])],
        date: UInt64
    ) throws -> [UInt8] {
        var media: [WSPPart] = []
        var smilBody = ""
        var usedNames: Set<String> = []
        func uniqueName(_ proposed: String) -> String {
            var name = proposed
            var counter = 1
            while usedNames.contains(name) {
                counter += 1
                name = "\(counter)-\(proposed)"
            }
            usedNames.insert(name)
            return name
        }
        if let text = detail.message.text, !text.isEmpty {
            let name = uniqueName("text.txt")
            guard
                let part = WSPPart.text(
                    text,
                    headers: [.contentID("<\(name)>"), .contentLocation(name)]
                )
            else { throw MMSCodecError(.invalidValue, offset: 0, reason: "text not encodable in UTF-8") }
            media.append(part)
            smilBody += "<par dur=\"5000ms\"><text src=\"\(name)\" region=\"Text\"/></par>"
        }
        for (index, attachment) in attachments.enumerated() {
            let mimeType = attachment.row.mimeType ?? "application/octet-stream"
            let name = uniqueName(Self.safeName(attachment.row.name) ?? "part\(index + 1)")
            media.append(
                WSPPart(
                    contentType: WSPContentType(mimeType, parameters: [.name(name)]),
                    headers: [.contentID("<\(name)>"), .contentLocation(name)],
                    data: attachment.bytes
                )
            )
            let element =
                mimeType.hasPrefix("image/")
                ? "img" : mimeType.hasPrefix("audio/") ? "audio" : mimeType.hasPrefix("video/") ? "video" : "ref"
            let region = element == "img" || element == "video" ? " region=\"Image\"" : ""
            smilBody += "<par dur=\"5000ms\"><\(element) src=\"\(name)\"\(region)/></par>"
        }
        let smil =
            "<smil><head><layout><root-layout/><region id=\"Image\" top=\"0\" left=\"0\" height=\"80%\" width=\"100%\"/>"
            + "<region id=\"Text\" top=\"80%\" left=\"0\" height=\"20%\" width=\"100%\"/></layout></head><body>"
            + smilBody + "</body></smil>"
        let smilPart = WSPPart(
            contentType: WSPContentType("application/smil"),
            headers: [.contentID("<smil>"), .contentLocation("smil.xml")],
            data: Array(smil.utf8)
        )
        func addresses(_ role: String) -> [EncodedStringValue] {
            detail.recipients.filter { $0.role == role }.map {
                EncodedStringValue(MMSAddress.address(forNumber: $0.peerID))
            }
        }
        let request = MMSSendReq(
            transactionID: transactionID,
            version: .v1_2,
            date: date,
            from: nil,
            to: addresses("to"),
            cc: addresses("cc"),
            bcc: addresses("bcc"),
            subject: detail.message.subject.map(EncodedStringValue.init),
            messageClass: .personal,
            deliveryReport: true,
            content: .multipart([smilPart] + media, smilStart: "<smil>")
        )
        return MMSMessage.sendReq(request).encoded()
    }

    /// A name safe inside SMIL and a Content-Location: letters, digits, `.`, `-`, `_`; `nil` when nothing is left.
    static func safeName(_ name: String?) -> String? {
        guard let name else { return nil }
        let kept = String(
            name.unicodeScalars.filter { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar))
            }
        )
        return kept.isEmpty || kept.allSatisfy({ $0 == "." }) ? nil : String(kept.prefix(64))
    }
}
