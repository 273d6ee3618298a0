/// The pure part of discovery: from the USB devices and ttys the system has, which are modems, which tty of each is
/// the AT port, which must be probed, and which sticks cannot be used and why. No I/O: tests give it records.
public enum DiscoveryPlanner {
    /// What to do with one USB device.
    public enum Step: Hashable, Sendable {
        /// The AT port is known.
        case found(DiscoveredModem)
        /// A modem whose AT port is not known: probe `candidates` with `AT`, in this order; the first that
        /// answers is the AT port.
        case probe(device: USBDeviceRecord, name: String, candidates: [TTYDeviceRecord])
        /// Recognised but unusable.
        case problem(DiscoveryProblem)
    }

    /// Kernel drivers that serve only modems (USB serial drivers for 3G/LTE sticks), so that an unknown device's
    /// ttys on them are worth an `AT` probe. `cdc_acm` is not one: Arduinos and GPS receivers use it too.
    static let modemDrivers: Set<String> = ["option", "qcserial", "sierra"]

    /// One step per USB device that is, or may be, a modem, in sysfs path order.
    public static func plan(devices: [USBDeviceRecord], ttys: [TTYDeviceRecord]) -> [Step] {
        devices.sorted { $0.syspath < $1.syspath }.compactMap { device in
            let own = ttys.filter { $0.usbDevicePath == device.syspath }
                .sorted { ($0.interface.number, $0.devnode) < ($1.interface.number, $1.devnode) }
            return step(for: device, ttys: own)
        }
    }

    static func step(for device: USBDeviceRecord, ttys: [TTYDeviceRecord]) -> Step? {
        if let stick = KnownSticks.stick(device.id) {
            switch stick.mode {
            case .networkOnly:
                return .problem(problem(.networkOnly, device, stick.name))
            case .massStorage(let targets):
                return .problem(problem(.massStorage, device, stick.name, targets: targets))
            case .serial(let rule):
                guard !ttys.isEmpty else { return .problem(problem(.noSerialPort, device, stick.name)) }
                return choose(rule, device: device, name: stick.name, ttys: ttys, source: stick.source)
            }
        }
        let name = displayName(device)
        if let vendor = KnownSticks.vendor(device.id.vendor) {
            if !ttys.isEmpty {
                return choose(vendor.defaultRule, device: device, name: name, ttys: ttys, source: vendor.name)
            }
            if !device.interfaces.isEmpty, device.interfaces.allSatisfy(\.isMassStorage) {
                return .problem(problem(.massStorage, device, name))
            }
            if device.interfaces.contains(where: \.isNetwork) {
                return .problem(problem(.networkOnly, device, name))
            }
            return nil
        }
        let modemTTYs = ttys.filter { $0.interface.driver.map(modemDrivers.contains) ?? false }
        return modemTTYs.isEmpty ? nil : .probe(device: device, name: name, candidates: modemTTYs)
    }

    /// Applies `rule` to a serial stick's ttys (sorted by interface number).
    static func choose(
        _ rule: KnownStick.ATPortRule,
        device: USBDeviceRecord,
        name: String,
        ttys: [TTYDeviceRecord],
        source: String
    ) -> Step {
        switch rule {
        case .interfaceNumber(let number):
            if let port = ttys.first(where: { $0.interface.number == number }) {
                return .found(modem(device, name, port, .table(source: source)))
            }
            return .probe(device: device, name: name, candidates: ttys)
        case .huaweiInterfaceProtocol:
            // ModemManager's Huawei rules: ff/01/02 and ff/02/02 are the primary AT port, ff/01/01 and ff/02/01
            // the modem (PPP) port, which answers AT too.
            let vendorSpecific = ttys.filter {
                $0.interface.interfaceClass == 0xff && [1, 2].contains($0.interface.subclass)
            }
            let primary = vendorSpecific.filter { $0.interface.interfaceProtocol == 0x02 }
            let modemPorts = vendorSpecific.filter { $0.interface.interfaceProtocol == 0x01 }
            if let port = primary.first ?? modemPorts.first {
                return .found(modem(device, name, port, .table(source: source)))
            }
            return .probe(device: device, name: name, candidates: ttys)
        case .probe:
            return .probe(device: device, name: name, candidates: ttys)
        }
    }

    /// The modem on `device` with its AT port `port`.
    public static func modem(
        _ device: USBDeviceRecord,
        _ name: String,
        _ port: TTYDeviceRecord,
        _ selection: DiscoveredModem.Selection
    ) -> DiscoveredModem {
        DiscoveredModem(
            id: device.id,
            name: name,
            serial: device.serial,
            usbDevicePath: device.syspath,
            atPort: port.devnode,
            byIDLink: port.byIDLinks.sorted().first,
            interfaceNumber: port.interface.number,
            selection: selection
        )
    }

    /// The stick's own strings, else its vendor's name.
    static func displayName(_ device: USBDeviceRecord) -> String {
        let own = [device.manufacturer, device.productName].compactMap { $0 }.joined(separator: " ")
        if !own.isEmpty { return own }
        return KnownSticks.vendor(device.id.vendor).map { "\($0.name) (unknown model)" } ?? "unknown USB device"
    }

    // MARK: - Advice

    /// The problem of `kind` on `device`, with its advice.
    public static func problem(
        _ kind: DiscoveryProblem.Kind,
        _ device: USBDeviceRecord,
        _ name: String,
        targets: [USBID] = []
    ) -> DiscoveryProblem {
        DiscoveryProblem(
            kind: kind,
            id: device.id,
            name: name,
            usbDevicePath: device.syspath,
            advice: advice(kind, device.id, targets: targets)
        )
    }

    static func advice(_ kind: DiscoveryProblem.Kind, _ id: USBID, targets: [USBID]) -> String {
        switch kind {
        case .networkOnly:
            return "the stick is in HiLink/network-card mode and has no AT port, so it cannot send or receive SMS "
                + "here: switch the stick to serial/stick mode with usb_modeswitch (or a stick-mode firmware), "
                + "then replug it; see docs/raspberry-pi.md \"HiLink\"."
        case .massStorage:
            let after =
                targets.isEmpty ? "" : " (it then comes back as \(targets.map(\.description).joined(separator: ", ")))"
            return "the stick is still in USB storage (CD-ROM) mode: usb_modeswitch has not run. Install it "
                + "(sudo apt-get install usb-modeswitch usb-modeswitch-data) and replug the stick\(after)."
        case .noSerialPort:
            return "the stick is in serial mode but the kernel made no serial port for it: load the option driver "
                + "for this ID (sudo modprobe option; echo '\(id.vendorHex) \(id.productHex)' | "
                + "sudo tee /sys/bus/usb-serial/drivers/option1/new_id)."
        case .noAnswer:
            return "none of its serial ports answered AT: another program may hold them (ModemManager: install "
                + "messagingd's udev rules or sudo systemctl stop ModemManager), or the stick lacks power (use a "
                + "powered USB hub)."
        }
    }
}
