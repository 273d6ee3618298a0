import ModemDiscovery

/// Device records as libudev would give them, for the planner tests.
enum Records {
    static func interface(
        _ number: Int,
        _ triple: (UInt8, UInt8, UInt8) = (0xff, 0xff, 0xff),
        driver: String? = "option"
    ) -> USBInterfaceRecord {
        USBInterfaceRecord(
            number: number,
            interfaceClass: triple.0,
            subclass: triple.1,
            interfaceProtocol: triple.2,
            driver: driver
        )
    }

    static func device(
        _ id: String,
        path: String = "/sys/devices/usb1/1-1",
        serial: String? = nil,
        interfaces: [USBInterfaceRecord] = []
    ) -> USBDeviceRecord {
        // Safe to force unwrap: every caller passes a literal vvvv:pppp.
        USBDeviceRecord(syspath: path, id: USBID(id)!, serial: serial, interfaces: interfaces)
    }

    /// One tty per interface, named ttyUSB<first>… in interface order, as the option driver numbers them.
    static func ttys(
        of device: USBDeviceRecord,
        _ interfaces: [USBInterfaceRecord],
        first: Int = 0,
        byID: Bool = false
    ) -> [TTYDeviceRecord] {
        interfaces.enumerated().map { index, interface in
            TTYDeviceRecord(
                devnode: "/dev/ttyUSB\(first + index)",
                usbDevicePath: device.syspath,
                interface: interface,
                byIDLinks: byID ? ["/dev/serial/by-id/usb-stick-if0\(interface.number)-port0"] : []
            )
        }
    }
}
