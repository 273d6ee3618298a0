import Foundation
import TestSupport
import Testing

@testable import SMSCodec

/// Random texts over all alphabets → segment → decode each part with the chosen tables → the input again.
///
/// The generator is seeded; the seed (default below, or `SMSCODEC_PROPERTY_SEED` from the environment) and the
/// failing iteration are in every failure message, so a failure can be replayed exactly.
@Suite struct PropertyRoundTripTests {
    static let defaultSeed: UInt64 = 0x5EED_0004_2026_1123
    static let iterations = 600

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["SMSCODEC_PROPERTY_SEED"].flatMap { UInt64($0, radix: 16) }
            ?? defaultSeed
    }

    @Test func segmentThenDecodeGivesTheInputBack() {
        let seed = Self.seed
        var random = SeededRandom(seed: seed)
        let generator = TextGenerator()
        var seen: Set<String> = []
        for iteration in 0..<Self.iterations {
            let text = generator.text(using: &random)
            let options = generator.options(using: &random)
            let failures = Self.check(text, options: options, seen: &seen)
            if !failures.isEmpty {
                let escaped = text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
                Issue.record(
                    """
                    seed \(String(seed, radix: 16)) iteration \(iteration) options \(options): \
                    \(failures.joined(separator: "; ")) — text scalars: \(escaped)
                    """
                )
                return
            }
        }
        // The generator must reach every kind of outcome, or the properties above prove little.
        for kind in ["gsm7-default", "gsm7-locking", "gsm7-single-only", "gsm7-both", "ucs2", "multipart", "single"] {
            #expect(
                seen.contains(kind),
                "seed \(String(seed, radix: 16)): no \(kind) outcome in \(Self.iterations) texts"
            )
        }
    }

    /// Septet packing (TS 23.038 §6.1.2.1.1) after 0...6 fill bits is the exact inverse of unpacking.
    @Test func septetPackingRoundTrips() throws {
        let seed = Self.seed
        var random = SeededRandom(seed: seed ^ 0x7)
        for iteration in 0..<2000 {
            let count = Int.random(in: 0...SegmentLimits.maxSeptets, using: &random)
            let fill = Int.random(in: 0...6, using: &random)
            let septets = (0..<count).map { _ in UInt8.random(in: 0...0x7F, using: &random) }
            let packed = SeptetPacking.pack(septets, fillBits: fill)
            let context = "seed \(String(seed, radix: 16)) iteration \(iteration) count \(count) fill \(fill)"
            #expect(packed.count == SeptetPacking.octetCount(septets: count, fillBits: fill), "\(context)")
            #expect(try SeptetPacking.unpack(packed, count: count, fillBits: fill) == septets, "\(context)")
            // The fill bits stay zero.
            #expect(packed.first.map { $0 & UInt8((1 << fill) - 1) } ?? 0 == 0, "\(context)")
            if septets != (try? SeptetPacking.unpack(packed, count: count, fillBits: fill)) { return }
        }
    }

    /// Every property one segmentation must have; returns the violated ones.
    static func check(_ text: String, options: SegmentationOptions, seen: inout Set<String>) -> [String] {
        var failures: [String] = []
        let result: SegmentedText
        do {
            result = try Segmenter.segment(text, options: options)
        } catch {
            // The generated texts stay far below 255 parts; any error is a failure.
            return ["threw \(error)"]
        }
        seen.insert(result.isConcatenated ? "multipart" : "single")
        switch result.alphabet {
        case .gsm7(nil, nil): seen.insert("gsm7-default")
        case .gsm7(.some, nil): seen.insert("gsm7-locking")
        case .gsm7(nil, .some): seen.insert("gsm7-single-only")
        case .gsm7(.some, .some): seen.insert("gsm7-both")
        case .ucs2: seen.insert("ucs2")
        case .eightBit: seen.insert("8bit")
        }
        let input = Array(text.unicodeScalars)
        if !(1...SegmentLimits.maxSegments).contains(result.parts.count) { failures.append("part count") }
        if Array(result.text.unicodeScalars) != input { failures.append("part texts do not join to the input") }

        // Header layout the parts assumed.
        var elements = options.extraHeaderOctets + (result.isConcatenated ? options.referenceBits.elementOctets : 0)
        elements += result.alphabet.nationalLanguageElements.count * SegmentLimits.nationalShiftElementOctets
        if result.headerOctets != (elements == 0 ? 0 : elements + 1) { failures.append("header octets") }

        var decoded: [Unicode.Scalar] = []
        switch result.alphabet {
        case .gsm7(let locking, let single):
            let pair = GSM7Alphabet.make(locking: locking, single: single)
            let capacity = SegmentLimits.septetCapacity(headerOctets: result.headerOctets)
            if result.unitsPerPart != capacity { failures.append("unitsPerPart") }
            for part in result.parts {
                if part.unitCount != part.units.count || part.unitCount > capacity { failures.append("gsm7 units") }
                if part.units.contains(where: { $0 > 0x7F }) { failures.append("septet > 127") }
                if endsWithLoneEscape(part.units) { failures.append("escape pair straddles a boundary") }
                let partText = Array(pair.decode(part.units).unicodeScalars)
                if partText != Array(part.text.unicodeScalars) { failures.append("gsm7 part decodes differently") }
                decoded += partText
            }
            if result.parts.count > 1 || !pair.isDefault {
                // Optimality sanity: never worse than UCS-2 or than the default tables alone.
                if let ucs2 = try? Segmenter.segment(text, options: with(options, forceUCS2: true)),
                    ucs2.parts.count < result.parts.count
                {
                    failures.append("UCS-2 would need fewer parts")
                }
            }
        case .ucs2:
            let capacity = SegmentLimits.ucs2Capacity(headerOctets: result.headerOctets)
            if result.unitsPerPart != capacity { failures.append("unitsPerPart") }
            var offset = 0
            let boundaries = clusterBoundaries(text)
            for (index, part) in result.parts.enumerated() {
                if part.units.count != 2 * part.unitCount || part.unitCount > capacity {
                    failures.append("ucs2 units")
                }
                guard let partText = try? UCS2.decodeStrictly(part.units) else {
                    failures.append("surrogate pair straddles a boundary")
                    continue
                }
                if Array(partText.unicodeScalars) != Array(part.text.unicodeScalars) {
                    failures.append("ucs2 part decodes differently")
                }
                decoded += partText.unicodeScalars
                offset += part.unitCount
                // A boundary inside a cluster is allowed only when the cluster is longer than a part.
                if index < result.parts.count - 1, let cluster = boundaries.containing(offset), cluster <= capacity {
                    failures.append("cluster of \(cluster) units cut at UTF-16 offset \(offset)")
                }
            }
            if !options.forceUCS2, GSM7Alphabet.default.canEncode(text) {
                failures.append("UCS-2 chosen for default-alphabet text")
            }
        case .eightBit:
            failures.append("8-bit chosen for text")
        }
        if decoded != input { failures.append("decoded parts do not join to the input") }

        if !options.forceUCS2, !options.nationalLanguages.enabled.isEmpty,
            let plain = try? Segmenter.segment(
                text,
                options: with(options, national: SegmentationOptions.NationalLanguages.none)
            ),
            plain.parts.count < result.parts.count
        {
            failures.append("national tables made it worse")
        }
        let singleHeader = options.extraHeaderOctets == 0 ? 0 : options.extraHeaderOctets + 1
        if !options.forceUCS2, let septets = GSM7Alphabet.default.septetCount(of: text),
            septets <= SegmentLimits.septetCapacity(headerOctets: singleHeader),
            result.alphabet != .gsm7Default
        {
            failures.append("a one-part default-alphabet text got \(result.alphabet)")
        }
        return failures
    }

    static func endsWithLoneEscape(_ septets: [UInt8]) -> Bool {
        var escaped = false
        for septet in septets { escaped = !escaped && septet == GSM7Alphabet.escape }
        return escaped
    }

    static func with(
        _ options: SegmentationOptions,
        forceUCS2: Bool? = nil,
        national: SegmentationOptions.NationalLanguages? = nil
    ) -> SegmentationOptions {
        var copy = options
        if let forceUCS2 { copy.forceUCS2 = forceUCS2 }
        if let national { copy.nationalLanguages = national }
        return copy
    }

    /// UTF-16 start offsets of every grapheme cluster with its length.
    struct ClusterBoundaries {
        var starts: [Int] = []
        var lengths: [Int] = []

        /// The length of the cluster strictly containing `offset` (not starting at it), if any.
        func containing(_ offset: Int) -> Int? {
            // Binary search for the last start <= offset.
            var low = 0
            var high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] <= offset { low = middle + 1 } else { high = middle }
            }
            let index = low - 1
            guard index >= 0, starts[index] != offset, offset < starts[index] + lengths[index] else { return nil }
            return lengths[index]
        }
    }

    static func clusterBoundaries(_ text: String) -> ClusterBoundaries {
        var boundaries = ClusterBoundaries()
        var offset = 0
        for character in text {
            let length = character.utf16.count
            boundaries.starts.append(offset)
            boundaries.lengths.append(length)
            offset += length
        }
        return boundaries
    }
}

/// Builds random texts that exercise every alphabet: default and extension characters, each national table pair,
/// arbitrary BMP and astral scalars, combining marks, ZWJ sequences, flags and skin tones.
struct TextGenerator {
    let defaultCharacters: [Unicode.Scalar]
    let extensionCharacters: [Unicode.Scalar]
    let nationalCharacters: [NationalLanguage: [Unicode.Scalar]]

    init() {
        func characters(_ pair: GSM7Alphabet, extension: Bool) -> [Unicode.Scalar] {
            (UInt8(0)..<128).compactMap {
                `extension` ? pair.extensionCharacter(forSeptet: $0) : pair.character(forSeptet: $0)
            }
        }
        defaultCharacters = characters(.default, extension: false)
        extensionCharacters = characters(.default, extension: true)
        var national: [NationalLanguage: [Unicode.Scalar]] = [:]
        for language in NationalLanguage.allCases {
            let pair = GSM7Alphabet.make(locking: language, single: language)
            national[language] = characters(pair, extension: false) + characters(pair, extension: true)
        }
        nationalCharacters = national
    }

    func options(using random: inout SeededRandom) -> SegmentationOptions {
        let national: SegmentationOptions.NationalLanguages
        switch Int.random(in: 0..<4, using: &random) {
        case 0: national = .none
        case 1: national = .auto
        default:
            national = .languages(NationalLanguage.allCases.filter { _ in Bool.random(using: &random) })
        }
        return SegmentationOptions(
            referenceBits: Bool.random(using: &random) ? .eight : .sixteen,
            nationalLanguages: national,
            extraHeaderOctets: [0, 0, 0, 4, 6].randomElement(using: &random) ?? 0,
            forceUCS2: Int.random(in: 0..<20, using: &random) == 0
        )
    }

    func text(using random: inout SeededRandom) -> String {
        let lengths = [0, 1, 5, 60, 70, 71, 140, 153, 160, 161, 320, 500, 1200]
        let base = lengths.randomElement(using: &random) ?? 0
        let length = max(0, base + Int.random(in: -3...3, using: &random))
        // What the text is made of: mostly one "style", so that every alphabet gets chosen some of the time.
        let style = Int.random(in: 0..<6, using: &random)
        let language = NationalLanguage.allCases.randomElement(using: &random) ?? .turkish
        var scalars = String.UnicodeScalarView()
        while scalars.count < length {
            let roll = Int.random(in: 0..<100, using: &random)
            switch style {
            case 0:  // default alphabet, a few extension characters
                scalars.append(pick(roll < 90 ? defaultCharacters : extensionCharacters, &random))
            case 1, 2:  // one national language's tables (they hold ASCII letters, digits and punctuation too)
                scalars.append(pick(roll < 95 ? nationalCharacters[language] ?? [] : [" ", ".", "a", "1"], &random))
            case 3:  // mostly GSM, one stray character forcing UCS-2 now and then
                scalars.append(roll < 97 ? pick(defaultCharacters, &random) : randomBMP(&random))
            default:  // anything: BMP, astral, clusters
                appendAnything(roll, to: &scalars, &random)
            }
        }
        return String(scalars)
    }

    private func appendAnything(
        _ roll: Int,
        to scalars: inout String.UnicodeScalarView,
        _ random: inout SeededRandom
    ) {
        switch roll {
        case 0..<30: scalars.append(pick(defaultCharacters, &random))
        case 30..<50: scalars.append(randomBMP(&random))
        case 50..<60: scalars.append(scalar(Int.random(in: 0x1F300...0x1FAFF, using: &random)))
        case 60..<65: scalars.append(scalar(Int.random(in: 0x10000...0x10FFFF, using: &random)))
        case 65..<75:  // base + combining marks
            scalars.append(pick(defaultCharacters, &random))
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                scalars.append(scalar(Int.random(in: 0x0300...0x036F, using: &random)))
            }
        case 75..<82:  // ZWJ sequence
            for index in 0..<Int.random(in: 2...5, using: &random) {
                if index > 0 { scalars.append("\u{200D}") }
                scalars.append(scalar(Int.random(in: 0x1F468...0x1F469, using: &random)))
            }
        case 82..<88:  // flag
            scalars.append(scalar(Int.random(in: 0x1F1E6...0x1F1FF, using: &random)))
            scalars.append(scalar(Int.random(in: 0x1F1E6...0x1F1FF, using: &random)))
        case 88..<93:  // skin tone
            scalars.append("\u{1F44D}")
            scalars.append(scalar(Int.random(in: 0x1F3FB...0x1F3FF, using: &random)))
        case 93..<96:
            scalars.append("\r")
            scalars.append("\n")
        default:
            scalars.append(pick(nationalCharacters.values.randomElement(using: &random) ?? [], &random))
        }
    }

    private func pick(_ pool: [Unicode.Scalar], _ random: inout SeededRandom) -> Unicode.Scalar {
        pool.randomElement(using: &random) ?? "?"
    }

    private func randomBMP(_ random: inout SeededRandom) -> Unicode.Scalar {
        Bool.random(using: &random)
            ? scalar(Int.random(in: 0x00A0...0xD7FF, using: &random))
            : scalar(Int.random(in: 0xE000...0xFFFD, using: &random))
    }

    private func scalar(_ value: Int) -> Unicode.Scalar { Unicode.Scalar(UInt32(value)) ?? "?" }
}
