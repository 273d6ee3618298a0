/// A device description document (UDA 1.1 §2.3) as a control point reads it: the root device, its embedded devices,
/// and every service with its URLs resolved against the description's URL (or URLBase, which UDA 1.0 devices may
/// still send).
///
/// Read with the hardened parser (no DTD, no entities, bounded size, depth and element count). Reading is liberal
/// where UDA leaves room (elements by local name, surrounding white space), strict where a wrong value would send
/// the control point astray: a service must have a type and URLs that resolve to `http://` URLs.
package struct RemoteDeviceDescription: Sendable, Hashable {
    /// One device, the root or an embedded one.
    package struct Device: Sendable, Hashable {
        package var deviceType: String
        package var friendlyName: String
        package var udn: String
        package var manufacturer: String?
        package var modelName: String?
        package var modelNumber: String?
        package var serialNumber: String?
        package var presentationURL: HTTPURL?
        package var services: [Service]
    }

    /// One service of a device.
    package struct Service: Sendable, Hashable {
        package var serviceType: String
        package var serviceID: String
        package var scpdURL: HTTPURL
        package var controlURL: HTTPURL
        package var eventSubURL: HTTPURL
    }

    /// The root device.
    package var root: Device
    /// Every device, root first, then embedded ones depth-first (UDA 1.1 §2.3 `deviceList`).
    package var devices: [Device]
    /// The root's `configId` attribute, if any (UDA 1.1 §2.3).
    package var configID: UInt32?

    /// Bounds of a description: a few KiB in practice; nesting of embedded devices is shallow.
    package static let limits = XMLParseLimits(maxDocumentBytes: 256 * 1024, maxDepth: 32, maxElements: 10_000)
    /// Deepest nesting of embedded devices followed.
    static let maximumDeviceDepth = 4
    /// Longest text value kept (UDA 1.1 §2.3 bounds most at 64 or 128 characters; 1 KiB is generous).
    static let maximumValueLength = 1024

    /// Parses a description fetched from `location`.
    /// - Throws: ``UPnPClientError`` `.malformedResponse` with the reason.
    package init(parsing bytes: some Collection<UInt8>, location: HTTPURL) throws(UPnPClientError) {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes, limits: RemoteDeviceDescription.limits)
        } catch {
            throw UPnPClientError(.malformedResponse, "description: \(error)")
        }
        guard root.name == "root" else {
            throw UPnPClientError(.malformedResponse, "description: root element is <\(root.name)>, not <root>")
        }
        var base = location
        if let urlBase = root.firstElement(named: "URLBase")?.text.trimmedXMLSpace, !urlBase.isEmpty {
            guard let parsed = HTTPURL(urlBase) else {
                throw UPnPClientError(.malformedResponse, "description: URLBase is not an http URL")
            }
            base = parsed
        }
        guard let device = root.firstElement(named: "device") else {
            throw UPnPClientError(.malformedResponse, "description: no <device>")
        }
        var devices: [Device] = []
        try RemoteDeviceDescription.read(device, base: base, depth: 0, into: &devices)
        // Safe to force unwrap: read(_:…) appends the root device first or throws.
        self.root = devices.first!
        self.devices = devices
        self.configID = root.attribute("configId").flatMap { UInt32($0.trimmedXMLSpace) }
    }

    /// The first service of `serviceType` at a version ≥ the one asked for (UDA 1.1 §2.3: a device of a later
    /// version serves the earlier ones), with the device that hosts it.
    package func service(compatibleWith serviceType: String) -> (device: Device, service: Service)? {
        for device in devices {
            for service in device.services where SSDPAdvertisement.type(serviceType, isServedBy: service.serviceType) {
                return (device, service)
            }
        }
        return nil
    }

    private static func read(
        _ element: XMLElement,
        base: HTTPURL,
        depth: Int,
        into devices: inout [Device]
    ) throws(UPnPClientError) {
        func value(_ name: String) throws(UPnPClientError) -> String? {
            guard let text = element.firstElement(named: name)?.text.trimmedXMLSpace, !text.isEmpty else {
                return nil
            }
            guard text.utf8.count <= maximumValueLength else {
                throw UPnPClientError(.malformedResponse, "description: <\(name)> is too long")
            }
            return text
        }
        guard let deviceType = try value("deviceType"), let udn = try value("UDN") else {
            throw UPnPClientError(.malformedResponse, "description: a device has no deviceType or UDN")
        }
        var services: [Service] = []
        for item in element.firstElement(named: "serviceList")?.elements(named: "service") ?? [] {
            func url(_ name: String) throws(UPnPClientError) -> HTTPURL {
                guard let text = item.firstElement(named: name)?.text.trimmedXMLSpace,
                    let resolved = base.resolving(text)
                else {
                    throw UPnPClientError(.malformedResponse, "description: a service's \(name) is not a usable URL")
                }
                return resolved
            }
            guard let type = item.firstElement(named: "serviceType")?.text.trimmedXMLSpace, !type.isEmpty,
                type.utf8.count <= maximumValueLength
            else {
                throw UPnPClientError(.malformedResponse, "description: a service has no serviceType")
            }
            services.append(
                Service(
                    serviceType: type,
                    serviceID: item.firstElement(named: "serviceId")?.text.trimmedXMLSpace ?? "",
                    scpdURL: try url("SCPDURL"),
                    controlURL: try url("controlURL"),
                    eventSubURL: try url("eventSubURL")
                )
            )
        }
        devices.append(
            Device(
                deviceType: deviceType,
                friendlyName: try value("friendlyName") ?? "",
                udn: udn,
                manufacturer: try value("manufacturer"),
                modelName: try value("modelName"),
                modelNumber: try value("modelNumber"),
                serialNumber: try value("serialNumber"),
                presentationURL: try value("presentationURL").flatMap { base.resolving($0) },
                services: services
            )
        )
        guard depth < maximumDeviceDepth else { return }
        for child in element.firstElement(named: "deviceList")?.elements(named: "device") ?? [] {
            try read(child, base: base, depth: depth + 1, into: &devices)
        }
    }
}
