/// MMS settings of the service: retries of fetches and sends, and how much attachment content the store keeps.
/// Where the MMSC is and how it is reached belongs to the ``MMSTransport`` the service is given.
public struct MMSOptions: Sendable, Hashable {
    /// First retry delay after a fetch or send failed for a reason that may pass (no route, 5xx, a timeout);
    /// doubled per attempt up to ``maximumRetryDelay``. A fetch is never retried past the notification's expiry.
    public var initialRetryDelay: Duration = .seconds(30)
    /// Cap of the exponential back-off.
    public var maximumRetryDelay: Duration = .seconds(3600)
    /// After this many failed attempts at an answer the MMSC cannot make sense of (an undecodable or truncated
    /// m-retrieve-conf, again and again), the content is marked failed; the message stays, saying so.
    public var maximumFetchAttempts: Int = 20
    /// After this many failed attempts an MMS being sent is marked failed (it stays in Outgoing, I-30).
    public var maximumSendAttempts: Int = 10
    /// The sum of one message's attachments the store keeps (received or sent), in bytes.
    public var maximumMessageBytes: Int = 2 * 1024 * 1024
    /// The sum of every attachment file beside the database, in bytes.
    public var maximumStoredBytes: Int = 512 * 1024 * 1024
    /// The expiry assumed for a notification whose X-Mms-Expiry is relative to a time the device cannot know
    /// exactly is counted from its arrival; one without a usable expiry gets this much (OMA-TS-MMS_ENC §7.3.20
    /// makes Expiry mandatory, so this is for broken MMSCs only).
    public var defaultExpiry: Duration = .seconds(7 * 24 * 3600)
    /// File transfers and attachments offered by a control point are fetched at most this large, in bytes.
    public var maximumFileBytes: Int = 2 * 1024 * 1024

    public init() {}
}
