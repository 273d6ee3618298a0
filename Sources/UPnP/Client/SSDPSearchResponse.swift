/// One answer to an M-SEARCH (UDA 1.1 §1.3.3), as the control point keeps it.
///
/// Parsed from an ``SSDPMessage`` (already bounded: 8 KiB, 64 headers, ASCII): status 200, and `LOCATION` (an
/// `http://` URL), `ST` and `USN` present. Anything else is dropped.
package struct SSDPSearchResponse: Sendable, Hashable {
    /// The description URL.
    package var location: HTTPURL
    /// The search target the device answered for.
    package var searchTarget: String
    /// The unique service name, `uuid:…::type`.
    package var usn: String
    /// The device's UDN: the USN up to `::` (UDA 1.1 §1.1.4).
    package var udn: String
    /// The SERVER header, if any.
    package var server: String?
    /// `max-age` of CACHE-CONTROL in seconds, if given.
    package var maximumAge: Int?
    /// BOOTID.UPNP.ORG, if given.
    package var bootID: UInt32?

    /// Longest USN and ST accepted.
    static let maximumFieldLength = 512

    /// Reads a search response; `nil` when it is not one (another status, a missing or malformed header).
    init?(_ message: SSDPMessage) {
        guard message.startLine == .response(status: 200), let locationText = message["LOCATION"],
            let location = HTTPURL(locationText), let st = message["ST"], !st.isEmpty,
            st.utf8.count <= SSDPSearchResponse.maximumFieldLength, let usn = message["USN"],
            usn.utf8.count <= SSDPSearchResponse.maximumFieldLength, usn.hasPrefix("uuid:")
        else { return nil }
        self.location = location
        self.searchTarget = st
        self.usn = usn
        self.udn = usn.firstRange(of: "::").map { String(usn[..<$0.lowerBound]) } ?? usn
        self.server = message["SERVER"]
        self.maximumAge = message["CACHE-CONTROL"].flatMap(SSDPSearchResponse.maximumAge(in:))
        self.bootID = message["BOOTID.UPNP.ORG"].flatMap { UInt32($0) }
    }

    /// Parses a datagram; `nil` for anything that is not a valid search response.
    package init?(parsing datagram: some Collection<UInt8>) {
        guard let message = try? SSDPMessage(parsing: datagram) else { return nil }
        self.init(message)
    }

    /// `max-age=N` among the CACHE-CONTROL directives (RFC 7234 §5.2).
    static func maximumAge(in value: String) -> Int? {
        for directive in value.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingBlanks() }
            guard parts.count == 2, parts[0].lowercased() == "max-age", parts[1].count <= 9 else { continue }
            return Int(parts[1])
        }
        return nil
    }
}
