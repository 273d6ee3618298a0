/// A character set by its IANA MIBenum, as WSP and MMS carry it (WAP-230-WSP §8.4.2.8 Well-known-charset; the
/// numbers are IANA's "Character Sets" registry). An open set: unknown numbers are kept and their text as octets.
public struct Charset: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Any-charset (WSP 0x80, value 0): "*".
    public static let any = Charset(rawValue: 0)
    public static let usASCII = Charset(rawValue: 3)
    public static let iso8859_1 = Charset(rawValue: 4)
    public static let utf8 = Charset(rawValue: 106)
    public static let ucs2 = Charset(rawValue: 1000)
    public static let utf16BE = Charset(rawValue: 1013)
    public static let utf16LE = Charset(rawValue: 1014)
    public static let utf16 = Charset(rawValue: 1015)

    /// The charsets this codec can turn into text.
    public static let known: [Charset: String] = [
        .any: "*", .usASCII: "us-ascii", .iso8859_1: "iso-8859-1", .utf8: "utf-8", .ucs2: "iso-10646-ucs-2",
        .utf16BE: "utf-16be", .utf16LE: "utf-16le", .utf16: "utf-16",
    ]

    public var description: String { Self.known[self] ?? "mib-\(rawValue)" }

    /// Decodes `octets` in this charset; `nil` for a charset this codec does not know or octets that are invalid in it.
    public func decode<C: Collection>(_ octets: C) -> String? where C.Element == UInt8 {
        switch self {
        case .utf8, .any: return String(validating: octets, as: UTF8.self)
        case .usASCII: return octets.allSatisfy { $0 < 0x80 } ? String(decoding: octets, as: UTF8.self) : nil
        case .iso8859_1: return String(String.UnicodeScalarView(octets.map { Unicode.Scalar($0) }))
        case .ucs2, .utf16BE: return Self.decodeUTF16(Array(octets), bigEndian: true)
        case .utf16LE: return Self.decodeUTF16(Array(octets), bigEndian: false)
        case .utf16:
            // RFC 2781 §4.3: a byte-order mark decides; without one, big-endian.
            let array = Array(octets)
            if array.starts(with: [0xFF, 0xFE]) {
                return Self.decodeUTF16(Array(array.dropFirst(2)), bigEndian: false)
            }
            if array.starts(with: [0xFE, 0xFF]) { return Self.decodeUTF16(Array(array.dropFirst(2)), bigEndian: true) }
            return Self.decodeUTF16(array, bigEndian: true)
        default: return nil
        }
    }

    /// Encodes `text` in this charset; `nil` when the charset is unknown or cannot represent the text.
    public func encode(_ text: String) -> [UInt8]? {
        switch self {
        case .utf8, .any: return Array(text.utf8)
        case .usASCII: return text.utf8.allSatisfy { $0 < 0x80 } ? Array(text.utf8) : nil
        case .iso8859_1:
            var out: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 0x100 else { return nil }
                out.append(UInt8(scalar.value))
            }
            return out
        case .ucs2:
            guard text.unicodeScalars.allSatisfy({ $0.value < 0x10000 }) else { return nil }
            return text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .utf16BE, .utf16: return text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .utf16LE: return text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default: return nil
        }
    }

    private static func decodeUTF16(_ octets: [UInt8], bigEndian: Bool) -> String? {
        guard octets.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(octets.count / 2)
        var index = 0
        while index < octets.count {
            let (high, low) = bigEndian ? (octets[index], octets[index + 1]) : (octets[index + 1], octets[index])
            units.append(UInt16(high) << 8 | UInt16(low))
            index += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    /// WSP TEXT without a charset: UTF-8 when valid, else ISO-8859-1 (every octet is a character there), so that
    /// no input fails for its text alone.
    static func decodeLenient<C: Collection>(_ octets: C) -> String where C.Element == UInt8 {
        Charset.utf8.decode(octets) ?? Charset.iso8859_1.decode(octets) ?? ""
    }
}
