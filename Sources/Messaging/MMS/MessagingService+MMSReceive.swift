import Foundation
import Logging
import MMSCodec
import MessageStore

// MARK: - Receiving MMS (OMA-TS-MMS_CTR §6.2–§6.4, OMA-TS-MMS_ENC §6.2–§6.4)
//
// The mirror stores the notification as a Received message at once (content pending), in the transaction that
// imports the push, before the SMS is acknowledged or deleted. This worker fetches the content through the
// transport, with back-off, never past the notification's expiry; stores text and attachments in the same message
// (files first, then the rows); then posts the answer the MMSC expects. That answer is committed with the content
// and cleared only once posted, so a crash between the two posts it at the next start (persist → acknowledge).

extension MessagingService {
    /// Fetches (and answers) at most this many notifications per round before looking for new ones.
    static let mmsBatchSize = 8

    /// Asks the MMS worker to look for due fetches and owed answers now (after a restart of the MMSC, and tests).
    public nonisolated func requestMMSPass() { mmsSignal.fire() }

    /// The worker: collects attachment files a crash left without rows, then fetches due content and posts owed
    /// answers until cancelled.
    func runMMS(transport: any MMSTransport) async throws {
        do {
            let removed = try await store.collectAttachmentFiles()
            if removed > 0 {
                logger.notice("removed attachment files no message names", metadata: ["count": "\(removed)"])
            }
        } catch {
            logger.warning("could not collect attachment files", metadata: ["error": "\(error)"])
        }
        while !Task.isCancelled {
            let owed = await postOwedResponses(transport: transport)
            let due = try await store.dueMMSFetches(
                now: wallClock().timeIntervalSince1970,
                limit: Self.mmsBatchSize
            )
            for entry in due {
                try Task.checkCancellation()
                do {
                    try await fetchContent(of: entry, transport: transport)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // A store error must not stop the worker: the notification stays pending and is tried again.
                    logger.warning(
                        "MMS fetch failed",
                        metadata: ["message.id": "\(entry.messageID)", "error": "\(error)"]
                    )
                    try await deferFetch(entry, reason: "\(error)", now: wallClock().timeIntervalSince1970)
                }
            }
            let sent = try await sendDueMMS(transport: transport)
            let startedTransfer = try await startNextFileTransfer()
            // More may be due, and what was just fetched owes its answer: go round again at once.
            if !due.isEmpty || sent > 0 || startedTransfer { continue }
            var timeout: Duration?
            if let next = try await nextMMSWork(sendsNext: try await store.nextMMSSendAttempt()) {
                let wait = max(0, next - wallClock().timeIntervalSince1970)
                timeout = .milliseconds(Int64(wait * 1000) + 1)
            }
            if owed > 0 {
                // An answer could not be posted: try again after the first back-off step.
                timeout = min(timeout ?? configuration.mms.initialRetryDelay, configuration.mms.initialRetryDelay)
            }
            await Self.wait(for: mmsSignal, atMost: timeout, clock: clock)
        }
    }

    /// The earliest due time of a pending fetch or send.
    func nextMMSWork(sendsNext: Double?) async throws -> Double? {
        [try await store.nextMMSFetch(), sendsNext].compactMap { $0 }.min()
    }

    /// Posts the answers owed to the MMSC; returns how many are still owed (the transport failed).
    func postOwedResponses(transport: any MMSTransport) async -> Int {
        let owed: [(messageID: Int64, pdu: [UInt8])]
        do {
            owed = try await store.pendingMMSResponses(limit: Self.mmsBatchSize)
        } catch {
            logger.warning("could not read the MMS answers owed", metadata: ["error": "\(error)"])
            return 1
        }
        var failed = 0
        for entry in owed {
            do {
                _ = try await transport.post(entry.pdu)
            } catch {
                failed += 1
                logger.info(
                    "could not post an MMS answer to the MMSC",
                    metadata: ["message.id": "\(entry.messageID)", "error": "\(error)"]
                )
                continue
            }
            do {
                try await store.clearMMSResponse(messageID: entry.messageID)
            } catch {
                // Posted but not cleared: posted again later, which the MMSC takes as a repeat (OMA-TS-MMS_CTR
                // §6.3 answers are idempotent for a transaction).
                failed += 1
            }
        }
        return failed
    }

    /// One attempt at the content of one notification.
    func fetchContent(of entry: MMSRecord, transport: any MMSTransport) async throws {
        let now = wallClock().timeIntervalSince1970
        let messageID = entry.messageID
        if let expiry = entry.expiry, now >= expiry {
            try await store.abandonMMSFetch(
                messageID: messageID,
                state: .gone,
                reason: "expired before it could be fetched",
                text: MMSText.expired,
                responsePDU: Self.withdrawalAnswer(to: entry, status: MMSNotifyRespInd.statusExpired)
            )
            logger.info("MMS content expired before it could be fetched", metadata: ["message.id": "\(messageID)"])
            hub.newMessagesDidChange()
            return
        }
        let body: [UInt8]
        do {
            body = try await transport.retrieve(from: entry.contentLocation ?? "")
        } catch {
            switch error {
            case .contentGone(let status):
                try await store.abandonMMSFetch(
                    messageID: messageID,
                    state: .gone,
                    reason: "HTTP \(status)",
                    text: MMSText.gone(status: status),
                    responsePDU: Self.withdrawalAnswer(to: entry, status: MMSNotifyRespInd.statusExpired)
                )
                logger.info(
                    "MMS content gone from the MMSC",
                    metadata: ["message.id": "\(messageID)", "http.status": "\(status)"]
                )
                hub.newMessagesDidChange()
            case .tooLarge(let limit):
                try await store.abandonMMSFetch(
                    messageID: messageID,
                    state: .failed,
                    reason: "larger than the \(limit) bytes allowed",
                    text: MMSText.failed("it is larger than the \(limit) bytes allowed"),
                    responsePDU: Self.withdrawalAnswer(to: entry, status: MMSNotifyRespInd.statusRejected)
                )
                hub.newMessagesDidChange()
            case .refused, .unreachable, .timedOut, .truncated:
                try await deferFetch(entry, reason: "\(error)", now: now)
            }
            return
        }
        let conf: MMSRetrieveConf
        do {
            guard case .retrieveConf(let decoded) = try MMSMessage(decoding: body) else {
                throw MMSCodecError(.unsupported, offset: 0, reason: "not an m-retrieve-conf")
            }
            conf = decoded
        } catch {
            // A proxy's error page or a cut body: the MMSC may answer properly later, but not for ever.
            if entry.attempts + 1 >= configuration.mms.maximumFetchAttempts {
                try await store.abandonMMSFetch(
                    messageID: messageID,
                    state: .failed,
                    reason: "undecodable m-retrieve-conf: \(error)",
                    text: MMSText.failed("the MMSC's answer could not be decoded"),
                    responsePDU: Self.withdrawalAnswer(to: entry, status: MMSNotifyRespInd.statusUnrecognised)
                )
                hub.newMessagesDidChange()
            } else {
                try await deferFetch(entry, reason: "undecodable m-retrieve-conf: \(error)", now: now)
            }
            return
        }
        // X-Mms-Retrieve-Status (OMA-TS-MMS_ENC §7.3.50), without its top bit: 0x00 Ok; 0x40–0x5F transient
        // errors; 0x60–0x7F permanent, 0x62 "message not found".
        if let status = conf.retrieveStatus, status != 0x00 {
            switch status {
            case 0x40...0x5F:
                try await deferFetch(
                    entry,
                    reason: "X-Mms-Retrieve-Status 0x\(String(status | 0x80, radix: 16))",
                    now: now
                )
            case 0x62:
                try await store.abandonMMSFetch(
                    messageID: messageID,
                    state: .gone,
                    reason: "X-Mms-Retrieve-Status message not found",
                    text: MMSText.gone(status: 404),
                    responsePDU: Self.withdrawalAnswer(to: entry, status: MMSNotifyRespInd.statusExpired)
                )
                hub.newMessagesDidChange()
            default:
                let reason = conf.retrieveText?.text ?? "X-Mms-Retrieve-Status 0x\(String(status | 0x80, radix: 16))"
                try await store.abandonMMSFetch(
                    messageID: messageID,
                    state: .failed,
                    reason: reason,
                    text: MMSText.failed(reason)
                )
                hub.newMessagesDidChange()
            }
            return
        }
        let content = Self.content(of: conf)
        let fetched = FetchedMMS(
            text: content.text,
            subject: conf.subject.map(\.text).flatMap { $0.isEmpty ? nil : $0 },
            dateSent: Double(conf.date),
            mmsMessageID: conf.messageID,
            attachments: content.attachments,
            responsePDU: Self.retrievalAnswer(to: conf, notification: entry)
        )
        do {
            try await store.storeFetchedMMS(messageID: messageID, content: fetched, limits: attachmentLimits)
        } catch let error as AttachmentError {
            // Over the caps (or the disk refused): the text is kept and the message says what was not stored.
            let text = [content.text, MMSText.notStored(error.description)].filter { !$0.isEmpty }
                .joined(separator: "\n")
            try await store.abandonMMSFetch(
                messageID: messageID,
                state: .failed,
                reason: error.description,
                text: text,
                responsePDU: fetched.responsePDU
            )
            logger.warning("MMS attachments not stored", metadata: ["message.id": "\(messageID)", "error": "\(error)"])
            hub.newMessagesDidChange()
            return
        }
        logger.info(
            "MMS content fetched",
            metadata: ["message.id": "\(messageID)", "mms.attachments": "\(content.attachments.count)"]
        )
        hub.newMessagesDidChange()
    }

    /// The limits the store applies to attachments.
    var attachmentLimits: AttachmentLimits {
        AttachmentLimits(
            maximumMessageBytes: Int64(configuration.mms.maximumMessageBytes),
            maximumTotalBytes: Int64(configuration.mms.maximumStoredBytes)
        )
    }

    /// Schedules the next attempt with exponential back-off, but not past the expiry (the attempt at the expiry
    /// marks the content gone).
    func deferFetch(_ entry: MMSRecord, reason: String, now: Double) async throws {
        let delay = Self.backOff(attempts: entry.attempts, configuration: configuration.mms)
        var next = now + delay
        if let expiry = entry.expiry { next = min(next, expiry) }
        try await store.deferMMSFetch(messageID: entry.messageID, error: reason, nextAttemptAt: next)
        logger.info(
            "MMS content not fetched, retrying later",
            metadata: ["message.id": "\(entry.messageID)", "error": "\(reason)", "retry.in": "\(next - now)"]
        )
    }

    /// The delay before attempt `attempts + 1`, in seconds: the initial delay doubled per attempt, capped.
    static func backOff(attempts: Int, configuration: MMSOptions) -> Double {
        let initial = configuration.initialRetryDelay.timeInterval
        let maximum = configuration.maximumRetryDelay.timeInterval
        return min(maximum, initial * pow(2, Double(min(attempts, 30))))
    }

    /// The answer to a retrieval (OMA-TS-MMS_CTR §6.3, §6.4): with immediate retrieval the m-retrieve-conf carries
    /// no Transaction-ID and the client confirms with m-notifyresp-ind (X-Mms-Status Retrieved) in the
    /// notification's transaction; an m-retrieve-conf that carries one (deferred retrieval) is confirmed with
    /// m-acknowledge-ind in that transaction.
    static func retrievalAnswer(to conf: MMSRetrieveConf, notification: MMSRecord) -> [UInt8] {
        if let transactionID = conf.transactionID, !transactionID.isEmpty {
            return MMSMessage.acknowledgeInd(MMSAcknowledgeInd(transactionID: transactionID, version: conf.version))
                .encoded()
        }
        return MMSMessage.notifyRespInd(
            MMSNotifyRespInd(
                transactionID: notification.transactionID,
                version: conf.version,
                status: MMSNotifyRespInd.statusRetrieved
            )
        ).encoded()
    }

    /// The answer to a notification whose content this device will never retrieve: m-notifyresp-ind in the
    /// notification's transaction (OMA-TS-MMS_ENC §6.2) with an X-Mms-Status other than Retrieved (§7.3.54), so
    /// that the MMSC learns how the notification ended instead of waiting for an answer that never comes (and may
    /// report it to the sender, as it reports Retrieved). Expired when the content is gone (HTTP 404/410, the expiry passed, Retrieve-Status
    /// "message not found"); Rejected when this device refuses it (larger than allowed); Unrecognised when what the
    /// MMSC returned could not be decoded. It is committed with the state and posted once, like Retrieved.
    static func withdrawalAnswer(to notification: MMSRecord, status: UInt8) -> [UInt8] {
        MMSMessage.notifyRespInd(MMSNotifyRespInd(transactionID: notification.transactionID, status: status)).encoded()
    }

    /// The text (every text/plain part in its charset, in order) and the attachments (every other part, SMIL
    /// included: messaging-v2.md §10 "every other part → an attachment") of a message; nested multiparts are
    /// flattened.
    static func content(of conf: MMSRetrieveConf) -> (text: String, attachments: [AttachmentContent]) {
        var texts: [String] = []
        var attachments: [AttachmentContent] = []
        func visit(_ parts: [WSPPart], depth: Int) {
            for part in parts {
                if depth < maximumMultipartDepth, let nested = try? part.nested() {
                    visit(nested, depth: depth + 1)
                    continue
                }
                if part.contentType.name.lowercased() == "text/plain", let text = part.text {
                    texts.append(text)
                } else {
                    attachments.append(
                        AttachmentContent(bytes: part.data, mimeType: part.contentType.name, name: part.fileName)
                    )
                }
            }
        }
        visit(conf.content.parts, depth: 0)
        return (texts.joined(separator: "\n"), attachments)
    }

    /// Nesting of multiparts followed (multipart/alternative inside multipart/mixed is the deepest real senders use).
    static let maximumMultipartDepth = 4
}
