import Foundation
import MessageStore

/// The segments and stores that import tests build, shared by the store's own tests (scripted rules) and the
/// mirror's (the real rules), so that both speak of the same rows.
package enum ImportFixtures {
    /// A received part whose PDU bytes are derived from its fields, so that equal fields make an equal (duplicate)
    /// part and any difference makes another one.
    package static func segment(
        _ text: String,
        from peer: String = "+15550000077",
        reference: Int? = nil,
        referenceBits: Int = 8,
        total: Int = 1,
        sequence: Int = 1,
        simID: Int64 = 1,
        at time: Double = 1_000,
        pdu: [UInt8]? = nil
    ) -> IncomingPart {
        let bytes = pdu ?? Array("\(peer)|\(reference ?? -1)|\(referenceBits)|\(sequence)|\(text)".utf8)
        return IncomingPart(
            simID: simID,
            pdu: bytes,
            contentHash: String(bytes.count) + "-" + String(bytes.reduce(0) { ($0 &* 31) &+ Int($1) }),
            source: "store",
            receivedAt: time,
            receivedOffset: 0,
            content: .message(
                MessagePart(
                    isReceived: true,
                    peer: peer,
                    ownNumber: "+15550000001",
                    text: text,
                    serviceCentreTime: time - 3,
                    serviceCentreOffset: 3600,
                    isFlash: false,
                    concatenation: reference.map {
                        MessagePart.Concatenation(
                            reference: $0,
                            referenceBits: referenceBits,
                            total: total,
                            sequence: sequence
                        )
                    },
                    routingClasses: ["SMS", "Mixed"]
                )
            )
        )
    }

    package static func makeStore() async throws -> MessageStore {
        let store = try MessageStore.inMemory()
        _ = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
        return store
    }

    package static func received(_ store: MessageStore) async throws -> [MessageRecord] {
        try await store.search(StoreQuery(folder: .received)).map(\.message)
    }

    /// Enqueues an outgoing message to +15550000099 that asks for status reports, already split into `parts` parts
    /// (none sent yet), and returns its row ID.
    package static func outgoingAwaitingReports(
        parts: Int,
        in store: MessageStore,
        now: Double
    ) async throws -> Int64 {
        try await outgoing(parts: parts, requestStatusReport: true, allocatesReference: false, in: store, now: now).id
    }

    /// The peer every outgoing message of these fixtures goes to.
    package static let outgoingRecipient = "+15550000099"

    /// Enqueues an outgoing message to ``outgoingRecipient``, already split into `parts` parts (none sent yet).
    /// With `allocatesReference` the parts carry a concatenation reference from the store's per-destination counter.
    /// - Returns: its row ID and reference.
    package static func outgoing(
        parts: Int,
        requestStatusReport: Bool,
        allocatesReference: Bool,
        in store: MessageStore,
        now: Double
    ) async throws -> (id: Int64, reference: Int?) {
        let message = MessageRecord(
            messageClass: "SMS",
            folder: .outgoing,
            status: .unread,
            direction: .outgoing,
            fromID: "+15550000001",
            text: "\(parts) parts",
            sortTime: now
        )
        let id = try await store.enqueueOutgoing(
            message,
            recipients: [],
            attachments: [],
            requestStatusReport: requestStatusReport,
            now: now
        )
        let records = try await store.preparePartsIfNeeded(messageID: id) { allocate in
            let reference = allocatesReference ? try allocate(outgoingRecipient, 256) : nil
            return (1...parts).map {
                OutboxPartRecord(
                    messageID: 0,
                    recipientIndex: 0,
                    seq: $0,
                    total: parts,
                    recipient: outgoingRecipient,
                    pdu: Data([UInt8($0)]),
                    tpduLength: 1,
                    concatRef: reference
                )
            }
        }
        return (id, records.first?.concatRef)
    }
}
