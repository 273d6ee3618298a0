/// Identifiers of the Messaging:2 service and the device that hosts it (messaging-v2.md §2; UDA 1.1 §2.3).
public enum MessagingServiceDescription {
    /// The service type, version 2.
    public static let serviceType = "urn:schemas-upnp-org:service:Messaging:2"
    /// The service identifier inside the device description.
    public static let serviceID = "urn:upnp-org:serviceId:Messaging"
    /// The root device type that hosts it.
    public static let deviceType = "urn:schemas-upnp-org:device:TelephonyServer:2"

    /// Whether a requested service type (from M-SEARCH ST or SOAPACTION) is served: same type, version ≤ 2
    /// (UDA 1.1 §1.3.2: a device answers searches for earlier versions of its types).
    public static func serves(serviceType requested: String) -> Bool {
        let prefix = "urn:schemas-upnp-org:service:Messaging:"
        guard requested.hasPrefix(prefix), let version = Int(requested.dropFirst(prefix.count)) else { return false }
        return (1...2).contains(version)
    }
}
