import Logging

/// The device's GENA state: subscriptions and the work queue of deliveries (UDA 1.1 §4).
///
/// An actor holding a ``SubscriptionTable``. It does no I/O itself: it emits ``Job``s on a bounded stream that the
/// device's run loop turns into child tasks (a delivery loop per busy subscriber), so that all work stays inside the
/// device's task tree. It does not moderate: every published value is queued for every subscriber, in order; the
/// service publishes no faster than its standard allows.
actor GENAHub {
    /// Work for the device's run loop.
    enum Job: Sendable {
        /// Start a delivery loop for this subscription (at most one runs per subscription).
        case deliver(sid: String)
    }

    struct ServiceSlot: Sendable {
        let handler: any UPnPServiceHandler
        let eventedVariables: [String]
        /// The evented variables whose values are batches (``UPnPEventedValueKind/batch``).
        let batchVariables: Set<String>
    }

    private let services: [ServiceSlot]
    private var table: SubscriptionTable
    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    nonisolated let jobs: AsyncStream<Job>
    private let jobContinuation: AsyncStream<Job>.Continuation

    /// The bound of the job stream: every job is a delivery start, at most one outstanding per subscription, so it
    /// never fills; the margin covers jobs already taken.
    static func jobBufferSize(limits: UPnPLimits, serviceCount: Int) -> Int {
        limits.maximumSubscriptions + 4 * serviceCount + 16
    }

    init(
        services: [(handler: any UPnPServiceHandler, description: ServiceDescription)],
        limits: UPnPLimits,
        logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        makeSID: @escaping @Sendable () -> String = { UPnPDeviceConfiguration.makeUDN() }
    ) {
        self.services = services.map {
            ServiceSlot(
                handler: $0.handler,
                eventedVariables: $0.description.eventedVariables,
                batchVariables: Set($0.handler.eventedValueKinds.filter { $0.value == .batch }.keys)
            )
        }
        self.table = SubscriptionTable(limits: limits, makeSID: makeSID)
        self.logger = logger
        self.now = now
        (jobs, jobContinuation) = AsyncStream.makeStream(
            of: Job.self,
            bufferingPolicy: .bufferingOldest(GENAHub.jobBufferSize(limits: limits, serviceCount: services.count))
        )
    }

    /// Ends the job stream (the device is stopping).
    func finish() {
        jobContinuation.finish()
    }

    private func emit(_ job: Job) {
        if case .dropped = jobContinuation.yield(job) {
            // Cannot happen within the bound above; if it does, free the subscription's flag so a later change
            // restarts its loop, and say so.
            logger.error("upnp.gena job queue full; event delivery delayed")
            switch job {
            case .deliver(let sid): table.markIdle(sid)
            }
        }
    }

    // MARK: - Subscriptions (called by the HTTP router)

    func subscribe(
        serviceIndex: Int,
        subscriber: IPAddress,
        callbacks: [UPnPHeaderParsing.CallbackURL],
        timeout: UPnPHeaderParsing.Timeout?
    ) throws(SubscriptionTable.Failure) -> (sid: String, timeout: Duration) {
        let result = try table.subscribe(
            serviceIndex: serviceIndex,
            subscriber: subscriber,
            callbacks: callbacks,
            timeout: timeout,
            now: now()
        )
        logger.debug(
            "upnp.gena subscribed",
            metadata: ["upnp.sid": "\(result.sid)", "upnp.service": "\(serviceIndex)"]
        )
        return result
    }

    func renew(
        sid: String,
        serviceIndex: Int,
        timeout: UPnPHeaderParsing.Timeout?
    ) throws(SubscriptionTable.Failure) -> Duration {
        try table.renew(sid: sid, serviceIndex: serviceIndex, timeout: timeout, now: now())
    }

    func unsubscribe(sid: String, serviceIndex: Int) throws(SubscriptionTable.Failure) {
        try table.unsubscribe(sid: sid, serviceIndex: serviceIndex, now: now())
        logger.debug("upnp.gena unsubscribed", metadata: ["upnp.sid": "\(sid)"])
    }

    /// The SUBSCRIBE response is on the wire: start the initial event.
    func activate(sid: String) {
        if table.activate(sid) { emit(.deliver(sid: sid)) }
    }

    /// Removes expired subscriptions; the device calls it periodically.
    func expire() {
        for sid in table.expire(now: now()) {
            logger.debug("upnp.gena subscription expired", metadata: ["upnp.sid": "\(sid)"])
        }
    }

    /// How many subscriptions exist (for tests and logs).
    var subscriptionCount: Int { table.subscriptions.count }

    /// Test hook, see ``SubscriptionTable/setNextSequence(_:for:)``.
    func setNextSequence(_ sequence: UInt32, for sid: String) {
        table.setNextSequence(sequence, for: sid)
    }

    /// Test hook: expires as if at `instant`.
    func expire(at instant: ContinuousClock.Instant) -> [String] {
        table.expire(now: instant)
    }

    // MARK: - Events (called by publishers and the run loop)

    /// A service published changes.
    func publish(serviceIndex: Int, changes: [(name: String, value: String)]) {
        guard services.indices.contains(serviceIndex) else { return }
        let evented = services[serviceIndex].eventedVariables
        let accepted = changes.filter { evented.contains($0.name) }
        if accepted.count != changes.count {
            let dropped = changes.map(\.name).filter { !evented.contains($0) }
            logger.warning("upnp.gena published variables that are not evented", metadata: ["upnp.vars": "\(dropped)"])
        }
        guard !accepted.isEmpty else { return }
        let enqueued = table.enqueue(
            serviceIndex: serviceIndex,
            changes: accepted,
            batchVariables: services[serviceIndex].batchVariables
        )
        for sid in enqueued.cancelled {
            // UPnPEventedValueKind.batch: losing a batch silently is worse than a renewal refused with 412, after
            // which the subscriber subscribes again and reads the current values.
            logger.info(
                "upnp.gena subscriber too far behind; subscription cancelled rather than lose an event",
                metadata: ["upnp.sid": "\(sid)", "upnp.queued": "\(table.limits.maximumQueuedEvents)"]
            )
        }
        for sid in enqueued.start { emit(.deliver(sid: sid)) }
    }

    /// The next event of a delivery loop, with the current values filled in for the initial event.
    func next(for sid: String) -> SubscriptionTable.Delivery? {
        table.next(for: sid)
    }

    /// The service of a delivery, to read current values for an initial event.
    func initialValues(serviceIndex: Int) async -> [(name: String, value: String)] {
        guard services.indices.contains(serviceIndex) else { return [] }
        let slot = services[serviceIndex]
        let values = await slot.handler.currentEventedValues()
        return values.filter { slot.eventedVariables.contains($0.name) }
    }
}

/// Forwards one service's publisher to the hub.
struct GENAHubSink: UPnPEventSink {
    let hub: GENAHub
    let serviceIndex: Int

    func publish(_ changes: [(name: String, value: String)]) async {
        await hub.publish(serviceIndex: serviceIndex, changes: changes)
    }
}
