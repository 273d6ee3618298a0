import Foundation

/// Normalisation of peer addresses, so that the same number typed differently is stored, searched and routed the
/// same way (messaging-v2.md §7.1: accept `tel:` URIs and visual separators on input).
enum PeerAddress {
    /// Longest address an SMS can carry: 20 digits (TS 23.040 §9.1.2.5, 10 octets of semi-octets).
    static let maximumDigits = 20
    /// Longest alphanumeric sender ID: 11 characters (TS 23.040 §9.1.2.5, 7-bit packed in 10 octets).
    static let maximumAlphanumericLength = 11
    /// Longest address text accepted at all (bounded before any processing).
    static let maximumInputLength = 256

    /// Strips a `tel:` scheme (and its parameters) and visual separators from a phone number; leaves anything
    /// that is not a phone number (an alphanumeric sender ID, an e-mail address) unchanged apart from trimming.
    static func normalize(_ raw: String) -> String {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.lowercased().hasPrefix("tel:") {
            text = text.dropFirst(4)
            if let semicolon = text.firstIndex(of: ";") { text = text[..<semicolon] }
        }
        let separators: Set<Character> = ["-", ".", " ", "(", ")"]
        let stripped = text.filter { !separators.contains($0) }
        let isPhoneNumber =
            !stripped.isEmpty
            && stripped.enumerated().allSatisfy { index, character in
                character.isASCII && (character.isNumber || (index == 0 && character == "+"))
            }
        return isPhoneNumber ? stripped : String(text)
    }

    /// True for a number an SMS can be sent to: optional `+` and 1…20 digits.
    static func isDialable(_ normalized: String) -> Bool {
        let digits = normalized.hasPrefix("+") ? normalized.dropFirst() : Substring(normalized)
        return !digits.isEmpty && digits.count <= maximumDigits
            && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// True when two normalised addresses are the same number: equal, or — when one is national and the other
    /// international — equal in their last digits (at least 7), as the SMSC may report either form.
    static func isSameNumber(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.hasPrefix("+") != b.hasPrefix("+") else { return false }
        // The national form may carry a trunk prefix (0) that the international form replaces by a country code.
        let national = a.hasPrefix("+") ? b : a
        let international = a.hasPrefix("+") ? a : b
        let digitsA = Array(national.filter(\.isNumber).drop { $0 == "0" })
        let digitsB = Array(international.filter(\.isNumber))
        let shorter = min(digitsA.count, digitsB.count)
        guard shorter >= minimumMatchingDigits else { return false }
        return digitsA.suffix(shorter) == digitsB.suffix(shorter)
    }

    /// Characters of an address that logs at info level and above keep at its start and at its end.
    static let unmaskedPrefixLength = 3
    static let unmaskedSuffixLength = 2

    /// An address as logs above debug show it: the first 3 and the last 2 characters, every other one replaced by
    /// `*` (`+4917612345678` → `+49*********78`), so that a log identifies a conversation to its owner without
    /// giving away the number (STYLE.md §9 rule 9: no PII at info). Addresses too short to keep both ends are
    /// masked but for their first character.
    static func masked(_ address: String) -> String {
        let characters = Array(address)
        let kept = unmaskedPrefixLength + unmaskedSuffixLength
        guard characters.count > kept else {
            return String(characters.prefix(1)) + String(repeating: "*", count: max(0, characters.count - 1))
        }
        return String(characters.prefix(unmaskedPrefixLength))
            + String(repeating: "*", count: characters.count - kept)
            + String(characters.suffix(unmaskedSuffixLength))
    }

    /// Fewest trailing digits that make a national and an international form the same number.
    static let minimumMatchingDigits = 7

    /// The conversation key of a set of peers: the sorted, normalised, de-duplicated addresses.
    static func conversationKey(_ peers: [Peer]) -> String {
        Set(peers.map { normalize($0.id) }).sorted().joined(separator: ",")
    }
}
