import Foundation
import MMSCodec
import MessageStore
import SMSCodec

extension MirrorImportRules {
    /// A WAP push in several SMS is a concatenated message like a text (TS 23.040 §9.2.3.24.1):
    /// the same rules decide (``Reassembler/Group``: duplicates, completion, a reused reference), on the segments'
    /// 8-bit user data, and the push is their data in sequence order.
    func decidePush(_ segment: ReceivedPartRecord, waiting: [ReceivedPartRecord]) -> PushSegmentDecision {
        let key = Self.key(of: segment)
        var group = Reassembler.Group(key: key, waiting: waiting.map(Self.pushPart))
        guard let outcome = add(Self.pushPart(segment), at: segment.receivedAt, to: &group) else { return .wait }
        switch outcome {
        case .duplicate: return .duplicate
        // Nothing was shown from the group (the store keeps no shown push), so nothing merges.
        case .waiting, .merged: return .wait
        case .completed(let parts): return .complete(payload: Self.payload(of: parts))
        case .restarted(let surfaced):
            return .restart(surfacedText: MMSText.incompleteNotification(arrived: surfaced.count, of: Int(key.total)))
        }
    }

    /// The waiting segments of a push are shown once the first has waited ``Reassembler/Configuration/timeout``:
    /// the reassembly timeout of concatenated texts (``MessagingConfiguration/reassemblyTimeout``, one hour by
    /// default), since the SMSC delivers a push's segments like a text's.
    func surfacePush(_ waiting: [ReceivedPartRecord], now: Double) -> String? {
        guard let first = waiting.first else { return nil }
        let key = Self.key(of: first)
        var group = Reassembler.Group(key: key, waiting: waiting.map(Self.pushPart))
        return group.expire(now: Self.seconds(now), configuration: configuration).map {
            MMSText.incompleteNotification(arrived: $0.count, of: Int(key.total))
        }
    }

    static func pushPart(_ segment: ReceivedPartRecord) -> Reassembler.Part {
        Reassembler.Part(
            sequence: UInt8(clamping: segment.concatSeq ?? 0),
            content: .data([UInt8](segment.payload ?? Data())),
            receivedAt: seconds(segment.receivedAt)
        )
    }

    static func payload(of parts: [Reassembler.Part]) -> [UInt8] {
        parts.flatMap { part -> [UInt8] in
            guard case .data(let data) = part.content else { return [] }
            return data
        }
    }

    /// What a reassembled WAP push is (OMA-TS-MMS_ENC §6.2): a WSP Push of `application/vnd.wap.mms-message` whose
    /// data is an m-notification-ind becomes an ``MMSNotice``; anything else is kept for diagnosis only.
    func notification(fromPush payload: [UInt8], receivedAt: Double) -> PushNotice {
        let push: WSPPush
        do {
            push = try WSPPush(decoding: payload)
        } catch {
            return .notMMS(reason: "undecodable WAP push: \(error)")
        }
        guard push.isMMS else { return .notMMS(reason: "WAP push of \(push.contentType.name)") }
        let message: MMSMessage
        do {
            message = try MMSMessage(decoding: push.data)
        } catch {
            return .notMMS(reason: "undecodable MMS PDU: \(error)")
        }
        if case .deliveryInd(let report) = message {
            return .deliveryReport(
                MMSDeliveryNotice(
                    mmsMessageID: report.messageID,
                    recipient: MMSAddress.peer(report.to.text),
                    state: MMSStatusName.name(of: report.status),
                    statusCode: Int(report.status),
                    date: Double(report.date)
                )
            )
        }
        guard case .notificationInd(let notification) = message else {
            return .notMMS(reason: "MMS push that is neither an m-notification-ind nor an m-delivery-ind")
        }
        return .mms(
            MMSNotice(
                transactionID: notification.transactionID,
                from: notification.from.map { MMSAddress.peer($0.text) }.flatMap { $0.isEmpty ? nil : $0 },
                subject: notification.subject.map(\.text).flatMap { $0.isEmpty ? nil : $0 },
                contentLocation: notification.contentLocation,
                expiry: Self.absoluteExpiry(notification.expiry, receivedAt: receivedAt, fallback: defaultMMSExpiry),
                size: Int64(clamping: notification.messageSize),
                placeholderText: MMSText.pending(size: notification.messageSize)
            )
        )
    }

    /// X-Mms-Expiry as seconds since 1970 (OMA-TS-MMS_ENC §7.3.20): an absolute date as it is, a relative one from
    /// the arrival of the push (the MMSC's send time is not known; the arrival is at most a little later). A zero
    /// relative expiry is not usable and gets `fallback`.
    static func absoluteExpiry(_ expiry: MMSTime, receivedAt: Double, fallback: Duration) -> Double {
        switch expiry {
        case .absolute(let seconds): return Double(seconds)
        case .relative(let seconds) where seconds > 0: return receivedAt + Double(seconds)
        case .relative: return receivedAt + Double(fallback.components.seconds)
        }
    }
}

/// The texts a received MMS shows while its content is not (or will not be) in the message.
enum MMSText {
    static func pending(size: UInt64) -> String {
        "[MMS: the content (\(size) bytes) is not downloaded yet; it is fetched as soon as the MMSC can be reached]"
    }

    static func gone(status: Int) -> String {
        "[MMS: the content is no longer available at the MMSC (HTTP \(status)): it expired or was already fetched]"
    }

    static let expired = "[MMS: the content expired at the MMSC before it could be downloaded]"

    static func failed(_ reason: String) -> String { "[MMS: the content could not be downloaded: \(reason)]" }

    static func notStored(_ reason: String) -> String { "[MMS: the attachments were not stored: \(reason)]" }

    static func incompleteNotification(arrived: Int, of total: Int) -> String {
        "[MMS notification incomplete: \(arrived) of its \(total) SMS arrived, the rest did not come in time; "
            + "the MMS cannot be fetched without them]"
    }
}

/// X-Mms-Status values by name (OMA-TS-MMS_ENC §7.3.54), without their top bit.
enum MMSStatusName {
    static func name(of status: UInt8) -> String {
        switch status {
        case 0x00: "expired"
        case 0x01: "retrieved"
        case 0x02: "rejected"
        case 0x03: "deferred"
        case 0x04: "unrecognised"
        case 0x05: "indeterminate"
        case 0x06: "forwarded"
        case 0x07: "unreachable"
        default: "status-0x" + String(status | 0x80, radix: 16)
        }
    }
}
