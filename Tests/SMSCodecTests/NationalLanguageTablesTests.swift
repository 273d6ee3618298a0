import Testing

@testable import SMSCodec

/// The national language tables of TS 23.038 Annex A and their use by the segmenter.
@Suite struct NationalLanguageTablesTests {
    /// A short natural phrase per language, written only with characters of that language's tables.
    static let phrases: [(NationalLanguage, String)] = [
        (.turkish, "Şişli'de güzel bir gün; ığdır çiçekleri açtı. "),
        (.spanish, "¿Qué tal? Está aquí con él, mañana te llamo. "),
        (.portuguese, "Não há ações às três horas, você está lá? "),
        (.bengali, "আমি তোমাকে ভালোবাসি, কেমন আছ? "),
        (.gujarati, "હું તમને પ્રેમ કરું છું. "),
        (.hindi, "नमस्ते, आप कैसे हैं? "),
        (.kannada, "ನಮಸ್ಕಾರ, ಹೇಗಿದ್ದೀರಿ? "),
        (.malayalam, "നമസ്കാരം, സുഖമാണോ? "),
        (.oriya, "ନମସ୍କାର, ଆପଣ କେମିତି ଅଛନ୍ତି? "),
        (.punjabi, "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਤੁਸੀਂ ਕਿਵੇਂ ਹੋ? "),
        (.tamil, "வணக்கம், எப்படி இருக்கிறீர்கள்? "),
        (.telugu, "నమస్కారం, మీరు ఎలా ఉన్నారు? "),
        (.urdu, "السلام علیکم، آپ کیسے ہیں؟ "),
    ]

    // MARK: - The enum and the API

    @Test func identifiersAreThoseOfTS23038() {
        // TS 23.038 §6.2.1.2.4.
        let expected: [(NationalLanguage, UInt8)] = [
            (.turkish, 1), (.spanish, 2), (.portuguese, 3), (.bengali, 4), (.gujarati, 5), (.hindi, 6),
            (.kannada, 7), (.malayalam, 8), (.oriya, 9), (.punjabi, 10), (.tamil, 11), (.telugu, 12), (.urdu, 13),
        ]
        #expect(NationalLanguage.allCases.count == 13)
        for (language, code) in expected {
            #expect(language.rawValue == code)
            #expect(NationalLanguage(rawValue: code) == language)
            #expect(NationalLanguage(name: language.description.uppercased()) == language)
        }
        #expect(NationalLanguage(rawValue: 0) == nil)
        #expect(NationalLanguage(rawValue: 14) == nil)
        #expect(NationalLanguage(name: "klingon") == nil)
    }

    @Test func makeSelectsTheTables() {
        let pair = GSM7Alphabet.make(locking: .turkish, single: .portuguese)
        #expect(pair.lockingShift == .turkish)
        #expect(pair.singleShift == .portuguese)
        #expect(pair.character(forSeptet: 0x07) == "ı")  // Turkish locking §A.3.1
        #expect(pair.extensionCharacter(forSeptet: 0x5C) == "Õ")  // Portuguese single §A.2.3
        #expect(GSM7Alphabet.make(locking: nil, single: nil) == .default)
        #expect(GSM7Alphabet.default.isDefault)
        #expect(!pair.isDefault)
    }

    @Test func spanishLockingFallsBackToTheDefaultAlphabet() {
        // §A.3.2 is void; an unsupported identifier means the default alphabet (§6.2.1.2.4).
        let pair = GSM7Alphabet.make(locking: .spanish, single: .spanish)
        #expect(pair.lockingShift == nil)
        #expect(pair.singleShift == .spanish)
        #expect(pair.character(forSeptet: 0x04) == "è")
        #expect(pair.extensionCharacter(forSeptet: 0x61) == "á")
        #expect(!NationalLanguage.spanish.hasLockingShiftTable)
        #expect(NationalLanguage.allCases.filter { !$0.hasLockingShiftTable } == [.spanish])
    }

    // MARK: - Table contents

    @Test(arguments: [nil] + NationalLanguage.allCases.filter(\.hasLockingShiftTable))
    func lockingTableInvariants(_ language: NationalLanguage?) {
        let pair = GSM7Alphabet.make(locking: language, single: nil)
        // Control characters, space and digits sit at the same positions in every locking shift table.
        #expect(pair.character(forSeptet: 0x0A) == "\n")
        #expect(pair.character(forSeptet: 0x0D) == "\r")
        #expect(pair.character(forSeptet: 0x1B) == nil)
        #expect(pair.character(forSeptet: 0x20) == " ")
        for digit in 0..<10 {
            #expect(pair.character(forSeptet: UInt8(0x30 + digit)) == Unicode.Scalar(UInt8(ascii: "0") + UInt8(digit)))
        }
        // Every defined position round-trips.
        for septet in UInt8(0)..<128 {
            guard let scalar = pair.character(forSeptet: septet) else { continue }
            #expect(pair.basicSeptet(for: scalar) == septet)
        }
    }

    @Test(arguments: [nil] + NationalLanguage.allCases)
    func singleShiftTableInvariants(_ language: NationalLanguage?) {
        let pair = GSM7Alphabet.make(locking: nil, single: language)
        // The default extension characters keep their positions in every single shift table (TS 23.038 §A.2).
        let shared: [(UInt8, Unicode.Scalar)] = [
            (0x0A, "\u{0C}"), (0x14, "^"), (0x28, "{"), (0x29, "}"), (0x2F, "\\"), (0x3C, "["), (0x3D, "~"),
            (0x3E, "]"), (0x40, "|"), (0x65, "€"),
        ]
        for (septet, scalar) in shared {
            #expect(pair.extensionCharacter(forSeptet: septet) == scalar, "0x\(String(septet, radix: 16))")
        }
        #expect(pair.extensionCharacter(forSeptet: 0x1B) == nil)
        #expect(pair.extensionCharacter(forSeptet: 0x0D) == nil)
        // Every defined position encodes as ESC + its septet, except the Indic tables' duplicates ('*' at 0x0B and
        // 0x18, '¡' at 0x13 and 0x15), which encode at the lower position.
        for septet in UInt8(0)..<128 {
            guard let scalar = pair.extensionCharacter(forSeptet: septet) else { continue }
            let encoded = pair.extensionSeptet(for: scalar)
            if (septet == 0x18 && scalar == "*") || (septet == 0x15 && scalar == "¡") {
                #expect(encoded == septet - (septet == 0x18 ? 0x0D : 0x02))
            } else {
                #expect(encoded == septet)
            }
        }
    }

    /// How many positions each table defines: a fingerprint of the transcription (ESC and empty positions excluded).
    @Test func definedPositionCounts() {
        let locking: [NationalLanguage?: Int] = [
            nil: 127, .turkish: 127, .portuguese: 127, .bengali: 114, .gujarati: 120, .hindi: 127, .kannada: 120,
            .malayalam: 120, .oriya: 116, .punjabi: 110, .tamil: 102, .telugu: 120, .urdu: 127,
        ]
        let single: [NationalLanguage?: Int] = [
            nil: 10, .turkish: 17, .spanish: 19, .portuguese: 37, .bengali: 82, .gujarati: 70, .hindi: 88,
            .kannada: 73, .malayalam: 82, .oriya: 75, .punjabi: 76, .tamil: 77, .telugu: 78, .urdu: 90,
        ]
        for (language, count) in locking {
            let pair = GSM7Alphabet.make(locking: language, single: nil)
            #expect((UInt8(0)..<128).filter { pair.character(forSeptet: $0) != nil }.count == count)
        }
        for (language, count) in single {
            let pair = GSM7Alphabet.make(locking: nil, single: language)
            #expect((UInt8(0)..<128).filter { pair.extensionCharacter(forSeptet: $0) != nil }.count == count)
        }
    }

    /// Spot checks against the printed tables of TS 23.038 Annex A, including the entries where published
    /// transcriptions disagree.
    @Test func spotChecksAgainstThePrintedTables() {
        func locking(_ language: NationalLanguage, _ septet: UInt8) -> Unicode.Scalar? {
            GSM7Alphabet.make(locking: language, single: nil).character(forSeptet: septet)
        }
        func single(_ language: NationalLanguage, _ septet: UInt8) -> Unicode.Scalar? {
            GSM7Alphabet.make(locking: nil, single: language).extensionCharacter(forSeptet: septet)
        }
        // §A.3.1 Turkish locking.
        #expect(locking(.turkish, 0x04) == "€")
        #expect(locking(.turkish, 0x0B) == "Ğ")
        #expect(locking(.turkish, 0x1C) == "Ş")
        #expect(locking(.turkish, 0x40) == "İ")
        #expect(locking(.turkish, 0x60) == "ç")
        // §A.2.1 Turkish single.
        #expect(single(.turkish, 0x47) == "Ğ")
        #expect(single(.turkish, 0x69) == "ı")
        // §A.2.2 Spanish single.
        #expect(single(.spanish, 0x09) == "ç")
        #expect(single(.spanish, 0x41) == "Á")
        #expect(single(.spanish, 0x6F) == "ó")
        // §A.3.3 Portuguese locking.
        #expect(locking(.portuguese, 0x12) == "ª")
        #expect(locking(.portuguese, 0x14) == "À")
        #expect(locking(.portuguese, 0x15) == "∞")
        #expect(locking(.portuguese, 0x24) == "º")
        #expect(locking(.portuguese, 0x7B) == "ã")
        #expect(locking(.portuguese, 0x7D) == "`")
        // §A.2.3 Portuguese single.
        #expect(single(.portuguese, 0x12) == "Φ")
        #expect(single(.portuguese, 0x7F) == "â")
        // §A.3.4 Bengali locking / §A.2.4 single.
        #expect(locking(.bengali, 0x00) == "\u{0981}")
        #expect(locking(.bengali, 0x7F) == "\u{09F1}")
        #expect(single(.bengali, 0x19) == "\u{09E6}")  // digit zero
        // §A.3.6 Hindi locking: DDA at 0x24, OM at 0x60.
        #expect(locking(.hindi, 0x24) == "\u{0921}")
        #expect(locking(.hindi, 0x60) == "\u{0950}")
        #expect(single(.hindi, 0x19) == "\u{0964}")  // danda
        // §A.3.7 Kannada locking 0x24: U+0CA1 (the printed U+0CAA repeats 0x3D; see GSM7Tables+Data.swift).
        #expect(locking(.kannada, 0x24) == "\u{0CA1}")
        #expect(locking(.kannada, 0x3D) == "\u{0CAA}")
        #expect(single(.kannada, 0x3C) == "[")
        // §A.3.8 Malayalam locking 0x2E is FULL STOP.
        #expect(locking(.malayalam, 0x2E) == ".")
        #expect(locking(.malayalam, 0x7F) == "\u{0D79}")
        // §A.2.11 Tamil single 0x24: U+0BEE (the printed U+0BEF repeats 0x25).
        #expect(single(.tamil, 0x24) == "\u{0BEE}")
        #expect(single(.tamil, 0x25) == "\u{0BEF}")
        // §A.2.12 Telugu single: euro at 0x65, no danda at 0x19.
        #expect(single(.telugu, 0x65) == "€")
        #expect(single(.telugu, 0x19) == nil)
        // §A.3.13 Urdu locking: right-to-left, so ')' precedes '('.
        #expect(locking(.urdu, 0x00) == "\u{0627}")
        #expect(locking(.urdu, 0x28) == ")")
        #expect(locking(.urdu, 0x29) == "(")
        #expect(single(.urdu, 0x33) == "\u{061F}")  // Arabic question mark
    }

    // MARK: - Use by the segmenter

    @Test(arguments: phrases.map(\.0))
    func representativeTextNeedsFewerPartsThanUCS2(_ language: NationalLanguage) throws {
        let phrase = try #require(Self.phrases.first { $0.0 == language }?.1)
        let text = String(repeating: phrase, count: max(1, 150 / phrase.count + 1))
        let national = try Segmenter.segment(
            text,
            options: SegmentationOptions(nationalLanguages: .languages([language]))
        )
        let ucs2 = try Segmenter.segment(text, options: SegmentationOptions(forceUCS2: true))
        guard case .gsm7(let locking, let single) = national.alphabet else {
            Issue.record("\(language): expected GSM 7-bit, got \(national.alphabet)")
            return
        }
        #expect(locking == language || single == language)
        #expect(national.parts.count < ucs2.parts.count, "\(language): \(national.parts.count) vs \(ucs2.parts.count)")
        // Without national tables the text needs UCS-2.
        let plain = try Segmenter.segment(text, options: SegmentationOptions())
        #expect(plain.alphabet == .ucs2)
        // Round trip through the chosen tables.
        let pair = try #require(national.alphabet.gsm7Alphabet)
        #expect(national.parts.map { pair.decode($0.units) }.joined() == text)
        #expect(national.parts.map(\.text).joined() == text)
        // .auto finds a pair at least as good.
        let auto = try Segmenter.segment(text, options: SegmentationOptions(nationalLanguages: .auto))
        #expect(auto.parts.count <= national.parts.count)
    }

    @Test(arguments: phrases.map(\.0))
    func shortTextStaysUCS2WhenNationalTablesSaveNothing(_ language: NationalLanguage) throws {
        let phrase = try #require(Self.phrases.first { $0.0 == language }?.1)
        // One part either way: UCS-2 wins the tie (no shift element, every handset decodes it).
        let result = try Segmenter.segment(phrase, options: SegmentationOptions(nationalLanguages: .auto))
        #expect(result.alphabet == .ucs2)
        #expect(result.parts.count == 1)
    }

    @Test func defaultTextNeverPicksANationalTable() throws {
        let options = SegmentationOptions(nationalLanguages: .auto)
        for text in [
            "Hello world", "Ça va? 5€ [ok]", String(repeating: "a", count: 160), String(repeating: "x", count: 500),
        ] {
            let result = try Segmenter.segment(text, options: options)
            #expect(result.alphabet == .gsm7Default, "\(text.prefix(20))")
            #expect(result.alphabet.nationalLanguageElements.isEmpty)
        }
    }

    @Test func lockingShiftElementCostIsCounted() throws {
        let options = SegmentationOptions(nationalLanguages: .languages([.turkish]))
        // One shift element: UDHL + 3 octets = 4 octets = 5 septets, so 155 septets fit one part.
        let fits = try Segmenter.segment(String(repeating: "ş", count: 155), options: options)
        #expect(fits.alphabet == .gsm7(locking: .turkish, single: nil))
        #expect(fits.parts.map(\.unitCount) == [155])
        #expect(fits.headerOctets == 4)
        #expect(fits.fillBits == 3)
        // 156 do not: concatenation (5) + shift (3) + UDHL = 9 octets = 11 septets, 149 per part.
        let split = try Segmenter.segment(String(repeating: "ş", count: 156), options: options)
        #expect(split.alphabet == .gsm7(locking: .turkish, single: nil))
        #expect(split.parts.map(\.unitCount) == [149, 7])
        #expect(split.headerOctets == 9)
        #expect(split.alphabet.nationalLanguageElements.map(\.iei) == [0x25])
    }

    @Test func nationalTableOnlyWhenItSavesAPart() throws {
        let options = SegmentationOptions(nationalLanguages: .languages([.turkish]))
        // 70 × ş: UCS-2 fits one part, so does Turkish: the tie goes to UCS-2.
        #expect(try Segmenter.segment(String(repeating: "ş", count: 70), options: options).alphabet == .ucs2)
        // 71 × ş: UCS-2 needs two parts, Turkish one.
        let turkish = try Segmenter.segment(String(repeating: "ş", count: 71), options: options)
        #expect(turkish.alphabet == .gsm7(locking: .turkish, single: nil))
        #expect(turkish.parts.count == 1)
    }

    @Test func bothShiftElementsAreCounted() throws {
        // Bengali letters (locking table) and Bengali digits (single shift table): both elements, 6 octets + UDHL
        // = 7 octets = 8 septets, so 152 septets fit one part.
        let letters = "আমি"  // 3 septets in the Bengali locking table
        let digit = "১"  // ESC + septet in the Bengali single shift table
        let options = SegmentationOptions(nationalLanguages: .languages([.bengali]))
        let fitting = String(repeating: letters, count: 50) + digit  // 150 + 2 = 152 septets
        let one = try Segmenter.segment(fitting, options: options)
        #expect(one.alphabet == .gsm7(locking: .bengali, single: .bengali))
        #expect(one.parts.map(\.unitCount) == [152])
        #expect(one.headerOctets == 7)
        #expect(one.alphabet.nationalLanguageElements.map(\.iei) == [0x25, 0x24])
        // One septet more: UDHL + concatenation 5 + shifts 6 = 12 octets = 14 septets, 146 per part.
        let two = try Segmenter.segment("আ" + fitting, options: options)
        #expect(two.parts.map(\.unitCount) == [146, 7])
        #expect(two.headerOctets == 12)
        let pair = try #require(two.alphabet.gsm7Alphabet)
        #expect(two.parts.map { pair.decode($0.units) }.joined() == "আ" + fitting)
    }

    @Test func tablesOfDifferentLanguagesCombine() throws {
        // The Bengali tables have no DANDA (U+0964); the Gujarati single shift table (and other Indic ones) has.
        // With every language enabled, Bengali locking + another language's single shift encodes the text.
        let text = String(repeating: "আমি তোমাকে ভালোবাসি। ", count: 8)
        #expect(
            try Segmenter.segment(text, options: SegmentationOptions(nationalLanguages: .languages([.bengali])))
                .alphabet == .ucs2
        )
        let result = try Segmenter.segment(text, options: SegmentationOptions(nationalLanguages: .auto))
        guard case .gsm7(let locking, let single) = result.alphabet, let single else {
            Issue.record("expected a national pair, got \(result.alphabet)")
            return
        }
        #expect(locking == .bengali)
        // Ties between equally good pairs go to the lowest identifier: Gujarati (5).
        #expect(single == .gujarati)
        let pair = GSM7Alphabet.make(locking: locking, single: single)
        #expect(result.parts.map { pair.decode($0.units) }.joined() == text)
    }

    @Test func fewerShiftElementsWinATie() throws {
        // Turkish letters that both the Turkish locking table and (via ESC) the Turkish single shift table hold:
        // locking alone is cheapest; adding a single shift table would only add a header element.
        let result = try Segmenter.segment(
            String(repeating: "ğ", count: 100),
            options: SegmentationOptions(nationalLanguages: .auto)
        )
        #expect(result.alphabet == .gsm7(locking: .turkish, single: nil))
    }
}
