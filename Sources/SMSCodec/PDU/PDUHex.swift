/// Hex text ⇄ octets, as PDUs travel in AT+CMGR/+CMGL/+CMGS (TS 27.005 §3.1: "hexadecimal format").
public enum PDUHex {
    /// The longest PDU we accept in hex form: the SMSC prefix (12 octets) plus the longest TPDU (SMS-SUBMIT with
    /// a 12-octet address, 7-octet VP and 140 octets of user data is 164 octets) with room for trailing junk that
    /// modems append. Anything longer is not a PDU.
    public static let maximumOctets = 400

    /// Parses hex text (upper or lower case, no separators; surrounding whitespace is ignored).
    /// - Parameters:
    ///   - text: The hex digits.
    ///   - maximumOctets: The most octets accepted; a caller with a tighter bound than ``maximumOctets`` (the AT
    ///     driver's longest PDU) passes it here, so that longer text is refused before it is decoded.
    /// - Throws: ``PDUError`` `.oddHexLength`, `.invalidHexDigit` (with the octet offset of the bad digit) or
    ///   `.invalidPDULength` when the text is empty or longer than `maximumOctets`.
    public static func decode(
        _ text: some StringProtocol,
        maximumOctets: Int = PDUHex.maximumOctets
    ) throws(PDUError) -> [UInt8] {
        let result =
            text.utf8.withContiguousStorageIfAvailable { parse(utf8: $0, maximumOctets: maximumOctets) }
            ?? Array(text.utf8).withUnsafeBufferPointer { parse(utf8: $0, maximumOctets: maximumOctets) }
        return try result.get()
    }

    /// Parses hex text given as UTF-8 bytes (a line read from a file or a pipe), exactly as
    /// ``decode(_:maximumOctets:)`` parses the same text: callers that read bytes need no String per line.
    public static func decode(
        utf8 text: UnsafeBufferPointer<UInt8>,
        maximumOctets: Int = PDUHex.maximumOctets
    ) throws(PDUError) -> [UInt8] {
        try parse(utf8: text, maximumOctets: maximumOctets).get()
    }

    /// Whether `text` is one or more hex digits (either case) and nothing else, not even whitespace; the length
    /// may be odd. This is how a line is recognised as a PDU line rather than an AT response or URC.
    public static func isHexDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { nibble($0) != nil }
    }

    /// Parses hex text given as UTF-8 bytes into `octets` (its previous contents are dropped, its storage is kept):
    /// a caller decoding line after line reuses one buffer instead of allocating an array per line. Accepts and
    /// rejects exactly what ``decode(utf8:maximumOctets:)`` does.
    public static func decode(
        utf8 text: UnsafeBufferPointer<UInt8>,
        into octets: inout [UInt8],
        maximumOctets: Int = PDUHex.maximumOctets
    ) throws(PDUError) {
        octets.removeAll(keepingCapacity: true)
        let digits = try trimmedDigits(text, maximumOctets: maximumOctets).get()
        let bad = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits.count / 2) { scratch in
            let bad = fill(scratch, from: digits)
            if bad == nil { octets.append(contentsOf: UnsafeBufferPointer(scratch)) }
            return bad
        }
        if let bad { throw invalidDigit(in: digits, at: bad) }
    }

    private static func parse(
        utf8 all: UnsafeBufferPointer<UInt8>,
        maximumOctets: Int
    ) -> Result<[UInt8], PDUError> {
        let digits: UnsafeBufferPointer<UInt8>
        switch trimmedDigits(all, maximumOctets: maximumOctets) {
        case .success(let trimmed): digits = trimmed
        case .failure(let error): return .failure(error)
        }
        var bad: Int? = nil
        let octets = [UInt8](unsafeUninitializedCapacity: digits.count / 2) { buffer, initialized in
            bad = fill(buffer, from: digits)
            initialized = bad == nil ? digits.count / 2 : 0
        }
        if let bad { return .failure(invalidDigit(in: digits, at: bad)) }
        return .success(octets)
    }

    /// The digits of `all` without surrounding whitespace, if they are an even, non-zero count of at most
    /// `2 × maximumOctets` (not yet checked to be hex).
    private static func trimmedDigits(
        _ all: UnsafeBufferPointer<UInt8>,
        maximumOctets: Int
    ) -> Result<UnsafeBufferPointer<UInt8>, PDUError> {
        var start = 0
        var end = all.count
        while end > start, isSpace(all[end - 1]) { end -= 1 }
        while start < end, isSpace(all[start]) { start += 1 }
        let count = end - start
        guard count > 0 else { return .failure(PDUError(.invalidPDULength, offset: 0, reason: "empty PDU")) }
        guard count % 2 == 0 else {
            return .failure(PDUError(.oddHexLength, offset: count / 2, reason: "odd number of hex digits (\(count))"))
        }
        guard count / 2 <= maximumOctets else {
            return .failure(
                PDUError(
                    .invalidPDULength,
                    offset: maximumOctets,
                    reason: "\(count / 2) octets is longer than any PDU (\(maximumOctets))"
                )
            )
        }
        return .success(UnsafeBufferPointer(rebasing: all[start..<end]))
    }

    /// Writes the octets of the even count of `digits` into `buffer`; returns the index of the first digit that is
    /// not hex, if any (the octets before it are written).
    private static func fill(
        _ buffer: UnsafeMutableBufferPointer<UInt8>,
        from digits: UnsafeBufferPointer<UInt8>
    )
        -> Int?
    {
        let octetCount = digits.count / 2
        var start = 0
        // PDU files of hundreds of thousands of lines go through here: eight digits at a time while they are all
        // hex, then one table load per digit for the rest (and for a word with a bad digit, to find it).
        if let source = digits.baseAddress, let target = buffer.baseAddress {
            while start + 4 <= octetCount,
                let four = octets(
                    ofEightDigits: UInt64(
                        littleEndian: UnsafeRawPointer(source + 2 * start).loadUnaligned(as: UInt64.self)
                    )
                )
            {
                UnsafeMutableRawPointer(target + start).storeBytes(of: four.littleEndian, as: UInt32.self)
                start += 4
            }
        }
        return nibbleValues.withUnsafeBufferPointer { values in
            for index in start..<octetCount {
                let h = values[Int(digits[2 * index])]
                let l = values[Int(digits[2 * index + 1])]
                guard h | l < 0x10 else { return h < 0x10 ? 2 * index + 1 : 2 * index }
                buffer[index] = h << 4 | l
            }
            return nil
        }
    }

    /// The four octets of eight hex digits (the first digit in the lowest byte of `word`, the first octet in the
    /// lowest byte of the result), or `nil` when any of them is not a hex digit. Bytes are tested as lanes of one
    /// word: with every byte below 0x80, adding 0x80 − lo sets a lane's high bit exactly when it is ≥ lo, and adding
    /// 0x7F − hi exactly when it is > hi, with no carry into the next lane.
    @inline(__always)
    private static func octets(ofEightDigits word: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        guard word & highs == 0 else { return nil }
        func inRange(_ w: UInt64, _ lo: UInt8, _ hi: UInt8) -> UInt64 {
            (w &+ ones &* UInt64(0x80 - lo)) & ~(w &+ ones &* UInt64(0x7F - hi)) & highs
        }
        let isDigit = inRange(word, UInt8(ascii: "0"), UInt8(ascii: "9"))
        // Lower case folds "A"…"F" onto "a"…"f" and leaves the digits as they are.
        let isLetter = inRange(word | (ones &* 0x20), UInt8(ascii: "a"), UInt8(ascii: "f"))
        guard isDigit | isLetter == highs else { return nil }
        // "0"…"9" & 0x0F are 0…9, "a"…"f" & 0x0F are 1…6, and a letter adds 9.
        let nibbles = (word & (ones &* 0x0F)) &+ (isLetter >> 7) &* 9
        // Each 16-bit lane holds two nibbles, the high one first: make it one octet, then pack the four octets.
        var packed = (nibbles & 0x00FF_00FF_00FF_00FF) << 4 | (nibbles >> 8) & 0x00FF_00FF_00FF_00FF
        packed = (packed | packed >> 8) & 0x0000_FFFF_0000_FFFF
        packed = (packed | packed >> 16) & 0xFFFF_FFFF
        return UInt32(truncatingIfNeeded: packed)
    }

    private static func invalidDigit(in digits: UnsafeBufferPointer<UInt8>, at bad: Int) -> PDUError {
        PDUError(
            .invalidHexDigit,
            offset: bad / 2,
            reason: "character \(describe(digits[bad])) at position \(bad) is not a hex digit"
        )
    }

    /// The value of each byte as a hex digit, 0xFF for a byte that is not one.
    private static let nibbleValues: [UInt8] = (0...255).map { nibble(UInt8($0)) ?? 0xFF }

    /// Formats octets as upper-case hex without separators.
    public static func encode(_ octets: some Sequence<UInt8>) -> String {
        octets.withContiguousStorageIfAvailable(encode(contiguous:))
            ?? Array(octets).withUnsafeBufferPointer(encode(contiguous:))
    }

    /// One octet as two upper-case hex digits (a TOA, a DCS, a first octet): a small String, no array in between.
    static func encode(octet: UInt8) -> String {
        String(unsafeUninitializedCapacity: 2) { write(octet: octet, into: $0) }
    }

    /// Written straight into the String's storage (no intermediate array, and no allocation at all for up to 7
    /// octets).
    private static func encode(contiguous octets: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: octets.count * 2) { write(octets, into: $0) }
    }

    /// Writes the two upper-case hex digits of `octet` into `buffer` (room for 2) and returns 2.
    @inline(__always)
    static func write(octet: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        buffer[0] = hexDigit(octet >> 4)
        buffer[1] = hexDigit(octet & 0x0F)
        return 2
    }

    /// Writes the upper-case hex of `octets` into `buffer` (room for twice their count) and returns the count
    /// written: the JSON of every decoded PDU holds several of these, written into the output with no String.
    static func write(_ octets: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        for (index, octet) in octets.enumerated() {
            buffer[2 * index] = hexDigit(octet >> 4)
            buffer[2 * index + 1] = hexDigit(octet & 0x0F)
        }
        return 2 * octets.count
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
    }

    private static func describe(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "0x\(encode([c]))"
    }
}
