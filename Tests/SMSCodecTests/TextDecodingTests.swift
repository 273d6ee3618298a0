import TestSupport
import Testing

@testable import SMSCodec

/// The fast text paths of the PDU decoder give exactly what the reference decoders give.
@Suite struct TextDecodingTests {
    /// Every septet, every ESC pair, a trailing ESC and ESC ESC: same text as GSM7Alphabet.default.decode.
    @Test func gsm7DefaultMatchesTheAlphabetForEverySeptetAndEscapePair() {
        var sequences: [[UInt8]] = (0..<128).map { [UInt8($0)] }
        sequences += (0..<128).map { [0x1B, UInt8($0)] }
        sequences += [[0x1B], [0x41, 0x1B], [0x1B, 0x1B, 0x41], []]
        for septets in sequences {
            for fill in 0...6 {
                let packed = SeptetPacking.pack(septets, fillBits: fill)
                let fast = TextDecoding.gsm7Default(packed[...], count: septets.count, fillBits: fill)
                #expect(fast == GSM7Alphabet.default.decode(septets), "septets \(septets) fill \(fill)")
            }
        }
    }

    /// A count larger than the octets hold never reads past them: only the septets present are decoded.
    @Test func gsm7DefaultNeverReadsPastItsOctets() {
        let packed = SeptetPacking.pack([0x41, 0x42], fillBits: 0)  // 2 octets: 2 whole septets
        #expect(TextDecoding.gsm7Default(packed[...], count: 10, fillBits: 0) == "AB")
        #expect(TextDecoding.gsm7Default(packed[...], count: 10, fillBits: 6).count == 1)  // (16 - 6) / 7
        #expect(TextDecoding.gsm7Default([][...], count: 5, fillBits: 0) == "")
    }

    @Test func gsm7DefaultMatchesOnRandomSequences() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let count = Int(rng.next() % 161)
            let septets = (0..<count).map { _ in UInt8(rng.next() % 128) }
            let fill = Int(rng.next() % 7)
            let packed = [0xAA] + SeptetPacking.pack(septets, fillBits: fill) + [0x55]
            let fast = TextDecoding.gsm7Default(packed[1..<(packed.count - 1)], count: count, fillBits: fill)
            #expect(fast == GSM7Alphabet.default.decode(septets))
        }
    }

    /// UTF-16BE with valid pairs, lone surrogates and odd lengths: same as the standard library's repairing decoder
    /// (plus U+FFFD for a dangling octet).
    @Test func ucs2MatchesTheStandardLibrary() {
        var rng = SeededRandom(seed: 16)
        let interesting: [UInt16] = [0x0041, 0x00E9, 0x4E2D, 0xD83D, 0xDE00, 0xDC00, 0xFFFF, 0x0000, 0x07FF, 0x0800]
        for _ in 0..<3000 {
            let count = Int(rng.next() % 72)
            let units = (0..<count).map { _ in
                rng.next() % 2 == 0
                    ? interesting[Int(rng.next() % UInt64(interesting.count))]
                    : UInt16(truncatingIfNeeded: rng.next())
            }
            var octets = units.flatMap { [UInt8($0 >> 8), UInt8(truncatingIfNeeded: $0)] }
            var expected = String(decoding: units, as: UTF16.self)
            if rng.next() % 4 == 0 {
                octets.append(0x42)
                expected.unicodeScalars.append("\u{FFFD}")
            }
            #expect(TextDecoding.ucs2(octets[...]) == expected)
        }
    }
}
