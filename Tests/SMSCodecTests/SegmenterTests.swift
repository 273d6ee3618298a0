import Testing

@testable import SMSCodec

/// Options, limits and errors of ``Segmenter`` (TS 23.040 §9.2.3.16, §9.2.3.24).
@Suite struct SegmenterTests {
    @Test func headerCostsAndCapacities() {
        #expect(SegmentLimits.septetCapacity(headerOctets: 0) == 160)
        #expect(SegmentLimits.septetCapacity(headerOctets: 6) == 153)
        #expect(SegmentLimits.septetCapacity(headerOctets: 7) == 152)
        #expect(SegmentLimits.septetCapacity(headerOctets: 4) == 155)
        #expect(SegmentLimits.ucs2Capacity(headerOctets: 6) == 67)
        #expect(SegmentLimits.ucs2Capacity(headerOctets: 7) == 66)
        #expect(SegmentLimits.octetCapacity(headerOctets: 6) == 134)
        #expect(SegmentLimits.fillBits(headerOctets: 6) == 1)
        #expect(SegmentLimits.fillBits(headerOctets: 7) == 0)
        #expect(SegmentLimits.fillBits(headerOctets: 4) == 3)
        #expect(SegmentationOptions.ReferenceBits(rawValue: 16) == .sixteen)
        #expect(SegmentationOptions.ReferenceBits(rawValue: 12) == nil)
    }

    @Test func emptyTextIsOneEmptyPart() throws {
        let result = try Segmenter.segment("")
        #expect(result.alphabet == .gsm7Default)
        #expect(result.parts == [TextSegment(text: "", units: [], unitCount: 0)])
        #expect(result.headerOctets == 0)
        #expect(!result.isConcatenated)
    }

    @Test func singlePartHasNoHeader() throws {
        let result = try Segmenter.segment("hellohello")
        #expect(result.headerOctets == 0)
        #expect(result.fillBits == 0)
        #expect(SeptetPacking.pack(result.parts[0].units) == [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37])
    }

    @Test func concatenatedPartsCarryTheConcatenationHeader() throws {
        let eight = try Segmenter.segment(String(repeating: "x", count: 200))
        #expect(eight.headerOctets == 6)
        #expect(eight.fillBits == 1)
        #expect(eight.isConcatenated)
        let sixteen = try Segmenter.segment(
            String(repeating: "x", count: 200),
            options: SegmentationOptions(referenceBits: .sixteen)
        )
        #expect(sixteen.headerOctets == 7)
        #expect(sixteen.parts.map(\.unitCount) == [152, 48])
        #expect(sixteen.referenceBits == .sixteen)
    }

    @Test func forceUCS2() throws {
        let result = try Segmenter.segment("hi", options: SegmentationOptions(forceUCS2: true))
        #expect(result.alphabet == .ucs2)
        #expect(result.parts == [TextSegment(text: "hi", units: [0x00, 0x68, 0x00, 0x69], unitCount: 2)])
    }

    @Test func unmappableCharacterFallsBackToUCS2() throws {
        // 'ç' (lower case) is not in the default alphabet: the whole text goes UCS-2, nothing is dropped.
        let result = try Segmenter.segment("ça va")
        #expect(result.alphabet == .ucs2)
        #expect(result.parts[0].text == "ça va")
        #expect(UCS2.decode(result.parts[0].units) == "ça va")
    }

    /// 8-bit port addressing (4 octets) or 16-bit (6 octets, WAP push 2948) shrinks every part.
    @Test(arguments: [
        // (extra octets, GSM single, GSM multi, UCS-2 single, UCS-2 multi, 8-bit single, 8-bit multi)
        (4, 154, 148, 67, 65, 135, 130),
        (6, 152, 146, 66, 64, 133, 128),
    ])
    func extraHeaderOctets(
        extra: Int,
        gsmSingle: Int,
        gsmMulti: Int,
        ucs2Single: Int,
        ucs2Multi: Int,
        dataSingle: Int,
        dataMulti: Int
    ) throws {
        let options = SegmentationOptions(extraHeaderOctets: extra)
        let fits = try Segmenter.segment(String(repeating: "x", count: gsmSingle), options: options)
        #expect(fits.parts.count == 1)
        #expect(fits.headerOctets == 1 + extra)
        let gsm = try Segmenter.segment(String(repeating: "x", count: gsmSingle + 1), options: options)
        #expect(gsm.parts.map(\.unitCount) == [gsmMulti, gsmSingle + 1 - gsmMulti])
        #expect(gsm.headerOctets == 1 + 5 + extra)

        #expect(try Segmenter.segment(String(repeating: "ж", count: ucs2Single), options: options).parts.count == 1)
        let ucs2 = try Segmenter.segment(String(repeating: "ж", count: ucs2Single + 1), options: options)
        #expect(ucs2.parts.map(\.unitCount) == [ucs2Multi, ucs2Single + 1 - ucs2Multi])

        #expect(try Segmenter.segment(data: Array(repeating: 7, count: dataSingle), options: options).parts.count == 1)
        let data = try Segmenter.segment(data: Array(repeating: 7, count: dataSingle + 1), options: options)
        #expect(data.parts.map(\.unitCount) == [dataMulti, dataSingle + 1 - dataMulti])
    }

    @Test func eightBitData() throws {
        let single = try Segmenter.segment(data: Array(0..<140))
        #expect(single.alphabet == .eightBit)
        #expect(single.parts.count == 1)
        #expect(single.headerOctets == 0)
        let two = try Segmenter.segment(data: Array(repeating: 0xAB, count: 141))
        #expect(two.parts.map(\.unitCount) == [134, 7])
        #expect(two.parts.flatMap(\.units) == Array(repeating: 0xAB, count: 141))
        let sixteen = try Segmenter.segment(
            data: Array(repeating: 0, count: 141),
            options: SegmentationOptions(referenceBits: .sixteen)
        )
        #expect(sixteen.parts.map(\.unitCount) == [133, 8])
        let empty = try Segmenter.segment(data: [])
        #expect(empty.parts == [TextSegment(text: "", units: [], unitCount: 0)])
    }

    @Test func eightBitDataLimit() throws {
        #expect(try Segmenter.segment(data: Array(repeating: 0, count: 255 * 134)).parts.count == 255)
        let error = try #require(throws: SegmentationError.self) {
            try Segmenter.segment(data: Array(repeating: 0, count: 255 * 134 + 1))
        }
        #expect(error.code == .tooManySegments)
        #expect(error.alphabet == .eightBit)
        #expect(error.requiredParts == 256)
    }

    @Test func invalidExtraHeaderOctets() {
        for extra in [-1, 140, 1000] {
            #expect(throws: SegmentationError.headerTooLong) {
                try Segmenter.segment("hi", options: SegmentationOptions(extraHeaderOctets: extra))
            }
            #expect(throws: SegmentationError.headerTooLong) {
                try Segmenter.segment(data: [1], options: SegmentationOptions(extraHeaderOctets: extra))
            }
        }
    }

    @Test func headerThatLeavesNoRoom() throws {
        // 139 extra octets + UDHL = 140: nothing left for text in any alphabet...
        let options = SegmentationOptions(extraHeaderOctets: 139)
        let error = try #require(throws: SegmentationError.self) { try Segmenter.segment("a", options: options) }
        #expect(error.code == .headerTooLong)
        // ...while 138 leave one octet: one data octet fits, two do not.
        let tight = SegmentationOptions(extraHeaderOctets: 138)
        #expect(try Segmenter.segment(data: [1], options: tight).parts.count == 1)
        #expect(throws: SegmentationError.headerTooLong) { try Segmenter.segment(data: [1, 2], options: tight) }
        // One septet remains after 138 + 1 octets (ceil(139 × 8 / 7) = 159): "a" fits, "€" (2 septets) does not,
        // and in UCS-2 there is no room either.
        #expect(try Segmenter.segment("a", options: tight).parts.map(\.unitCount) == [1])
        #expect(throws: SegmentationError.headerTooLong) { try Segmenter.segment("€", options: tight) }
    }

    @Test func tooManySegmentsReportsTheBestEncoding() throws {
        let text = String(repeating: "A", count: 255 * 153 + 1)
        let error = try #require(throws: SegmentationError.self) { try Segmenter.segment(text) }
        #expect(error.code == .tooManySegments)
        #expect(error.alphabet == .gsm7Default)
        #expect(error.requiredParts == 256)
        #expect(error.description.contains("256"))
    }

    @Test func languageListIsDeduplicatedAndOrdered() {
        let languages = SegmentationOptions.NationalLanguages.languages([.urdu, .turkish, .urdu])
        #expect(languages.enabled == [.turkish, .urdu])
        #expect(SegmentationOptions.NationalLanguages.none.enabled.isEmpty)
        #expect(SegmentationOptions.NationalLanguages.auto.enabled.count == 13)
    }

    @Test func alphabetHelpers() {
        let alphabet = SegmentedText.Alphabet.gsm7(locking: .hindi, single: .urdu)
        #expect(alphabet.nationalLanguageElements.map(\.iei) == [0x25, 0x24])
        #expect(alphabet.nationalLanguageElements.map(\.language) == [.hindi, .urdu])
        #expect(alphabet.gsm7Alphabet == GSM7Alphabet.make(locking: .hindi, single: .urdu))
        #expect(SegmentedText.Alphabet.ucs2.gsm7Alphabet == nil)
        #expect(SegmentedText.Alphabet.ucs2.nationalLanguageElements.isEmpty)
    }
}

extension SegmenterTests {
    @Test func hugeTextIsRejectedBeforeAnyTableIsTried() throws {
        let text = String(repeating: "a", count: SegmentLimits.maxScalarsPerMessage + 1)
        let error = try #require(throws: SegmentationError.self) {
            try Segmenter.segment(text, options: SegmentationOptions(nationalLanguages: .auto))
        }
        #expect(error.code == .tooManySegments)
        #expect(error.alphabet == nil)
        #expect(error.requiredParts == nil)
        #expect(SegmentLimits.maxScalarsPerMessage == 40_800)
    }
}

extension SegmenterTests {
    @Test func unitsPerPartAndRemainingUnits() throws {
        let single = try Segmenter.segment("hello")
        #expect(single.unitsPerPart == 160)
        #expect(single.remainingUnits == 155)
        let multi = try Segmenter.segment(String(repeating: "x", count: 161))
        #expect(multi.unitsPerPart == 153)
        #expect(multi.remainingUnits == 145)
        let ucs2 = try Segmenter.segment("ж", options: SegmentationOptions(extraHeaderOctets: 4))
        #expect(ucs2.unitsPerPart == 67)
        let data = try Segmenter.segment(data: Array(repeating: 1, count: 200))
        #expect(data.unitsPerPart == 134)
        #expect(data.remainingUnits == 134 - 66)
    }
}
