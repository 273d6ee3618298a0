/// What the device advertises and answers over SSDP, and the exact datagrams (UDA 1.1 §1.2.2, §1.2.3, §1.3.3).
///
/// Pure: built from the identity, the LOCATION and the clock's date; the NIO side only sends the bytes.
struct SSDPAdvertisement: Sendable, Hashable {
    /// The root device's UDN, `uuid:…`.
    var udn: String
    /// The root device type at its version.
    var deviceType: String
    /// The distinct service types at their versions, in description order.
    var serviceTypes: [String]
    /// max-age in seconds.
    var maxAge: Int
    /// The SERVER header value: `OS/version UPnP/1.1 product/version`.
    var server: String
    var bootID: UInt32
    var configID: UInt32
    /// `HOST` of multicast messages, `239.255.255.250:1900`.
    var multicastHost: String

    /// One (notification type / search target, USN) pair.
    struct Target: Sendable, Hashable {
        var type: String
        var usn: String
    }

    /// The 3 + 2d + k targets of a root device with no embedded devices (UDA 1.1 §1.2.2): `upnp:rootdevice`, the
    /// UDN, the device type, and each distinct service type.
    var allTargets: [Target] {
        [
            Target(type: "upnp:rootdevice", usn: "\(udn)::upnp:rootdevice"),
            Target(type: udn, usn: udn),
            Target(type: deviceType, usn: "\(udn)::\(deviceType)"),
        ] + serviceTypes.map { Target(type: $0, usn: "\(udn)::\($0)") }
    }

    /// The answers to a search target (UDA 1.1 §1.3.3). A device or service type matches when domain, kind and name
    /// are equal and the requested version is ≤ ours; the answer echoes the requested version in ST and USN.
    func answers(to searchTarget: String) -> [Target] {
        if searchTarget == "ssdp:all" { return allTargets }
        if searchTarget == "upnp:rootdevice" { return [allTargets[0]] }
        if searchTarget.hasPrefix("uuid:") {
            return searchTarget.lowercased() == udn.lowercased() ? [Target(type: udn, usn: udn)] : []
        }
        for ours in [deviceType] + serviceTypes where SSDPAdvertisement.type(searchTarget, isServedBy: ours) {
            return [Target(type: searchTarget, usn: "\(udn)::\(searchTarget)")]
        }
        return []
    }

    /// Whether a requested `urn:domain:kind:name:version` is served by `ours` (same prefix, version ≤ ours).
    static func type(_ requested: String, isServedBy ours: String) -> Bool {
        // Over the contiguous UTF-8 bytes (types are ASCII URNs); checked for every SOAP action and every search.
        var requested = requested
        var ours = ours
        return ours.withUTF8 { ourBytes in
            requested.withUTF8 { requestedBytes in
                guard let separator = ourBytes.lastIndex(of: UInt8(ascii: ":")),
                    let ourVersion = Int(String(decoding: ourBytes[(separator + 1)...], as: UTF8.self))
                else {
                    return false
                }
                let prefix = ourBytes[...separator]
                guard requestedBytes.starts(with: prefix) else { return false }
                let versionText = requestedBytes[prefix.count...]
                guard (1...9).contains(versionText.count), versionText.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return false
                }
                let version = versionText.reduce(0) { $0 * 10 + Int($1 - 48) }
                return (1...ourVersion).contains(version)
            }
        }
    }

    /// The unicast answer to a search (UDA 1.1 §1.3.3).
    func searchResponse(_ target: Target, location: String, date: String) -> [UInt8] {
        SSDPMessage.serialize(
            startLine: "HTTP/1.1 200 OK",
            headers: [
                ("CACHE-CONTROL", "max-age=\(maxAge)"), ("DATE", date), ("EXT", ""), ("LOCATION", location),
                ("SERVER", server), ("ST", target.type), ("USN", target.usn),
                ("BOOTID.UPNP.ORG", String(bootID)), ("CONFIGID.UPNP.ORG", String(configID)),
            ]
        )
    }

    /// `NOTIFY … NTS: ssdp:alive` (UDA 1.1 §1.2.2).
    func alive(_ target: Target, location: String) -> [UInt8] {
        SSDPMessage.serialize(
            startLine: "NOTIFY * HTTP/1.1",
            headers: [
                ("HOST", multicastHost), ("CACHE-CONTROL", "max-age=\(maxAge)"), ("LOCATION", location),
                ("NT", target.type), ("NTS", "ssdp:alive"), ("SERVER", server), ("USN", target.usn),
                ("BOOTID.UPNP.ORG", String(bootID)), ("CONFIGID.UPNP.ORG", String(configID)),
            ]
        )
    }

    /// `NOTIFY … NTS: ssdp:byebye` (UDA 1.1 §1.2.3).
    func byebye(_ target: Target) -> [UInt8] {
        SSDPMessage.serialize(
            startLine: "NOTIFY * HTTP/1.1",
            headers: [
                ("HOST", multicastHost), ("NT", target.type), ("NTS", "ssdp:byebye"), ("USN", target.usn),
                ("BOOTID.UPNP.ORG", String(bootID)), ("CONFIGID.UPNP.ORG", String(configID)),
            ]
        )
    }
}
