/// Everything a ``UPnPDevice`` needs: identity, services, where to serve, security and limits.
///
/// All values are validated by ``UPnPDevice/init(configuration:logger:)``; see ``validate()``.
public struct UPnPDeviceConfiguration: Sendable {
    // MARK: - Identity (UDA 1.1 §2.3)

    /// The root device type, e.g. `urn:schemas-upnp-org:device:TelephonyServer:2`.
    public var deviceType: String
    /// A short name for users (UDA: should be < 64 characters).
    public var friendlyName: String
    /// The unique device name, `uuid:` followed by a UUID. It must stay the same across restarts (UDA 1.1 §1.1.4):
    /// the caller persists it (see ``makeUDN()``).
    public var udn: String
    /// Manufacturer name (< 64 characters).
    public var manufacturer: String
    /// Manufacturer web site, optional.
    public var manufacturerURL: String?
    /// Long description for users (< 128 characters), optional.
    public var modelDescription: String?
    /// Model name (< 32 characters).
    public var modelName: String
    /// Model number (< 32 characters), optional.
    public var modelNumber: String?
    /// Model web site, optional.
    public var modelURL: String?
    /// Serial number (< 64 characters), optional.
    public var serialNumber: String?
    /// The product token in `SERVER` headers, `product/version` (UDA 1.1 §1.1.3).
    public var product: String
    /// The services, in the order of the description's `serviceList`.
    public var services: [any UPnPServiceHandler]

    // MARK: - Versions (UDA 1.1 §1.2.2)

    /// BOOTID.UPNP.ORG: increase it every time the device (re)joins the network, e.g. persisted and incremented on
    /// each start. 0…2147483647.
    public var bootID: UInt32
    /// CONFIGID.UPNP.ORG: changes when the device or service descriptions change. 0…16777215 (UDA 1.1 §1.2.2).
    /// `nil` (the default): the device derives it from the bytes of its description and of every SCPD, so that it
    /// changes exactly when one of them does (see ``UPnPDevice/init(configuration:logger:)``).
    public var configID: UInt32?

    // MARK: - Network

    /// The network interfaces to serve on (SSDP and HTTP), by name (`lo`, `eth0`). Only their IPv4 addresses are
    /// used. Never empty: the device never serves all interfaces by default (DESIGN.md "Executables").
    public var interfaces: [String]
    /// The HTTP port for description, control and events, on every served address; 0 picks a free port (the same
    /// one on every address), see ``UPnPDevice/waitUntilRunning()``.
    public var httpPort: Int
    /// The SSDP UDP port: 1900 on a real network (UDA 1.1 §1.1.2). Tests may use 0 (a free port) to stay apart from
    /// other SSDP traffic on the host.
    public var ssdpPort: Int
    /// CACHE-CONTROL max-age of advertisements in seconds (UDA 1.1 §1.2.2: at least 1800 recommended).
    public var maxAge: Int
    /// The IP TTL of multicast SSDP messages (UDA 1.1 §1.1.2: should default to 2).
    public var multicastTTL: Int

    // MARK: - Security

    /// Host names (besides the listening addresses) that the `Host` header may name, e.g. `raspberrypi.local`.
    /// Any other name gets 400 Bad Request (DNS-rebinding defence).
    public var hostNames: [String]
    /// Who may use which actions.
    public var accessPolicy: UPnPAccessPolicy
    /// Limits on what clients can make the device hold.
    public var limits: UPnPLimits

    // MARK: - Other resources

    /// Resources served on the same HTTP port under the same rules (health checks, metrics, a presentation page),
    /// each at its own path, apart from the description's and the services' paths. Default: none.
    public var extraRoutes: [UPnPHTTPRoute]
    /// The path of the device's presentation page (UDA 1.1 §2.3 `presentationURL`, relative to the description's
    /// URL): one of ``extraRoutes``' paths. Default `nil`: the description names none.
    public var presentationPath: String?

    /// Makes a configuration with the defaults documented on each property.
    public init(
        deviceType: String,
        friendlyName: String,
        udn: String,
        manufacturer: String,
        modelName: String,
        services: [any UPnPServiceHandler],
        interfaces: [String],
        httpPort: Int = 0,
        bootID: UInt32 = 1,
        configID: UInt32? = nil,
        manufacturerURL: String? = nil,
        modelDescription: String? = nil,
        modelNumber: String? = nil,
        modelURL: String? = nil,
        serialNumber: String? = nil,
        product: String = "ModemMessaging/0.1",
        ssdpPort: Int = 1900,
        maxAge: Int = 1800,
        multicastTTL: Int = 2,
        hostNames: [String] = [],
        accessPolicy: UPnPAccessPolicy = .allowAll,
        limits: UPnPLimits = UPnPLimits(),
        extraRoutes: [UPnPHTTPRoute] = [],
        presentationPath: String? = nil
    ) {
        self.deviceType = deviceType
        self.friendlyName = friendlyName
        self.udn = udn
        self.manufacturer = manufacturer
        self.modelName = modelName
        self.services = services
        self.interfaces = interfaces
        self.httpPort = httpPort
        self.bootID = bootID
        self.configID = configID
        self.manufacturerURL = manufacturerURL
        self.modelDescription = modelDescription
        self.modelNumber = modelNumber
        self.modelURL = modelURL
        self.serialNumber = serialNumber
        self.product = product
        self.ssdpPort = ssdpPort
        self.maxAge = maxAge
        self.multicastTTL = multicastTTL
        self.hostNames = hostNames
        self.accessPolicy = accessPolicy
        self.limits = limits
        self.extraRoutes = extraRoutes
        self.presentationPath = presentationPath
    }

    /// Makes a fresh random UDN (`uuid:` + a version 4 UUID, RFC 4122 §4.4). Call it once and persist the result.
    public static func makeUDN() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return "uuid:" + formatUUID(bytes)
    }

    /// Checks every value; throws ``UPnPConfigurationError`` naming the first bad one.
    public func validate() throws {
        func fail(_ message: String) -> UPnPConfigurationError { UPnPConfigurationError(message: message) }
        guard UPnPDeviceConfiguration.isValidType(deviceType, kind: "device") else {
            throw fail("deviceType '\(deviceType)' is not urn:DOMAIN:device:TYPE:VERSION")
        }
        guard UPnPDeviceConfiguration.isValidUDN(udn) else { throw fail("udn '\(udn)' is not uuid:<UUID>") }
        guard !friendlyName.isEmpty, !manufacturer.isEmpty, !modelName.isEmpty else {
            throw fail("friendlyName, manufacturer and modelName must not be empty")
        }
        guard !services.isEmpty else { throw fail("a device needs at least one service") }
        var ids = Set<String>()
        for service in services {
            guard UPnPDeviceConfiguration.isValidType(service.serviceType, kind: "service") else {
                throw fail("serviceType '\(service.serviceType)' is not urn:DOMAIN:service:TYPE:VERSION")
            }
            guard service.serviceID.hasPrefix("urn:"), service.serviceID.contains(":serviceId:") else {
                throw fail("serviceId '\(service.serviceID)' is not urn:DOMAIN:serviceId:ID")
            }
            guard ids.insert(service.serviceID).inserted else { throw fail("duplicate serviceId \(service.serviceID)") }
        }
        guard !interfaces.isEmpty else { throw fail("name at least one interface to serve on") }
        guard (0...65535).contains(httpPort) else { throw fail("httpPort \(httpPort) is not 0…65535") }
        guard (0...65535).contains(ssdpPort) else { throw fail("ssdpPort \(ssdpPort) is not 0…65535") }
        guard bootID <= 2_147_483_647 else { throw fail("bootID must be ≤ 2^31-1 (UDA 1.1 §1.2.2)") }
        if let configID, configID > DeviceDescription.maximumConfigID {
            throw fail("configID must be ≤ 16777215 (UDA 1.1 §1.2.2)")
        }
        guard (60...86400).contains(maxAge) else { throw fail("maxAge \(maxAge) is not 60…86400 seconds") }
        guard (1...255).contains(multicastTTL) else { throw fail("multicastTTL \(multicastTTL) is not 1…255") }
        guard product.contains("/"), !product.contains(" ") else { throw fail("product must be 'name/version'") }
        try limits.validate()
        let servicePaths = DeviceDescription.paths(forServiceIDs: services.map(\.serviceID))
        var taken = Set(servicePaths.flatMap { [$0.scpd, $0.control, $0.event] })
        taken.insert(DeviceDescription.path)
        for route in extraRoutes {
            guard route.path.hasPrefix("/"), !route.path.contains("?"), !route.path.contains("#") else {
                throw fail("route path '\(route.path)' is not an absolute path without query")
            }
            guard taken.insert(route.path).inserted else {
                throw fail("route path \(route.path) is already served")
            }
            guard !route.methods.isEmpty, route.methods.isSubset(of: UPnPHTTPRoute.allowedMethods) else {
                throw fail("route \(route.path) answers methods outside \(UPnPHTTPRoute.allowedMethods.sorted())")
            }
            guard (0...limits.maximumRequestBodyBytes).contains(route.maximumBodyBytes) else {
                throw fail("route \(route.path) accepts bodies beyond 0…limits.maximumRequestBodyBytes")
            }
        }
        if let presentationPath {
            guard presentationPath.hasPrefix("/"), taken.contains(presentationPath) else {
                throw fail("presentationPath '\(presentationPath)' is not the path of an extra route")
            }
        }
    }

    static func isValidType(_ type: String, kind: String) -> Bool {
        var type = type
        return type.withUTF8 { isValidType($0[...], kind: kind) }
    }

    /// ``isValidType(_:kind:)`` over UTF-8 bytes: `urn:DOMAIN:KIND:TYPE:VERSION`, walked field by field without an
    /// array of the parts (checked for every SOAP action).
    static func isValidType(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, kind: String) -> Bool {
        guard bytes.count <= 200 else { return false }
        var field = 0
        var fieldStart = bytes.startIndex
        var index = bytes.startIndex
        while true {
            let atEnd = index == bytes.endIndex
            if atEnd || bytes[index] == UInt8(ascii: ":") {
                let part = bytes[fieldStart..<index]
                switch field {
                case 0: guard part.elementsEqual("urn".utf8) else { return false }
                case 1, 3: guard !part.isEmpty else { return false }
                case 2: guard part.elementsEqual(kind.utf8) else { return false }
                case 4:
                    // A decimal version of at least 1, as `Int(_:)` reads it (a sign is allowed).
                    guard atEnd, let version = Int(String(decoding: part, as: UTF8.self)), version >= 1 else {
                        return false
                    }
                    return true
                default: return false
                }
                guard !atEnd else { return false }
                field += 1
                fieldStart = index + 1
            }
            index += 1
        }
    }

    static func isValidUDN(_ udn: String) -> Bool {
        guard udn.hasPrefix("uuid:") else { return false }
        let uuid = udn.dropFirst(5)
        guard uuid.utf8.count == 36 else { return false }
        for (i, c) in uuid.utf8.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) else { return false }
            }
        }
        return true
    }

    static func formatUUID(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }
            .joined(separator: "-")
    }
}

/// Limits on what one client (or all together) can make the device read, hold or send. Every wire length the stack
/// accepts is bounded by one of these.
public struct UPnPLimits: Sendable, Hashable {
    /// Largest request body (SOAP control request) in bytes; larger requests get 413 before the body is parsed.
    /// Default 1 MiB: a Messaging:2 SendMessage with an MMS attachment reference is far smaller.
    public var maximumRequestBodyBytes: Int = 1 << 20
    /// Largest total size of one request's header block in bytes (NIOHTTP1 rejects larger ones). Default 16 KiB.
    public var maximumHeaderBytes: Int = 16 * 1024
    /// Most simultaneous HTTP connections. When all are taken, a new connection takes the slot of one that is only
    /// waiting for a request head (the oldest of the address holding the most), or is closed at once when every
    /// connection is busy with a request. Default 64.
    public var maximumConnections: Int = 64
    /// Most simultaneous HTTP connections from one source address, so that one host cannot take every slot; a
    /// further one takes the slot of that address's oldest connection waiting for a request head, or is closed at
    /// once. Capped by ``maximumConnections``. Default 16 (a quarter of the default ``maximumConnections``).
    public var maximumConnectionsPerAddress: Int = 16
    /// A connection is closed when the next request head is not complete this long after the connection opened or
    /// the previous request ended (idle keep-alive connections, and slowloris clients trickling a header).
    /// Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// Replaces ``idleTimeout`` while more than half of ``maximumConnections`` are open, so that slow clients give
    /// their slots back quickly; a connection whose head has been pending longer is closed when another arrives.
    /// Capped by ``idleTimeout``. Default 5 s.
    public var headTimeoutUnderPressure: Duration = .seconds(5)
    /// A connection is closed when a request's body is not complete this long after its head. Default 30 s.
    public var requestTimeout: Duration = .seconds(30)
    /// Most GENA subscriptions at once, all services together; more get 503. Default 64.
    public var maximumSubscriptions: Int = 64
    /// Most GENA subscriptions of one subscriber address, all services together, so that one host cannot take
    /// every slot; more get 503. Capped by ``maximumSubscriptions``. Default 16.
    public var maximumSubscriptionsPerAddress: Int = 16
    /// Most CALLBACK URLs in one SUBSCRIBE (UDA allows several, tried in order). Default 4.
    public var maximumCallbackURLs: Int = 4
    /// The subscription duration granted when the client asks for none or for `infinite`, and the longest granted.
    /// Default 1800 s (UDA 1.1 §4.1.2 recommends at least 1800).
    public var maximumSubscriptionTimeout: Duration = .seconds(1800)
    /// The shortest subscription duration granted. Default 60 s.
    public var minimumSubscriptionTimeout: Duration = .seconds(60)
    /// Events queued for one slow subscriber before further changes are merged into the last queued event: the
    /// latest value of a state variable wins; a batch variable's value is never merged away, and a subscriber that
    /// could keep up only by losing one is unsubscribed (``UPnPEventedValueKind``). Default 16.
    public var maximumQueuedEvents: Int = 16
    /// How long one NOTIFY may take, connect included (UDA 1.1 §4.3: 30 s). Default 30 s.
    public var notifyTimeout: Duration = .seconds(30)
    /// M-SEARCH answers per second one sender can cause (token bucket rate); excess searches are dropped. Default 5.
    public var searchesPerSecondPerSender: Int = 5
    /// Burst size of the per-sender token bucket. Default 10.
    public var searchBurstPerSender: Int = 10
    /// Most M-SEARCH answers waiting for their random delay at once, all senders together. Default 256.
    public var maximumPendingSearchResponses: Int = 256

    /// The defaults documented on each property.
    public init() {}

    /// Checks that every limit is positive and coherent.
    public func validate() throws {
        let positive = [
            maximumRequestBodyBytes, maximumHeaderBytes, maximumConnections, maximumConnectionsPerAddress,
            maximumSubscriptions, maximumSubscriptionsPerAddress, maximumCallbackURLs, maximumQueuedEvents,
            searchesPerSecondPerSender, searchBurstPerSender,
            maximumPendingSearchResponses,
        ]
        guard positive.allSatisfy({ $0 > 0 }) else { throw UPnPConfigurationError(message: "limits must be > 0") }
        guard minimumSubscriptionTimeout > .zero, minimumSubscriptionTimeout <= maximumSubscriptionTimeout else {
            throw UPnPConfigurationError(message: "subscription timeouts must satisfy 0 < minimum ≤ maximum")
        }
        guard notifyTimeout > .zero, idleTimeout > .zero, headTimeoutUnderPressure > .zero, requestTimeout > .zero
        else {
            throw UPnPConfigurationError(message: "timeouts must be > 0")
        }
    }
}

/// A configuration value the device cannot work with.
public struct UPnPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the key.
    public let message: String
    public var description: String { "invalid UPnP device configuration: \(message)" }
}
