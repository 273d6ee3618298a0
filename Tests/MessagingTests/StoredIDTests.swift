import Testing

@testable import Messaging

/// ``StoredID``: row ids written in base 36 (messaging-v2.md §10 "IDs").
@Suite struct StoredIDTests {
    @Test(arguments: [
        (Int64(1), "1"), (35, "z"), (36, "10"), (1_295, "zz"), (1_296, "100"), (Int64.max, "1y2p0ij32e8e7"),
    ])
    func encodesAndDecodes(value: Int64, text: String) {
        #expect(StoredID.encode(value) == text)
        #expect(StoredID.decode(text) == value)
    }

    @Test func nonPositiveIDsAreZero() {
        #expect(StoredID.encode(0) == "0")
        #expect(StoredID.encode(-5) == "0")
    }

    @Test func agreesWithTheStandardLibrary() {
        for value in stride(from: Int64(1), to: 50_000_000, by: 7_919) {
            #expect(StoredID.encode(value) == String(value, radix: 36))
        }
    }
}
