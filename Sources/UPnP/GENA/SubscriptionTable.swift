/// The GENA subscriptions of a device and each subscriber's event queue (UDA 1.1 §4.1, §4.2, §4.3).
///
/// Pure state: times come in as arguments and SIDs from an injected generator, so that expiry, renewal and SEQ
/// wrapping are tested without sockets or sleeps. ``GENAHub`` owns one and does the I/O.
struct SubscriptionTable: Sendable {
    /// One subscription.
    struct Subscription: Sendable {
        let sid: String
        let serviceIndex: Int
        /// The address the SUBSCRIBE came from, counted against ``UPnPLimits/maximumSubscriptionsPerAddress``.
        let subscriber: IPAddress
        var callbacks: [UPnPHeaderParsing.CallbackURL]
        var expiry: ContinuousClock.Instant
        /// The SEQ of the next NOTIFY (UDA 1.1 §4.2.1: 0 for the initial event).
        var nextSequence: UInt32 = 0
        /// The initial event (current values, SEQ 0) has not been sent yet.
        var needsInitialEvent = true
        /// The SUBSCRIBE response has been written, so events may flow (UDA 1.1 §4.2.1: the initial event follows
        /// the response).
        var isActive = false
        /// A delivery loop is working on this subscription.
        var isDelivering = false
        /// Changes waiting to be sent, oldest first.
        var queue: [[(name: String, value: String)]] = []
    }

    /// What a delivery loop sends next.
    struct Delivery: Sendable {
        var sid: String
        var serviceIndex: Int
        var callbacks: [UPnPHeaderParsing.CallbackURL]
        var sequence: UInt32
        /// `nil` for the initial event: the loop asks the service for current values.
        var changes: [(name: String, value: String)]?
    }

    /// Why a GENA request fails, as its HTTP status (UDA 1.1 §4.1.2, §4.1.3, §4.1.4).
    enum Failure: Error, Sendable, Hashable {
        /// 412 Precondition Failed: unknown or expired SID.
        case unknownSID
        /// 503 Service Unavailable: ``UPnPLimits/maximumSubscriptions`` or
        /// ``UPnPLimits/maximumSubscriptionsPerAddress`` reached.
        case tooManySubscriptions
    }

    private(set) var subscriptions: [String: Subscription] = [:]
    let limits: UPnPLimits
    let makeSID: @Sendable () -> String

    init(limits: UPnPLimits, makeSID: @escaping @Sendable () -> String) {
        self.limits = limits
        self.makeSID = makeSID
    }

    /// The SEQ after `sequence`: 4294967295 is followed by 1, never 0 (UDA 1.1 §4.3.2: 0 marks the initial event).
    static func sequence(after sequence: UInt32) -> UInt32 {
        sequence == UInt32.max ? 1 : sequence + 1
    }

    /// The duration granted for a requested TIMEOUT: the maximum for none or `infinite`, else clamped into
    /// [minimum, maximum] (UDA 1.1 §4.1.2: the publisher chooses the duration and states it in the response).
    func grantedTimeout(_ requested: UPnPHeaderParsing.Timeout?) -> Duration {
        switch requested {
        case .seconds(let seconds):
            return min(max(.seconds(seconds), limits.minimumSubscriptionTimeout), limits.maximumSubscriptionTimeout)
        case .infinite, nil:
            return limits.maximumSubscriptionTimeout
        }
    }

    /// Adds a subscription; it stays inactive until ``activate(_:)``.
    mutating func subscribe(
        serviceIndex: Int,
        subscriber: IPAddress,
        callbacks: [UPnPHeaderParsing.CallbackURL],
        timeout: UPnPHeaderParsing.Timeout?,
        now: ContinuousClock.Instant
    ) throws(Failure) -> (sid: String, timeout: Duration) {
        expire(now: now)
        guard subscriptions.count < limits.maximumSubscriptions else { throw .tooManySubscriptions }
        // Renewals do not count: a subscriber at its cap keeps what it has, and gets more after one lapses.
        let perAddress = min(limits.maximumSubscriptionsPerAddress, limits.maximumSubscriptions)
        var held = 0
        for subscription in subscriptions.values where subscription.subscriber == subscriber {
            held += 1
            guard held < perAddress else { throw .tooManySubscriptions }
        }
        var sid = makeSID()
        while subscriptions[sid] != nil { sid = makeSID() }
        let granted = grantedTimeout(timeout)
        subscriptions[sid] = Subscription(
            sid: sid,
            serviceIndex: serviceIndex,
            subscriber: subscriber,
            callbacks: callbacks,
            expiry: now + granted
        )
        return (sid, granted)
    }

    /// Renews a subscription of this service (UDA 1.1 §4.1.3); an expired one cannot be renewed.
    mutating func renew(
        sid: String,
        serviceIndex: Int,
        timeout: UPnPHeaderParsing.Timeout?,
        now: ContinuousClock.Instant
    ) throws(Failure) -> Duration {
        expire(now: now)
        guard var subscription = subscriptions[sid], subscription.serviceIndex == serviceIndex else {
            throw .unknownSID
        }
        let granted = grantedTimeout(timeout)
        subscription.expiry = now + granted
        subscriptions[sid] = subscription
        return granted
    }

    /// Removes a subscription of this service (UDA 1.1 §4.1.4).
    mutating func unsubscribe(sid: String, serviceIndex: Int, now: ContinuousClock.Instant) throws(Failure) {
        expire(now: now)
        guard subscriptions[sid]?.serviceIndex == serviceIndex else { throw .unknownSID }
        subscriptions[sid] = nil
    }

    /// Marks a subscription's response as written. Returns whether a delivery loop must be started for it.
    mutating func activate(_ sid: String) -> Bool {
        guard var subscription = subscriptions[sid], !subscription.isActive else { return false }
        subscription.isActive = true
        let start = !subscription.isDelivering
        subscription.isDelivering = true
        subscriptions[sid] = subscription
        return start
    }

    /// What ``enqueue(serviceIndex:changes:batchVariables:)`` did.
    struct Enqueued: Sendable, Hashable {
        /// Subscriptions whose delivery loop must be started, sorted.
        var start: [String] = []
        /// Subscriptions removed because their full queue could take the changes only by losing a batch, sorted.
        var cancelled: [String] = []
    }

    /// Queues changes for every subscriber of a service.
    ///
    /// A subscriber with ``UPnPLimits/maximumQueuedEvents`` queued events gets the changes merged into its last
    /// queued event instead, so that memory stays bounded: a state value replaces the variable's value there (the
    /// subscriber still ends with the current state), a batch value joins it only when that event holds no value of
    /// the variable yet (``UPnPEventedValueKind/batch``: batches are never merged, dropped or reordered). When a
    /// batch cannot join, the subscription is removed (see ``Enqueued/cancelled``).
    ///
    /// - Parameter batchVariables: the variables of the service whose values are batches; the others are states.
    mutating func enqueue(
        serviceIndex: Int,
        changes: [(name: String, value: String)],
        batchVariables: Set<String> = []
    ) -> Enqueued {
        guard !changes.isEmpty else { return Enqueued() }
        var result = Enqueued()
        for (sid, var subscription) in subscriptions where subscription.serviceIndex == serviceIndex {
            if subscription.queue.count < limits.maximumQueuedEvents {
                subscription.queue.append(changes)
            } else if let last = subscription.queue.popLast(),
                let merged = SubscriptionTable.merging(changes, into: last, batchVariables: batchVariables)
            {
                subscription.queue.append(merged)
            } else {
                subscriptions[sid] = nil
                result.cancelled.append(sid)
                continue
            }
            if subscription.isActive && !subscription.isDelivering {
                subscription.isDelivering = true
                result.start.append(sid)
            }
            subscriptions[sid] = subscription
        }
        result.start.sort()
        result.cancelled.sort()
        return result
    }

    /// `event` with `changes` merged in: the latest value of each state variable, and each batch value appended
    /// only where the event has none of its variable; `nil` when a batch would replace another.
    static func merging(
        _ changes: [(name: String, value: String)],
        into event: [(name: String, value: String)],
        batchVariables: Set<String>
    ) -> [(name: String, value: String)]? {
        var merged = event
        for change in changes {
            if let index = merged.firstIndex(where: { $0.name == change.name }) {
                guard !batchVariables.contains(change.name) else { return nil }
                merged[index].value = change.value
            } else {
                merged.append(change)
            }
        }
        return merged
    }

    /// The next event for a subscription's delivery loop, with its SEQ; `nil` ends the loop (queue empty, or the
    /// subscription is gone).
    mutating func next(for sid: String) -> Delivery? {
        guard var subscription = subscriptions[sid] else { return nil }
        let changes: [(name: String, value: String)]?
        if subscription.needsInitialEvent {
            subscription.needsInitialEvent = false
            changes = nil
        } else if !subscription.queue.isEmpty {
            changes = subscription.queue.removeFirst()
        } else {
            subscription.isDelivering = false
            subscriptions[sid] = subscription
            return nil
        }
        let sequence = subscription.nextSequence
        subscription.nextSequence = SubscriptionTable.sequence(after: sequence)
        subscriptions[sid] = subscription
        return Delivery(
            sid: sid,
            serviceIndex: subscription.serviceIndex,
            callbacks: subscription.callbacks,
            sequence: sequence,
            changes: changes
        )
    }

    /// Removes the subscriptions that were not renewed in time (UDA 1.1 §4.1.2). Returns their SIDs.
    @discardableResult
    mutating func expire(now: ContinuousClock.Instant) -> [String] {
        let expired = subscriptions.values.filter { $0.expiry <= now }.map(\.sid)
        for sid in expired { subscriptions[sid] = nil }
        return expired.sorted()
    }

    /// Clears the delivering flag without taking an event (when a delivery loop could not be started).
    mutating func markIdle(_ sid: String) {
        subscriptions[sid]?.isDelivering = false
    }

    /// Test hook: sets the SEQ of the next event (to test wrapping without four billion NOTIFYs).
    mutating func setNextSequence(_ sequence: UInt32, for sid: String) {
        subscriptions[sid]?.nextSequence = sequence
    }
}
