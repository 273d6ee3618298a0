/// An IPv4 or IPv6 address as its bytes, for subnet checks and Host/CALLBACK comparisons.
///
/// A pure value type (no NIO), so that the parsers that use it stay pure and fuzzable.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, network byte order.
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// An IPv6 address, 16 bytes in network order.
    case v6([UInt8])

    /// Parses dotted-quad IPv4 (`192.168.1.10`) or IPv6 text (`::1`, `fe80::1`, `::ffff:1.2.3.4`), without brackets,
    /// port or zone; `nil` if it is neither. IPv4-mapped IPv6 addresses are returned as IPv4.
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count <= IPAddress.maximumTextLength else { return nil }
        if let v4 = IPAddress.parseIPv4(utf8[...]) {
            self = v4
        } else if let bytes = IPAddress.parseIPv6(utf8[...]) {
            self = IPAddress(v6Bytes: bytes)
        } else {
            return nil
        }
    }

    /// Makes an address from 16 IPv6 bytes, unmapping `::ffff:a.b.c.d` to IPv4 (RFC 4291 §2.5.5.2).
    init(v6Bytes bytes: [UInt8]) {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            self = .v4(bytes[12], bytes[13], bytes[14], bytes[15])
        } else {
            self = .v6(bytes)
        }
    }

    /// The longest address text accepted (an IPv6 address with an embedded IPv4 tail is 45 characters).
    static let maximumTextLength = 45

    /// The address bytes (4 or 16).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a, let b, let c, let d): [a, b, c, d]
        case .v6(let bytes): bytes
        }
    }

    /// Whether this is a loopback address (127/8 or ::1).
    public var isLoopback: Bool {
        switch self {
        case .v4(let a, _, _, _): a == 127
        case .v6(let bytes): bytes == Array(repeating: 0, count: 15) + [1]
        }
    }

    /// Whether this address can only be on this host or its own network, never on the internet: loopback (127/8,
    /// `::1`), IPv4 private (10/8, 172.16/12, 192.168/16: RFC 1918 §3), link-local (169.254/16: RFC 3927;
    /// fe80::/10: RFC 4291 §2.5.6) and IPv6 unique local (fc00::/7: RFC 4193). An IPv4-mapped address counts as
    /// its IPv4 address (``init(_:)`` unmaps it).
    public var isLocalNetwork: Bool {
        switch self {
        case .v4(let a, let b, _, _):
            return a == 127 || a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
                || (a == 169 && b == 254)
        case .v6(let bytes):
            return isLoopback || (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) || bytes[0] & 0xFE == 0xFC
        }
    }

    /// Dotted quad, or RFC 5952 compressed IPv6 text.
    public var description: String {
        switch self {
        case .v4(let a, let b, let c, let d):
            return "\(a).\(b).\(c).\(d)"
        case .v6(let bytes):
            var groups: [UInt16] = []
            for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
            // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on a tie.
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < 8 {
                if groups[index] == 0 {
                    var end = index
                    while end < 8 && groups[end] == 0 { end += 1 }
                    if end - index > bestLength {
                        bestStart = index
                        bestLength = end - index
                    }
                    index = end
                } else {
                    index += 1
                }
            }
            let hex = groups.map { String($0, radix: 16) }
            if bestStart < 0 { return hex.joined(separator: ":") }
            let head = hex[0..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    // MARK: - Parsing

    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> IPAddress? {
        var parts: [UInt8] = []
        var value = 0
        var digits = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts.count < 3 else { return nil }
                parts.append(UInt8(value))
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                // No leading zeros (they read as octal in some resolvers: an address-confusion vector).
                if digits == 1 && value == 0 { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts.count == 3 else { return nil }
        parts.append(UInt8(value))
        return .v4(parts[0], parts[1], parts[2], parts[3])
    }

    private static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        // Split at "::" (at most one), then parse each side as ':'-separated groups; the last group may be IPv4.
        let colon = UInt8(ascii: ":")
        var doubleColon: Int?
        var i = text.startIndex
        while i < text.endIndex - 1 {
            if text[i] == colon && text[i + 1] == colon {
                guard doubleColon == nil else { return nil }
                doubleColon = i
                i += 2
            } else {
                i += 1
            }
        }
        func groups(_ part: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let fields = part.split(separator: colon, omittingEmptySubsequences: false)
            var out: [UInt8] = []
            for (n, field) in fields.enumerated() {
                if n == fields.count - 1, allowIPv4Tail, field.contains(UInt8(ascii: ".")) {
                    guard case .v4(let a, let b, let c, let d) = parseIPv4(field) else { return nil }
                    out += [a, b, c, d]
                    continue
                }
                guard (1...4).contains(field.count) else { return nil }
                var value: UInt16 = 0
                for byte in field {
                    guard let digit = hexValue(byte) else { return nil }
                    value = value << 4 | UInt16(digit)
                }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        if let doubleColon {
            guard let head = groups(text[text.startIndex..<doubleColon], allowIPv4Tail: false),
                let tail = groups(text[(doubleColon + 2)...], allowIPv4Tail: true),
                head.count + tail.count <= 14
            else { return nil }
            return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
        }
        guard let all = groups(text, allowIPv4Tail: true), all.count == 16 else { return nil }
        return all
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
