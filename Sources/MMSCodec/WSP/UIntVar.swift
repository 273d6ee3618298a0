/// The WSP variable-length unsigned integer (`uintvar`, WAP-230-WSP §8.1.2).
///
/// Each octet carries seven bits, most significant group first; the top bit is set on every octet but the last.
/// WSP limits a uintvar to 32 bits, that is at most five octets.
public enum UIntVar {
    /// The most octets a 32-bit uintvar can take (WAP-230-WSP §8.1.2).
    public static let maximumOctets = 5

    /// Decodes a uintvar at the start of `bytes`.
    /// - Returns: the value and the number of octets read.
    /// - Throws: `UIntVarError` when the input ends inside the number or the number exceeds 32 bits.
    public static func decode<C: Collection>(_ bytes: C) throws(UIntVarError) -> (value: UInt32, length: Int)
    where C.Element == UInt8 {
        var value: UInt64 = 0
        var length = 0
        for byte in bytes {
            length += 1
            guard length <= maximumOctets else { throw .tooLong }
            value = (value << 7) | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                guard let result = UInt32(exactly: value) else { throw .tooLong }
                return (result, length)
            }
        }
        throw .truncated
    }

    /// Encodes `value` as a uintvar.
    public static func encode(_ value: UInt32) -> [UInt8] {
        var groups: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            groups.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        return groups.reversed()
    }
}

/// Errors of ``UIntVar``.
public enum UIntVarError: Error, Hashable, Sendable {
    /// The input ended before an octet with the top bit clear.
    case truncated
    /// More than five octets, or a value above 2³²−1.
    case tooLong
}
