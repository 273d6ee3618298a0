/// One USB identity of a modem stick the discovery knows: what the stick is while it has this identity, and, in
/// serial mode, which of its ttys is the AT port.
///
/// Many sticks have several identities: they first appear as a USB storage device (a CD-ROM with the Windows
/// driver) until usb_modeswitch sends them the vendor's switch message, and then re-appear with another product ID,
/// either as a serial modem or as a network card only (Huawei HiLink, ZTE CDC-Ethernet firmwares).
public struct KnownStick: Hashable, Sendable {
    /// What a stick with this identity offers.
    public enum Mode: Hashable, Sendable {
        /// Serial ports, one of which speaks AT; `atPort` says which.
        case serial(atPort: ATPortRule)
        /// A network card only (HiLink, CDC-Ethernet/NCM firmwares): no AT port at all.
        case networkOnly
        /// USB storage (the driver CD-ROM) until usb_modeswitch switches it; `switchesTo` are the identities
        /// usb_modeswitch's data lists as its targets.
        case massStorage(switchesTo: [USBID])
    }

    /// How to find the AT port among a serial stick's ttys.
    public enum ATPortRule: Hashable, Sendable {
        /// The tty of this USB interface number (`bInterfaceNumber`) is the primary AT port.
        case interfaceNumber(Int)
        /// Huawei marks its ports by interface class/subclass/protocol rather than by number: vendor-specific
        /// class `ff`, subclass `01` or `02`, protocol `02` is the primary AT port ("PC UI"), protocol `01` the
        /// modem (PPP) port, which also answers AT.
        case huaweiInterfaceProtocol
        /// Not known: every tty of the stick is probed with `AT`, in interface order.
        case probe
    }

    /// The identity.
    public var id: USBID
    /// The models known to use it, for people (not parsed).
    public var name: String
    public var mode: Mode
    /// Where the facts come from (ModemManager's udev rules, usb_modeswitch's data, …).
    public var source: String

    public init(_ id: USBID, _ name: String, _ mode: Mode, source: String) {
        self.id = id
        self.name = name
        self.mode = mode
        self.source = source
    }
}

/// A vendor whose sticks the discovery knows, also for products missing from the table.
public struct KnownVendor: Hashable, Sendable {
    /// `idVendor`.
    public var id: UInt16
    public var name: String
    /// The AT port rule for this vendor's serial products that the table does not list.
    public var defaultRule: KnownStick.ATPortRule

    public init(id: UInt16, name: String, defaultRule: KnownStick.ATPortRule) {
        self.id = id
        self.name = name
        self.defaultRule = defaultRule
    }
}
