import Foundation
import GRDB
import Testing

@testable import MessageStore

/// SearchMessages filters run as indexed SQL: no plan step scans the message table without an index.
@Suite struct SearchPlanTests {
    static let queries: [(String, StoreQuery)] = [
        ("class", StoreQuery(messageClass: "SMS")),
        ("folder", StoreQuery(folder: .received)),
        ("folder+status", StoreQuery(folder: .received, status: .unread)),
        ("status", StoreQuery(status: .unread)),
        ("session", StoreQuery(sessionID: 3)),
        ("peer", StoreQuery(peer: "+15550000077")),
        ("time", StoreQuery(since: 100, until: 200)),
        ("text", StoreQuery(text: "dinner")),
        ("short text", StoreQuery(text: "hi")),
        ("all", StoreQuery(messageClass: "SMS", folder: .sent, status: .read, peer: "+1555", since: 1, text: "abc")),
        ("none", StoreQuery()),
    ]

    @Test(arguments: queries.indices)
    func everyFilterUsesAnIndex(index: Int) throws {
        let (name, query) = Self.queries[index]
        let store = try MessageStore.inMemory()
        let plan = try store.writer.read { db in
            let (sql, arguments) = MessageStore.searchSQL(query)
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                $0["detail"] as String
            }
        }
        let fullScans = plan.filter { detail in
            (detail.hasPrefix("SCAN message ") || detail == "SCAN message" || detail.hasPrefix("SCAN messageRecipient"))
                && !detail.contains("USING")
        }
        #expect(fullScans.isEmpty, "\(name): \(plan)")
        if name != "none" && name != "short text" {
            // Something is searched, not only walked.
            #expect(plan.contains { $0.hasPrefix("SEARCH") || $0.contains("VIRTUAL TABLE INDEX") }, "\(name): \(plan)")
        }
    }
}
