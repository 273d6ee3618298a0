import InMemoryLogging
import Logging
import ModemDiscovery
import Synchronization
import Testing

@testable import MessagingServer

/// `--device auto`'s locator: the first usable stick's port, and a stick that cannot be used is reported once with
/// what to do, never ignored silently.
@Suite struct AutomaticModemLocatorTests {
    /// A Huawei E3372 in HiLink mode (12d1:14dc: a network card, no AT port).
    static let hilink = USBDeviceRecord(syspath: "/sys/devices/usb1/1-1", id: USBID("12d1:14dc")!)

    /// A Quectel EC25 (2c7c:0125): the table names interface 2 as its AT port.
    static let quectelInterfaces = (0...3).map {
        USBInterfaceRecord(number: $0, interfaceClass: 0xff, subclass: 0xff, interfaceProtocol: 0xff, driver: "option")
    }
    static let quectel = USBDeviceRecord(
        syspath: "/sys/devices/usb1/1-2",
        id: USBID("2c7c:0125")!,
        interfaces: quectelInterfaces
    )
    static let quectelTTYs = quectelInterfaces.map {
        TTYDeviceRecord(devnode: "/dev/ttyUSB\($0.number)", usbDevicePath: quectel.syspath, interface: $0)
    }

    @Test func aHiLinkStickIsReportedOnceWithAdviceAndTheModemPluggedLaterIsFound() async throws {
        let log = InMemoryLogHandler()
        let plugged = Mutex<(devices: [USBDeviceRecord], ttys: [TTYDeviceRecord])>(([Self.hilink], []))
        let discovery = ModemDiscovery(snapshot: { plugged.withLock { $0 } }, probe: { _ in .silent })
        let locator = AutomaticModemLocator(discovery: discovery, logger: Logger(label: "auto", factory: { _ in log }))

        #expect(await locator.locate() == nil)
        #expect(await locator.locate() == nil)
        let warnings = log.entries.filter { $0.message.description == "stick found but not usable" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["usb.id"]?.description == "12d1:14dc")
        #expect(warnings.first?.metadata["advice"]?.description.contains("usb_modeswitch") == true)

        plugged.withLock { $0 = ([Self.hilink, Self.quectel], Self.quectelTTYs) }
        #expect(await locator.locate() == "/dev/ttyUSB2")
        #expect(log.entries.filter { $0.message.description == "stick found but not usable" }.count == 1)
        #expect(log.entries.contains { $0.message.description == "modem discovered" })
    }
}
