import Foundation
import Messaging
import Modem

/// The body of `GET /health`: whether the daemon does its job, and what to look at when it does not.
///
/// ```json
/// { "status": "ok", "version": "0.1.0",
///   "modem": { "state": "ready", "signal": -73, "registration": "home", "operator": "Simulated",
///              "lastError": null },
///   "storage": [ { "storage": "SM", "used": 0, "total": 30 } ],
///   "outbox": 0,
///   "mirror": { "lastPass": "2026-12-06T17:35:12Z", "lastError": null, "importedParts": 1,
///               "duplicateParts": 0, "deletedFromModem": 1, "pendingSegments": 0 } }
/// ```
///
/// Every key is always present; an unknown value is `null`.
public struct HealthReport: Sendable, Hashable, Encodable {
    /// ``Status/ok`` when the modem is ready (or none is configured) and the last mirror pass and the store reads
    /// succeeded; ``Status/degraded`` otherwise. The daemon keeps serving its folders either way.
    public enum Status: String, Sendable, Hashable, Encodable {
        case ok
        case degraded
    }

    /// Storage counters (+CPMS, TS 27.005 §3.2.2) at the last mirror pass.
    public struct Storage: Sendable, Hashable, Encodable {
        /// `SM`, `ME`, `SR`…
        public var storage: String
        /// Messages in it.
        public var used: Int
        /// Its capacity.
        public var total: Int
    }

    /// The mirror of the modem store.
    public struct Mirror: Sendable, Hashable, Encodable {
        /// When the last complete pass ended.
        public var lastPass: Date?
        /// Why the last pass failed, or why the mirror's state cannot be read; `nil` when it did not.
        public var lastError: String?
        /// Parts imported since the service started (new ones only).
        public var importedParts: Int
        /// Parts seen again and recognised.
        public var duplicateParts: Int
        /// Messages deleted from the modem after their import committed.
        public var deletedFromModem: Int
        /// Segments waiting for the rest of their message.
        public var pendingSegments: Int

        public func encode(to encoder: any Encoder) throws {
            // `encode` rather than the synthesised `encodeIfPresent`: an unknown value is written as null.
            var container = encoder.container(keyedBy: CodingKeys.self)
            // RFC 3339 in UTC from our own formatter (MessageTimestamp), not the encoder's `.iso8601` strategy:
            // with the full Foundation linked that is ICU's calendar, mapped into memory at the first request.
            try container.encode(lastPass.map { MessageTimestamp(date: $0).rfc3339 }, forKey: .lastPass)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(importedParts, forKey: .importedParts)
            try container.encode(duplicateParts, forKey: .duplicateParts)
            try container.encode(deletedFromModem, forKey: .deletedFromModem)
            try container.encode(pendingSegments, forKey: .pendingSegments)
        }

        enum CodingKeys: String, CodingKey {
            case lastPass, lastError, importedParts, duplicateParts, deletedFromModem, pendingSegments
        }
    }

    /// Overall verdict.
    public var status: Status
    /// The modem.
    public var modem: ModemHealth
    /// Storage counters at the last mirror pass.
    public var storage: [Storage]
    /// Messages in Outgoing still waiting to go; `nil` when the store cannot be read.
    public var outbox: Int?
    /// The mirror.
    public var mirror: Mirror
    /// The hook queues, by hook: pending, retrying and given-up deliveries (empty without hooks).
    public var hooks: [MessageHookHealth]
    /// The daemon's version (``MessagingServer/version``).
    public var version: String

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(modem, forKey: .modem)
        try container.encode(storage, forKey: .storage)
        try container.encode(outbox, forKey: .outbox)
        try container.encode(mirror, forKey: .mirror)
        try container.encode(hooks, forKey: .hooks)
        try container.encode(version, forKey: .version)
    }

    enum CodingKeys: String, CodingKey {
        case status, modem, storage, outbox, mirror, hooks, version
    }

    /// The JSON body: keys sorted (stable output for people and diffs), dates in RFC 3339 (ISO 8601) UTC.
    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Safe: every value is a string, a number, a date or null; nothing the encoder refuses (no NaN).
        return Array((try? encoder.encode(self)) ?? Data(#"{"status":"degraded"}"#.utf8))
    }
}
