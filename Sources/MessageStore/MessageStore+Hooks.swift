import GRDB

// The hook queue: one row per message, event and configured target, written by the v4 triggers in the transaction
// that stores the event (see MessageStoreMigrations.v4Hooks), so delivery is at-least-once across crashes. A row is
// deleted when delivered and kept as `abandoned` when the worker gives up on it, for the health report.

/// A row of `hookDelivery`: one invocation of one hook for one message event.
package struct HookDeliveryRecord: Codable, Sendable, Hashable, FetchableRecord {
    package static let databaseTableName = "hookDelivery"
    package var id: Int64
    package var messageID: Int64
    package var event: String
    package var target: String
    package var state: String
    package var attempts: Int
    package var firstAttemptAt: Double?
    package var nextAttemptAt: Double
    package var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id
        case messageID = "messageId"
        case event, target, state, attempts, firstAttemptAt, nextAttemptAt, lastError
    }

    /// Still to be delivered (due now or backing off).
    package static let pending = "pending"
    /// Given up after failing for longer than the configured time.
    package static let abandoned = "abandoned"
}

/// The queue of one hook target, for the health report.
package struct HookTargetSummary: Sendable, Hashable {
    package var target: String
    package var pending: Int
    /// Pending rows that failed at least once.
    package var retrying: Int
    package var abandoned: Int
    /// The error of the last failed attempt of a pending row, if any.
    package var lastError: String?

    package init(target: String, pending: Int, retrying: Int, abandoned: Int, lastError: String?) {
        self.target = target
        self.pending = pending
        self.retrying = retrying
        self.abandoned = abandoned
        self.lastError = lastError
    }
}

/// A running observation of the hook queue; ``cancel()`` stops it.
package final class HookQueueObservation: Sendable {
    private let cancellable: AnyDatabaseCancellable

    init(_ cancellable: AnyDatabaseCancellable) { self.cancellable = cancellable }

    package func cancel() { cancellable.cancel() }
}

extension MessageStore {
    /// Replaces the configured hook targets (`event` is `received`, `sent` or `failed`) and gives up the pending
    /// deliveries of targets no longer configured (a hook removed from the configuration must not run, and must
    /// not stay pending for ever). Returns how many were given up.
    package func setHookTargets(_ targets: [(event: String, target: String)]) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM hookTarget")
            for (event, target) in targets {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO hookTarget (event, target) VALUES (?, ?)",
                    arguments: [event, target]
                )
            }
            try db.execute(
                sql: """
                    UPDATE hookDelivery SET state = 'abandoned', lastError = 'hook no longer configured'
                    WHERE state = 'pending'
                        AND NOT EXISTS (SELECT 1 FROM hookTarget t
                            WHERE t.event = hookDelivery.event AND t.target = hookDelivery.target)
                    """
            )
            return db.changesCount
        }
    }

    /// Queues the `received` hooks of a message shown although parts of it never arrived (the rules gave up
    /// waiting): it will not complete, so it is delivered as it is. Once per message, as for complete ones.
    static func enqueueReceivedHooks(messageID: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO hookDelivery (messageId, event, target)
                    SELECT ?, event, target FROM hookTarget WHERE event = 'received'
                """,
            arguments: [messageID]
        )
    }

    /// Pending deliveries due at `now`, oldest first, leaving out `excluded` (those running now).
    package func dueHookDeliveries(
        now: Double,
        limit: Int,
        excluding excluded: Set<Int64>
    ) async throws
        -> [HookDeliveryRecord]
    {
        try await writer.read { db in
            try HookDeliveryRecord.fetchAll(
                db,
                sql: "SELECT * FROM hookDelivery WHERE state = 'pending' AND nextAttemptAt <= ? ORDER BY id LIMIT ?",
                arguments: [now, limit + excluded.count]
            ).filter { !excluded.contains($0.id) }.prefix(limit).map { $0 }
        }
    }

    /// The earliest time a pending delivery other than `excluded` (those running now) is due, or `nil`.
    package func nextHookAttempt(excluding excluded: Set<Int64>) async throws -> Double? {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, nextAttemptAt FROM hookDelivery WHERE state = 'pending' ORDER BY nextAttemptAt LIMIT ?",
                arguments: [excluded.count + 1]
            ).first { !excluded.contains($0["id"]) }.map { $0["nextAttemptAt"] }
        }
    }

    /// Starts an attempt: counts it and stamps the first attempt's time (the give-up time runs from there).
    /// Returns the row as it now is, or `nil` when it is no longer pending.
    package func beginHookAttempt(id: Int64, now: Double) async throws -> HookDeliveryRecord? {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE hookDelivery SET attempts = attempts + 1, firstAttemptAt = COALESCE(firstAttemptAt, ?)
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [now, id]
            )
            guard db.changesCount > 0 else { return nil }
            return try HookDeliveryRecord.fetchOne(db, sql: "SELECT * FROM hookDelivery WHERE id = ?", arguments: [id])
        }
    }

    /// A delivered hook leaves the queue.
    package func finishHookDelivery(id: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM hookDelivery WHERE id = ?", arguments: [id])
        }
    }

    /// A failed attempt: retried at `nextAttemptAt`, or given up (`abandoned`) when it is `nil`.
    package func recordHookFailure(id: Int64, error: String, nextAttemptAt: Double?) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE hookDelivery SET lastError = ?, state = ?, nextAttemptAt = COALESCE(?, nextAttemptAt)
                    WHERE id = ?
                    """,
                arguments: [
                    error, nextAttemptAt == nil ? HookDeliveryRecord.abandoned : HookDeliveryRecord.pending,
                    nextAttemptAt, id,
                ]
            )
        }
    }

    /// Every target with something queued or given up, by target.
    package func hookQueueSummary() async throws -> [HookTargetSummary] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT target,
                        SUM(state = 'pending') AS pending,
                        SUM(state = 'pending' AND attempts > 0) AS retrying,
                        SUM(state = 'abandoned') AS abandoned,
                        (SELECT lastError FROM hookDelivery l WHERE l.target = d.target AND l.state = 'pending'
                            AND l.lastError IS NOT NULL ORDER BY l.id DESC LIMIT 1) AS lastError
                    FROM hookDelivery d GROUP BY target ORDER BY target
                    """
            ).map {
                HookTargetSummary(
                    target: $0["target"],
                    pending: $0["pending"],
                    retrying: $0["retrying"],
                    abandoned: $0["abandoned"],
                    lastError: $0["lastError"]
                )
            }
        }
    }

    /// Calls `onChange` after every committed transaction that changed the hook queue (the triggers' inserts
    /// included), so that the worker waits for work instead of polling.
    package func observeHookQueue(onChange: @escaping @Sendable () -> Void) -> HookQueueObservation {
        let observation = DatabaseRegionObservation(tracking: Table(HookDeliveryRecord.databaseTableName))
        return HookQueueObservation(
            observation.start(in: writer, onError: { _ in onChange() }, onChange: { _ in onChange() })
        )
    }
}
