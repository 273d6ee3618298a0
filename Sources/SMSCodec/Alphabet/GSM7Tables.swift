/// One 128-position GSM 7-bit code table (a locking shift or a single shift table) with its reverse map.
///
/// Instances are built once per table (see ``GSM7Tables``) and shared by every ``GSM7Alphabet`` that uses them.
final class GSM7CodeTable: Sendable {
    /// Septet → scalar; `nil` where the table has no character.
    let characters: [Unicode.Scalar?]
    /// Scalar → septet. Where a table lists a character twice (e.g. '¡' at 0x13 and 0x15 of the Indic single shift
    /// tables), the lower septet is used for encoding; decoding accepts both.
    let septets: [Unicode.Scalar: UInt8]
    /// Septet → BMP code point, 0 where the table has no character: the decoder's fast path.
    let codePoints: [UInt16]

    /// - Parameter codePoints: exactly ``GSM7Tables/tableSize`` UTF-16 code points, 0 for "no character".
    init(codePoints: [UInt16]) {
        precondition(codePoints.count == GSM7Tables.tableSize, "a GSM 7-bit table has 128 positions")
        var characters: [Unicode.Scalar?] = []
        characters.reserveCapacity(GSM7Tables.tableSize)
        var septets: [Unicode.Scalar: UInt8] = [:]
        for (index, codePoint) in codePoints.enumerated() {
            let scalar = codePoint == 0 ? nil : Unicode.Scalar(codePoint)
            characters.append(scalar)
            // Safe: index < 128, checked by the precondition above.
            if let scalar, septets[scalar] == nil { septets[scalar] = UInt8(index) }
        }
        self.characters = characters
        self.septets = septets
        self.codePoints = codePoints
    }

    /// The character at `septet` (masked to 7 bits), if the table defines one.
    @inline(__always)
    func character(at septet: UInt8) -> Unicode.Scalar? { characters[Int(septet & 0x7F)] }
}

/// The registry of GSM 7-bit tables (TS 23.038 §6.2.1, Annex A), built lazily once per process.
enum GSM7Tables {
    /// Positions in a GSM 7-bit table (septet values 0...127).
    static let tableSize = 128

    static let defaultLockingTable = GSM7CodeTable(codePoints: defaultLocking)
    static let defaultSingleTable = GSM7CodeTable(codePoints: defaultSingle)

    /// Locking shift tables indexed by National Language Identifier (index 0 = default alphabet; `nil` = none).
    static let lockingTables: [GSM7CodeTable?] = [
        defaultLockingTable,
        GSM7CodeTable(codePoints: turkishLocking),
        nil,  // Spanish: TS 23.038 §A.3.2 is void.
        GSM7CodeTable(codePoints: portugueseLocking),
        GSM7CodeTable(codePoints: bengaliLocking),
        GSM7CodeTable(codePoints: gujaratiLocking),
        GSM7CodeTable(codePoints: hindiLocking),
        GSM7CodeTable(codePoints: kannadaLocking),
        GSM7CodeTable(codePoints: malayalamLocking),
        GSM7CodeTable(codePoints: oriyaLocking),
        GSM7CodeTable(codePoints: punjabiLocking),
        GSM7CodeTable(codePoints: tamilLocking),
        GSM7CodeTable(codePoints: teluguLocking),
        GSM7CodeTable(codePoints: urduLocking),
    ]

    /// Single shift tables indexed by National Language Identifier (index 0 = default extension table).
    static let singleTables: [GSM7CodeTable] = [
        defaultSingleTable,
        GSM7CodeTable(codePoints: turkishSingle),
        GSM7CodeTable(codePoints: spanishSingle),
        GSM7CodeTable(codePoints: portugueseSingle),
        GSM7CodeTable(codePoints: bengaliSingle),
        GSM7CodeTable(codePoints: gujaratiSingle),
        GSM7CodeTable(codePoints: hindiSingle),
        GSM7CodeTable(codePoints: kannadaSingle),
        GSM7CodeTable(codePoints: malayalamSingle),
        GSM7CodeTable(codePoints: oriyaSingle),
        GSM7CodeTable(codePoints: punjabiSingle),
        GSM7CodeTable(codePoints: tamilSingle),
        GSM7CodeTable(codePoints: teluguSingle),
        GSM7CodeTable(codePoints: urduSingle),
    ]

    /// The locking shift table of `language` (`nil` = default); `nil` when the language has none (Spanish).
    static func lockingTable(_ language: NationalLanguage?) -> GSM7CodeTable? {
        guard let language else { return defaultLockingTable }
        return lockingTables[Int(language.rawValue)]
    }

    /// The single shift table of `language` (`nil` = the default extension table).
    static func singleTable(_ language: NationalLanguage?) -> GSM7CodeTable {
        guard let language else { return defaultSingleTable }
        return singleTables[Int(language.rawValue)]
    }
}
