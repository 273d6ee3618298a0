import Foundation
import GRDB

// One Codable record per table (STYLE.md §7). NOT NULL columns are non-optional. Closed sets are enums stored as
// text: their raw values are the strings the schema has always held (the spec's where it names them), so no
// migration maps them. Open sets (message and session classes, which allow vendor values) stay strings.
// Properties are spelled as Swift spells acronyms (`sessionID`); where a column is spelled otherwise (`sessionId`,
// fixed by the shipped migrations), the record's CodingKeys name the column.

/// A row of `sim`.
package struct SIMRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "sim"
    package var id: Int64?
    package var iccid: String
    package var imsi: String
    package var msisdn: String
    package var firstSeen: Double
    package var lastSeen: Double

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `message`.
package struct MessageRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "message"
    package var id: Int64?
    package var sessionID: Int64?
    package var simID: Int64?
    package var messageClass: String
    package var folder: Folder
    package var status: ReadStatus
    package var kind: Kind
    package var direction: Direction
    package var replyTo: String?
    package var fromID: String
    package var fromName: String?
    package var subject: String?
    package var text: String?
    package var dateSent: Double?
    package var dateSentOffset: Int?
    package var dateReceived: Double?
    package var dateReceivedOffset: Int?
    package var sortTime: Double
    package var isComplete: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case sessionID = "sessionId"
        case simID = "simId"
        case messageClass = "class"
        case folder, status, kind, direction, replyTo
        case fromID = "fromId"
        case fromName, subject, text
        case dateSent, dateSentOffset, dateReceived, dateReceivedOffset, sortTime, isComplete
    }

    package init(
        id: Int64? = nil,
        sessionID: Int64? = nil,
        simID: Int64? = nil,
        messageClass: String,
        folder: Folder,
        status: ReadStatus,
        kind: Kind = .normal,
        direction: Direction,
        replyTo: String? = nil,
        fromID: String,
        fromName: String? = nil,
        subject: String? = nil,
        text: String? = nil,
        dateSent: Double? = nil,
        dateSentOffset: Int? = nil,
        dateReceived: Double? = nil,
        dateReceivedOffset: Int? = nil,
        sortTime: Double,
        isComplete: Bool = true
    ) {
        self.id = id
        self.sessionID = sessionID
        self.simID = simID
        self.messageClass = messageClass
        self.folder = folder
        self.status = status
        self.kind = kind
        self.direction = direction
        self.replyTo = replyTo
        self.fromID = fromID
        self.fromName = fromName
        self.subject = subject
        self.text = text
        self.dateSent = dateSent
        self.dateSentOffset = dateSentOffset
        self.dateReceived = dateReceived
        self.dateReceivedOffset = dateReceivedOffset
        self.sortTime = sortTime
        self.isComplete = isComplete
    }

    /// Reads a row by column name, as the Codable conformance would, without the decoder machinery: a search
    /// returns up to thousands of rows (Benchmarks/Sources/MessagingBench measures pages of 1,000). GRDB matches
    /// names case-insensitively through an index of lower-cased names; giving them lower-cased skips a
    /// `lowercased()` per column and row.
    package init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        sessionID = try row.decode(forColumn: "sessionid")
        simID = try row.decode(forColumn: "simid")
        messageClass = try row.decode(forColumn: "class")
        folder = try row.decode(forColumn: "folder")
        status = try row.decode(forColumn: "status")
        kind = try row.decode(forColumn: "kind")
        direction = try row.decode(forColumn: "direction")
        replyTo = try row.decode(forColumn: "replyto")
        fromID = try row.decode(forColumn: "fromid")
        fromName = try row.decode(forColumn: "fromname")
        subject = try row.decode(forColumn: "subject")
        text = try row.decode(forColumn: "text")
        dateSent = try row.decode(forColumn: "datesent")
        dateSentOffset = try row.decode(forColumn: "datesentoffset")
        dateReceived = try row.decode(forColumn: "datereceived")
        dateReceivedOffset = try row.decode(forColumn: "datereceivedoffset")
        sortTime = try row.decode(forColumn: "sorttime")
        isComplete = try row.decode(forColumn: "iscomplete")
    }

    /// Every column, in the order ``init(orderedRow:)`` reads them.
    package static let orderedColumns = columnList(text: "text")
    /// ``orderedColumns`` with NULL in place of the text.
    package static let orderedColumnsWithoutText = columnList(text: "NULL")

    private static func columnList(text: String) -> String {
        "id, sessionId, simId, class, folder, status, kind, direction, replyTo, fromId, fromName, subject, \(text), "
            + "dateSent, dateSentOffset, dateReceived, dateReceivedOffset, sortTime, isComplete"
    }

    /// Reads a row of ``orderedColumns`` by index: no name is looked up, per column and row, as ``init(row:)``
    /// must (a search returns pages of up to 1,000 rows).
    package init(orderedRow row: Row) throws {
        id = try row.decode(atIndex: 0)
        sessionID = try row.decode(atIndex: 1)
        simID = try row.decode(atIndex: 2)
        messageClass = try row.decode(atIndex: 3)
        folder = try row.decode(atIndex: 4)
        status = try row.decode(atIndex: 5)
        kind = try row.decode(atIndex: 6)
        direction = try row.decode(atIndex: 7)
        replyTo = try row.decode(atIndex: 8)
        fromID = try row.decode(atIndex: 9)
        fromName = try row.decode(atIndex: 10)
        subject = try row.decode(atIndex: 11)
        text = try row.decode(atIndex: 12)
        dateSent = try row.decode(atIndex: 13)
        dateSentOffset = try row.decode(atIndex: 14)
        dateReceived = try row.decode(atIndex: 15)
        dateReceivedOffset = try row.decode(atIndex: 16)
        sortTime = try row.decode(atIndex: 17)
        isComplete = try row.decode(atIndex: 18)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A recipient row (`messageRecipient` or `sessionRecipient`), without its owner key.
package struct PeerRow: Codable, Sendable, Hashable {
    /// `to`, `cc` or `bcc`.
    package var role: String
    package var peerID: String
    package var name: String?

    package init(role: String, peerID: String, name: String?) {
        self.role = role
        self.peerID = peerID
        self.name = name
    }
}

/// An attachment row, without its owner key.
package struct AttachmentRow: Codable, Sendable, Hashable {
    /// Where the content is: a link given by a control point, or empty for content kept as a file here.
    package var uri: String
    package var size: Int64?
    package var mimeType: String?
    /// The part's name (Content-Location or the content type's `name`), when it has one.
    package var name: String?
    /// The hex SHA-256 of the content when its bytes are a file beside the database (``AttachmentFiles``).
    package var sha256: String?

    package init(uri: String, size: Int64?, mimeType: String?, name: String? = nil, sha256: String? = nil) {
        self.uri = uri
        self.size = size
        self.mimeType = mimeType
        self.name = name
        self.sha256 = sha256
    }
}

/// A row of `session`.
package struct SessionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "session"
    package var id: Int64?
    package var sessionClass: String
    package var subject: String?
    package var status: Status
    package var contentTypes: String?
    package var isIncoming: Bool
    package var creatorID: String
    package var creatorName: String?
    package var peerKey: String
    package var dateStarted: Double
    package var dateStartedOffset: Int
    package var dateLastMessage: Double?
    package var dateEnded: Double?

    enum CodingKeys: String, CodingKey {
        case id
        case sessionClass = "class"
        case subject, status, contentTypes, isIncoming
        case creatorID = "creatorId"
        case creatorName, peerKey
        case dateStarted, dateStartedOffset, dateLastMessage, dateEnded
    }

    package init(
        id: Int64? = nil,
        sessionClass: String,
        subject: String?,
        status: Status,
        contentTypes: String?,
        isIncoming: Bool,
        creatorID: String,
        creatorName: String?,
        peerKey: String,
        dateStarted: Double,
        dateStartedOffset: Int,
        dateLastMessage: Double? = nil,
        dateEnded: Double? = nil
    ) {
        self.id = id
        self.sessionClass = sessionClass
        self.subject = subject
        self.status = status
        self.contentTypes = contentTypes
        self.isIncoming = isIncoming
        self.creatorID = creatorID
        self.creatorName = creatorName
        self.peerKey = peerKey
        self.dateStarted = dateStarted
        self.dateStartedOffset = dateStartedOffset
        self.dateLastMessage = dateLastMessage
        self.dateEnded = dateEnded
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `sessionEvent`.
package struct SessionEventRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "sessionEvent"
    package var seq: Int64?
    package var sessionID: Int64
    package var kind: String
    package var argument: String?
    package var at: Double

    enum CodingKeys: String, CodingKey {
        case seq
        case sessionID = "sessionId"
        case kind, argument, at
    }

    package init(seq: Int64? = nil, sessionID: Int64, kind: String, argument: String?, at: Double) {
        self.seq = seq
        self.sessionID = sessionID
        self.kind = kind
        self.argument = argument
        self.at = at
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

/// A row of `receivedPart`.
package struct ReceivedPartRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "receivedPart"
    package var id: Int64?
    package var simID: Int64
    package var messageID: Int64?
    package var state: State
    package var contentHash: String
    package var pdu: Data
    /// `cmt`, `cds` or `store`.
    package var source: String
    package var receivedAt: Double
    package var originator: String?
    package var concatRef: Int?
    package var concatTotal: Int?
    package var concatSeq: Int?
    /// Width of the concatenation reference, 8 or 16 (TS 23.040 §9.2.3.24.1, §9.2.3.24.8); `nil` in rows stored
    /// before the column existed.
    package var concatRefBits: Int?
    package var partText: String?
    /// The user data of a WAP-push segment (its payload after the user data header), kept until the push is
    /// reassembled; `nil` for every other part.
    package var payload: Data?

    enum CodingKeys: String, CodingKey {
        case id
        case simID = "simId"
        case messageID = "messageId"
        case state, contentHash, pdu, source, receivedAt, originator
        case concatRef, concatTotal, concatSeq, concatRefBits, partText, payload
    }

    package init(
        id: Int64? = nil,
        simID: Int64,
        messageID: Int64? = nil,
        state: State,
        contentHash: String,
        pdu: Data,
        source: String,
        receivedAt: Double,
        originator: String? = nil,
        concatRef: Int? = nil,
        concatTotal: Int? = nil,
        concatSeq: Int? = nil,
        concatRefBits: Int? = nil,
        partText: String? = nil,
        payload: Data? = nil
    ) {
        self.id = id
        self.simID = simID
        self.messageID = messageID
        self.state = state
        self.contentHash = contentHash
        self.pdu = pdu
        self.source = source
        self.receivedAt = receivedAt
        self.originator = originator
        self.concatRef = concatRef
        self.concatTotal = concatTotal
        self.concatSeq = concatSeq
        self.concatRefBits = concatRefBits
        self.partText = partText
        self.payload = payload
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `outbox`.
package struct OutboxRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "outbox"
    package var messageID: Int64
    package var state: State
    package var attempts: Int
    package var nextAttemptAt: Double
    package var lastErrorCode: Int?
    package var lastError: String?
    package var isPermanentError: Bool
    package var requestStatusReport: Bool
    package var createdAt: Double
    package var sentAt: Double?

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId"
        case state, attempts, nextAttemptAt, lastErrorCode, lastError, isPermanentError, requestStatusReport
        case createdAt, sentAt
    }

    package init(
        messageID: Int64,
        state: State,
        attempts: Int = 0,
        nextAttemptAt: Double,
        lastErrorCode: Int? = nil,
        lastError: String? = nil,
        isPermanentError: Bool = false,
        requestStatusReport: Bool,
        createdAt: Double,
        sentAt: Double? = nil
    ) {
        self.messageID = messageID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastErrorCode = lastErrorCode
        self.lastError = lastError
        self.isPermanentError = isPermanentError
        self.requestStatusReport = requestStatusReport
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// A row of `outboxPart`.
package struct OutboxPartRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "outboxPart"
    package var messageID: Int64
    package var recipientIndex: Int
    package var seq: Int
    package var total: Int
    package var recipient: String
    package var pdu: Data
    package var tpduLength: Int
    /// The concatenation reference the segment carries (TS 23.040 §9.2.3.24.1); nil for a single-part message.
    package var concatRef: Int?
    package var state: State
    package var mr: Int?
    package var submittedAt: Double?
    package var statusCode: Int?
    package var statusTime: Double?
    package var statusTimeOffset: Int?

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId"
        case recipientIndex, seq, total, recipient, pdu, tpduLength, concatRef, state, mr, submittedAt
        case statusCode, statusTime, statusTimeOffset
    }

    package init(
        messageID: Int64,
        recipientIndex: Int,
        seq: Int,
        total: Int,
        recipient: String,
        pdu: Data,
        tpduLength: Int,
        concatRef: Int? = nil,
        state: State = .notSent,
        mr: Int? = nil,
        submittedAt: Double? = nil,
        statusCode: Int? = nil,
        statusTime: Double? = nil,
        statusTimeOffset: Int? = nil
    ) {
        self.messageID = messageID
        self.recipientIndex = recipientIndex
        self.seq = seq
        self.total = total
        self.recipient = recipient
        self.pdu = pdu
        self.tpduLength = tpduLength
        self.concatRef = concatRef
        self.state = state
        self.mr = mr
        self.submittedAt = submittedAt
        self.statusCode = statusCode
        self.statusTime = statusTime
        self.statusTimeOffset = statusTimeOffset
    }
}

/// A row of `fileTransfer`.
package struct FileTransferRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "fileTransfer"
    package var sessionID: Int64
    package var position: Int
    package var fileType: String
    package var fileSize: Int64
    package var fileLink: String
    /// Seconds between progress events; `nil` for a single completion event.
    package var progressInterval: Int?
    package var state: State
    package var bytes: Int64
    package var messageID: Int64?

    enum CodingKeys: String, CodingKey {
        case sessionID = "sessionId"
        case position, fileType, fileSize, fileLink, progressInterval, state, bytes
        case messageID = "messageId"
    }

    package init(
        sessionID: Int64,
        position: Int,
        fileType: String,
        fileSize: Int64,
        fileLink: String,
        progressInterval: Int?,
        state: State,
        bytes: Int64 = 0,
        messageID: Int64? = nil
    ) {
        self.sessionID = sessionID
        self.position = position
        self.fileType = fileType
        self.fileSize = fileSize
        self.fileLink = fileLink
        self.progressInterval = progressInterval
        self.state = state
        self.bytes = bytes
        self.messageID = messageID
    }
}
