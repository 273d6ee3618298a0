/// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1 and §6.2.1.1).
///
/// A `GSM7Alphabet` maps between Unicode scalars and septets. The default alphabet is a pair of tables: the
/// 128-entry basic table and the extension table reached through the escape septet 0x1B. National language
/// tables (TS 23.038 §A.2/§A.3) are further instances of the same type.
public struct GSM7Alphabet: Sendable, Hashable {
    /// The escape septet that selects the extension (single shift) table (TS 23.038 §6.2.1.1).
    public static let escape: UInt8 = 0x1B

    /// Basic table: septet value → scalar. `nil` marks a position with no character (e.g. the escape itself).
    public let basicTable: [Unicode.Scalar?]
    /// Extension table: septet after ESC → scalar.
    public let extensionTable: [UInt8: Unicode.Scalar]

    private let basicReverse: [Unicode.Scalar: UInt8]
    private let extensionReverse: [Unicode.Scalar: UInt8]

    /// Creates an alphabet from a basic (locking shift) table of 128 entries and an extension (single shift) table.
    public init(basic: [Unicode.Scalar?], extension: [UInt8: Unicode.Scalar]) {
        precondition(basic.count == 128, "a GSM 7-bit table has 128 positions")
        self.basicTable = basic
        self.extensionTable = `extension`
        var reverse: [Unicode.Scalar: UInt8] = [:]
        for (index, scalar) in basic.enumerated() {
            // Safe: index < 128 by the precondition above.
            if let scalar, reverse[scalar] == nil { reverse[scalar] = UInt8(index) }
        }
        self.basicReverse = reverse
        var extReverse: [Unicode.Scalar: UInt8] = [:]
        for (septet, scalar) in `extension` where extReverse[scalar] == nil || septet < extReverse[scalar]! {
            extReverse[scalar] = septet
        }
        self.extensionReverse = extReverse
    }

    /// The septets for one scalar: one septet from the basic table, or ESC plus one from the extension table.
    /// Returns `nil` when the scalar has no representation in this alphabet.
    @inlinable
    public func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let septet = basicSeptet(for: scalar) { return [septet] }
        if let septet = extensionSeptet(for: scalar) { return [Self.escape, septet] }
        return nil
    }

    /// The basic-table septet of `scalar`, if any.
    public func basicSeptet(for scalar: Unicode.Scalar) -> UInt8? { basicReverse[scalar] }

    /// The extension-table septet of `scalar` (to be sent after ESC), if any.
    public func extensionSeptet(for scalar: Unicode.Scalar) -> UInt8? { extensionReverse[scalar] }

    /// Encodes `text` as septets (one per septet, values 0...127).
    /// - Throws: `GSM7EncodingError` naming the first scalar the alphabet cannot represent; characters are never
    ///   dropped or replaced silently. The encoder above picks UCS-2 for such text instead.
    public func encode(_ text: String) throws(GSM7EncodingError) -> [UInt8] {
        var septets: [UInt8] = []
        septets.reserveCapacity(text.unicodeScalars.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if let septet = basicReverse[scalar] {
                septets.append(septet)
            } else if let septet = extensionReverse[scalar] {
                septets.append(Self.escape)
                septets.append(septet)
            } else {
                throw GSM7EncodingError(scalar: scalar, scalarOffset: offset)
            }
        }
        return septets
    }

    /// Decodes septets to text.
    ///
    /// TS 23.038 §6.2.1.1: a septet after ESC that the extension table does not define is shown as the basic-table
    /// character of the same value. A trailing lone ESC (a sender bug) is shown as a space, as the note to the
    /// extension table recommends for unknown escapes.
    public func decode<S: Sequence>(_ septets: S) -> String where S.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        var escaped = false
        for raw in septets {
            let septet = raw & 0x7F
            if escaped {
                escaped = false
                if let scalar = extensionTable[septet] {
                    scalars.append(scalar)
                } else if let scalar = basicTable[Int(septet)] {
                    scalars.append(scalar)
                } else {
                    scalars.append(" ")
                }
            } else if septet == Self.escape {
                escaped = true
            } else if let scalar = basicTable[Int(septet)] {
                scalars.append(scalar)
            } else {
                scalars.append(" ")
            }
        }
        if escaped { scalars.append(" ") }
        return String(scalars)
    }
}

/// A scalar that the chosen GSM 7-bit table pair cannot represent.
public struct GSM7EncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first unrepresentable scalar.
    public let scalar: Unicode.Scalar
    /// Its offset in the text, counted in Unicode scalars.
    public let scalarOffset: Int

    public var description: String {
        "U+\(String(scalar.value, radix: 16, uppercase: true)) at scalar offset \(scalarOffset) has no GSM 7-bit code"
    }
}

extension GSM7Alphabet {
    /// The GSM 7-bit default alphabet with its extension table (TS 23.038 §6.2.1, §6.2.1.1).
    public static let `default` = GSM7Alphabet(
        basic: (
            // 0x00–0x0F
            "@£$¥èéùìòÇ\nØø\rÅå"
                // 0x10–0x1F (0x1B is the escape, filled in below)
                + "Δ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ"
                // 0x20–0x3F
                + " !\"#¤%&'()*+,-./0123456789:;<=>?"
                // 0x40–0x5F
                + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                // 0x60–0x7F
                + "¿abcdefghijklmnopqrstuvwxyzäöñüà"
        ).unicodeScalars.enumerated().map { index, scalar in index == 0x1B ? nil : scalar },
        extension: [
            0x0A: "\u{0C}",  // form feed (page break)
            0x14: "^",
            0x28: "{",
            0x29: "}",
            0x2F: "\\",
            0x3C: "[",
            0x3D: "~",
            0x3E: "]",
            0x40: "|",
            0x65: "€",
        ]
    )
}
