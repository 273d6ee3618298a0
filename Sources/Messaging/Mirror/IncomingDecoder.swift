import Foundation
import MessageStore
import SMSCodec

/// Turns a PDU from the modem (+CMT, +CDS, +CMGL) into what the store imports.
enum IncomingDecoder {
    /// Longest PDU accepted from the modem: an SMSC field of at most 12 octets and a TPDU of at most 164 octets
    /// (TS 27.005 §3.1; TS 23.040 §9.2.2).
    static let maximumPDUOctets = 176
    /// The WDP port of the WAP push connectionless session service (WAP-259-WDP Appendix B: 2948, "WAP Push
    /// connectionless session service (client side)"), where MMS notifications arrive.
    static let wapPushPort: UInt16 = 2948

    /// FNV-1a (64-bit) of the TPDU, in hex: the content hash the mirror deduplicates by. The SMSC field is left
    /// out so that the same TPDU compares equal however the modem prefixed it.
    static func contentHash(of pdu: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in tpdu(of: pdu) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The octets after the SMSC field (TS 27.005 §3.1: its first octet is its length).
    static func tpdu(of pdu: [UInt8]) -> ArraySlice<UInt8> {
        guard let length = pdu.first, Int(length) + 1 <= pdu.count else { return pdu[...] }
        return pdu[(Int(length) + 1)...]
    }

    /// Decodes a PDU. Never throws: a PDU that cannot be decoded is stored as `notImported` with the reason, so
    /// nothing is dropped silently and it can be diagnosed.
    static func decode(
        pdu: [UInt8],
        storedStatus: StoredMessageStatusKind?,
        source: String,
        simID: Int64,
        ownNumber: String,
        receivedAt: Date,
        importStoredSent: Bool
    ) -> IncomingPart {
        let offset = MessageTimestamp.localUTCOffset(at: receivedAt)
        func part(_ content: IncomingPart.Content) -> IncomingPart {
            IncomingPart(
                simID: simID,
                pdu: pdu,
                contentHash: contentHash(of: pdu),
                source: source,
                receivedAt: receivedAt.timeIntervalSince1970,
                receivedOffset: offset,
                content: content
            )
        }
        guard pdu.count <= maximumPDUOctets else { return part(.notImported(reason: "PDU longer than allowed")) }
        let decoded: SMSPDU
        do {
            decoded = try SMSPDU.decode(pdu, hasSMSC: true, options: .lenient)
        } catch {
            return part(.notImported(reason: "undecodable: \(error.reason)"))
        }
        switch decoded.tpdu {
        case .deliver(let deliver):
            if let ports = deliver.userData.header?.ports, ports.destination == wapPushPort,
                case .data(let payload) = deliver.userData.content
            {
                // A WAP push (WAP-259-WDP §6.3: 8-bit data to port 2948), e.g. an MMS notification: diverted from
                // the text path and reassembled by the store as bytes (TS 23.040 §9.2.3.24.1).
                let originator = deliver.originator.number ?? deliver.originator.digits
                return part(
                    .pushSegment(
                        PushSegment(
                            peer: PeerAddress.normalize(originator),
                            ownNumber: ownNumber,
                            payload: payload,
                            concatenation: concatenation(deliver.userData.header)
                        )
                    )
                )
            }
            guard let text = deliver.userData.content.text else {
                // 8-bit data (WAP push, MMS notifications, port-addressed SMS) or an unsupported coding: not a text
                // for a person. Kept raw for diagnosis.
                return part(.notImported(reason: "not a text message"))
            }
            if deliver.userData.header?.ports != nil {
                return part(.notImported(reason: "port-addressed message"))
            }
            let originator = deliver.originator.number ?? deliver.originator.digits
            let timestamp = deliver.serviceCentreTimestamp
            return part(
                .message(
                    MessagePart(
                        isReceived: true,
                        peer: PeerAddress.normalize(originator),
                        ownNumber: ownNumber,
                        text: text,
                        serviceCentreTime: timestamp.secondsSince1970().map(Double.init),
                        serviceCentreOffset: timestamp.isValid ? timestamp.timeZoneQuarterHours * 900 : nil,
                        isFlash: deliver.dataCodingScheme.messageClass == .class0,
                        concatenation: concatenation(deliver.userData.header),
                        routingClasses: [SessionClass.sms.rawValue, SessionClass.mixed.rawValue]
                    )
                )
            )
        case .submit(let submit):
            // STO SENT → Sent/Read; STO UNSENT is another UI's draft and is never imported (§10, I-30).
            guard storedStatus == .storedSent, importStoredSent, let text = submit.userData.content.text else {
                return part(.notImported(reason: "stored SMS-SUBMIT not imported"))
            }
            let destination = submit.destination.number ?? submit.destination.digits
            return part(
                .message(
                    MessagePart(
                        isReceived: false,
                        peer: PeerAddress.normalize(destination),
                        ownNumber: ownNumber,
                        text: text,
                        serviceCentreTime: nil,
                        serviceCentreOffset: nil,
                        isFlash: false,
                        concatenation: concatenation(submit.userData.header),
                        routingClasses: []
                    )
                )
            )
        case .statusReport(let report):
            let recipient = report.recipient.number ?? report.recipient.digits
            return part(
                .statusReport(
                    StatusReportPart(
                        messageReference: Int(report.messageReference),
                        recipient: PeerAddress.normalize(recipient),
                        status: Int(report.status.rawValue),
                        deliveryState: deliveryState(report.status),
                        serviceCentreTime: report.serviceCentreTimestamp.secondsSince1970().map(Double.init),
                        dischargeTime: report.dischargeTime.secondsSince1970().map(Double.init),
                        dischargeOffset: report.dischargeTime.isValid
                            ? report.dischargeTime.timeZoneQuarterHours * 900 : nil
                    )
                )
            )
        }
    }

    static func concatenation(_ header: UserDataHeader?) -> MessagePart.Concatenation? {
        guard let concat = header?.concatenation, concat.total > 1, concat.sequence >= 1,
            concat.sequence <= concat.total
        else { return nil }
        return MessagePart.Concatenation(
            reference: Int(concat.reference),
            referenceBits: concat.referenceBits,
            total: Int(concat.total),
            sequence: Int(concat.sequence)
        )
    }

    /// What TP-ST means for the sent part (TS 23.040 §9.2.3.15): delivered, the SC still trying, or given up
    /// (a permanent error, a temporary one the SC no longer retries, or a reserved value).
    static func deliveryState(_ status: TPStatus) -> OutboxPartRecord.State {
        switch status.category {
        case .completed: .delivered
        case .temporaryRetrying: .pending
        case .permanent, .temporaryFinal, .reserved: .failed
        }
    }
}

/// The stored status a PDU came with, when it came from storage.
enum StoredMessageStatusKind: Sendable {
    case receivedUnread, receivedRead, storedUnsent, storedSent
}
