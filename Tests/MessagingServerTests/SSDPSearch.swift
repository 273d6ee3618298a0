import UPnP

/// A control point's M-SEARCH on `lo` for the multi-modem tests, through the UPnP module's own searcher.
enum SSDPSearch {
    /// Searches for `target` on the SSDP group at `port` through `lo`, and returns each answering device's
    /// UDN → LOCATION.
    static func devices(answering target: String, port: Int) async throws -> [String: String] {
        let answers = try await SSDPSearcher(interface: "lo", port: port).search(target: target, maximumWait: 1)
        return Dictionary(answers.map { ($0.udn, $0.location.description) }, uniquingKeysWith: { first, _ in first })
    }
}
