import ModemDiscovery
import Testing

@Suite struct DiscoveryPlannerTests {
    typealias Step = DiscoveryPlanner.Step

    static func onlyStep(_ devices: [USBDeviceRecord], _ ttys: [TTYDeviceRecord]) throws -> Step {
        let steps = DiscoveryPlanner.plan(devices: devices, ttys: ttys)
        try #require(steps.count == 1)
        return steps[0]
    }

    @Test func quectelEC25sATPortIsInterfaceTwoFromTheTable() throws {
        let interfaces = (0...3).map { Records.interface($0) }
        let device = Records.device("2c7c:0125", serial: "0123456789", interfaces: interfaces)
        let step = try Self.onlyStep([device], Records.ttys(of: device, interfaces, byID: true))
        guard case .found(let modem) = step else {
            Issue.record("expected a modem, got \(step)")
            return
        }
        #expect(modem.atPort == "/dev/ttyUSB2")
        #expect(modem.interfaceNumber == 2)
        #expect(modem.name == "Quectel EC25/EG25")
        #expect(modem.serial == "0123456789")
        // The by-id link survives re-enumeration under another ttyUSB number, so it is the path to open.
        #expect(modem.path == "/dev/serial/by-id/usb-stick-if02-port0")
        guard case .table(let source) = modem.selection else {
            Issue.record("expected the table to choose")
            return
        }
        #expect(source.contains("77-mm-quectel-port-types.rules"))
    }

    @Test func huaweiStickModePicksThePCUIPortByInterfaceProtocol() throws {
        // Interfaces out of number order on purpose: the protocol decides, not the number.
        let interfaces = [
            Records.interface(0, (0xff, 0x02, 0x01)), Records.interface(1, (0xff, 0x02, 0x12)),
            Records.interface(2, (0xff, 0x02, 0x02)),
        ]
        let device = Records.device("12d1:1506", interfaces: interfaces)
        let step = try Self.onlyStep([device], Records.ttys(of: device, interfaces))
        guard case .found(let modem) = step else {
            Issue.record("expected a modem, got \(step)")
            return
        }
        #expect(modem.atPort == "/dev/ttyUSB2")
        #expect(modem.path == "/dev/ttyUSB2")
    }

    @Test func huaweiWithoutAPCUIPortTakesTheModemPortAndWithoutEitherProbesAll() throws {
        let modemOnly = [Records.interface(0, (0xff, 0x01, 0x01)), Records.interface(1, (0xff, 0x01, 0x12))]
        let device = Records.device("12d1:1436", interfaces: modemOnly)
        guard case .found(let modem) = try Self.onlyStep([device], Records.ttys(of: device, modemOnly)) else {
            Issue.record("expected the modem port")
            return
        }
        #expect(modem.atPort == "/dev/ttyUSB0")

        let unmarked = [Records.interface(0, (0xff, 0xff, 0xff)), Records.interface(1, (0xff, 0xff, 0xff))]
        let other = Records.device("12d1:1436", interfaces: unmarked)
        let step = try Self.onlyStep([other], Records.ttys(of: other, unmarked))
        guard case .probe(_, _, let candidates) = step else {
            Issue.record("expected a probe, got \(step)")
            return
        }
        #expect(candidates.map(\.devnode) == ["/dev/ttyUSB0", "/dev/ttyUSB1"])
    }

    @Test func aMissingTablePortFallsBackToProbingEveryTTYInInterfaceOrder() throws {
        // ZTE 19d2:0031's AT port is interface 3; a firmware variant that exposes only 0 and 1.
        let interfaces = [Records.interface(1), Records.interface(0)]
        let device = Records.device("19d2:0031", interfaces: interfaces)
        let step = try Self.onlyStep([device], Records.ttys(of: device, interfaces, first: 4))
        guard case .probe(_, _, let candidates) = step else {
            Issue.record("expected a probe, got \(step)")
            return
        }
        #expect(candidates.map(\.interface.number) == [0, 1])
    }

    @Test func hiLinkIsReportedWithTheUSBModeswitchAdvice() throws {
        let device = Records.device(
            "12d1:14dc",
            interfaces: [Records.interface(0, (0x02, 0x06, 0x00), driver: "cdc_ether")]
        )
        guard case .problem(let problem) = try Self.onlyStep([device], []) else {
            Issue.record("expected a problem")
            return
        }
        #expect(problem.kind == .networkOnly)
        #expect(problem.advice.contains("switch the stick to serial/stick mode with usb_modeswitch"))
        #expect(problem.description.hasPrefix("12d1:14dc Huawei"))
    }

    @Test func storageModeSaysUSBModeswitchHasNotRunAndWhatItBecomes() throws {
        let device = Records.device("12d1:1f01", interfaces: [Records.interface(0, (0x08, 0x06, 0x50))])
        guard case .problem(let problem) = try Self.onlyStep([device], []) else {
            Issue.record("expected a problem")
            return
        }
        #expect(problem.kind == .massStorage)
        #expect(problem.advice.contains("usb_modeswitch has not run"))
        #expect(problem.advice.contains("12d1:14db, 12d1:14dc"))
    }

    @Test func unknownProductsOfAKnownVendorAreJudgedByTheirInterfaces() throws {
        let storage = Records.device(
            "12d1:9999",
            path: "/sys/devices/usb1/1-1",
            interfaces: [Records.interface(0, (0x08, 0x06, 0x50)), Records.interface(1, (0x08, 0x06, 0x50))]
        )
        let network = Records.device(
            "19d2:9999",
            path: "/sys/devices/usb1/1-2",
            interfaces: [Records.interface(0, (0x02, 0x0d, 0x00), driver: "cdc_ncm")]
        )
        let serialInterfaces = [Records.interface(0), Records.interface(1)]
        let serial = Records.device("1e0e:9999", path: "/sys/devices/usb1/1-3", interfaces: serialInterfaces)
        let steps = DiscoveryPlanner.plan(
            devices: [network, serial, storage],
            ttys: Records.ttys(of: serial, serialInterfaces)
        )
        try #require(steps.count == 3)
        guard case .problem(let first) = steps[0], case .problem(let second) = steps[1],
            case .probe(let device, _, let candidates) = steps[2]
        else {
            Issue.record("unexpected steps \(steps)")
            return
        }
        #expect(first.kind == .massStorage)
        #expect(first.id == USBID(vendor: 0x12d1, product: 0x9999))
        #expect(second.kind == .networkOnly)
        #expect(device.id == USBID(vendor: 0x1e0e, product: 0x9999))
        #expect(candidates.count == 2)
    }

    @Test func unknownVendorsAreProbedOnlyOnModemDriversNeverOnCDCACM() throws {
        let modemInterfaces = [Records.interface(0, driver: "qcserial"), Records.interface(1, driver: "qcserial")]
        let modem = Records.device("abcd:0001", path: "/sys/devices/usb1/1-1", interfaces: modemInterfaces)
        let arduinoInterfaces = [Records.interface(0, (0x02, 0x02, 0x01), driver: "cdc_acm")]
        let arduino = Records.device("2341:0043", path: "/sys/devices/usb1/1-2", interfaces: arduinoInterfaces)
        let steps = DiscoveryPlanner.plan(
            devices: [modem, arduino],
            ttys: Records.ttys(of: modem, modemInterfaces) + Records.ttys(of: arduino, arduinoInterfaces, first: 5)
        )
        try #require(steps.count == 1)
        guard case .probe(let device, let name, _) = steps[0] else {
            Issue.record("expected a probe")
            return
        }
        #expect(device.id == USBID(vendor: 0xabcd, product: 0x0001))
        #expect(name == "unknown USB device")
    }

    @Test func aSerialIdentityWithoutTTYsAsksForTheOptionDriver() throws {
        let device = Records.device("2c7c:0125", interfaces: [Records.interface(4, (0xff, 0, 0), driver: "qmi_wwan")])
        guard case .problem(let problem) = try Self.onlyStep([device], []) else {
            Issue.record("expected a problem")
            return
        }
        #expect(problem.kind == .noSerialPort)
        #expect(problem.advice.contains("echo '2c7c 0125'"))
    }

    @Test func ttysAreMatchedToTheirOwnStickWhenTwoArePlugged() throws {
        let interfaces = (0...3).map { Records.interface($0) }
        let first = Records.device("2c7c:0125", path: "/sys/devices/usb1/1-1", interfaces: interfaces)
        let second = Records.device("1e0e:9001", path: "/sys/devices/usb1/1-2", interfaces: interfaces)
        let ttys = Records.ttys(of: second, interfaces, first: 4) + Records.ttys(of: first, interfaces)
        let steps = DiscoveryPlanner.plan(devices: [second, first], ttys: ttys)
        let ports = steps.compactMap { step -> String? in
            if case .found(let modem) = step { return modem.atPort }
            return nil
        }
        #expect(ports == ["/dev/ttyUSB2", "/dev/ttyUSB6"])
    }
}
