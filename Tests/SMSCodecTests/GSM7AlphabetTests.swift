import Testing

@testable import SMSCodec

@Suite struct GSM7AlphabetTests {
    @Test func defaultTableRoundTripsEveryCharacter() throws {
        let text = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà"
        let septets = try GSM7Alphabet.default.encode(text)
        #expect(septets.count == text.unicodeScalars.count)
        #expect(GSM7Alphabet.default.decode(septets) == text)
    }

    @Test func extensionCharactersTakeTwoSeptets() throws {
        let septets = try GSM7Alphabet.default.encode("€[]")
        #expect(septets == [0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E])
        #expect(GSM7Alphabet.default.decode(septets) == "€[]")
    }

    @Test func unknownEscapeFallsBackToBasicTable() {
        // TS 23.038 §6.2.1.1: ESC + undefined code shows the basic character of that code ('A' = 0x41).
        #expect(GSM7Alphabet.default.decode([0x1B, 0x41]) == "A")
    }

    @Test func unrepresentableCharacterIsAnError() {
        #expect(throws: GSM7EncodingError(scalar: "😀", scalarOffset: 2)) {
            try GSM7Alphabet.default.encode("hi😀")
        }
    }

    @Test func packsHelloLikeTheSpecExample() throws {
        // "hellohello" packs to E8329BFD4697D9EC37 (TS 23.038 §6.1.2.1.1 example, widely used in PDU tutorials).
        let septets = try GSM7Alphabet.default.encode("hellohello")
        let packed = SeptetPacking.pack(septets)
        #expect(packed == [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37])
        #expect(try SeptetPacking.unpack(packed, count: 10) == septets)
    }

    @Test func fillBitsAfterUserDataHeader() throws {
        let septets = try GSM7Alphabet.default.encode("ABC")
        for fill in 0...6 {
            let packed = SeptetPacking.pack(septets, fillBits: fill)
            #expect(packed.count == SeptetPacking.octetCount(septets: 3, fillBits: fill))
            #expect(try SeptetPacking.unpack(packed, count: 3, fillBits: fill) == septets)
        }
    }

    @Test func unpackRejectsShortInput() {
        #expect(throws: SeptetPackingError.truncated(septetsWanted: 9, octetsAvailable: 7)) {
            try SeptetPacking.unpack([UInt8](repeating: 0, count: 7), count: 9)
        }
    }
}
