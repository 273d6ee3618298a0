import Testing

@testable import SMSCodec

/// Part boundaries never cut an escape pair, a surrogate pair or (in UCS-2) a grapheme cluster that fits in one
/// part (TS 23.038 §6.2.1.1, TS 23.040 §9.2.3.24.1; clusters: Unicode extended grapheme clusters = Swift
/// `Character`).
@Suite struct SegmenterGraphemeTests {
    static let family = "👨‍👩‍👧‍👦"  // 4 emoji joined by 3 ZWJ: 11 UTF-16 units
    static let flag = "🇮🇪"  // 2 regional indicators: 4 units
    static let thumbsUpMediumSkin = "👍🏽"  // emoji + skin-tone modifier: 4 units
    static let stackedMarks = "a\u{0300}\u{0301}\u{0302}"  // base + 3 combining marks: 4 units

    /// Clusters placed so that a scalar-level split would cut them at the 67-unit boundary of the first part.
    @Test(arguments: [
        (family, 60), (flag, 65), (thumbsUpMediumSkin, 65), (stackedMarks, 65), ("😀", 66),
    ])
    func clusterAtPartBoundaryMovesWhole(cluster: String, prefixUnits: Int) throws {
        let prefix = String(repeating: "ж", count: prefixUnits)
        let text = prefix + cluster + String(repeating: "ж", count: 20)
        let result = try Segmenter.segment(text)
        #expect(result.alphabet == .ucs2)
        try #require(result.parts.count == 2)
        #expect(result.parts[0].text == prefix)
        #expect(result.parts[0].unitCount == prefixUnits)
        #expect(result.parts[1].text.first == cluster.first)
        #expect(result.parts[1].text.hasPrefix(cluster))
        #expect(result.text == text)
        // Each part's octets decode on their own: no surrogate pair is split.
        for part in result.parts {
            #expect(try UCS2.decodeStrictly(part.units) == part.text)
        }
    }

    @Test func clusterThatFitsIsNotSplitEvenWhenThatCostsRoom() throws {
        // 62 units + an 11-unit family: 73 > 67, so the family opens part 2 and part 1 carries only 62 units.
        let text = String(repeating: "ж", count: 62) + Self.family + Self.family
        let result = try Segmenter.segment(text)
        #expect(result.parts.map(\.unitCount) == [62, 22])
        #expect(result.parts[1].text == Self.family + Self.family)
    }

    @Test func clusterLongerThanAPartIsSplitBetweenScalars() throws {
        // One base letter with 100 combining acute accents: one grapheme cluster of 101 units.
        let zalgo = "a" + String(repeating: "\u{0301}", count: 100)
        #expect(zalgo.count == 1)
        let result = try Segmenter.segment("ж" + zalgo)
        #expect(result.alphabet == .ucs2)
        // ж + 'a' + 65 accents fill part 1; the other 35 accents follow.
        #expect(result.parts.map(\.unitCount) == [67, 35])
        #expect(result.text == "ж" + zalgo)
        // A ZWJ chain of 24 emoji: 24 × 2 + 23 = 71 units in one cluster. Split between scalars: 22 × (emoji +
        // ZWJ) = 66 units, and the next emoji (a surrogate pair) would not fit in the 67th unit.
        let chain = Array(repeating: "🧑", count: 24).joined(separator: "\u{200D}")
        #expect(chain.count == 1)
        let split = try Segmenter.segment(chain)
        #expect(split.parts.map(\.unitCount) == [66, 5])
        for part in split.parts {
            // Never inside a surrogate pair.
            #expect(throws: Never.self) { try UCS2.decodeStrictly(part.units) }
            #expect(part.unitCount <= 67)
        }
        #expect(split.text == chain)
    }

    @Test func escapePairNeverStraddlesWith16BitReference() throws {
        // 16-bit reference: 152 septets per part; 151 + ESC pair would need 153.
        let text = String(repeating: "x", count: 151) + "€" + String(repeating: "x", count: 10)
        let result = try Segmenter.segment(text, options: SegmentationOptions(referenceBits: .sixteen))
        #expect(result.alphabet == .gsm7Default)
        #expect(result.parts.map(\.unitCount) == [151, 12])
        #expect(result.parts[1].units.prefix(2) == [0x1B, 0x65])
        #expect(result.headerOctets == 7)
        #expect(result.fillBits == 0)
    }

    @Test func crlfIsOneClusterAndStaysTogetherInUCS2() throws {
        let text = String(repeating: "ж", count: 66) + "\r\n" + String(repeating: "ж", count: 5)
        let result = try Segmenter.segment(text)
        #expect(result.parts.map(\.unitCount) == [66, 7])
        #expect(result.parts.last?.text.hasPrefix("\r\n") == true)
    }
}
