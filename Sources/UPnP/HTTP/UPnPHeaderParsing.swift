/// Pure parsers for the UPnP-specific HTTP header values the stack reads (UDA 1.1 §3.2.1, §4.1.2, §4.1.3; RFC 7230
/// §5.4). Each takes the raw header value, is bounded by a named length, and returns `nil` for anything malformed;
/// the caller maps `nil` to the UDA status code. No NIO types, so that they can be fuzzed (Fuzz/FuzzHTTPHeaders).
package enum UPnPHeaderParsing {
    /// Longest SOAPACTION value accepted: a service type (≤ 200 characters, checked at configuration) plus an action.
    static let maximumSOAPActionLength = 512
    /// Longest CALLBACK value accepted.
    static let maximumCallbackLength = 2048
    /// Longest Host value accepted (a DNS name is at most 253 characters, plus a port).
    static let maximumHostLength = 260
    /// Longest TIMEOUT value accepted.
    static let maximumTimeoutLength = 32
    /// Longest SID value accepted (`uuid:` plus 36 characters; some control points send longer SIDs they made up).
    static let maximumSIDLength = 128
    /// Longest action name accepted (UDA 1.1 §2.5: < 32 characters recommended; we allow more, but bounded).
    static let maximumActionNameLength = 128

    // MARK: - SOAPACTION (UDA 1.1 §3.2.1)

    /// `"urn:schemas-upnp-org:service:serviceType:v#actionName"` → (service type, action name).
    ///
    /// The standard form is quoted; unquoted values are accepted (liberal in what we accept), as are surrounding
    /// blanks. The service type must be `urn:…:service:…:N` and the action name an XML name without a colon.
    static func soapAction(_ value: String) -> (serviceType: String, action: String)? {
        // Over the contiguous UTF-8 bytes, not Characters or String indices: this runs for every action
        // (scripts/bench-upnp), and every delimiter is ASCII.
        guard value.utf8.count <= maximumSOAPActionLength else { return nil }
        var value = value
        return value.withUTF8 { bytes -> (serviceType: String, action: String)? in
            var text = trimmingBlanks(bytes)
            if text.count >= 2, text.first == UInt8(ascii: "\""), text.last == UInt8(ascii: "\"") {
                text = text.dropFirst().dropLast()
            }
            guard let hash = text.lastIndex(of: UInt8(ascii: "#")) else { return nil }
            let serviceType = text[..<hash]
            let action = text[(hash + 1)...]
            guard UPnPDeviceConfiguration.isValidType(serviceType, kind: "service"),
                action.count <= maximumActionNameLength, isXMLName(action)
            else { return nil }
            return (String(decoding: serviceType, as: UTF8.self), String(decoding: action, as: UTF8.self))
        }
    }

    /// Whether `name` is a plain XML name (ASCII letters, digits, `_`, `-`, `.`, not starting with a digit, `-` or
    /// `.`); UPnP action and argument names are of this form (UDA 1.1 §2.5).
    static func isXMLName(_ name: String) -> Bool {
        isXMLName(name.utf8)
    }

    /// ``isXMLName(_:)`` over UTF-8 bytes.
    static func isXMLName(_ name: some Collection<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        guard isLetter(first) else { return false }
        return name.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }
    }

    // MARK: - CALLBACK (UDA 1.1 §4.1.2)

    /// One event delivery URL of a subscription.
    struct CallbackURL: Sendable, Hashable, CustomStringConvertible {
        /// The host, an IP literal (names are refused: the CallStranger rule compares it with the requester).
        var host: IPAddress
        /// The TCP port.
        var port: Int
        /// Path and query, starting with `/`.
        var path: String

        /// The Host header value for a NOTIFY to this URL.
        var hostHeader: String {
            switch host {
            case .v4: "\(host):\(port)"
            case .v6: "[\(host)]:\(port)"
            }
        }

        var description: String { "http://\(hostHeader)\(path)" }
    }

    /// `<http://host:port/path><http://…>` → the URLs in order; `nil` if any is malformed, not `http`, names a host
    /// that is not an IP literal, or there are more than `maximumCount`.
    static func callback(_ value: String, maximumCount: Int) -> [CallbackURL]? {
        guard value.utf8.count <= maximumCallbackLength else { return nil }
        var rest = Substring(value).trimmingBlanks()
        var urls: [CallbackURL] = []
        while !rest.isEmpty {
            guard rest.first == "<", let close = rest.firstIndex(of: ">") else { return nil }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard let url = callbackURL(inner) else { return nil }
            urls.append(url)
            guard urls.count <= maximumCount else { return nil }
            rest = rest[rest.index(after: close)...].trimmingBlanks()
        }
        return urls.isEmpty ? nil : urls
    }

    private static func callbackURL(_ text: Substring) -> CallbackURL? {
        let scheme = "http://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else { return nil }
        let afterScheme = text.dropFirst(scheme.count)
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let authority = afterScheme[..<pathStart]
        let path = afterScheme[pathStart...]
        // No user info (`user@host` hides the real host from naive comparisons), no fragment, no spaces.
        guard !authority.contains("@"), !path.contains("#"),
            !path.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
        else { return nil }
        guard let (host, port) = hostAndPort(authority), let address = IPAddress(host) else { return nil }
        return CallbackURL(host: address, port: port ?? 80, path: path.isEmpty ? "/" : String(path))
    }

    // MARK: - Host (RFC 7230 §5.4)

    /// `host`, `host:port`, `[v6]` or `[v6]:port` → (host without brackets, port). `nil` if malformed.
    static func host(_ value: String) -> (host: String, port: Int?)? {
        guard value.utf8.count <= maximumHostLength else { return nil }
        guard let (host, port) = hostAndPort(Substring(value).trimmingBlanks()) else { return nil }
        return (String(host), port)
    }

    private static func hostAndPort(_ text: Substring) -> (Substring, Int?)? {
        guard !text.isEmpty else { return nil }
        var host: Substring
        var portText: Substring?
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
            guard host.contains(":") else { return nil }
        } else {
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        guard !host.isEmpty,
            host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
        else { return nil }
        guard let portText else { return (host, nil) }
        guard (1...5).contains(portText.count), portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return (host, port)
    }

    // MARK: - TIMEOUT (UDA 1.1 §4.1.2)

    /// A requested subscription duration.
    enum Timeout: Sendable, Hashable {
        /// `Second-N`.
        case seconds(Int)
        /// `Second-infinite` (deprecated in UDA 1.1; the device grants its maximum).
        case infinite
    }

    /// `Second-N` or `Second-infinite` (case-insensitive) → the request; `nil` if malformed.
    static func timeout(_ value: String) -> Timeout? {
        guard value.utf8.count <= maximumTimeoutLength else { return nil }
        let text = Substring(value).trimmingBlanks()
        let prefix = "second-"
        guard text.count > prefix.count, text.prefix(prefix.count).lowercased() == prefix else { return nil }
        let rest = text.dropFirst(prefix.count)
        if rest.lowercased() == "infinite" { return .infinite }
        guard rest.count <= 10, rest.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Int(rest), seconds > 0
        else { return nil }
        return .seconds(seconds)
    }

    // MARK: - SID (UDA 1.1 §4.1.2)

    /// `uuid:…` → the SID as sent; `nil` if it is not of that form or too long.
    static func sid(_ value: String) -> String? {
        let text = Substring(value).trimmingBlanks()
        guard text.utf8.count <= maximumSIDLength, text.hasPrefix("uuid:"), text.count > 5,
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return String(text)
    }
}

extension UPnPHeaderParsing {
    /// RFC 9110 §5.6.2 token: one or more tchar.
    package static func isToken(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty else { return false }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }
}

extension UPnPHeaderParsing {
    /// `bytes` without leading and trailing spaces and tabs (RFC 7230 §3.2.3 OWS).
    static func trimmingBlanks<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var text = bytes[...]
        while let first = text.first, isBlank(first) { text = text.dropFirst() }
        while let last = text.last, isBlank(last) { text = text.dropLast() }
        return text
    }

    /// Whether `bytes` equal `lowercase` (ASCII lower-case text) ignoring ASCII case.
    static func equalsIgnoringASCIICase(_ bytes: some Sequence<UInt8>, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            bytes.elementsEqual(expected) { ($0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0) == $1 }
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 7230 §3.2.3 OWS).
    func trimmingBlanks() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
