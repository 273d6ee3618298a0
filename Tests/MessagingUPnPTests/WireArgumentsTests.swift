import Messaging
import Testing

@testable import MessagingUPnP

/// The string in-arguments read into the service's typed queries (messaging-v2.md §5.0, §5.4, §5.12, I-6).
@Suite struct WireArgumentsTests {
    /// The MessagingError code `body` throws, or `nil`.
    static func code(_ body: () throws -> Void) -> Int? {
        do {
            try body()
            return nil
        } catch let error as MessagingError {
            return error.code.rawValue
        } catch {
            return -1
        }
    }

    @Test(arguments: ["", "ANY"])
    func emptyAndANYMeanAny(wildcard: String) throws {
        let query = try WireArguments.messageQuery(
            messageClass: wildcard,
            folder: wildcard,
            status: wildcard,
            sessionID: ""
        )
        #expect(query == MessageQuery())
        let sessions = try WireArguments.sessionQuery(sessionID: "", sessionClass: wildcard, sessionStatus: wildcard)
        #expect(sessions == .all)
    }

    @Test func searchCriteriaAreTyped() throws {
        let query = try WireArguments.messageQuery(
            messageClass: "SMS",
            folder: "Outgoing",
            status: "Unread",
            sessionID: "a1"
        )
        #expect(query == MessageQuery(messageClass: .sms, folder: .outgoing, status: .unread, sessionID: "a1"))
        // A class is an open set: whether it is offered is the service's decision (702), not the wire's.
        #expect(
            try WireArguments.messageQuery(messageClass: "Fax", folder: "", status: "", sessionID: "")
                .messageClass == MessageClass(rawValue: "Fax")
        )
    }

    @Test(arguments: ["read", "Seen", " Read"])
    func searchWithUnknownStatusIs705(status: String) {
        let code = Self.code {
            _ = try WireArguments.messageQuery(messageClass: "", folder: "", status: status, sessionID: "")
        }
        #expect(code == 705)
    }

    @Test(arguments: ["Inbox", "received", "Drafts"])
    func searchInUnknownFolderIs707(folder: String) {
        let code = Self.code {
            _ = try WireArguments.messageQuery(messageClass: "", folder: folder, status: "", sessionID: "")
        }
        #expect(code == 707)
    }

    @Test(arguments: ["running", "Open", "Active"])
    func listingSessionsWithAnUnknownStatusIs711(status: String) {
        let code = Self.code {
            _ = try WireArguments.sessionQuery(sessionID: "", sessionClass: "", sessionStatus: status)
        }
        #expect(code == 711)
    }

    @Test func aGivenSessionIDIgnoresTheOtherArguments() throws {
        let query = try WireArguments.sessionQuery(sessionID: "a1", sessionClass: "Bogus", sessionStatus: "Bogus")
        #expect(query == .session(id: "a1"))
    }

    @Test func sessionFiltersAreTyped() throws {
        let query = try WireArguments.sessionQuery(sessionID: "", sessionClass: "Chat", sessionStatus: "Parked")
        #expect(query == .matching(sessionClass: .chat, status: .parked))
    }

    @Test func emptyMeansUnchangedOrNone() {
        #expect(WireArguments.optional("") == nil)
        #expect(WireArguments.optional("ANY") == "ANY")  // ANY is a filter synonym only (I-6)
        #expect(WireArguments.optional("text/plain") == "text/plain")
    }
}
