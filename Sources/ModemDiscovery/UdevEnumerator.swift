import CUdev

/// Reads the USB devices and their ttys from libudev (sysfs plus udev's database), as records for
/// ``DiscoveryPlanner``.
///
/// Works without udevd (then the device nodes come from the kernel's uevent files and there are no by-id links).
public enum UdevEnumerator {
    /// Why libudev could not be used.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Every USB device (`DEVTYPE=usb_device`) with its interfaces, and every tty on a USB interface.
    /// - Throws: ``Failure`` when libudev cannot be initialised or cannot scan sysfs.
    public static func snapshot() throws -> (devices: [USBDeviceRecord], ttys: [TTYDeviceRecord]) {
        guard let udev = udev_new() else { throw Failure(description: "udev_new failed") }
        defer { udev_unref(udev) }

        var devices: [String: USBDeviceRecord] = [:]
        var interfaces: [(parent: String, record: USBInterfaceRecord)] = []
        try forEachDevice(udev, subsystem: "usb") { device in
            guard let syspath = string(udev_device_get_syspath(device)) else { return }
            switch string(udev_device_get_devtype(device)) {
            case "usb_device":
                guard let vendor = attribute(device, "idVendor").flatMap(USBID.hex),
                    let product = attribute(device, "idProduct").flatMap(USBID.hex)
                else { return }
                devices[syspath] = USBDeviceRecord(
                    syspath: syspath,
                    id: USBID(vendor: vendor, product: product),
                    serial: attribute(device, "serial"),
                    manufacturer: attribute(device, "manufacturer"),
                    productName: attribute(device, "product")
                )
            case "usb_interface":
                guard let parent = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device"),
                    let parentPath = string(udev_device_get_syspath(parent)),
                    let record = interfaceRecord(device)
                else { return }
                interfaces.append((parentPath, record))
            default:
                return
            }
        }
        for (parent, record) in interfaces { devices[parent]?.interfaces.append(record) }

        var ttys: [TTYDeviceRecord] = []
        try forEachDevice(udev, subsystem: "tty") { device in
            guard let devnode = string(udev_device_get_devnode(device)),
                let interface = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_interface"),
                let usbDevice = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device"),
                let usbPath = string(udev_device_get_syspath(usbDevice)),
                let record = interfaceRecord(interface)
            else { return }
            var links: [String] = []
            var entry = udev_device_get_devlinks_list_entry(device)
            while let current = entry {
                if let link = string(udev_list_entry_get_name(current)), link.hasPrefix("/dev/serial/by-id/") {
                    links.append(link)
                }
                entry = udev_list_entry_get_next(current)
            }
            ttys.append(TTYDeviceRecord(devnode: devnode, usbDevicePath: usbPath, interface: record, byIDLinks: links))
        }
        return (devices.values.sorted { $0.syspath < $1.syspath }, ttys)
    }

    /// Every tty device node libudev knows, USB or not (for the "does it see this machine" check).
    public static func allTTYDeviceNodes() throws -> [String] {
        guard let udev = udev_new() else { throw Failure(description: "udev_new failed") }
        defer { udev_unref(udev) }
        var nodes: [String] = []
        try forEachDevice(udev, subsystem: "tty") { device in
            if let node = string(udev_device_get_devnode(device)) { nodes.append(node) }
        }
        return nodes.sorted()
    }

    // MARK: - libudev helpers

    /// Calls `body` with each device of `subsystem` (udev_enumerate_add_match_subsystem, scan_devices).
    static func forEachDevice(
        _ udev: OpaquePointer,
        subsystem: String,
        _ body: (OpaquePointer) -> Void
    ) throws {
        guard let enumerate = udev_enumerate_new(udev) else {
            throw Failure(description: "udev_enumerate_new failed")
        }
        defer { udev_enumerate_unref(enumerate) }
        guard udev_enumerate_add_match_subsystem(enumerate, subsystem) >= 0,
            udev_enumerate_scan_devices(enumerate) >= 0
        else { throw Failure(description: "udev_enumerate_scan_devices failed for \(subsystem)") }
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let path = udev_list_entry_get_name(current), let device = udev_device_new_from_syspath(udev, path) {
                body(device)
                udev_device_unref(device)
            }
            entry = udev_list_entry_get_next(current)
        }
    }

    /// The record of a `usb_interface` device (sysfs writes the numbers in hex, USB 2.0 §9.6.5).
    static func interfaceRecord(_ interface: OpaquePointer) -> USBInterfaceRecord? {
        func hexByte(_ name: String) -> UInt8? { attribute(interface, name).flatMap { UInt8($0, radix: 16) } }
        guard let number = attribute(interface, "bInterfaceNumber").flatMap({ Int($0, radix: 16) }),
            let interfaceClass = hexByte("bInterfaceClass")
        else { return nil }
        return USBInterfaceRecord(
            number: number,
            interfaceClass: interfaceClass,
            subclass: hexByte("bInterfaceSubClass") ?? 0,
            interfaceProtocol: hexByte("bInterfaceProtocol") ?? 0,
            driver: string(udev_device_get_driver(interface))
        )
    }

    /// A sysfs attribute, trimmed (udev_device_get_sysattr_value).
    static func attribute(_ device: OpaquePointer, _ name: String) -> String? {
        guard let value = string(udev_device_get_sysattr_value(device, name)) else { return nil }
        let trimmed = value.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
