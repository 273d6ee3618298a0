/// The MMS side of a message (beyond the standard fragment, like ``DeliveryInfo``; messaging-v2.md §10): where the
/// content of a received MMS stands, and the delivery state of each recipient of a sent one.
public struct MMSInfo: Hashable, Sendable {
    /// Where fetching the content of a received MMS stands; ``MMSFetchState/outgoing`` for one this device sends.
    public var fetchState: MMSFetchState
    /// Why the last fetch (or send) attempt failed, or why the content will not be fetched.
    public var lastError: String?
    /// Fetch attempts made so far.
    public var attempts: Int
    /// X-Mms-Message-Size of the notification, in octets.
    public var size: UInt64?
    /// When the MMSC drops the content (X-Mms-Expiry of the notification).
    public var expiry: MessageTimestamp?
    /// Per-recipient delivery states from m-delivery-ind (OMA-TS-MMS_ENC §6.6), for a sent MMS.
    public var recipients: [MMSRecipientDelivery]

    public init(
        fetchState: MMSFetchState,
        lastError: String?,
        attempts: Int,
        size: UInt64?,
        expiry: MessageTimestamp?,
        recipients: [MMSRecipientDelivery]
    ) {
        self.fetchState = fetchState
        self.lastError = lastError
        self.attempts = attempts
        self.size = size
        self.expiry = expiry
        self.recipients = recipients
    }
}

/// Where the content of a received MMS stands.
public enum MMSFetchState: String, Hashable, Sendable, Codable {
    /// Not fetched yet; tried again later (also after a restart) until the expiry.
    case pending
    /// Fetched: text and attachments are in the message.
    case fetched
    /// Given up (``MMSInfo/lastError`` says why): the content was too large, or undecodable.
    case failed
    /// The MMSC no longer has it (HTTP 404/410, or the expiry passed).
    case gone
    /// A message this device sends.
    case outgoing
}

/// The delivery state of one recipient of a sent MMS.
public struct MMSRecipientDelivery: Hashable, Sendable {
    public var recipient: String
    /// `pending` until an m-delivery-ind arrives; then its X-Mms-Status (OMA-TS-MMS_ENC §7.3.54) by name:
    /// `expired`, `retrieved`, `rejected`, `deferred`, `unrecognised`, `indeterminate`, `forwarded`, `unreachable`.
    public var state: String
    /// When the MMSC reported it.
    public var date: MessageTimestamp?

    public init(recipient: String, state: String, date: MessageTimestamp?) {
        self.recipient = recipient
        self.state = state
        self.date = date
    }
}
