import Foundation
import Logging
import MessageStore
import ServiceLifecycle

extension MessagingService {
    /// The persistent keys of the SessionUpdates publisher: the last published event and where that batch began.
    enum StateKey {
        static let sessionUpdatesCursor = "sessionUpdates.cursor"
        static let sessionUpdatesBatchStart = "sessionUpdates.batchStart"
    }

    func runServices() async throws {
        defer { hub.finish() }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.runPublisher() }
                    if let modem = self.modem {
                        group.addTask { try await self.runMirror(modem: modem) }
                        group.addTask { try await self.runOutbox(modem: modem) }
                    }
                    if let transport = self.mmsTransport {
                        group.addTask { try await self.runMMS(transport: transport) }
                    }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown or cancellation: every commit is durable, nothing to flush.
        }
    }

    // MARK: - Event publisher (§4)

    /// Publishes NewMessages and SessionUpdates, each at most once per second (leading edge plus one trailing
    /// publication with everything of the window, I-27). Session events are read from the store by cursor, so none
    /// is dropped between publications — not even across a crash: events recorded but never published go out at
    /// the next start.
    func runPublisher() async throws {
        // `self.`: a bare `clock` also names C's clock(), which Foundation brings in, and the call would not open
        // the existential.
        try await runPublisher(on: self.clock)
    }

    /// The publisher on `clock` (the injected clock, opened so that its instants can be kept): the moderators'
    /// times are durations since the publisher started.
    private func runPublisher<C: Clock<Duration>>(on clock: C) async throws {
        let origin = clock.now
        var newMessages = EventModerator()
        var sessionUpdates = EventModerator()
        if try await hasUnpublishedSessionEvents() { sessionUpdates.changed() }
        var retryAfter: Duration?
        while !Task.isCancelled {
            let changes = hub.takeChanges()
            if changes.newMessages { newMessages.changed() }
            if changes.sessionUpdates { sessionUpdates.changed() }
            let now = origin.duration(to: clock.now)
            var event = MessagingEvent()
            do {
                if newMessages.isDue(now: now) {
                    event.newMessages = try await newMessagesValue(includeOverview: configuration.eventsIncludeOverview)
                    newMessages.published(at: now)
                }
                if sessionUpdates.isDue(now: now) {
                    event.sessionUpdates = try await takeSessionUpdatesBatch()
                    sessionUpdates.published(at: now)
                }
            } catch is CancellationError {
                return
            } catch {
                // Keep the marks and try again at the next wake-up; a store error must not stop eventing.
                logger.warning("event publication failed", metadata: ["error": "\(error)"])
                newMessages.changed()
                sessionUpdates.changed()
                retryAfter = now + EventModerator.standardInterval
            }
            if event.newMessages != nil || event.sessionUpdates != nil { hub.publish(event) }
            var deadline = [newMessages.dueTime(now: now), sessionUpdates.dueTime(now: now)].compactMap { $0 }.min()
            if let retry = retryAfter, let due = deadline {
                // After a store error, try again a second later rather than spinning.
                deadline = max(due, retry)
                if retry <= now { retryAfter = nil }
            }
            // The store work above took time: sleep until the deadline, not for the time to it as seen before.
            let timeout = deadline.map { max($0, now + .milliseconds(1)) - origin.duration(to: clock.now) }
            await Self.wait(for: hub.signal, atMost: timeout, clock: clock)
        }
    }

    /// Waits until `signal` fires or `timeout` passes on `clock` (no timeout: only the signal), or cancellation.
    static func wait(for signal: WakeSignal, atMost timeout: Duration?, clock: any Clock<Duration>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await signal.wait() }
            if let timeout {
                group.addTask { try? await clock.sleep(for: timeout) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    func hasUnpublishedSessionEvents() async throws -> Bool {
        let cursor = Int64(try await store.stateValue(StateKey.sessionUpdatesCursor) ?? "") ?? 0
        return !(try await store.sessionEvents(after: cursor)).isEmpty
    }

    /// Takes every session event after the cursor as the new SessionUpdates value and advances the cursor.
    /// `nil` when there was none.
    func takeSessionUpdatesBatch() async throws -> SessionUpdatesValue? {
        let cursor = Int64(try await store.stateValue(StateKey.sessionUpdatesCursor) ?? "") ?? 0
        let events = try await store.sessionEvents(after: cursor)
        guard let last = events.last?.seq else { return nil }
        let value = try await makeSessionUpdates(events)
        try await store.setStateValues([
            StateKey.sessionUpdatesCursor: String(last),
            StateKey.sessionUpdatesBatchStart: String(cursor),
        ])
        return value
    }

    /// The last published SessionUpdates value (empty before any, I-2).
    func lastSessionUpdates() async throws -> SessionUpdatesValue {
        guard let cursor = Int64(try await store.stateValue(StateKey.sessionUpdatesCursor) ?? "") else {
            return SessionUpdatesValue(updates: [])
        }
        let start = Int64(try await store.stateValue(StateKey.sessionUpdatesBatchStart) ?? "") ?? 0
        return try await makeSessionUpdates(try await store.sessionEvents(after: start, through: cursor))
    }

    /// Groups events by session (in order of first appearance), each with its events in order and its current
    /// status (I-25).
    func makeSessionUpdates(_ events: [SessionEventRecord]) async throws -> SessionUpdatesValue {
        var order: [Int64] = []
        var bySession: [Int64: [SessionEvent]] = [:]
        for record in events {
            guard let event = SessionEventKind.sessionEvent(kind: record.kind, argument: record.argument) else {
                continue
            }
            if bySession[record.sessionID] == nil { order.append(record.sessionID) }
            bySession[record.sessionID, default: []].append(event)
        }
        let statuses = try await store.sessionStatuses(ids: order)
        return SessionUpdatesValue(
            updates: order.compactMap { id in
                guard let events = bySession[id], let status = statuses[id].map(SessionStatus.init)
                else { return nil }
                return SessionUpdate(sessionID: StoredID.encode(id), events: events, status: status)
            }
        )
    }
}
