import CoreMetrics
import Foundation
import Logging
import MessageStore
import Modem
import ServiceLifecycle

/// The Messaging:2 service, transport-neutral (DESIGN.md "Messaging"): one method per action of
/// messaging-v2.md §5, domain types in and out, ``MessagingError`` with the spec's error code on failure.
///
/// It knows nothing of UPnP or XML: the binding parses the XML arguments into these types (and maps a fragment it
/// cannot parse to the code the action's table gives: 703 for SendMessage, 704 for recipients lists, 402 for a
/// FileInfoList), calls the method, and serialises the result.
///
/// Long-running work (the mirror of the modem store, the outbox worker, the event publisher) runs in ``run()``;
/// put the service in a `ServiceGroup` after whatever owns the modem. The actions work without `run()` (against the
/// store), but nothing is received, sent or evented until it runs.
///
/// ```swift
/// let store = try MessageStore(path: "/var/lib/messagingd/messages.sqlite")
/// let service = MessagingService(store: store, modem: modem, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
/// ```
public actor MessagingService: Service {
    let store: MessageStore
    let modem: (any Modem)?
    /// The MMSC, when MMS is configured: MMS and File-Transfer are offered only then.
    let mmsTransport: (any MMSTransport)?
    /// Fetches what a control point offers by link (attachments of SendMessage, `fileLink` of StartFileTransfer).
    let fileFetcher: (any FileFetcher)?
    let configuration: MessagingConfiguration
    /// Time for deadlines: event moderation, retry back-off, the mirror's timer.
    let clock: any Clock<Duration>
    /// The current date, for message and session dates and the outbox's due times.
    let wallClock: @Sendable () -> Date
    let logger: Logger
    let metrics: MessagingMetrics
    let hub: EventHub
    /// Wakes the outbox worker (a message was queued).
    let outboxSignal = WakeSignal()
    /// Wakes the mirror (the modem reported something, or a test asks for a pass).
    let mirrorSignal = WakeSignal()
    /// Wakes the MMS worker (a notification was stored, a response is owed, a test asks).
    let mmsSignal = WakeSignal()

    /// The modem's identity, once the mirror has read it.
    var modemIdentity: ModemIdentity?
    /// The store's row of the SIM in the modem, once known (the mirror is keyed by it).
    var simID: Int64?
    /// The mirror's counters.
    var mirror = MirrorStatus()
    /// Storages the modem announced messages in (+CMTI/+CDSI), listed by every pass.
    var announcedStorages: Set<MessageStorage> = []
    /// Storages that refused selection or listing: left out of the passes (and logged once) until the modem
    /// restarts or is replugged.
    var skippedStorages: Set<MessageStorage> = []

    /// Creates the service.
    /// - Parameters:
    ///   - store: the opened database (``MessageStore/MessageStore``); migrations ran when it was opened.
    ///   - modem: the modem to mirror and send with; `nil` runs the actions on the store alone.
    ///   - mmsTransport: the MMSC (HTTP through the operator's proxy in the daemon, a fake in tests); `nil`: no MMS,
    ///     and neither MMS nor File-Transfer is advertised.
    ///   - fileFetcher: how the device fetches what a control point offers by link (HTTP GET on the LAN, bounded);
    ///     `nil`: only attachments already on the device (a received MMS's) can be sent.
    ///   - configuration: policies and limits.
    ///   - clock: time for deadlines (event moderation, retry back-off, the mirror's timer).
    ///   - wallClock: the current date, for message and session dates and the outbox's due times; a test passes
    ///     one that moves with its manual `clock`, so that a back-off comes due when the test advances the clock.
    ///   - logger: where the service logs (no phone numbers or bodies above debug).
    ///   - metricsFactory: where the service counts messages received, sent and failed, failed send attempts and
    ///     mirror passes (`messaging_…_total`): the process-wide `MetricsSystem.factory` unless the caller keeps its
    ///     own registry (several services in one process).
    public init(
        store: MessageStore,
        modem: (any Modem)?,
        mmsTransport: (any MMSTransport)? = nil,
        fileFetcher: (any FileFetcher)? = nil,
        configuration: MessagingConfiguration = MessagingConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.store = store
        self.modem = modem
        self.mmsTransport = mmsTransport
        self.fileFetcher = fileFetcher
        self.configuration = configuration
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.metrics = MessagingMetrics(factory: metricsFactory)
        self.hub = EventHub(bufferSize: configuration.eventSubscriberBuffer, logger: logger)
    }

    // MARK: - Events

    /// A new subscription to the moderated publications of NewMessages and SessionUpdates (§4).
    ///
    /// Publications happen while ``run()`` runs. The stream is bounded by
    /// ``MessagingConfiguration/eventSubscriberBuffer``; it finishes when the service stops.
    public nonisolated func events() -> AsyncStream<MessagingEvent> { hub.subscribe() }

    /// The current values of both evented variables, for the initial event after a SUBSCRIBE (SEQ 0, not
    /// moderated). NewMessages is in its evented form (IDs only unless configured otherwise).
    public func currentEventedValues() async throws -> MessagingEvent {
        MessagingEvent(
            newMessages: try await newMessagesValue(includeOverview: configuration.eventsIncludeOverview),
            sessionUpdates: try await lastSessionUpdates()
        )
    }

    // MARK: - Lifecycle

    /// Runs the mirror of the modem store, the outbox worker and the event publisher until cancelled or a graceful
    /// shutdown; then finishes every ``events()`` subscription.
    public func run() async throws {
        try await runServices()
    }
}
