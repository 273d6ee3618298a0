/// An `http://` URL as a control point meets them: a description's LOCATION, the SCPD, control and event URLs of
/// its services (UDA 1.1 §2.3), a presentation URL.
///
/// Pure and bounded (no Foundation), so that it can parse what a hostile device sends. Only `http` is accepted:
/// UPnP 1.1 devices serve descriptions, control and events over plain HTTP (UDA 1.1 §2.1). The host is an IPv4 or
/// bracketed IPv6 literal or a name; user info (`user@host`, which hides the real host from naive comparisons),
/// fragments, spaces and control characters are refused.
package struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// The host, without brackets.
    package var host: String
    /// The TCP port (80 when the URL gives none).
    package var port: Int
    /// The path and query, starting with `/`.
    package var path: String

    /// Longest URL accepted (UDA 1.1 §2.3 bounds no URL; 2 KiB is far above any device's).
    package static let maximumLength = 2048

    package init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses an absolute `http://host[:port][/path]` URL; `nil` for anything else.
    package init?(_ text: some StringProtocol) {
        let text = Substring(text).trimmingBlanks()
        guard text.utf8.count <= HTTPURL.maximumLength else { return nil }
        let scheme = "http://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else { return nil }
        let rest = text.dropFirst(scheme.count)
        let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<pathStart]
        var path = String(rest[pathStart...])
        guard !authority.contains("@"), HTTPURL.isAcceptablePath(path),
            let (host, port) = UPnPHeaderParsing.host(String(authority))
        else { return nil }
        if path.isEmpty || path.first == "?" { path = "/" + path }
        self.init(host: host, port: port ?? 80, path: path)
    }

    /// Resolves a URL of a description against the description's own URL (RFC 3986 §5.2, for the forms UDA 1.1
    /// §2.3 allows): absolute, absolute-path (`/upnp/control`), or relative to the base's directory
    /// (`control`, `./control`). `nil` when `reference` is none of these or resolves to something malformed.
    package func resolving(_ reference: String) -> HTTPURL? {
        let reference = Substring(reference).trimmingBlanks()
        guard !reference.isEmpty, reference.utf8.count <= HTTPURL.maximumLength else { return nil }
        if reference.lowercased().hasPrefix("http://") { return HTTPURL(reference) }
        // Any other scheme (`https:`, `file:`, `javascript:`) or a network-path reference (`//host/…`) is refused:
        // a description must not send the control point elsewhere by a scheme it did not ask for.
        if reference.hasPrefix("//") { return nil }
        if let colon = reference.firstIndex(of: ":"),
            !reference[..<colon].contains(where: { $0 == "/" || $0 == "?" })
        {
            return nil
        }
        var path: String
        if reference.first == "/" {
            path = String(reference)
        } else {
            let basePath = self.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let directory = basePath[...(basePath.lastIndex(of: "/") ?? basePath.startIndex)]
            path = String(directory) + reference
        }
        guard HTTPURL.isAcceptablePath(path) else { return nil }
        path = HTTPURL.removingDotSegments(path)
        return HTTPURL(host: host, port: port, path: path)
    }

    /// The Host header value for a request to this URL (RFC 7230 §5.4).
    package var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? bracketed : "\(bracketed):\(port)"
    }

    package var description: String { "http://\(hostHeader)\(path)" }

    /// No fragment, no blanks or control characters (a URL a device sends must be sent on verbatim).
    private static func isAcceptablePath(_ path: String) -> Bool {
        !path.contains("#") && !path.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
    }

    /// RFC 3986 §5.2.4, on the path part only (the query is kept as it is).
    private static func removingDotSegments(_ pathAndQuery: String) -> String {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var output: [Substring] = []
        let segments = parts[0].split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        let path = "/" + output.joined(separator: "/")
        return parts.count == 2 ? path + "?" + parts[1] : path
    }
}
