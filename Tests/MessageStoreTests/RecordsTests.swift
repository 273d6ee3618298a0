import Foundation
import GRDB
import Testing

@testable import MessageStore

@Suite struct RecordsTests {
    /// The columns `record` writes, and its table's columns as the migrations spelled them.
    static func columns<Record: MutablePersistableRecord>(
        of record: Record,
        in db: Database
    ) throws -> (written: [String], table: [String]) {
        let written = try record.databaseDictionary.keys.sorted()
        let table = try db.columns(in: Record.databaseTableName).map(\.name).sorted()
        return (written, table)
    }

    /// Swift spells the properties `sessionID`, the shipped schema `sessionId`: the CodingKeys map one to the other,
    /// so every record writes exactly its table's columns, spelled (case and all) as the schema spells them.
    @Test func everyRecordWritesItsTableColumnsAsTheSchemaSpellsThem() throws {
        let store = try MessageStore.inMemory()
        let pairs = try store.writer.read { db in
            [
                try Self.columns(
                    of: SIMRecord(id: 1, iccid: "8901", imsi: "00101", msisdn: "", firstSeen: 1, lastSeen: 1),
                    in: db
                ),
                try Self.columns(
                    of: MessageRecord(
                        id: 1,
                        sessionID: 2,
                        simID: 3,
                        messageClass: "SMS",
                        folder: .received,
                        status: .unread,
                        direction: .incoming,
                        fromID: "+15550000077",
                        sortTime: 1
                    ),
                    in: db
                ),
                try Self.columns(
                    of: SessionRecord(
                        id: 1,
                        sessionClass: "SMS",
                        subject: nil,
                        status: .running,
                        contentTypes: nil,
                        isIncoming: false,
                        creatorID: "+15550000001",
                        creatorName: nil,
                        peerKey: "+15550000099",
                        dateStarted: 1,
                        dateStartedOffset: 0
                    ),
                    in: db
                ),
                try Self.columns(
                    of: SessionEventRecord(seq: 1, sessionID: 1, kind: "closed", argument: nil, at: 1),
                    in: db
                ),
                try Self.columns(
                    of: ReceivedPartRecord(
                        id: 1,
                        simID: 1,
                        messageID: 2,
                        state: .assembled,
                        contentHash: "abc",
                        pdu: Data([0]),
                        source: "store",
                        receivedAt: 1
                    ),
                    in: db
                ),
                try Self.columns(
                    of: OutboxRecord(
                        messageID: 1,
                        state: .queued,
                        nextAttemptAt: 1,
                        requestStatusReport: false,
                        createdAt: 1
                    ),
                    in: db
                ),
                try Self.columns(
                    of: OutboxPartRecord(
                        messageID: 1,
                        recipientIndex: 0,
                        seq: 1,
                        total: 1,
                        recipient: "+15550000099",
                        pdu: Data([0]),
                        tpduLength: 1
                    ),
                    in: db
                ),
                try Self.columns(
                    of: FileTransferRecord(
                        sessionID: 1,
                        position: 0,
                        fileType: "image/png",
                        fileSize: 1,
                        fileLink: "http://h/f",
                        progressInterval: nil,
                        state: .queued
                    ),
                    in: db
                ),
            ]
        }
        for (written, table) in pairs {
            #expect(written == table)
        }
    }

    /// A search reads its rows by index (``MessageRecord/orderedColumns``, every column of the table in its order):
    /// the same record as reading by name; without the text, only the text is missing.
    @Test func searchReadsTheSameRecordAsReadingByName() async throws {
        let store = try MessageStore.inMemory()
        _ = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 1)
        let simID = try await store.simID(iccid: "8902", imsi: "00102", msisdn: "", now: 1)
        let sessionID = try await store.insertSession(
            SessionRecord(
                sessionClass: "SMS",
                subject: nil,
                status: .running,
                contentTypes: nil,
                isIncoming: true,
                creatorID: "+15550000077",
                creatorName: nil,
                peerKey: "+15550000077",
                dateStarted: 1,
                dateStartedOffset: 0
            ),
            recipients: [],
            participant: nil,
            events: []
        )
        #expect(simID != sessionID)
        let id = try await store.insertMessage(
            MessageRecord(
                sessionID: sessionID,
                simID: simID,
                messageClass: "SMS",
                folder: .received,
                status: .read,
                kind: .flash,
                direction: .incoming,
                replyTo: "r1",
                fromID: "+15550000077",
                fromName: "Ann",
                subject: "Hi",
                text: "dinner at 8",
                dateSent: 10.5,
                dateSentOffset: 3600,
                dateReceived: 11.25,
                dateReceivedOffset: -1800,
                sortTime: 11.25,
                isComplete: false
            ),
            recipients: [PeerRow(role: "to", peerID: "+15550000001", name: "Me")]
        )
        let byName = try #require(try await store.message(id: id)?.message)
        let found = try await store.search(StoreQuery(folder: .received))
        #expect(found.map(\.message) == [byName])
        #expect(found.first?.recipients == [PeerRow(role: "to", peerID: "+15550000001", name: "Me")])
        var withoutText = byName
        withoutText.text = nil
        #expect(try await store.search(StoreQuery(folder: .received), withText: false).map(\.message) == [withoutText])
        let table = try await store.writer.read { db in try db.columns(in: "message").map(\.name) }
        let ordered = MessageRecord.orderedColumns.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(ordered == table)
    }
}
