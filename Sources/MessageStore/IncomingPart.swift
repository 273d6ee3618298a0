import Foundation

/// A received PDU after decoding, ready for ``MessageStore/importPart(_:rules:)``.
package struct IncomingPart: Sendable, Hashable {
    package var simID: Int64
    /// The PDU as the modem gave it (SMSC field first), kept for diagnosis.
    package var pdu: [UInt8]
    /// Hash of the TPDU (the PDU without its SMSC field): the same message gives the same hash by +CMT and from
    /// storage.
    package var contentHash: String
    /// `cmt`, `cds` or `store`.
    package var source: String
    /// Local arrival (wall clock, seconds since 1970) and the local UTC offset.
    package var receivedAt: Double
    package var receivedOffset: Int
    package var content: Content

    package enum Content: Sendable, Hashable {
        /// An SMS-DELIVER (received) or a stored SMS-SUBMIT (`STO SENT`, imported into Sent).
        case message(MessagePart)
        /// An SMS-STATUS-REPORT.
        case statusReport(StatusReportPart)
        /// A PDU that could not be decoded, or one not imported (e.g. `STO UNSENT`): stored, never shown.
        case notImported(reason: String)
        /// A WAP push (8-bit SMS to port 2948, WAP-259-WDP §6.3), or one segment of it.
        case pushSegment(PushSegment)
    }

    package init(
        simID: Int64,
        pdu: [UInt8],
        contentHash: String,
        source: String,
        receivedAt: Double,
        receivedOffset: Int,
        content: Content
    ) {
        self.simID = simID
        self.pdu = pdu
        self.contentHash = contentHash
        self.source = source
        self.receivedAt = receivedAt
        self.receivedOffset = receivedOffset
        self.content = content
    }
}

/// One segment (or the whole) of a message.
package struct MessagePart: Sendable, Hashable {
    /// True for a received SMS-DELIVER; false for a stored SMS-SUBMIT (`STO SENT`).
    package var isReceived: Bool
    /// The other party, normalised: the originator of a received message, the destination of a sent one.
    package var peer: String
    /// The device's own number, for `recipientTo` of a received message / `recipientFrom` of a sent one.
    package var ownNumber: String
    package var text: String
    /// TP-SCTS (seconds since 1970) and its offset, for received messages.
    package var serviceCentreTime: Double?
    package var serviceCentreOffset: Int?
    /// Class 0 (flash).
    package var isFlash: Bool
    /// Concatenation (TS 23.040 §9.2.3.24.1/.8); `nil` for a single part.
    package var concatenation: Concatenation?
    /// Session classes a received message may be routed into (by its originator, messaging-v2.md §10).
    package var routingClasses: [String]

    /// The concatenation element of a segment: reference (and its width, 8 or 16 bits), total, 1-based sequence.
    package struct Concatenation: Sendable, Hashable {
        package var reference: Int
        package var referenceBits: Int
        package var total: Int
        package var sequence: Int
        package init(reference: Int, referenceBits: Int, total: Int, sequence: Int) {
            self.reference = reference
            self.referenceBits = referenceBits
            self.total = total
            self.sequence = sequence
        }
    }

    package init(
        isReceived: Bool,
        peer: String,
        ownNumber: String,
        text: String,
        serviceCentreTime: Double?,
        serviceCentreOffset: Int?,
        isFlash: Bool,
        concatenation: Concatenation?,
        routingClasses: [String]
    ) {
        self.isReceived = isReceived
        self.peer = peer
        self.ownNumber = ownNumber
        self.text = text
        self.serviceCentreTime = serviceCentreTime
        self.serviceCentreOffset = serviceCentreOffset
        self.isFlash = isFlash
        self.concatenation = concatenation
        self.routingClasses = routingClasses
    }
}

/// An SMS-STATUS-REPORT (TS 23.040 §9.2.2.3).
package struct StatusReportPart: Sendable, Hashable {
    /// TP-MR of the SMS-SUBMIT it reports on.
    package var messageReference: Int
    /// TP-RA, normalised.
    package var recipient: String
    /// TP-ST, as received (kept with the part).
    package var status: Int
    /// What TP-ST means for the part (TS 23.040 §9.2.3.15), as the caller classified it: `delivered`, `pending`
    /// (the SC is still trying) or `failed`.
    package var deliveryState: OutboxPartRecord.State
    /// TP-SCTS: when the service centre received the SMS-SUBMIT.
    package var serviceCentreTime: Double?
    /// TP-DT: when it delivered (or gave up), and its offset.
    package var dischargeTime: Double?
    package var dischargeOffset: Int?

    package init(
        messageReference: Int,
        recipient: String,
        status: Int,
        deliveryState: OutboxPartRecord.State,
        serviceCentreTime: Double?,
        dischargeTime: Double?,
        dischargeOffset: Int?
    ) {
        self.messageReference = messageReference
        self.recipient = recipient
        self.status = status
        self.deliveryState = deliveryState
        self.serviceCentreTime = serviceCentreTime
        self.dischargeTime = dischargeTime
        self.dischargeOffset = dischargeOffset
    }
}

/// A WAP push as SMS carries it (WAP-259-WDP §6.3: 8-bit user data addressed to port 2948), or one segment of a
/// concatenated one. The store reassembles the payloads and asks ``ImportRules/notification(fromPush:receivedAt:)``
/// what the whole push is.
package struct PushSegment: Sendable, Hashable {
    /// The originator, normalised.
    package var peer: String
    /// The device's own number, `recipientTo` of the message the push becomes.
    package var ownNumber: String
    /// The user data after the user data header.
    package var payload: [UInt8]
    /// Concatenation (TS 23.040 §9.2.3.24.1/.8); `nil` for a push in one SMS.
    package var concatenation: MessagePart.Concatenation?

    package init(peer: String, ownNumber: String, payload: [UInt8], concatenation: MessagePart.Concatenation?) {
        self.peer = peer
        self.ownNumber = ownNumber
        self.payload = payload
        self.concatenation = concatenation
    }
}
