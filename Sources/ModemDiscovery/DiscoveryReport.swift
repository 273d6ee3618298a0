/// A modem whose AT port discovery found.
public struct DiscoveredModem: Hashable, Sendable {
    /// How the AT port was chosen.
    public enum Selection: Hashable, Sendable {
        /// From the table (``KnownStick/ATPortRule``); the string cites its source.
        case table(source: String)
        /// The port answered `AT` (the table did not say, or its port was missing).
        case probe
    }

    public var id: USBID
    /// The model, from the table, else the stick's own strings.
    public var name: String
    /// The USB serial number, when the stick has one.
    public var serial: String?
    /// The USB device's sysfs path: one modem per USB device.
    public var usbDevicePath: String
    /// The AT port's device node, e.g. `/dev/ttyUSB2`.
    public var atPort: String
    /// The AT port's `/dev/serial/by-id/…` link, when udev made one.
    public var byIDLink: String?
    /// The USB interface the AT port is on.
    public var interfaceNumber: Int
    public var selection: Selection

    public init(
        id: USBID,
        name: String,
        serial: String?,
        usbDevicePath: String,
        atPort: String,
        byIDLink: String?,
        interfaceNumber: Int,
        selection: Selection
    ) {
        self.id = id
        self.name = name
        self.serial = serial
        self.usbDevicePath = usbDevicePath
        self.atPort = atPort
        self.byIDLink = byIDLink
        self.interfaceNumber = interfaceNumber
        self.selection = selection
    }

    /// The path to open: the by-id link when there is one (it follows the stick across re-enumeration under a
    /// new tty name), else the device node.
    public var path: String { byIDLink ?? atPort }
}

/// A stick discovery recognised but cannot use, with what to do about it.
public struct DiscoveryProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// HiLink or another network-card-only mode: no AT port.
        case networkOnly
        /// Still the USB storage (driver CD-ROM) identity: usb_modeswitch has not run.
        case massStorage
        /// A serial identity, but the kernel made no tty for it.
        case noSerialPort
        /// It has ttys, but none answered `AT` (or none could be opened).
        case noAnswer
    }

    public var kind: Kind
    public var id: USBID
    public var name: String
    public var usbDevicePath: String
    /// One or two sentences for a person: what it is and what to do.
    public var advice: String

    public init(kind: Kind, id: USBID, name: String, usbDevicePath: String, advice: String) {
        self.kind = kind
        self.id = id
        self.name = name
        self.usbDevicePath = usbDevicePath
        self.advice = advice
    }

    public var description: String { "\(id) \(name): \(advice)" }
}

/// What a scan found: the modems with their AT ports, and the sticks it recognised but cannot use.
public struct DiscoveryReport: Hashable, Sendable {
    public var modems: [DiscoveredModem]
    public var problems: [DiscoveryProblem]

    public init(modems: [DiscoveredModem] = [], problems: [DiscoveryProblem] = []) {
        self.modems = modems
        self.problems = problems
    }
}
