/// UCS-2 user data as sent in practice: UTF-16, big-endian, with surrogate pairs for characters outside the Basic
/// Multilingual Plane (3GPP TS 23.038 §6.2.3; TS 23.040 §9.2.3.16 counts the user data length in octets).
///
/// Encoding cannot fail: every Unicode scalar has a UTF-16 form. Decoding is lenient by default (malformed input
/// shows U+FFFD where it is broken, nothing is dropped) and strict on request.
public enum UCS2 {
    /// What lenient decoding shows for a lone surrogate or a trailing odd octet.
    public static let replacementCharacter: Unicode.Scalar = "\u{FFFD}"

    /// The UTF-16 code units `text` takes (a character outside the BMP takes two).
    public static func codeUnitCount(of text: String) -> Int { text.utf16.count }

    /// Encodes `text` as big-endian UTF-16 octets (two per code unit).
    public static func encode(_ text: String) -> [UInt8] {
        var octets: [UInt8] = []
        octets.reserveCapacity(text.utf16.count * 2)
        append(text.unicodeScalars, to: &octets)
        return octets
    }

    /// Appends the big-endian UTF-16 octets of `scalars` to `octets`.
    static func append<S: Sequence>(_ scalars: S, to octets: inout [UInt8]) where S.Element == Unicode.Scalar {
        for scalar in scalars {
            for unit in scalar.utf16 {
                octets.append(UInt8(truncatingIfNeeded: unit >> 8))
                octets.append(UInt8(truncatingIfNeeded: unit))
            }
        }
    }

    /// Decodes big-endian UTF-16 octets to text, never failing.
    ///
    /// - A high surrogate not followed by a low surrogate, or a low surrogate not preceded by a high one, shows one
    ///   ``replacementCharacter`` per lone code unit.
    /// - An odd trailing octet (the octet count is odd) shows one ``replacementCharacter``.
    ///
    /// A surrogate pair that a sender split across two concatenated parts decodes correctly only when the parts'
    /// octets are joined first; decoding each part alone shows two replacement characters.
    public static func decode<C: Collection>(_ octets: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        decode(octets) { result in
            switch result {
            case .scalar(let scalar): scalars.append(scalar)
            case .loneSurrogate, .oddOctet: scalars.append(replacementCharacter)
            }
            return true
        }
        return String(scalars)
    }

    /// Decodes big-endian UTF-16 octets to text, rejecting malformed input.
    /// - Throws: ``UCS2DecodingError`` with the octet offset of the first lone surrogate or of an odd trailing octet.
    public static func decodeStrictly<C: Collection>(_ octets: C) throws(UCS2DecodingError) -> String
    where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        var failure: UCS2DecodingError?
        decode(octets) { result in
            switch result {
            case .scalar(let scalar):
                scalars.append(scalar)
                return true
            case .loneSurrogate(let unit, let offset):
                failure = UCS2DecodingError(kind: .loneSurrogate(unit), octetOffset: offset)
                return false
            case .oddOctet(let offset):
                failure = UCS2DecodingError(kind: .oddOctetCount, octetOffset: offset)
                return false
            }
        }
        if let failure { throw failure }
        return String(scalars)
    }

    private enum Step {
        case scalar(Unicode.Scalar)
        case loneSurrogate(UInt16, offset: Int)
        case oddOctet(offset: Int)
    }

    /// Walks the octets once; `body` returns `false` to stop.
    private static func decode<C: Collection>(_ octets: C, _ body: (Step) -> Bool) where C.Element == UInt8 {
        var iterator = octets.makeIterator()
        var offset = 0
        var pendingHigh: (unit: UInt16, offset: Int)?
        while let first = iterator.next() {
            guard let second = iterator.next() else {
                if let high = pendingHigh, !body(.loneSurrogate(high.unit, offset: high.offset)) { return }
                pendingHigh = nil
                _ = body(.oddOctet(offset: offset))
                return
            }
            let unit = UInt16(first) << 8 | UInt16(second)
            let unitOffset = offset
            offset += 2
            if let high = pendingHigh {
                pendingHigh = nil
                if UTF16.isTrailSurrogate(unit) {
                    let value = 0x10000 + ((UInt32(high.unit) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    // Safe: a valid surrogate pair always yields a scalar in 0x10000...0x10FFFF.
                    guard body(.scalar(Unicode.Scalar(value) ?? replacementCharacter)) else { return }
                    continue
                }
                guard body(.loneSurrogate(high.unit, offset: high.offset)) else { return }
            }
            if UTF16.isLeadSurrogate(unit) {
                pendingHigh = (unit, unitOffset)
            } else if UTF16.isTrailSurrogate(unit) {
                guard body(.loneSurrogate(unit, offset: unitOffset)) else { return }
            } else {
                // Safe: a non-surrogate BMP code unit is always a scalar.
                guard body(.scalar(Unicode.Scalar(unit) ?? replacementCharacter)) else { return }
            }
        }
        if let high = pendingHigh { _ = body(.loneSurrogate(high.unit, offset: high.offset)) }
    }
}

/// Malformed UCS-2 (UTF-16BE) user data, reported by ``UCS2/decodeStrictly(_:)``.
public struct UCS2DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Hashable, Sendable {
        /// A surrogate code unit without its partner.
        case loneSurrogate(UInt16)
        /// The octet count is odd; the last octet is half a code unit.
        case oddOctetCount
    }

    /// What is wrong.
    public let kind: Kind
    /// Offset of the offending code unit (or odd octet) from the start of the decoded octets.
    public let octetOffset: Int

    /// The problem and its octet offset.
    public var description: String {
        switch kind {
        case .loneSurrogate(let unit):
            "lone UTF-16 surrogate 0x\(String(unit, radix: 16, uppercase: true)) at octet \(octetOffset)"
        case .oddOctetCount:
            "odd UCS-2 octet count: trailing octet at \(octetOffset)"
        }
    }
}
