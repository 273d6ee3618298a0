/// A GSM 7-bit table pair: a locking shift table and a single shift table (3GPP TS 23.038 §6.2.1, Annex A).
///
/// The locking shift table (the GSM 7-bit default alphabet, or a national locking shift table) gives one character
/// per septet. The single shift table (the default extension table, or a national single shift table) is reached
/// through the escape septet 0x1B: ESC plus one septet encode one character (TS 23.038 §6.2.1.1).
///
/// Build a pair with ``make(locking:single:)``; ``default`` is the default alphabet with its extension table. The
/// tables are built once per process and shared, so `make` is cheap.
public struct GSM7Alphabet: Sendable, Hashable {
    /// The escape septet that selects the single shift (extension) table (TS 23.038 §6.2.1.1).
    public static let escape: UInt8 = 0x1B

    /// What ``decode(_:)`` shows for a septet that has no character in the table pair (a position a national table
    /// leaves empty). U+FFFD keeps the position visible instead of dropping it or faking a space.
    public static let undefinedCharacter: Unicode.Scalar = "\u{FFFD}"

    /// The national locking shift table in use, `nil` for the GSM 7-bit default alphabet.
    public let lockingShift: NationalLanguage?
    /// The national single shift table in use, `nil` for the default extension table.
    public let singleShift: NationalLanguage?

    let lockingTable: GSM7CodeTable
    let singleTable: GSM7CodeTable

    private init(lockingShift: NationalLanguage?, singleShift: NationalLanguage?) {
        // A language without a locking shift table (Spanish, TS 23.038 §A.3.2) falls back to the default alphabet,
        // as TS 23.038 §6.2.1.2.4 prescribes for identifiers a receiver does not support.
        if let table = GSM7Tables.lockingTable(lockingShift), lockingShift?.hasLockingShiftTable ?? true {
            self.lockingShift = lockingShift
            self.lockingTable = table
        } else {
            self.lockingShift = nil
            self.lockingTable = GSM7Tables.defaultLockingTable
        }
        self.singleShift = singleShift
        self.singleTable = GSM7Tables.singleTable(singleShift)
    }

    /// The table pair for the given national languages (TS 23.038 Annex A.2/A.3).
    ///
    /// Use it to decode a message whose user data header carries a National Language Locking Shift (IEI 0x25) or
    /// Single Shift (IEI 0x24) element (TS 23.040 §9.2.3.24.15/16), and to encode with the pair the
    /// ``Segmenter`` chose.
    /// - Parameters:
    ///   - locking: the locking shift table's language; `nil` selects the GSM 7-bit default alphabet. Spanish has no
    ///     locking shift table, so `.spanish` also selects the default alphabet (and ``lockingShift`` is `nil`).
    ///   - single: the single shift table's language; `nil` selects the default extension table.
    public static func make(locking: NationalLanguage?, single: NationalLanguage?) -> GSM7Alphabet {
        GSM7Alphabet(lockingShift: locking, singleShift: single)
    }

    /// The GSM 7-bit default alphabet with its extension table (TS 23.038 §6.2.1, §6.2.1.1).
    public static let `default` = GSM7Alphabet(lockingShift: nil, singleShift: nil)

    /// Whether the pair uses no national table, i.e. needs no shift element in the user data header.
    public var isDefault: Bool { lockingShift == nil && singleShift == nil }

    /// Two pairs are equal when they use the same tables.
    public static func == (lhs: GSM7Alphabet, rhs: GSM7Alphabet) -> Bool {
        lhs.lockingShift == rhs.lockingShift && lhs.singleShift == rhs.singleShift
    }

    /// Hashes the table identities.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(lockingShift)
        hasher.combine(singleShift)
    }

    // MARK: - Single characters

    /// The locking shift table's character at `septet` (masked to 7 bits); `nil` for ESC and empty positions.
    public func character(forSeptet septet: UInt8) -> Unicode.Scalar? { lockingTable.character(at: septet) }

    /// The single shift table's character at `septet` (masked to 7 bits), i.e. the character that ESC + `septet`
    /// encodes; `nil` where the table has none.
    public func extensionCharacter(forSeptet septet: UInt8) -> Unicode.Scalar? { singleTable.character(at: septet) }

    /// The locking shift table septet of `scalar`, if any.
    public func basicSeptet(for scalar: Unicode.Scalar) -> UInt8? { lockingTable.septets[scalar] }

    /// The single shift table septet of `scalar` (to be sent after ESC), if any.
    public func extensionSeptet(for scalar: Unicode.Scalar) -> UInt8? { singleTable.septets[scalar] }

    /// The septets for one scalar: one septet from the locking shift table, or ESC plus one septet from the single
    /// shift table (the locking shift table wins when both hold the character). `nil` when the pair cannot
    /// represent the scalar.
    public func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let septet = lockingTable.septets[scalar] { return [septet] }
        if let septet = singleTable.septets[scalar] { return [Self.escape, septet] }
        return nil
    }

    /// How many septets `scalar` takes (1, or 2 for an escape pair); `nil` when the pair cannot represent it.
    public func septetCount(for scalar: Unicode.Scalar) -> Int? {
        if lockingTable.septets[scalar] != nil { return 1 }
        if singleTable.septets[scalar] != nil { return 2 }
        return nil
    }

    // MARK: - Text

    /// Whether every scalar of `text` has a code in this pair.
    public func canEncode(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { septetCount(for: $0) != nil }
    }

    /// How many septets `text` takes in this pair, ESC septets included; `nil` when a scalar has no code.
    public func septetCount(of text: String) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard let septets = septetCount(for: scalar) else { return nil }
            count += septets
        }
        return count
    }

    /// Encodes `text` as septets (one array element per septet, values 0...127, ESC septets included).
    ///
    /// Characters are never dropped or replaced: a scalar without a code in the pair is an error. The
    /// ``Segmenter`` avoids the error by choosing a pair that can encode the text, or UCS-2.
    /// - Throws: ``GSM7EncodingError`` naming the first scalar the pair cannot represent.
    public func encode(_ text: String) throws(GSM7EncodingError) -> [UInt8] {
        var septets: [UInt8] = []
        septets.reserveCapacity(text.unicodeScalars.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if let septet = lockingTable.septets[scalar] {
                septets.append(septet)
            } else if let septet = singleTable.septets[scalar] {
                septets.append(Self.escape)
                septets.append(septet)
            } else {
                throw GSM7EncodingError(
                    scalar: scalar,
                    scalarOffset: offset,
                    lockingShift: lockingShift,
                    singleShift: singleShift
                )
            }
        }
        return septets
    }

    /// Decodes septets (one per element; the high bit is ignored) to text. Never fails.
    ///
    /// - ESC + a septet the single shift table does not define shows the locking shift table's character of that
    ///   value (TS 23.038 §6.2.1.1, note to the extension table).
    /// - ESC + ESC is reserved for a further extension table; it shows a space (TS 23.038 §6.2.1.1 NOTE 1), as does
    ///   a lone ESC at the very end (a sender bug).
    /// - A septet with no character in the pair (a position a national table leaves empty) shows
    ///   ``undefinedCharacter``, so that nothing is dropped silently.
    public func decode<S: Sequence>(_ septets: S) -> String where S.Element == UInt8 {
        if let text = septets.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return text }
        return Array(septets).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Writes UTF-8 straight into the string's storage: one allocation per message. Every table entry is a BMP
    /// code point, so a septet (or an escape pair) never needs more than 3 UTF-8 octets.
    private func decode(buffer septets: UnsafeBufferPointer<UInt8>) -> String {
        let locking = lockingTable.codePoints
        let single = singleTable.codePoints
        let space: UInt16 = 0x20
        let undefined = UInt16(Self.undefinedCharacter.value)
        return String(unsafeUninitializedCapacity: septets.count * 3 + 3) { utf8 in
            var count = 0
            func put(_ codePoint: UInt16) {
                if codePoint < 0x80 {
                    utf8[count] = UInt8(truncatingIfNeeded: codePoint)
                    count += 1
                } else if codePoint < 0x800 {
                    utf8[count] = 0xC0 | UInt8(truncatingIfNeeded: codePoint >> 6)
                    utf8[count + 1] = 0x80 | UInt8(truncatingIfNeeded: codePoint & 0x3F)
                    count += 2
                } else {
                    utf8[count] = 0xE0 | UInt8(truncatingIfNeeded: codePoint >> 12)
                    utf8[count + 1] = 0x80 | UInt8(truncatingIfNeeded: (codePoint >> 6) & 0x3F)
                    utf8[count + 2] = 0x80 | UInt8(truncatingIfNeeded: codePoint & 0x3F)
                    count += 3
                }
            }
            var escaped = false
            for raw in septets {
                let septet = Int(raw & 0x7F)
                if escaped {
                    escaped = false
                    if septet == Int(Self.escape) {
                        put(space)
                    } else if single[septet] != 0 {
                        put(single[septet])
                    } else {
                        put(locking[septet] != 0 ? locking[septet] : undefined)
                    }
                } else if septet == Int(Self.escape) {
                    escaped = true
                } else {
                    put(locking[septet] != 0 ? locking[septet] : undefined)
                }
            }
            if escaped { put(space) }
            return count
        }
    }
}

/// A scalar that the chosen GSM 7-bit table pair cannot represent (TS 23.038 §6.2.1, Annex A).
///
/// Thrown by ``GSM7Alphabet/encode(_:)``; the ``Segmenter`` never meets it because it falls back to UCS-2.
public struct GSM7EncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first unrepresentable scalar.
    public let scalar: Unicode.Scalar
    /// Its offset in the text, counted in Unicode scalars.
    public let scalarOffset: Int
    /// The locking shift table that was tried (`nil` = default alphabet).
    public let lockingShift: NationalLanguage?
    /// The single shift table that was tried (`nil` = default extension table).
    public let singleShift: NationalLanguage?

    /// Creates an error for `scalar` at `scalarOffset`.
    public init(
        scalar: Unicode.Scalar,
        scalarOffset: Int,
        lockingShift: NationalLanguage? = nil,
        singleShift: NationalLanguage? = nil
    ) {
        self.scalar = scalar
        self.scalarOffset = scalarOffset
        self.lockingShift = lockingShift
        self.singleShift = singleShift
    }

    /// The scalar, its offset and the tables tried.
    public var description: String {
        let locking = lockingShift?.description ?? "default"
        let single = singleShift?.description ?? "default"
        let tables = "locking \(locking), single \(single)"
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "U+\(code) at scalar offset \(scalarOffset) has no GSM 7-bit code (\(tables))"
    }
}
