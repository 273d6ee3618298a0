import Foundation
import MessageStore
import TestSupport
import Testing

@testable import Messaging

/// The mirror's decode + import path on third-party vectors (Tests/Fixtures, README.md there): concatenated
/// sets reassembled in any order, status reports, and the content hash ignoring the SMSC field.
@Suite struct IncomingDecoderTests {
    struct ConcatSet: Sendable, CustomStringConvertible {
        var id: String
        var type: String
        var pdus: [[UInt8]]
        var text: String?
        var party: String
        var isData: Bool
        var description: String { id }
    }

    /// The records of a JSON-lines fixture; none when it cannot be read (`vectorsAreThere` then fails).
    static func lines(_ file: String) -> [[String: Any]] {
        ((try? Fixtures.lines(file)) ?? []).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return [] }
            out.append(value)
        }
        return out
    }

    static let concatSets: [ConcatSet] = lines("concat-sets.jsonl").compactMap { record in
        guard let id = record["id"] as? String, let type = record["type"] as? String,
            let parts = record["parts"] as? [[String: Any]], let expect = record["expect"] as? [String: Any]
        else { return nil }
        let pdus = parts.compactMap { part -> [UInt8]? in
            guard let hex = part["pdu"] as? String, part["has_smsc"] as? Bool == true else { return nil }
            return bytes(hex)
        }
        return ConcatSet(
            id: id,
            type: type,
            pdus: pdus,
            text: expect["text"] as? String,
            party: expect["party"] as? String ?? "",
            isData: expect["data_hex"] != nil
        )
    }

    @Test func vectorsAreThere() {
        #expect(Self.concatSets.count >= 5, "Tests/Fixtures/concat-sets.jsonl")
    }

    @Test(arguments: concatSets)
    func concatenatedSetsReassembleInAnyOrder(set: ConcatSet) async throws {
        for order in [Array(set.pdus.indices), Array(set.pdus.indices.reversed())] {
            let store = try MessageStore.inMemory()
            let sim = try await store.simID(iccid: "1", imsi: "1", msisdn: "", now: 0)
            for index in order {
                let part = IncomingDecoder.decode(
                    pdu: set.pdus[index],
                    storedStatus: set.type == "submit" ? .storedSent : .receivedUnread,
                    source: "store",
                    simID: sim,
                    ownNumber: "+15550000001",
                    receivedAt: Date(timeIntervalSince1970: 1_800_000_000),
                    importStoredSent: true
                )
                _ = try await store.importPart(part, rules: MirrorImportRules(reassemblyTimeout: .seconds(3600)))
            }
            let messages = try await store.search(StoreQuery()).map(\.message)
            if set.isData {
                // WAP pushes (8-bit to port 2948): an MMS notification becomes one Received MMS whose content is
                // pending; another push (the Service Indication) is kept raw, never shown as a message.
                let isMMS = set.id != "set-pm-wap-si"
                #expect(messages.count == (isMMS ? 1 : 0), "\(set.id)")
                if isMMS {
                    let message = try #require(messages.first)
                    #expect(message.messageClass == "MMS")
                    #expect(message.folder == .received)
                    #expect(!message.isComplete)
                    #expect(message.fromID.hasPrefix("+4477"))
                    let messageID = try #require(message.id)
                    let mms = try #require(try await store.mms(messageID: messageID))
                    #expect(mms.fetchState == .pending)
                    #expect(mms.contentLocation?.hasPrefix("http://promms/servlets/") == true)
                    if set.id == "set-pm-wap-a" {
                        // As the sidecar Tests/Fixtures/mms/notif-python-messaging-a.wsp.json says.
                        #expect(mms.transactionID == "NOK5CiKcoTMYSG4MBSwAAsKv14FUHAAAAAAAA")
                        #expect(mms.size == 29696)
                        #expect(abs((mms.expiry ?? 0) - (1_800_000_000 + 72000)) < 0.001)
                        #expect(message.fromID == "+447785342749")
                    }
                }
                #expect(try await store.receivedPartCount() == set.pdus.count)
                continue
            }
            #expect(messages.count == 1, "\(set.id) order \(order)")
            let message = try #require(messages.first)
            #expect(message.text == set.text, "\(set.id)")
            #expect(message.isComplete)
            if set.type == "submit" {
                #expect(message.folder == .sent)
                #expect(try await store.search(StoreQuery(peer: set.party)).count == 1, "\(set.id)")
            } else {
                #expect(message.folder == .received)
                #expect(message.fromID == set.party)
            }
        }
    }

    @Test func theHashIgnoresTheSMSCField() throws {
        let set = try #require(Self.concatSets.first { $0.id == "set-mm-multipart" })
        let tpdu = Array(IncomingDecoder.tpdu(of: set.pdus[0]))
        let bare = [UInt8(0)] + tpdu
        #expect(IncomingDecoder.contentHash(of: set.pdus[0]) == IncomingDecoder.contentHash(of: bare))
        #expect(IncomingDecoder.contentHash(of: set.pdus[0]) != IncomingDecoder.contentHash(of: set.pdus[1]))
    }

    @Test func statusReportsDecode() throws {
        let records = Self.lines("sms-status-report.jsonl")
        #expect(!records.isEmpty)
        for record in records {
            guard let hex = record["pdu"] as? String, let expect = record["expect"] as? [String: Any],
                let mr = expect["mr"] as? Int, let status = expect["status"] as? Int
            else { continue }
            let hasSMSC = record["has_smsc"] as? Bool ?? false
            let pdu = hasSMSC ? Self.bytes(hex) : [0] + Self.bytes(hex)
            let part = IncomingDecoder.decode(
                pdu: pdu,
                storedStatus: nil,
                source: "cds",
                simID: 1,
                ownNumber: "",
                receivedAt: Date(),
                importStoredSent: false
            )
            guard case .statusReport(let report) = part.content else {
                Issue.record("\(record["id"] ?? "?") did not decode as a status report: \(part.content)")
                continue
            }
            #expect(report.messageReference == mr)
            #expect(report.status == status)
            let recipient = (expect["recipient"] as? [String: Any])?["number"] as? String
            #expect(report.recipient == recipient.map(PeerAddress.normalize))
        }
    }

    @Test(arguments: [[UInt8](), [0x00], [0x07, 0x91], Array(repeating: 0xFF, count: 400)])
    func garbageIsKeptButNotImported(pdu: [UInt8]) {
        let part = IncomingDecoder.decode(
            pdu: pdu,
            storedStatus: .receivedUnread,
            source: "store",
            simID: 1,
            ownNumber: "",
            receivedAt: Date(),
            importStoredSent: false
        )
        guard case .notImported = part.content else {
            Issue.record("expected notImported, got \(part.content)")
            return
        }
    }
}
