import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import UPnP

/// A control point's M-SEARCH on `lo`: the devices that answer, as they come.
enum SSDPSearch {
    typealias UDPChannel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    /// Sends one multicast M-SEARCH for `target` to the SSDP group on `port` through `lo` and collects the answers
    /// (UDN, the USN's part before `::` → LOCATION) until `udns` have all answered.
    static func devices(
        answering target: String,
        port: Int,
        until udns: Set<String>
    ) async throws -> [String: String] {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try UDPChannel(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if let provider = channel.channel as? any SocketOptionProvider {
                try await provider.setIPMulticastIF(SSDPServer.inAddr(.v4(127, 0, 0, 1))).get()
            }
            let search =
                "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:\(port)\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
                + "ST: \(target)\r\n\r\n"
            let address = try SocketAddress(ipAddress: "239.255.255.250", port: port)
            try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(string: search)))
            var found: [String: String] = [:]
            for try await datagram in inbound {
                let answer = try SSDPMessage(parsing: datagram.data.readableBytesView)
                guard answer.startLine == .response(status: 200), answer["ST"] == target,
                    let usn = answer["USN"], let udn = usn.components(separatedBy: "::").first,
                    let location = answer["LOCATION"]
                else { continue }
                found[udn] = location
                if Set(found.keys).isSuperset(of: udns) { break }
            }
            return found
        }
    }

    /// A UDP port free now on every address (bound with the options SSDP listeners use, then closed).
    static func freePort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "0.0.0.0", port: 0).get()
        defer { channel.close(promise: nil) }
        return try #require(channel.localAddress?.port)
    }
}
