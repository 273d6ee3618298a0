import Testing

@testable import Messaging

@Suite struct MessageIDTests {
    @Test(arguments: ["42", "abc123", "S1.42"])
    func parsesValidIdentifiers(text: String) throws {
        let id = try #require(MessageID(text))
        #expect(id.description == text)
    }

    @Test(arguments: ["", ".", "a.b.c", "S1.", ".42", "4-2", "ü1", "S 1.2"])
    func rejectsInvalidIdentifiers(text: String) {
        #expect(MessageID(text) == nil)
    }

    @Test func folderNamesAreTheSpecStrings() {
        #expect(MessageFolder.allCases.map(\.rawValue) == ["Received", "Outgoing", "Sent", "Deleted", "ClosedSession"])
    }
}
