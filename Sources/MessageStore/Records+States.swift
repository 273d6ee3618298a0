import GRDB

// The closed sets the records hold, stored as text (STYLE.md §7). Each raw value is the string the schema has
// always stored, so databases written before these enums existed read back unchanged. The SQL of the store names
// some of them literally (e.g. the partial index `receivedPart_pending`), so a raw value never changes.

extension MessageRecord {
    /// The folder a message is in (messaging-v2.md §3 #7).
    package enum Folder: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case received = "Received"
        case outgoing = "Outgoing"
        case sent = "Sent"
        case deleted = "Deleted"
        case closedSession = "ClosedSession"
    }

    /// The read status of a message (the `messageStatus` element).
    package enum ReadStatus: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case read = "Read"
        case unread = "Unread"
    }

    /// An ordinary message, or a class 0 ("flash") one (TS 23.038 §4).
    package enum Kind: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case normal
        case flash
    }

    /// Whether the device received the message or sends it.
    package enum Direction: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case incoming = "in"
        case outgoing = "out"
    }
}

extension SessionRecord {
    /// The status of a session (A_ARG_TYPE_SessionStatus, messaging-v2.md §3 #18, §8.2).
    package enum Status: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case pending = "Pending"
        case running = "Running"
        case parked = "Parked"
        case closed = "Closed"
    }
}

extension ReceivedPartRecord {
    /// What became of a received PDU.
    package enum State: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        /// A segment waiting for the rest of its message.
        case pending
        /// Part of a message (complete, or shown incomplete).
        case assembled
        /// An SMS-STATUS-REPORT.
        case statusReport
        /// Stored for diagnosis only: undecodable, or not a message for a person.
        case notImported
        /// The same content as a part already held, in another PDU (e.g. a copy with another time stamp).
        case duplicate
        /// A segment of a concatenated WAP push (port 2948) waiting for the rest of the push.
        case pushWaiting
    }
}

extension OutboxRecord {
    /// Where an outgoing message stands.
    package enum State: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case queued
        /// An attempt is under way.
        case sending
        case sent
        /// Failed for good (a permanent error, or the retry limit).
        case failed
        /// Deleted before it was handed to the network.
        case cancelled
    }
}

extension OutboxPartRecord {
    /// Where one SMS-SUBMIT of an outgoing message stands.
    package enum State: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case notSent
        /// AT+CMGS in flight.
        case submitting
        /// `+CMGS: <mr>` received; no status report yet.
        case accepted
        /// A status report said the SC is still trying (TS 23.040 §9.2.3.15, 0x20…0x3F).
        case pending
        /// A status report said it was delivered (0x00…0x1F).
        case delivered
        /// A status report said the SC gave up (0x40 and above).
        case failed
    }
}

extension FileTransferRecord {
    /// Where one file of a file-transfer session stands.
    package enum State: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case queued
        case running
        case completed
        case failed
        case cancelled
    }
}
