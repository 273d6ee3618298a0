/// The SMS encoder's core: chooses the alphabet and table pair that need the fewest parts, and splits the text into
/// parts (3GPP TS 23.038 §6.2, Annex A; TS 23.040 §9.2.3.24).
///
/// ## Choice
/// Candidates are the GSM 7-bit default alphabet with its extension table, every locking × single shift pair of the
/// enabled national languages (TS 23.038 Annex A; each national table costs a 3-octet shift element in every part's
/// header, TS 23.040 §9.2.3.24.15/16), and UCS-2, which encodes any text. The candidate with the fewest parts wins;
/// on a tie the default tables win, then UCS-2 (it needs no shift element and every handset decodes it), then the
/// pair with fewer shift elements, then fewer units. So a national table is used only when it saves a part, and a
/// text that fits one part with the default tables never gets one. Characters no table pair can represent are
/// never dropped or replaced: such text goes out as UCS-2.
///
/// ## Limits
/// A part carries 140 octets (TS 23.040 §9.2.3.16): 160 septets, 70 UCS-2 units or 140 octets without a header. A
/// header of `h` octets (UDHL included) costs `h` octets, or `ceil(h * 8 / 7)` septets with the fill bits. A
/// concatenated part carries the concatenation element (5 octets with an 8-bit reference, 6 with 16 bits), so
/// 153/152 septets, 67/66 units or 134/133 octets remain, less the shift and extra elements.
///
/// ## Split
/// Parts are filled greedily, which gives the fewest parts for an order-preserving split. An escape pair (ESC +
/// septet) and a UTF-16 surrogate pair never straddle two parts. In UCS-2 a grapheme cluster (Swift `Character`:
/// ZWJ emoji sequences, flags, skin-tone modifiers, combining marks) is kept in one part whenever it fits in one;
/// a longer cluster is split between scalars.
public enum Segmenter {
    /// Chooses the encoding of `text` and splits it into parts.
    /// - Parameters:
    ///   - text: the message text; may be empty (one empty part).
    ///   - options: reference width, enabled national tables, extra header octets, forced UCS-2.
    /// - Returns: the alphabet and the parts, in sequence order.
    /// - Throws: ``SegmentationError`` with ``SegmentationError/Code/tooManySegments`` when even the best encoding
    ///   needs more than 255 parts, or ``SegmentationError/Code/headerTooLong`` when `extraHeaderOctets` is out of
    ///   range or leaves no room for the text.
    public static func segment(
        _ text: String,
        options: SegmentationOptions = SegmentationOptions()
    ) throws(SegmentationError) -> SegmentedText {
        try validate(options)
        // Bound the work before looking at the text closely: every scalar takes at least one septet or UTF-16 unit,
        // and no part carries more than 160 of them.
        let scalarCount = text.unicodeScalars.count
        guard scalarCount <= SegmentLimits.maxScalarsPerMessage else {
            throw SegmentationError(
                code: .tooManySegments,
                reason: "too long: \(scalarCount) characters need more than \(SegmentLimits.maxSegments) segments"
            )
        }
        let profile = TextProfile(text)
        var best = options.forceUCS2 ? nil : bestGSM7Candidate(profile, options: options)
        // The default tables never need more parts than UCS-2 (a character takes at most 2 septets there, at least
        // 1 UTF-16 unit in UCS-2, and a part holds at least twice as many septets as units) and win ties, so UCS-2
        // is costed only when they cannot encode the text.
        if best?.alphabet != .gsm7Default, let ucs2 = ucs2Candidate(text, options: options, toBeat: best) {
            if best.map({ ucs2.isBetter(than: $0) }) ?? true { best = ucs2 }
        }
        guard let best else {
            throw SegmentationError(
                code: .headerTooLong,
                reason: "\(options.extraHeaderOctets) extra header octets leave no room for the text"
            )
        }
        guard best.parts <= SegmentLimits.maxSegments else {
            throw SegmentationError(
                code: .tooManySegments,
                reason: "too long: would need \(best.parts) segments, more than \(SegmentLimits.maxSegments)",
                alphabet: best.alphabet,
                requiredParts: best.parts
            )
        }
        switch best.alphabet {
        case .gsm7(let locking, let single):
            return splitGSM7(
                text,
                profile: profile,
                alphabet: GSM7Alphabet.make(locking: locking, single: single),
                candidate: best,
                options: options
            )
        case .ucs2, .eightBit:
            return splitUCS2(text, candidate: best, options: options)
        }
    }

    /// Splits 8-bit data into parts: 140 octets in a single part, 134 per part with an 8-bit concatenation
    /// reference (133 with 16 bits), less ``SegmentationOptions/extraHeaderOctets``.
    ///
    /// ``SegmentationOptions/nationalLanguages`` and ``SegmentationOptions/forceUCS2`` do not apply. Part texts are
    /// empty.
    /// - Throws: ``SegmentationError`` as ``segment(_:options:)`` does.
    public static func segment(
        data: [UInt8],
        options: SegmentationOptions = SegmentationOptions()
    ) throws(SegmentationError) -> SegmentedText {
        try validate(options)
        let singleHeader = headerOctets(shiftElements: 0, multipart: false, options: options)
        let singleCapacity = SegmentLimits.octetCapacity(headerOctets: singleHeader)
        if data.count <= singleCapacity {
            return SegmentedText(
                alphabet: .eightBit,
                parts: [TextSegment(text: "", units: data, unitCount: data.count)],
                referenceBits: options.referenceBits,
                headerOctets: singleHeader,
                unitsPerPart: singleCapacity
            )
        }
        let header = headerOctets(shiftElements: 0, multipart: true, options: options)
        let capacity = SegmentLimits.octetCapacity(headerOctets: header)
        guard capacity >= 1 else {
            throw SegmentationError(
                code: .headerTooLong,
                reason: "\(options.extraHeaderOctets) extra header octets leave no room for data in a concatenated part"
            )
        }
        let parts = (data.count + capacity - 1) / capacity
        guard parts <= SegmentLimits.maxSegments else {
            throw SegmentationError(
                code: .tooManySegments,
                reason: "too long: would need \(parts) segments, more than \(SegmentLimits.maxSegments)",
                alphabet: .eightBit,
                requiredParts: parts
            )
        }
        var segments: [TextSegment] = []
        segments.reserveCapacity(parts)
        var start = 0
        while start < data.count {
            let end = min(start + capacity, data.count)
            segments.append(TextSegment(text: "", units: Array(data[start..<end]), unitCount: end - start))
            start = end
        }
        return SegmentedText(
            alphabet: .eightBit,
            parts: segments,
            referenceBits: options.referenceBits,
            headerOctets: header,
            unitsPerPart: capacity
        )
    }

    // MARK: - Options and header sizes

    private static func validate(_ options: SegmentationOptions) throws(SegmentationError) {
        let allowed = 0...SegmentationOptions.maxExtraHeaderOctets
        guard allowed.contains(options.extraHeaderOctets) else {
            throw SegmentationError(
                code: .headerTooLong,
                reason: "extraHeaderOctets \(options.extraHeaderOctets) is outside \(allowed)"
            )
        }
    }

    /// The user data header length (UDHL octet included) of every part; 0 when there is nothing to put in it.
    static func headerOctets(shiftElements: Int, multipart: Bool, options: SegmentationOptions) -> Int {
        let elements =
            shiftElements * SegmentLimits.nationalShiftElementOctets + options.extraHeaderOctets
            + (multipart ? options.referenceBits.elementOctets : 0)
        return elements == 0 ? 0 : elements + SegmentLimits.headerLengthOctets
    }

    // MARK: - Candidates

    /// One way to send the text, with the part count it needs.
    struct Candidate {
        let alphabet: SegmentedText.Alphabet
        let parts: Int
        let totalUnits: Int
        let headerOctets: Int
        /// Parts' capacity in units (for a single part: the single-part capacity).
        let capacity: Int

        /// Tie-break rank after the part count: default tables, then UCS-2, then by number of shift elements.
        var rank: Int {
            switch alphabet {
            case .gsm7(let locking, let single):
                let shiftElements = (locking == nil ? 0 : 1) + (single == nil ? 0 : 1)
                return shiftElements == 0 ? 0 : 1 + shiftElements
            case .ucs2, .eightBit:
                return 1
            }
        }

        func isBetter(than other: Candidate) -> Bool {
            (parts, rank, totalUnits) < (other.parts, other.rank, other.totalUnits)
        }
    }

    /// The text's scalars, each mapped to an index into the distinct scalars, with a histogram: lets every table
    /// pair be costed in O(distinct scalars) and counted in O(scalars) without hashing.
    struct TextProfile {
        let distinct: [Unicode.Scalar]
        let distinctIndex: [Int32]
        let histogram: [Int]

        init(_ text: String) {
            var distinct: [Unicode.Scalar] = []
            var distinctIndex: [Int32] = []
            var histogram: [Int] = []
            // ASCII (most text) is indexed through a small array; only other scalars are hashed.
            var asciiIndex = [Int32](repeating: -1, count: 128)
            var indexOf: [Unicode.Scalar: Int32] = [:]
            for scalar in text.unicodeScalars {
                let value = Int(scalar.value)
                var index = value < 128 ? asciiIndex[value] : (indexOf[scalar] ?? -1)
                if index < 0 {
                    index = Int32(distinct.count)
                    if value < 128 { asciiIndex[value] = index } else { indexOf[scalar] = index }
                    distinct.append(scalar)
                    histogram.append(0)
                }
                distinctIndex.append(index)
                histogram[Int(index)] += 1
            }
            self.distinct = distinct
            self.distinctIndex = distinctIndex
            self.histogram = histogram
        }
    }

    /// The best GSM 7-bit table pair, or `nil` when no enabled pair can encode the text (or none leaves room).
    static func bestGSM7Candidate(_ profile: TextProfile, options: SegmentationOptions) -> Candidate? {
        let enabled = options.nationalLanguages.enabled
        let lockings: [NationalLanguage?] = [nil] + enabled.filter(\.hasLockingShiftTable)
        let singles: [NationalLanguage?] = [nil] + enabled

        // Which distinct scalars each table holds; computed once per table, not per pair.
        func membership(_ table: GSM7CodeTable) -> [Bool] { profile.distinct.map { table.septets[$0] != nil } }
        let lockingMembers = lockings.map { language in
            GSM7Tables.lockingTable(language).map(membership) ?? Array(repeating: false, count: profile.distinct.count)
        }
        let singleMembers = singles.map { membership(GSM7Tables.singleTable($0)) }

        var best: Candidate?
        var costs = [UInt8](repeating: 0, count: profile.distinct.count)
        for (lockingPosition, locking) in lockings.enumerated() {
            pairs: for (singlePosition, single) in singles.enumerated() {
                var total = 0
                var maxCost: UInt8 = 1
                for index in profile.distinct.indices {
                    let cost: UInt8
                    if lockingMembers[lockingPosition][index] {
                        cost = 1
                    } else if singleMembers[singlePosition][index] {
                        cost = 2
                        maxCost = 2
                    } else {
                        continue pairs  // this pair cannot encode the text
                    }
                    costs[index] = cost
                    total += Int(cost) * profile.histogram[index]
                }
                let shiftElements = (locking == nil ? 0 : 1) + (single == nil ? 0 : 1)
                let alphabet = SegmentedText.Alphabet.gsm7(locking: locking, single: single)
                let singleHeader = headerOctets(shiftElements: shiftElements, multipart: false, options: options)
                let singleCapacity = SegmentLimits.septetCapacity(headerOctets: singleHeader)
                let candidate: Candidate
                if total <= singleCapacity {
                    candidate = Candidate(
                        alphabet: alphabet,
                        parts: 1,
                        totalUnits: total,
                        headerOctets: singleHeader,
                        capacity: singleCapacity
                    )
                } else {
                    let header = headerOctets(shiftElements: shiftElements, multipart: true, options: options)
                    let capacity = SegmentLimits.septetCapacity(headerOctets: header)
                    guard capacity >= Int(maxCost) else { continue pairs }
                    // A lower bound first: most pairs lose without the exact count.
                    let lowerBound = (total + capacity - 1) / capacity
                    let bound = Candidate(
                        alphabet: alphabet,
                        parts: lowerBound,
                        totalUnits: total,
                        headerOctets: header,
                        capacity: capacity
                    )
                    if let best, !bound.isBetter(than: best) { continue pairs }
                    candidate = Candidate(
                        alphabet: alphabet,
                        parts: countParts(profile.distinctIndex, costs: costs, capacity: capacity),
                        totalUnits: total,
                        headerOctets: header,
                        capacity: capacity
                    )
                }
                if best.map({ candidate.isBetter(than: $0) }) ?? true { best = candidate }
            }
        }
        return best
    }

    /// Parts needed to fill `capacity`-unit parts greedily with atoms of the given costs, none straddling.
    static func countParts(_ atoms: [Int32], costs: [UInt8], capacity: Int) -> Int {
        var parts = 1
        var used = 0
        for atom in atoms {
            let cost = Int(costs[Int(atom)])
            if used + cost > capacity {
                parts += 1
                used = cost
            } else {
                used += cost
            }
        }
        return parts
    }

    /// The UCS-2 candidate, or `nil` when the header leaves no room for a surrogate pair.
    /// - Parameter toBeat: a candidate found so far; when even a lower bound on UCS-2's parts cannot beat it,
    ///   the grapheme-aware count is skipped and `nil` returned.
    static func ucs2Candidate(_ text: String, options: SegmentationOptions, toBeat: Candidate? = nil) -> Candidate? {
        let total = text.utf16.count
        let singleHeader = headerOctets(shiftElements: 0, multipart: false, options: options)
        let singleCapacity = SegmentLimits.ucs2Capacity(headerOctets: singleHeader)
        if total <= singleCapacity {
            return Candidate(
                alphabet: .ucs2,
                parts: 1,
                totalUnits: total,
                headerOctets: singleHeader,
                capacity: singleCapacity
            )
        }
        let header = headerOctets(shiftElements: 0, multipart: true, options: options)
        let capacity = SegmentLimits.ucs2Capacity(headerOctets: header)
        // Two units: a surrogate pair must fit in one part.
        guard capacity >= 2 else { return nil }
        let lowerBound = Candidate(
            alphabet: .ucs2,
            parts: (total + capacity - 1) / capacity,
            totalUnits: total,
            headerOctets: header,
            capacity: capacity
        )
        if let toBeat, !lowerBound.isBetter(than: toBeat) { return nil }
        var parts = 1
        var used = 0
        forEachUCS2Atom(text, capacity: capacity) { _, units in
            if used + units > capacity {
                parts += 1
                used = units
            } else {
                used += units
            }
        }
        return Candidate(alphabet: .ucs2, parts: parts, totalUnits: total, headerOctets: header, capacity: capacity)
    }

    /// Calls `body` with each unit of UCS-2 splitting: a whole grapheme cluster when it fits in `capacity` units,
    /// else each of its scalars.
    static func forEachUCS2Atom(_ text: String, capacity: Int, _ body: (Substring.UnicodeScalarView, Int) -> Void) {
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            let cluster = text[index..<next]
            let units = cluster.utf16.count
            if units <= capacity {
                body(cluster.unicodeScalars, units)
            } else {
                var scalarIndex = cluster.unicodeScalars.startIndex
                while scalarIndex < cluster.unicodeScalars.endIndex {
                    let scalarEnd = cluster.unicodeScalars.index(after: scalarIndex)
                    let scalar = cluster.unicodeScalars[scalarIndex]
                    body(cluster.unicodeScalars[scalarIndex..<scalarEnd], scalar.utf16.count)
                    scalarIndex = scalarEnd
                }
            }
            index = next
        }
    }

    // MARK: - Splitting

    private static func splitGSM7(
        _ text: String,
        profile: TextProfile,
        alphabet: GSM7Alphabet,
        candidate: Candidate,
        options: SegmentationOptions
    ) -> SegmentedText {
        // The code of each distinct scalar, looked up once: the septet, plus 0x100 for an escape pair.
        let escaped: UInt16 = 0x100
        let codes = profile.distinct.map { scalar -> UInt16 in
            if let septet = alphabet.basicSeptet(for: scalar) { return UInt16(septet) }
            if let septet = alphabet.extensionSeptet(for: scalar) { return escaped | UInt16(septet) }
            // Unreachable: the candidate was chosen because the pair encodes every scalar of the text.
            assertionFailure("table pair lost a scalar it was chosen for")
            return UInt16(GSM7Alphabet.escape)
        }
        var parts: [TextSegment] = []
        parts.reserveCapacity(candidate.parts)
        var septets: [UInt8] = []
        septets.reserveCapacity(candidate.capacity)
        // Part texts are slices of the input (a copy of its UTF-8, no re-encoding).
        let view = text.unicodeScalars
        var position = view.startIndex
        var partStart = position
        for index in profile.distinctIndex {
            let code = codes[Int(index)]
            let cost = code & escaped == 0 ? 1 : 2
            if septets.count + cost > candidate.capacity {
                parts.append(
                    TextSegment(text: String(view[partStart..<position]), units: septets, unitCount: septets.count)
                )
                septets = []
                septets.reserveCapacity(candidate.capacity)
                partStart = position
            }
            if cost == 2 { septets.append(GSM7Alphabet.escape) }
            septets.append(UInt8(truncatingIfNeeded: code))
            position = view.index(after: position)
        }
        if parts.isEmpty || !septets.isEmpty {
            // A single part is the whole text: no copy.
            let partText = parts.isEmpty ? text : String(view[partStart...])
            parts.append(TextSegment(text: partText, units: septets, unitCount: septets.count))
        }
        return SegmentedText(
            alphabet: candidate.alphabet,
            parts: parts,
            referenceBits: options.referenceBits,
            headerOctets: candidate.headerOctets,
            unitsPerPart: candidate.capacity
        )
    }

    private static func splitUCS2(_ text: String, candidate: Candidate, options: SegmentationOptions) -> SegmentedText {
        if candidate.parts == 1 {
            let octets = UCS2.encode(text)
            return SegmentedText(
                alphabet: .ucs2,
                parts: [TextSegment(text: text, units: octets, unitCount: octets.count / 2)],
                referenceBits: options.referenceBits,
                headerOctets: candidate.headerOctets,
                unitsPerPart: candidate.capacity
            )
        }
        var parts: [TextSegment] = []
        parts.reserveCapacity(candidate.parts)
        var octets: [UInt8] = []
        octets.reserveCapacity(2 * candidate.capacity)
        let view = text.unicodeScalars
        var partStart = view.startIndex
        var used = 0
        forEachUCS2Atom(text, capacity: candidate.capacity) { atom, units in
            if used + units > candidate.capacity {
                let partText = String(view[partStart..<atom.startIndex])
                parts.append(TextSegment(text: partText, units: octets, unitCount: used))
                octets = []
                octets.reserveCapacity(2 * candidate.capacity)
                partStart = atom.startIndex
                used = 0
            }
            UCS2.append(atom, to: &octets)
            used += units
        }
        if parts.isEmpty || used > 0 {
            parts.append(TextSegment(text: String(view[partStart...]), units: octets, unitCount: used))
        }
        return SegmentedText(
            alphabet: .ucs2,
            parts: parts,
            referenceBits: options.referenceBits,
            headerOctets: candidate.headerOctets,
            unitsPerPart: candidate.capacity
        )
    }
}
