import NIOCore
import NIOPosix
import Testing
import UPnP

/// A control point's M-SEARCH on `lo` for the multi-modem tests, through the UPnP module's own searcher.
enum SSDPSearch {
    /// Searches for `target` on the SSDP group at `port` through `lo`, and returns each answering device's
    /// UDN → LOCATION.
    static func devices(answering target: String, port: Int) async throws -> [String: String] {
        let answers = try await SSDPSearcher(interface: "lo", port: port).search(target: target, maximumWait: 1)
        return Dictionary(answers.map { ($0.udn, $0.location.description) }, uniquingKeysWith: { first, _ in first })
    }

    /// A UDP port free now on every address (bound with the options SSDP listeners use, then closed).
    static func freePort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "0.0.0.0", port: 0).get()
        defer { channel.close(promise: nil) }
        return try #require(channel.localAddress?.port)
    }
}
