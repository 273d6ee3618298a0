/// The device description document (UDA 1.1 §2.3) and the URL layout of the services.
///
/// No URLBase (deprecated in UDA 1.1 §2.3): every URL is relative to the description's own URL, so that one document
/// serves every address the device listens on. The root carries `configId` = CONFIGID.UPNP.ORG (UDA 1.1 §2.3).
enum DeviceDescription {
    /// The path of the description document; LOCATION points here.
    static let path = "/description.xml"

    /// URL paths of one service.
    struct ServicePaths: Sendable, Hashable {
        var scpd: String
        var control: String
        var event: String
    }

    /// Paths for each service, from the last part of its serviceId (`urn:upnp-org:serviceId:Messaging` →
    /// `/upnp/Messaging/…`), made unique by an index where two services would collide.
    static func paths(forServiceIDs serviceIDs: [String]) -> [ServicePaths] {
        var used = Set<String>()
        return serviceIDs.enumerated().map { index, serviceID in
            let tail = serviceID.split(separator: ":").last.map(String.init) ?? "service"
            var name = String(
                tail.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
                    .map(Character.init)
            )
            if name.isEmpty { name = "service" }
            if !used.insert(name).inserted {
                name += String(index)
                used.insert(name)
            }
            return ServicePaths(
                scpd: "/upnp/\(name)/scpd.xml",
                control: "/upnp/\(name)/control",
                event: "/upnp/\(name)/event"
            )
        }
    }

    /// The largest CONFIGID.UPNP.ORG (UDA 1.1 §1.2.2: 0…16777215, 24 bits).
    static let maximumConfigID: UInt32 = 16_777_215

    /// A CONFIGID.UPNP.ORG that follows what it stands for (UDA 1.1 §1.2.2: it changes whenever the device
    /// description or any service description changes): FNV-1a (32 bits) over the description and every SCPD, each
    /// with its own configId set to 0 and preceded by its length, xor-folded to 24 bits. The same documents give the
    /// same value on every start and every machine (`Hasher` is seeded per process, so it cannot serve).
    ///
    /// - Parameters:
    ///   - description: the description document, rendered with `configId="0"`.
    ///   - scpds: the services' SCPD texts, in service order.
    static func derivedConfigID(description: [UInt8], scpds: [String]) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        func add(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt32(byte)
                hash &*= 0x0100_0193
            }
        }
        func addDocument(_ bytes: [UInt8]) {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { add($0) }
            add(bytes)
        }
        addDocument(description)
        for scpd in scpds { addDocument(Array(ServiceDescription.settingConfigID(0, in: scpd).utf8)) }
        return (hash >> 24) ^ (hash & maximumConfigID)
    }

    /// The description XML, with `configId` = the configuration's CONFIGID (0 while it is not derived yet).
    static func document(_ configuration: UPnPDeviceConfiguration, paths: [ServicePaths]) -> [UInt8] {
        func element(_ name: String, _ value: String?) -> String {
            guard let value else { return "" }
            return "<\(name)>\(XMLEscaping.escape(value))</\(name)>"
        }
        var text = #"<?xml version="1.0" encoding="utf-8"?>"#
        text += "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"\(configuration.configID ?? 0)\">"
        text += "<specVersion><major>1</major><minor>1</minor></specVersion>"
        text += "<device>"
        text += element("deviceType", configuration.deviceType)
        text += element("friendlyName", configuration.friendlyName)
        text += element("manufacturer", configuration.manufacturer)
        text += element("manufacturerURL", configuration.manufacturerURL)
        text += element("modelDescription", configuration.modelDescription)
        text += element("modelName", configuration.modelName)
        text += element("modelNumber", configuration.modelNumber)
        text += element("modelURL", configuration.modelURL)
        text += element("serialNumber", configuration.serialNumber)
        text += element("UDN", configuration.udn)
        text += "<serviceList>"
        for (service, path) in zip(configuration.services, paths) {
            text += "<service>"
            text += element("serviceType", service.serviceType)
            text += element("serviceId", service.serviceID)
            text += element("SCPDURL", path.scpd)
            text += element("controlURL", path.control)
            text += element("eventSubURL", path.event)
            text += "</service>"
        }
        text += "</serviceList>"
        // UDA 1.1 §2.3: presentationURL follows serviceList (and deviceList) inside device.
        text += element("presentationURL", configuration.presentationPath)
        text += "</device></root>"
        return Array(text.utf8)
    }
}
