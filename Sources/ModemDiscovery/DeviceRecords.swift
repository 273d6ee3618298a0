/// One USB interface of a device, as sysfs describes it (USB 2.0 §9.6.5).
public struct USBInterfaceRecord: Hashable, Sendable {
    /// `bInterfaceNumber`.
    public var number: Int
    /// `bInterfaceClass`, `bInterfaceSubClass`, `bInterfaceProtocol`.
    public var interfaceClass: UInt8
    public var subclass: UInt8
    public var interfaceProtocol: UInt8
    /// The kernel driver bound to it (`option`, `cdc_ether`, `usb-storage`, …), nil when none is.
    public var driver: String?

    public init(number: Int, interfaceClass: UInt8, subclass: UInt8, interfaceProtocol: UInt8, driver: String?) {
        self.number = number
        self.interfaceClass = interfaceClass
        self.subclass = subclass
        self.interfaceProtocol = interfaceProtocol
        self.driver = driver
    }

    /// USB class 08: mass storage (the driver CD-ROM of a stick that has not been switched).
    public var isMassStorage: Bool { interfaceClass == 0x08 }

    /// A network function: CDC ECM/NCM/MBIM (class 02 subclass 06, 0d, 0e), RNDIS (class e0/01/03, or ef/04/01),
    /// or a driver that makes a network interface of it.
    public var isNetwork: Bool {
        if interfaceClass == 0x02, [0x06, 0x0d, 0x0e].contains(subclass) { return true }
        if interfaceClass == 0xe0, subclass == 0x01, interfaceProtocol == 0x03 { return true }
        if interfaceClass == 0xef, subclass == 0x04 { return true }
        let networkDrivers: Set = ["cdc_ether", "cdc_ncm", "huawei_cdc_ncm", "cdc_mbim", "rndis_host", "qmi_wwan"]
        return driver.map(networkDrivers.contains) ?? false
    }
}

/// One USB device (sysfs `DEVTYPE=usb_device`): a stick, whatever mode it is in.
public struct USBDeviceRecord: Hashable, Sendable {
    /// Its sysfs path, e.g. `/sys/devices/platform/…/usb1/1-1/1-1.3`: ttys are matched to it by this prefix.
    public var syspath: String
    public var id: USBID
    /// The `serial` attribute (iSerialNumber), nil when the stick has none.
    public var serial: String?
    /// The `manufacturer` and `product` strings.
    public var manufacturer: String?
    public var productName: String?
    public var interfaces: [USBInterfaceRecord]

    public init(
        syspath: String,
        id: USBID,
        serial: String? = nil,
        manufacturer: String? = nil,
        productName: String? = nil,
        interfaces: [USBInterfaceRecord] = []
    ) {
        self.syspath = syspath
        self.id = id
        self.serial = serial
        self.manufacturer = manufacturer
        self.productName = productName
        self.interfaces = interfaces
    }
}

/// One serial port (udev subsystem `tty`) that belongs to a USB device.
public struct TTYDeviceRecord: Hashable, Sendable {
    /// The device node, e.g. `/dev/ttyUSB2`.
    public var devnode: String
    /// The sysfs path of the USB device it belongs to (``USBDeviceRecord/syspath``).
    public var usbDevicePath: String
    /// The USB interface it is on.
    public var interface: USBInterfaceRecord
    /// Its `/dev/serial/by-id/…` links (stable across re-enumeration; empty when udev made none).
    public var byIDLinks: [String]

    public init(devnode: String, usbDevicePath: String, interface: USBInterfaceRecord, byIDLinks: [String] = []) {
        self.devnode = devnode
        self.usbDevicePath = usbDevicePath
        self.interface = interface
        self.byIDLinks = byIDLinks
    }
}
