/// A USB vendor/product pair (`idVendor`/`idProduct` of the device descriptor, USB 2.0 §9.6.1), written `12d1:1506`
/// the way lsusb, udev and usb_modeswitch write it.
public struct USBID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `idVendor`.
    public var vendor: UInt16
    /// `idProduct`.
    public var product: UInt16

    public init(vendor: UInt16, product: UInt16) {
        self.vendor = vendor
        self.product = product
    }

    /// Parses `vvvv:pppp` (four hex digits each, any case).
    public init?(_ text: some StringProtocol) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, let vendor = USBID.hex(fields[0]), let product = USBID.hex(fields[1]) else {
            return nil
        }
        self.init(vendor: vendor, product: product)
    }

    /// Parses one four-digit hex field as sysfs writes `idVendor`/`idProduct` (`12d1`).
    static func hex(_ text: some StringProtocol) -> UInt16? {
        guard text.count == 4 else { return nil }
        return UInt16(text, radix: 16)
    }

    /// The field as sysfs and udev rules write it: four lower-case hex digits.
    static func hexString(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// `idVendor` as udev rules write it (`12d1`).
    public var vendorHex: String { USBID.hexString(vendor) }
    /// `idProduct` as udev rules write it (`1506`).
    public var productHex: String { USBID.hexString(product) }

    public var description: String { "\(vendorHex):\(productHex)" }

    public static func < (lhs: USBID, rhs: USBID) -> Bool {
        (lhs.vendor, lhs.product) < (rhs.vendor, rhs.product)
    }
}
