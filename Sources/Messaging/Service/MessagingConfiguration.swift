/// Settings of the Messaging service. Defaults suit a USB dongle with an SMS-only SIM.
public struct MessagingConfiguration: Sendable {
    /// What the mirror does with a message on the modem once its import has committed.
    public enum MirrorPolicy: String, Sendable, CaseIterable {
        /// Delete it from the modem after the import committed, so the SIM never fills (the default).
        case move
        /// Leave it on the modem: mirror only. A full SIM then stays full.
        case keepOnSIM = "keep-on-sim"
    }

    /// Mirror policy; `.move` by default.
    public var mirrorPolicy: MirrorPolicy = .move
    /// The slow timer of the mirror: every storage is listed at least this often, whatever the modem reports.
    public var mirrorInterval: Duration = .seconds(60)
    /// How long the parts of a concatenated message wait for the missing ones before the service shows what it has
    /// (marked incomplete). Parts that arrive later are merged into the same message.
    public var reassemblyTimeout: Duration = .seconds(3600)
    /// Import `STO SENT` messages found on the SIM into Sent (messaging-v2.md §10). `STO UNSENT` are never imported
    /// (they are another UI's drafts, I-30).
    public var importStoredSent: Bool = true

    /// The subscriber number to use when the SIM does not report one (+CNUM is often empty). E.164 with `+`.
    public var ownNumber: String?
    /// The service centre (SMSC) every SMS-SUBMIT names in its SMSC address field (TS 27.005 §3.5.1, TS 23.040
    /// §9.1.2.5), E.164 with `+`. `nil`: the field is left empty (`00`) and the modem uses the number stored on the
    /// SIM (AT+CSCA). Set it when the SIM holds none or a wrong one (+CMS ERROR: 330, SMSC address unknown).
    public var serviceCentre: String?

    /// First retry delay after a temporary send failure; doubled per attempt up to ``maximumRetryDelay``.
    public var initialRetryDelay: Duration = .seconds(5)
    /// Cap of the exponential back-off.
    public var maximumRetryDelay: Duration = .seconds(600)
    /// After this many attempts refused by the network (+CMS ERROR) the message is marked failed (it stays in
    /// Outgoing, I-30). Failures of the modem itself (unplugged, timeouts) are retried without limit.
    public var maximumSendAttempts: Int = 10
    /// Ask for a status report (TP-SRR) for every part sent.
    public var requestStatusReports: Bool = true
    /// SendMessage refuses (703) a text that needs more SMS segments than this.
    public var maximumSegments: Int = 10
    /// SendMessage refuses (703) more recipients than this.
    public var maximumRecipients: Int = 20

    /// Include `messageOverview` (sender and first characters) in evented NewMessages values. Off by default: an
    /// event reaches every subscriber in clear (messaging-v2.md §4 "Privacy", I-28).
    public var eventsIncludeOverview: Bool = false
    /// Who may invoke what, and who sees overviews in GetNewMessages.
    public var accessPolicy: AccessPolicy = .allowAll
    /// Buffer of each ``MessagingService/events()`` subscription. Publications are at most one per second per
    /// variable, so this many seconds of a stalled subscriber are absorbed before its oldest publications drop.
    public var eventSubscriberBuffer: Int = 64
    /// MMS retries and attachment limits; MMS itself is offered only when the service has an ``MMSTransport``.
    public var mms = MMSOptions()

    public init() {}
}
