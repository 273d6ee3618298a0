import NIOCore
import NIOPosix

/// A network interface the device serves on: its name, IPv4 address and subnet.
struct ServedInterface: Sendable, Hashable {
    var name: String
    var address: IPAddress
    var subnet: IPSubnet

    /// Looks the names up among the host's interfaces (`getifaddrs`, via NIO). Each must exist and have an IPv4
    /// address; the first IPv4 address of each is used.
    static func resolve(_ names: [String]) throws -> [ServedInterface] {
        let devices = try System.enumerateDevices()
        var result: [ServedInterface] = []
        for name in names {
            let candidates = devices.filter { $0.name == name }
            guard !candidates.isEmpty else {
                throw UPnPConfigurationError(message: "interface '\(name)' does not exist")
            }
            let found = candidates.lazy.compactMap { device -> ServedInterface? in
                guard case .v4 = device.address, let text = device.address?.ipAddress,
                    let address = IPAddress(text), let maskText = device.netmask?.ipAddress,
                    let mask = IPAddress(maskText), let subnet = IPSubnet(address: address, netmask: mask)
                else { return nil }
                return ServedInterface(name: name, address: address, subnet: subnet)
            }.first
            guard let found else {
                throw UPnPConfigurationError(message: "interface '\(name)' has no IPv4 address")
            }
            if !result.contains(found) { result.append(found) }
        }
        return result
    }
}
