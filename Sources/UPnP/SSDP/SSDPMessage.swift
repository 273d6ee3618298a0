/// One SSDP datagram: an HTTP-like start line and header fields over UDP (UDA 1.1 §1.1.2).
///
/// Parsing is a pure function over the datagram's bytes (fuzzed by Fuzz/FuzzSSDP). Header names are
/// case-insensitive (stored upper-cased); a repeated header keeps its first value. Lines end in CRLF; a bare LF is
/// accepted too (liberal in what we accept).
struct SSDPMessage: Sendable, Hashable {
    /// Largest datagram read (UDA 1.1 §1.1.2 asks senders to stay below the path MTU; 8 KiB is generous).
    static let maximumDatagramBytes = 8192
    /// Most header lines read.
    static let maximumHeaderCount = 64

    /// The start line.
    enum StartLine: Sendable, Hashable {
        /// `M-SEARCH * HTTP/1.1`.
        case search
        /// `NOTIFY * HTTP/1.1`.
        case notify
        /// `HTTP/1.1 200 OK` (a search response).
        case response(status: Int)
    }

    /// Why a datagram was dropped (dropped silently on the wire; the reason is for logs and tests).
    enum ParseError: Error, Sendable, Hashable {
        case tooLarge
        case badEncoding
        case badStartLine
        case badHeaderLine
        case tooManyHeaders
    }

    var startLine: StartLine
    /// Header values by upper-cased name, trimmed.
    var headers: [String: String]

    /// The value of a header, by any case of its name.
    subscript(name: String) -> String? { headers[name.uppercased()] }

    init(startLine: StartLine, headers: [String: String]) {
        self.startLine = startLine
        self.headers = headers
    }

    /// Parses a datagram.
    init(parsing bytes: some Collection<UInt8>) throws(ParseError) {
        guard bytes.count <= SSDPMessage.maximumDatagramBytes else { throw .tooLarge }
        // SSDP is ASCII; anything else (NUL, control characters, invalid UTF-8) marks a hostile or broken sender.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .badEncoding }
        // Split on bytes: as a String, CR LF is one Character and would not split on "\n".
        var lines: [Substring] = Array(bytes).split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            let trimmed = line.last == 0x0D ? line.dropLast() : line[...]
            return Substring(String(decoding: trimmed, as: UTF8.self))
        }
        guard !lines.isEmpty else { throw .badStartLine }
        let first = lines.removeFirst()
        switch first {
        case "M-SEARCH * HTTP/1.1": startLine = .search
        case "NOTIFY * HTTP/1.1": startLine = .notify
        default:
            let parts = first.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0] == "HTTP/1.1", parts[1].count == 3, let status = Int(parts[1]) else {
                throw .badStartLine
            }
            startLine = .response(status: status)
        }
        var headers: [String: String] = [:]
        var count = 0
        for line in lines {
            if line.isEmpty { break }  // End of the header block; SSDP messages carry no body.
            count += 1
            guard count <= SSDPMessage.maximumHeaderCount else { throw .tooManyHeaders }
            guard let colon = line.firstIndex(of: ":") else { throw .badHeaderLine }
            let name = line[..<colon]
            guard !name.isEmpty,
                name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else { throw .badHeaderLine }
            let value = line[line.index(after: colon)...].trimmingBlanks()
            guard value.utf8.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }) else { throw .badHeaderLine }
            let key = name.uppercased()
            if headers[key] == nil { headers[key] = String(value) }
        }
        self.headers = headers
    }

    /// The datagram text: start line, headers in the given order, blank line.
    static func serialize(startLine: String, headers: [(String, String)]) -> [UInt8] {
        var text = startLine + "\r\n"
        for (name, value) in headers { text += value.isEmpty ? "\(name):\r\n" : "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }
}

/// A valid M-SEARCH request (UDA 1.1 §1.3.2).
struct SSDPSearch: Sendable, Hashable {
    /// The search target.
    var searchTarget: String
    /// MX in seconds, capped at 5 (UDA 1.1 §1.3.2: a device assumes 5 for larger values); `nil` for a unicast search,
    /// which is answered at once.
    var maximumWait: Int?

    /// The SSDP group address (UDA 1.1 §1.1.2).
    static let multicastAddress = "239.255.255.250"

    /// The largest MX honoured.
    static let maximumMX = 5
    /// Longest ST accepted.
    static let maximumSearchTargetLength = 256

    /// Validates a parsed message as a search; `nil` (dropped silently) if it is not one or is malformed.
    ///
    /// Required: `M-SEARCH * HTTP/1.1`, `MAN: "ssdp:discover"` (quoted), `ST`, `HOST`; for a multicast search (HOST
    /// is the multicast group) an integer `MX` ≥ 1. A unicast search (HOST names the device) needs no MX.
    init?(_ message: SSDPMessage, multicastHost: String) {
        guard message.startLine == .search, message["MAN"] == "\"ssdp:discover\"",
            let host = message["HOST"], let st = message["ST"], !st.isEmpty,
            st.utf8.count <= SSDPSearch.maximumSearchTargetLength
        else { return nil }
        searchTarget = st
        // Some control points leave the port out of HOST; the group address alone still marks a multicast search.
        if host == multicastHost || host == SSDPSearch.multicastAddress {
            guard let mxText = message["MX"], (1...3).contains(mxText.count),
                mxText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let mx = Int(mxText), mx >= 1
            else { return nil }
            maximumWait = min(mx, SSDPSearch.maximumMX)
        } else {
            maximumWait = nil
        }
    }
}

extension SSDPSearch {
    /// The multicast M-SEARCH a control point sends (UDA 1.1 §1.3.2): `HOST` the group, `MAN: "ssdp:discover"`,
    /// `MX`, `ST`, and a `USER-AGENT` naming the control point. Parsed back by ``init(_:multicastHost:)``.
    func request(multicastHost: String, userAgent: String) -> [UInt8] {
        SSDPMessage.serialize(
            startLine: "M-SEARCH * HTTP/1.1",
            headers: [
                ("HOST", multicastHost), ("MAN", "\"ssdp:discover\""), ("MX", String(maximumWait ?? 1)),
                ("ST", searchTarget), ("USER-AGENT", userAgent),
            ]
        )
    }

    /// A search for `searchTarget`, answered within `maximumWait` seconds (1…5).
    init(searchTarget: String, maximumWait: Int) {
        self.searchTarget = searchTarget
        self.maximumWait = min(max(maximumWait, 1), SSDPSearch.maximumMX)
    }
}
