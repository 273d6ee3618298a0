import Testing

@testable import SMSCodec

@Suite struct GSM7AlphabetTests {
    @Test func defaultTableRoundTripsEveryCharacter() throws {
        let text =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà"
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

    @Test func unrepresentableCharacterNamesTheTables() {
        let pair = GSM7Alphabet.make(locking: .hindi, single: nil)
        #expect(throws: GSM7EncodingError(scalar: "ş", scalarOffset: 1, lockingShift: .hindi, singleShift: nil)) {
            try pair.encode("aş")
        }
        let error = GSM7EncodingError(scalar: "ş", scalarOffset: 1, lockingShift: .hindi, singleShift: nil)
        #expect(error.description.contains("U+15F"))
        #expect(error.description.contains("hindi"))
    }

    @Test func escapeEscapeAndTrailingEscapeShowASpace() {
        // TS 23.038 §6.2.1.1 NOTE 1: 0x1B 0x1B is reserved for a further extension table; display a space.
        #expect(GSM7Alphabet.default.decode([0x41, 0x1B, 0x1B, 0x42]) == "A B")
        #expect(GSM7Alphabet.default.decode([0x41, 0x1B]) == "A ")
    }

    @Test func undefinedPositionsOfNationalTablesShowTheReplacementCharacter() {
        // Bengali locking 0x0C is empty (TS 23.038 §A.3.4).
        let bengali = GSM7Alphabet.make(locking: .bengali, single: .bengali)
        #expect(bengali.character(forSeptet: 0x0C) == nil)
        #expect(bengali.decode([0x03, 0x0C, 0x03]) == "\u{0985}\u{FFFD}\u{0985}")
        // ESC + a position both tables leave empty.
        #expect(bengali.extensionCharacter(forSeptet: 0x0C) == "+")
        #expect(bengali.extensionCharacter(forSeptet: 0x0D) == nil)
        #expect(bengali.decode([0x1B, 0x0D]) == "\r")  // falls back to the locking table's CR
        #expect(bengali.extensionCharacter(forSeptet: 0x70) == nil)
        #expect(bengali.decode([0x1B, 0x70]) == "p")
    }

    @Test func highBitIsIgnoredOnDecode() {
        #expect(GSM7Alphabet.default.decode([0xC1, 0x80]) == "A@")
    }

    @Test func nationalPairEncodesAndDecodes() throws {
        let pair = GSM7Alphabet.make(locking: .turkish, single: .turkish)
        // 'ş' is in the locking table (0x1D); 'ç' both in locking (0x60) and single (0x63): the locking one wins.
        #expect(try pair.encode("şç€") == [0x1D, 0x60, 0x04])
        #expect(pair.septets(for: "{") == [0x1B, 0x28])
        #expect(pair.septetCount(for: "{") == 2)
        #expect(pair.septetCount(for: "ж") == nil)
        #expect(pair.septetCount(of: "ş{") == 3)
        #expect(pair.septetCount(of: "şж") == nil)
        #expect(pair.canEncode("Şişli"))
        #expect(!GSM7Alphabet.default.canEncode("Şişli"))
        #expect(pair.decode(try pair.encode("İstanbul'da {ğ}")) == "İstanbul'da {ğ}")
    }

    @Test func equalityIsByTables() {
        #expect(GSM7Alphabet.make(locking: .urdu, single: .urdu) == GSM7Alphabet.make(locking: .urdu, single: .urdu))
        #expect(GSM7Alphabet.make(locking: .urdu, single: nil) != GSM7Alphabet.make(locking: .urdu, single: .urdu))
        #expect(Set([GSM7Alphabet.default, .make(locking: nil, single: nil)]).count == 1)
    }
}
