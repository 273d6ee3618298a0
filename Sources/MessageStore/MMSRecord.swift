import Foundation
import GRDB

/// A row of `mms`: the MMS side of a message (OMA-TS-MMS_ENC §6): what the notification said, where fetching its
/// content stands, and the answer still owed to the MMSC.
package struct MMSRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "mms"
    package var messageID: Int64
    package var direction: MessageRecord.Direction
    /// X-Mms-Transaction-ID of the notification (received) or of the m-send-req (sent).
    package var transactionID: String
    /// Message-ID the MMSC gave (m-retrieve-conf, m-send-conf): what m-delivery-ind names.
    package var mmsMessageID: String?
    package var contentLocation: String?
    /// Absolute expiry of the notification, seconds since 1970.
    package var expiry: Double?
    package var size: Int64?
    package var fetchState: FetchState
    /// Why the last fetch (or send) failed.
    package var fetchError: String?
    package var attempts: Int
    package var nextAttemptAt: Double
    /// The PDU still to post to the MMSC (m-notifyresp-ind or m-acknowledge-ind); `nil` once posted.
    package var responsePDU: Data?

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId"
        case direction
        case transactionID = "transactionId"
        case mmsMessageID = "mmsMessageId"
        case contentLocation, expiry, size, fetchState, fetchError, attempts, nextAttemptAt
        case responsePDU = "responsePdu"
    }

    package init(
        messageID: Int64,
        direction: MessageRecord.Direction,
        transactionID: String,
        mmsMessageID: String? = nil,
        contentLocation: String? = nil,
        expiry: Double? = nil,
        size: Int64? = nil,
        fetchState: FetchState,
        fetchError: String? = nil,
        attempts: Int = 0,
        nextAttemptAt: Double = 0,
        responsePDU: Data? = nil
    ) {
        self.messageID = messageID
        self.direction = direction
        self.transactionID = transactionID
        self.mmsMessageID = mmsMessageID
        self.contentLocation = contentLocation
        self.expiry = expiry
        self.size = size
        self.fetchState = fetchState
        self.fetchError = fetchError
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.responsePDU = responsePDU
    }

    /// Where the content of a received MMS stands.
    package enum FetchState: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        /// Not fetched yet: retried at `nextAttemptAt` (also after a restart).
        case pending
        /// Fetched and stored.
        case fetched
        /// Given up for a reason other than the content being gone (`fetchError` says which).
        case failed
        /// The MMSC no longer has it (HTTP 404/410, or the expiry passed).
        case gone
        /// A message this device sends (nothing to fetch).
        case outgoing
    }
}

/// A row of `mmsRecipient`: the delivery state one recipient's m-delivery-ind reported (OMA-TS-MMS_ENC §6.6).
package struct MMSRecipientRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "mmsRecipient"
    package var messageID: Int64
    package var recipient: String
    /// `pending` until a report; then the X-Mms-Status name (`retrieved`, `rejected`, `expired`, …).
    package var state: String
    /// X-Mms-Status as received, without its top bit.
    package var statusCode: Int?
    /// The Date of the report, seconds since 1970.
    package var at: Double?

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId"
        case recipient, state, statusCode, at
    }

    package init(messageID: Int64, recipient: String, state: String, statusCode: Int? = nil, at: Double? = nil) {
        self.messageID = messageID
        self.recipient = recipient
        self.state = state
        self.statusCode = statusCode
        self.at = at
    }
}
