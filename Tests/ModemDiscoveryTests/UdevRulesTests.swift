import Foundation
import ModemDiscovery
import TestSupport
import Testing

/// `udev/78-messagingd.rules` and ``KnownSticks`` name the same serial sticks with the same AT ports.
@Suite struct UdevRulesTests {
    /// The rules file of this checkout (`udev/` beside `Tests/`).
    static let rulesURL = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("udev/78-messagingd.rules")

    struct Rule: Hashable {
        var id: USBID
        /// `.MESSAGINGD_IF` value, or `huawei` for the interface-protocol rule; nil on the ModemManager lines.
        var port: String?
    }

    /// Every rule line that names a vendor/product.
    static func rules() throws -> [Rule] {
        let text = try String(contentsOf: rulesURL, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("ATTRS{idVendor}") }.map {
            line in
            let vendor = try #require(value(of: "ATTRS{idVendor}==", in: line))
            let product = try #require(value(of: "ATTRS{idProduct}==", in: line), "no product in \(line)")
            let id = try #require(USBID("\(vendor):\(product)"), "bad ID in \(line)")
            if let number = value(of: "ENV{.MESSAGINGD_IF}==", in: line) { return Rule(id: id, port: number) }
            if value(of: "ENV{.MESSAGINGD_IF_TYPE}==", in: line) == "ff/01/02|ff/02/02" {
                return Rule(id: id, port: "huawei")
            }
            #expect(line.contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\""), "unexpected rule \(line)")
            return Rule(id: id, port: nil)
        }
    }

    /// The quoted value after `key` in `line`.
    static func value(of key: String, in line: Substring) -> String? {
        guard let start = line.range(of: key + "\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The table's serial identities with the port the rules must use.
    static var table: [USBID: String] {
        var ports: [USBID: String] = [:]
        for stick in KnownSticks.all {
            guard case .serial(let rule) = stick.mode else { continue }
            switch rule {
            case .interfaceNumber(let number): ports[stick.id] = String(format: "%02x", number)
            case .huaweiInterfaceProtocol: ports[stick.id] = "huawei"
            case .probe: ports[stick.id] = "probe"
            }
        }
        return ports
    }

    @Test func theRulesKeepModemManagerOffExactlyTheTablesSerialSticks() throws {
        let ignored = Set(try Self.rules().filter { $0.port == nil }.map(\.id))
        let serial = Set(Self.table.keys)
        #expect(
            ignored.subtracting(serial).isEmpty,
            "rules name sticks the table lacks: \(ignored.subtracting(serial))"
        )
        #expect(serial.subtracting(ignored).isEmpty, "table sticks the rules lack: \(serial.subtracting(ignored))")
    }

    @Test func theRulesNameTheTablesATPortForEverySerialStick() throws {
        let named = try Self.rules().filter { $0.port != nil }
        var ports: [USBID: String] = [:]
        for rule in named {
            #expect(ports.updateValue(rule.port ?? "", forKey: rule.id) == nil, "\(rule.id) has two port rules")
        }
        #expect(ports == Self.table.filter { $0.value != "probe" })
    }

    @Test func theRulesTagThePortForSystemdAndGiveItStableNames() throws {
        let text = try String(contentsOf: Self.rulesURL, encoding: .utf8)
        #expect(text.contains("TAG+=\"systemd\""))
        #expect(text.contains("SYMLINK+=\"gsmmodem\""))
        #expect(text.contains("SYMLINK+=\"messagingd/$env{ID_VENDOR_ID}-$env{ID_SERIAL_SHORT}\""))
    }
}
