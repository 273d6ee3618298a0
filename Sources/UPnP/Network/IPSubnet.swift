/// An IP subnet (`192.168.1.0/24`, `fd00::/8`), for the access policy and the SSDP "served subnet" rule.
public struct IPSubnet: Sendable, Hashable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let network: IPAddress
    /// The prefix length: 0…32 for IPv4, 0…128 for IPv6.
    public let prefixLength: Int

    /// Makes a subnet; host bits of `address` are cleared. `nil` if the prefix is out of range for the family.
    public init?(address: IPAddress, prefixLength: Int) {
        let bits = address.bytes.count * 8
        guard (0...bits).contains(prefixLength) else { return nil }
        self.prefixLength = prefixLength
        self.network = IPSubnet.mask(address, prefixLength)
    }

    /// Parses `ADDRESS/PREFIX` or a bare address (a host route: /32 or /128). `nil` on anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard parts[1].count <= 3, let prefix = Int(parts[1]) else { return nil }
            self.init(address: address, prefixLength: prefix)
        } else {
            self.init(address: address, prefixLength: bits)
        }
    }

    /// Makes a subnet from an address and a netmask of the same family (e.g. from an interface).
    public init?(address: IPAddress, netmask: IPAddress) {
        let mask = netmask.bytes
        guard mask.count == address.bytes.count else { return nil }
        var prefix = 0
        for byte in mask { prefix += byte.nonzeroBitCount }
        self.init(address: address, prefixLength: prefix)
    }

    // Safe to force unwrap: a constant address and prefix 0, which is within 0...32.
    /// Every IPv4 address.
    public static let anyIPv4 = IPSubnet(address: .v4(0, 0, 0, 0), prefixLength: 0)!
    // Safe to force unwrap: a constant address and prefix 0, which is within 0...128.
    /// Every IPv6 address.
    public static let anyIPv6 = IPSubnet(address: .v6(Array(repeating: 0, count: 16)), prefixLength: 0)!

    /// Whether `address` is inside this subnet (always false across families).
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        return IPSubnet.mask(address, prefixLength) == network
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func mask(_ address: IPAddress, _ prefix: Int) -> IPAddress {
        var bytes = address.bytes
        for i in bytes.indices {
            let keep = max(0, min(8, prefix - i * 8))
            bytes[i] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        if bytes.count == 4 { return .v4(bytes[0], bytes[1], bytes[2], bytes[3]) }
        return .v6(bytes)
    }
}
