import Testing

@testable import MMSCodec

@Suite struct UIntVarTests {
    static let vectors: [(UInt32, [UInt8])] = [
        (0, [0x00]),
        (127, [0x7F]),
        (128, [0x81, 0x00]),
        (0x3FFF, [0xFF, 0x7F]),
        (UInt32.max, [0x8F, 0xFF, 0xFF, 0xFF, 0x7F]),
    ]

    @Test(arguments: vectors)
    func roundTrip(value: UInt32, bytes: [UInt8]) throws {
        #expect(UIntVar.encode(value) == bytes)
        let decoded = try UIntVar.decode(bytes + [0xAA])
        #expect(decoded.value == value)
        #expect(decoded.length == bytes.count)
    }

    @Test func truncatedInputIsRejected() {
        #expect(throws: UIntVarError.truncated) { try UIntVar.decode([0x81, 0x80]) }
    }

    @Test func overlongInputIsRejected() {
        #expect(throws: UIntVarError.tooLong) { try UIntVar.decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) }
        #expect(throws: UIntVarError.tooLong) { try UIntVar.decode([0x9F, 0xFF, 0xFF, 0xFF, 0x7F]) }
    }
}
