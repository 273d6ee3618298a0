import CoreMetrics
import Foundation
import Logging
import MessageStore
import Modem
import SMSCodec

// MARK: - The outbox worker
//
// Crash semantics: AT-LEAST-ONCE. Before each AT+CMGS the part is committed as `submitting`; when the modem answers
// `+CMGS: <mr>` the part is committed as `accepted` with its TP-MR. If the process dies between the two commits, the
// service cannot know whether the service centre took the segment, so at the next start every `submitting` part is
// sent again (`recoverInterruptedSends`). The recipient may then get that one segment twice — a duplicate segment
// of a concatenated message carries the same concatenation reference and sequence number, which handsets discard
// while the message is incomplete; a single-part message arrives twice. A copy that comes after the message was
// complete stays at the recipient as the start of another message with that reference, so the store holds the
// reference back from the next messages to that destination (`markPartSubmitting`, `recoverInterruptedSends`); a
// submission the modem refused (+CMS ERROR, no prompt) took nothing and holds nothing. The same holds while the
// process lives when the modem's answer to an AT+CMGS is lost on the line (garbled or dropped bytes, a stall or hang
// past the command's deadline, the stick unplugged or restarting): the attempt fails, and the retry sends the part
// again, which the service centre may already have taken. A message is never lost: the choice is deliberate,
// because a lost SMS cannot be noticed by the sender while a duplicate can. Parts already `accepted` are never
// resent. `scripts/soak` counts such duplicates on a line of their own and fails on any other.

extension MessagingService {
    /// Messages attempted in one round of the worker before it looks for newly due ones again.
    static let outboxBatchSize = 16

    /// Messages in Outgoing still waiting to go: queued (due, or backing off after a failure) or being sent now.
    /// Messages marked failed are not counted.
    public func outboxDepth() async throws -> Int {
        try await store.outboxDepth()
    }

    func runOutbox(modem: any Modem) async throws {
        let recovered = try await store.recoverInterruptedSends(now: wallClock().timeIntervalSince1970)
        if recovered > 0 {
            logger.notice(
                "resending messages that were in flight at the last stop",
                metadata: ["outbox.count": "\(recovered)"]
            )
        }
        while !Task.isCancelled {
            let due = try await store.dueOutbox(now: wallClock().timeIntervalSince1970, limit: Self.outboxBatchSize)
            for entry in due {
                try Task.checkCancellation()
                try await attemptSend(messageID: entry.messageID, modem: modem)
            }
            if due.count == Self.outboxBatchSize { continue }
            var timeout: Duration?
            if let next = try await store.nextOutboxAttempt() {
                let wait = max(0, next - wallClock().timeIntervalSince1970)
                timeout = .milliseconds(Int64(wait * 1000) + 1)
            }
            await Self.wait(for: outboxSignal, atMost: timeout, clock: clock)
        }
    }

    /// One attempt at one message: encode its parts once, send every part not yet accepted, then move it to Sent.
    func attemptSend(messageID: Int64, modem: any Modem) async throws {
        guard let (detail, outbox) = try await store.beginAttempt(messageID: messageID) else { return }
        let text = detail.message.text ?? ""
        let recipients = detail.recipients.filter { $0.role == "to" }.map(\.peerID)
        let requestReport = outbox.requestStatusReport
        let parts: [OutboxPartRecord]
        do {
            parts = try await store.preparePartsIfNeeded(messageID: messageID) { allocateReference in
                var records: [OutboxPartRecord] = []
                for (recipientIndex, recipient) in recipients.enumerated() {
                    // TS 23.040 §9.2.3.24.1: the reference is constant across the segments of one message and
                    // should differ between messages to the same destination; 8-bit references wrap at 256.
                    let reference = try allocateReference(recipient, 256)
                    var options = SMSEncodingOptions()
                    options.concatenationReference = UInt16(reference)
                    options.statusReportRequest = requestReport
                    // TS 27.005 §3.5.1: a non-empty SMSC address field overrides the SIM's AT+CSCA for this PDU.
                    options.serviceCentre = configuration.serviceCentre.nonEmpty
                    let encoded = try SMSEncoder.encode(text: text, to: recipient, options: options)
                    for (index, part) in encoded.parts.enumerated() {
                        records.append(
                            OutboxPartRecord(
                                messageID: messageID,
                                recipientIndex: recipientIndex,
                                seq: index + 1,
                                total: encoded.parts.count,
                                recipient: recipient,
                                pdu: Data(part.bytes),
                                tpduLength: part.tpduLength,
                                concatRef: encoded.parts.count > 1 ? reference : nil
                            )
                        )
                    }
                }
                return records
            }
        } catch {
            // SendMessage validated the message, so this is a message the codec cannot encode at all.
            try await store.recordSendFailure(
                messageID: messageID,
                code: nil,
                reason: "cannot encode: \(error)",
                isPermanent: true,
                nextAttemptAt: nil
            )
            metrics.sendAttemptsFailed.increment()
            metrics.messagesFailed.increment()
            return
        }
        for part in parts where part.state == .notSent || part.state == .submitting {
            try Task.checkCancellation()
            let now = wallClock().timeIntervalSince1970
            try await store.markPartSubmitting(
                messageID: messageID,
                recipientIndex: part.recipientIndex,
                seq: part.seq,
                now: now
            )
            do {
                let references = try await modem.send([OutgoingPDU(pdu: Array(part.pdu), tpduLength: part.tpduLength)])
                guard let reference = references.first else {
                    throw SendError(
                        failure: SendFailure(cmsError: nil, reason: "no message reference", isPermanent: false)
                    )
                }
                try await store.markPartAccepted(
                    messageID: messageID,
                    recipientIndex: part.recipientIndex,
                    seq: part.seq,
                    mr: Int(reference),
                    now: wallClock().timeIntervalSince1970,
                    rules: importRules
                )
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Self.wasRefused(error) {
                    try await store.markPartRefused(
                        messageID: messageID,
                        recipientIndex: part.recipientIndex,
                        seq: part.seq
                    )
                }
                let failure = (error as? SendError)?.failure ?? Self.classify(error)
                try await recordFailure(messageID: messageID, attempts: outbox.attempts, failure: failure)
                return
            }
        }
        let now = wallClock()
        try await store.finishSent(
            messageID: messageID,
            now: now.timeIntervalSince1970,
            offset: MessageTimestamp.localUTCOffset(at: now)
        )
        metrics.messagesSent.increment()
        // One line per message sent, for the journal: its ID as control points see it, never its text, and the
        // recipients masked (no full numbers above debug).
        logger.info(
            "message sent",
            metadata: [
                "message.id": "\(MessageID(record: detail.message))", "message.parts": "\(parts.count)",
                "message.to": "\(recipients.map(PeerAddress.masked).joined(separator: ","))",
            ]
        )
    }

    /// Back-off after a temporary failure (`initial · 2^(attempts−1)`, capped); failed for good after a permanent
    /// one or the last allowed attempt.
    func recordFailure(messageID: Int64, attempts: Int, failure: SendFailure) async throws {
        var nextAttempt: Double?
        // The attempt limit counts refusals by the network (+CMS ERROR). A modem that is unplugged, restarting or
        // silent is retried for as long as it takes (at the capped interval): the message stays in Outgoing until
        // it is sent (§5.6), and an outage must not turn every queued message into a failure.
        let withinLimit = failure.cmsError == nil || attempts < configuration.maximumSendAttempts
        if !failure.isPermanent, withinLimit {
            let delay = Self.retryDelay(
                attempts: attempts,
                initial: configuration.initialRetryDelay,
                maximum: configuration.maximumRetryDelay
            )
            nextAttempt = wallClock().timeIntervalSince1970 + delay.timeInterval
        }
        try await store.recordSendFailure(
            messageID: messageID,
            code: failure.cmsError,
            reason: failure.reason,
            isPermanent: failure.isPermanent,
            nextAttemptAt: nextAttempt
        )
        metrics.sendAttemptsFailed.increment()
        if nextAttempt == nil { metrics.messagesFailed.increment() }
        logger.info(
            nextAttempt == nil ? "message failed" : "send attempt failed, will retry",
            metadata: [
                "message.id": "\(messageID)", "outbox.attempts": "\(attempts)",
                "sms.cms": "\(failure.cmsError.map(String.init) ?? "-")",
            ]
        )
    }

    static func retryDelay(attempts: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(0, attempts - 1), 30)
        let delay = initial * (1 << exponent)
        return min(delay, maximum)
    }

    /// Permanent `+CMS ERROR` codes: RP-causes that name the destination or the message (TS 24.011 §8.2.5.4 and
    /// Table 8.4: unassigned number, barred, transfer rejected, unidentified/unknown subscriber, facility not
    /// subscribed, invalid message), TP-FCS values about the message itself (TS 23.040 §9.2.3.22, except
    /// SC busy and SC system failure), and invalid PDU/text parameters (TS 27.005 §3.2.5). Everything else —
    /// congestion, temporary failure, no network, timeouts, ME failure — is retried.
    static let permanentCMSErrors: Set<Int> = {
        var codes: Set<Int> = [1, 8, 10, 21, 28, 29, 30, 38, 50, 69, 81, 95, 96, 97, 98, 99, 111, 127, 304, 305]
        for code in 128...255 where ![192, 194, 208, 209, 210, 211, 212, 213, 255].contains(code) { codes.insert(code) }
        return codes
    }()

    /// True when the failure shows that the network cannot have the segment: the modem answered the submission with
    /// an error result (+CMS ERROR, TS 27.005 §3.2.5), or it failed before its PDU was written (no `> ` prompt yet,
    /// the modem away or being recovered; TS 27.005 §3.5.1 sends the PDU only after the prompt). A failure after the
    /// PDU went out without a result (a timeout, a lost answer, an unplug) leaves it unknown.
    static func wasRefused(_ error: any Error) -> Bool {
        let atError: ATError
        switch error {
        case let error as ATError:
            atError = error
        case let error as ModemError:
            guard let underlying = error.underlying else {
                // An answer without a message reference still said OK; any other error of the driver came first.
                if case .sendFailed = error.code { return false }
                return true
            }
            atError = underlying
        default:
            return false  // SendError: the modem said OK without a message reference
        }
        if case .result = atError.code { return true }
        return !atError.payloadWritten
    }

    static func classify(_ error: any Error) -> SendFailure {
        let atError = (error as? ModemError)?.underlying ?? (error as? ATError)
        if let atError {
            if case .result(.cmsError(let cms)) = atError.code {
                return SendFailure(
                    cmsError: cms.rawValue,
                    reason: "\(cms)",
                    isPermanent: permanentCMSErrors.contains(cms.rawValue)
                )
            }
            return SendFailure(cmsError: nil, reason: "\(atError.code)", isPermanent: false)
        }
        if let modemError = error as? ModemError {
            return SendFailure(cmsError: nil, reason: "\(modemError.code)", isPermanent: false)
        }
        return SendFailure(cmsError: nil, reason: "\(error)", isPermanent: false)
    }
}

/// A failure the worker decided itself.
struct SendError: Error {
    var failure: SendFailure
}
