import Testing

@testable import SMSCodec

/// UCS-2 as UTF-16BE with surrogate pairs (TS 23.038 §6.2.3), and its behaviour on malformed octets.
@Suite struct AlphabetUCS2Tests {
    @Test func encodesBigEndianWithSurrogatePairs() {
        #expect(UCS2.encode("A") == [0x00, 0x41])
        #expect(UCS2.encode("Ж€") == [0x04, 0x16, 0x20, 0xAC])
        // U+1F600 = D83D DE00.
        #expect(UCS2.encode("A😀") == [0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00])
        #expect(UCS2.encode("") == [])
        #expect(UCS2.codeUnitCount(of: "A😀") == 3)
    }

    @Test(arguments: ["", "hello", "Да здравствует", "👨‍👩‍👧‍👦🇮🇪👍🏽", "a\u{0301}\u{0000}\u{FFFF}\u{10FFFF}"])
    func roundTrips(_ text: String) throws {
        let octets = UCS2.encode(text)
        #expect(octets.count == 2 * text.utf16.count)
        #expect(UCS2.decode(octets) == text)
        #expect(try UCS2.decodeStrictly(octets) == text)
    }

    @Test func loneHighSurrogateAtTheEnd() {
        let octets: [UInt8] = [0x00, 0x41, 0xD8, 0x3D]
        #expect(UCS2.decode(octets) == "A\u{FFFD}")
        #expect(throws: UCS2DecodingError(kind: .loneSurrogate(0xD83D), octetOffset: 2)) {
            try UCS2.decodeStrictly(octets)
        }
    }

    @Test func highSurrogateFollowedByAnOrdinaryUnit() {
        let octets: [UInt8] = [0xD8, 0x3D, 0x00, 0x41]
        #expect(UCS2.decode(octets) == "\u{FFFD}A")
        #expect(throws: UCS2DecodingError(kind: .loneSurrogate(0xD83D), octetOffset: 0)) {
            try UCS2.decodeStrictly(octets)
        }
    }

    @Test func loneLowSurrogate() {
        let octets: [UInt8] = [0x00, 0x41, 0xDE, 0x00, 0x00, 0x42]
        #expect(UCS2.decode(octets) == "A\u{FFFD}B")
        #expect(throws: UCS2DecodingError(kind: .loneSurrogate(0xDE00), octetOffset: 2)) {
            try UCS2.decodeStrictly(octets)
        }
    }

    @Test func twoHighSurrogatesInARow() {
        // The first is lone; the second pairs with the following low surrogate.
        let octets: [UInt8] = [0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00]
        #expect(UCS2.decode(octets) == "\u{FFFD}😀")
    }

    @Test func oddOctetCount() {
        #expect(UCS2.decode([0x00, 0x41, 0x00]) == "A\u{FFFD}")
        #expect(UCS2.decode([0x41]) == "\u{FFFD}")
        // A high surrogate cut by the odd end: both shown.
        #expect(UCS2.decode([0xD8, 0x3D, 0xDE]) == "\u{FFFD}\u{FFFD}")
        #expect(throws: UCS2DecodingError(kind: .oddOctetCount, octetOffset: 2)) {
            try UCS2.decodeStrictly([0x00, 0x41, 0x00])
        }
        let error = UCS2DecodingError(kind: .oddOctetCount, octetOffset: 2)
        #expect(error.description.contains("odd"))
    }

    @Test func surrogatePairSplitBySenderAcrossParts() {
        // Some senders cut a pair between two concatenated parts: per part it shows two replacement characters,
        // joined octets decode correctly (reassembly must join before decoding).
        let octets = UCS2.encode("😀")
        #expect(UCS2.decode(octets.prefix(2)) + UCS2.decode(octets.suffix(2)) == "\u{FFFD}\u{FFFD}")
        #expect(UCS2.decode(octets.prefix(2) + octets.suffix(2)) == "😀")
    }
}
