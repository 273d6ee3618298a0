/// The sticks and vendors discovery knows (``KnownStick``, ``KnownVendor``).
///
/// Sources, cited per entry:
/// - the AT port by USB interface: ModemManager's udev rules `src/plugins/<vendor>/77-mm-<vendor>-port-types.rules`
///   (the interface whose tty gets `ID_MM_PORT_TYPE_AT_PRIMARY`);
/// - storage-mode identities and the identities they switch to: usb_modeswitch-data, `usb_modeswitch.d/<vvvv:pppp>`
///   (`TargetVendor`/`TargetProduct(List)`);
/// - network-only identities: gammu issue #340 (HiLink) and
///   ArchWiki "ZTE MF 823" (ZTE CDC-Ethernet firmware).
/// `udev/78-messagingd.rules` names exactly the serial identities of this table (a test checks both ways).
public enum KnownSticks {
    static let modeSwitchData = "usb_modeswitch-data usb_modeswitch.d/"
    static let huaweiRules =
        "ModemManager src/plugins/huawei/77-mm-huawei-net-port-types.rules (port by interface class)"
    static let zteRules = "ModemManager src/plugins/zte/77-mm-zte-port-types.rules"
    static let quectelRules = "ModemManager src/plugins/quectel/77-mm-quectel-port-types.rules"
    static let simcomRules = "ModemManager src/plugins/simtech/77-mm-simtech-port-types.rules"
    static let sierraRules = "ModemManager src/plugins/sierra/77-mm-sierra.rules"
    static let alcatelRules = "ModemManager src/plugins/x22x/77-mm-x22x-port-types.rules"
    static let ubloxRules = "ModemManager src/plugins/ublox/77-mm-ublox-port-types.rules"

    /// The vendors: a product the table does not list is still examined (storage mode, network only, or its ttys
    /// probed) when its vendor is one of these.
    public static let vendors: [KnownVendor] = [
        KnownVendor(id: 0x12d1, name: "Huawei", defaultRule: .huaweiInterfaceProtocol),
        KnownVendor(id: 0x19d2, name: "ZTE", defaultRule: .probe),
        KnownVendor(id: 0x2c7c, name: "Quectel", defaultRule: .probe),
        KnownVendor(id: 0x1e0e, name: "SIMCom", defaultRule: .probe),
        KnownVendor(id: 0x1199, name: "Sierra Wireless", defaultRule: .probe),
        KnownVendor(id: 0x1bbb, name: "Alcatel/TCL (JRD)", defaultRule: .probe),
        KnownVendor(id: 0x1546, name: "u-blox", defaultRule: .probe),
    ]

    /// Every known identity, serial, network-only and storage mode.
    public static let all: [KnownStick] = huawei + zte + quectel + simcom + sierra + alcatel + ublox

    /// The entry for `id`, if the table has one.
    public static func stick(_ id: USBID) -> KnownStick? { byID[id] }

    /// The vendor `id`, if known.
    public static func vendor(_ id: UInt16) -> KnownVendor? { vendors.first { $0.id == id } }

    private static let byID: [USBID: KnownStick] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    private static func ids(_ vendor: UInt16, _ products: [UInt16]) -> [USBID] {
        products.map { USBID(vendor: vendor, product: $0) }
    }

    // MARK: - Huawei (12d1)

    static let huawei: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1001),
            "Huawei E169 and others (serial)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:1001"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1003),
            "Huawei E220/E226 (serial)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + " (E226 entry)"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x140c),
            "Huawei (serial, after switching from 12d1:1446)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:1446"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1436),
            "Huawei E173/E1750 and others (serial)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:1446"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x14ac),
            "Huawei (serial, after switching from 12d1:1446)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:1446"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1506),
            "Huawei E3372/E3131/E3531/E352 (stick mode)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:15cd, 12d1:15ca, 12d1:15e7, 12d1:14fe"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1c05),
            "Huawei E173s (serial)",
            .serial(atPort: .huaweiInterfaceProtocol),
            source: huaweiRules + "; \(modeSwitchData)12d1:1c0b"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x14db),
            "Huawei E353 and others, HiLink (network card)",
            .networkOnly,
            source: "\(modeSwitchData)12d1:1f01, 12d1:1f03 (HiLink targets)"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x14dc),
            "Huawei E3372h/E3131/E5377 HiLink (network card)",
            .networkOnly,
            source: "\(modeSwitchData)12d1:1f01, 12d1:157d, 12d1:1f02 (HiLink targets); gammu issue #340"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1f01),
            "Huawei E3372/E353/E3131 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x14db, 0x14dc])),
            source: "\(modeSwitchData)12d1:1f01"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x157d),
            "Huawei E3331/E3372 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x14db, 0x14dc])),
            source: "\(modeSwitchData)12d1:157d"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x14fe),
            "Huawei E352/E173s (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506, 0x150f, 0x151d, 0x1c1e])),
            source: "\(modeSwitchData)12d1:14fe"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1446),
            "Huawei E1750/E173 and rebrandings (storage mode)",
            .massStorage(
                switchesTo: ids(
                    0x12d1,
                    [
                        0x1001, 0x1404, 0x1406, 0x140b, 0x140c, 0x1412, 0x1417, 0x141b, 0x1429, 0x1432, 0x1433,
                        0x1436, 0x14ac, 0x1506, 0x150c, 0x1511,
                    ]
                )
            ),
            source: "\(modeSwitchData)12d1:1446"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x1c0b),
            "Huawei E173s (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1c05, 0x1c06, 0x1c07, 0x1c08, 0x1c10])),
            source: "\(modeSwitchData)12d1:1c0b"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x15ca),
            "Huawei E3131 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506])),
            source: "\(modeSwitchData)12d1:15ca"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x15cd),
            "Huawei E3372 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506])),
            source: "\(modeSwitchData)12d1:15cd"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x15cf),
            "Huawei E3372s-153 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506])),
            source: "\(modeSwitchData)12d1:15cf"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x15e7),
            "Huawei E3531 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506])),
            source: "\(modeSwitchData)12d1:15e7"
        ),
        KnownStick(
            USBID(vendor: 0x12d1, product: 0x155b),
            "Huawei E171 (storage mode)",
            .massStorage(switchesTo: ids(0x12d1, [0x1506])),
            source: "\(modeSwitchData)12d1:155b"
        ),
    ]

    // MARK: - ZTE (19d2)

    static let zteTargets = "; target of \(modeSwitchData)19d2:2000"

    static let zte: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0001),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(0)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0002),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(2)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0016),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(2)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0017),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(2)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0031),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(3)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0063),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(3)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0117),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(2)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x2002),
            "ZTE (serial)",
            .serial(atPort: .interfaceNumber(3)),
            source: zteRules + zteTargets
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x1403),
            "ZTE MF823 (network card)",
            .networkOnly,
            source: "ArchWiki \"ZTE MF 823\""
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x1405),
            "ZTE MF823/MF668/MF70 (network card)",
            .networkOnly,
            source: "ArchWiki \"ZTE MF 823\"; target of \(modeSwitchData)19d2:1225"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x2000),
            "ZTE (storage mode)",
            .massStorage(
                switchesTo: ids(
                    0x19d2,
                    [
                        0x0001, 0x0002, 0x0015, 0x0016, 0x0017, 0x0019, 0x0024, 0x0031, 0x0033, 0x0037, 0x0042,
                        0x0052, 0x0055, 0x0061, 0x0063, 0x0064, 0x0066, 0x0091, 0x0108, 0x0117, 0x0128, 0x0151,
                        0x0157, 0x0177, 0x1402, 0x2002, 0x2003,
                    ]
                )
            ),
            source: "\(modeSwitchData)19d2:2000"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x1225),
            "ZTE MF823/MF668/MF70 (storage mode)",
            .massStorage(switchesTo: ids(0x19d2, [0x1405])),
            source: "\(modeSwitchData)19d2:1225"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0166),
            "ZTE MF820 (storage mode)",
            .massStorage(switchesTo: ids(0x19d2, [0x0167])),
            source: "\(modeSwitchData)19d2:0166"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x0325),
            "ZTE MF821D (storage mode)",
            .massStorage(switchesTo: ids(0x19d2, [0x0326])),
            source: "\(modeSwitchData)19d2:0325"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x1588),
            "ZTE MF710M (storage mode)",
            .massStorage(switchesTo: ids(0x19d2, [0x1589, 0x1591, 0x1592])),
            source: "\(modeSwitchData)19d2:1588"
        ),
        KnownStick(
            USBID(vendor: 0x19d2, product: 0x1595),
            "ZTE MF710 (storage mode)",
            .massStorage(switchesTo: ids(0x19d2, [0x1592, 0x1596, 0x1600])),
            source: "\(modeSwitchData)19d2:1595"
        ),
    ]

    // MARK: - Quectel (2c7c): no storage mode; DIAG 0, GPS 1, AT 2, AT 3 on all of these.

    static let quectel: [KnownStick] = [
        (0x0121, "Quectel EC21"), (0x0125, "Quectel EC25/EG25"), (0x0191, "Quectel EG91"),
        (0x0195, "Quectel EG95"), (0x0296, "Quectel BG96"), (0x0306, "Quectel EG06"), (0x0512, "Quectel EG12"),
        (0x0800, "Quectel RM500"),
    ].map { product, name in
        KnownStick(
            USBID(vendor: 0x2c7c, product: product),
            name,
            .serial(atPort: .interfaceNumber(2)),
            source: quectelRules
        )
    }

    // MARK: - SIMCom (1e0e)

    static let simcom: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9001),
            "SIMCom SIM7000/SIM7100/SIM7600",
            .serial(atPort: .interfaceNumber(2)),
            source: simcomRules
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9205),
            "SIMCom SIM7070/SIM7080/SIM7090",
            .serial(atPort: .interfaceNumber(2)),
            source: simcomRules
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9206),
            "SIMCom SIM7070/SIM7080/SIM7090 (second layout)",
            .serial(atPort: .interfaceNumber(2)),
            source: simcomRules
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9011),
            "SIMCom A7600E-H/A7602E-H",
            .serial(atPort: .interfaceNumber(4)),
            source: simcomRules
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9100),
            "PROLiNK PH-300 (SIMCom)",
            .serial(atPort: .interfaceNumber(3)),
            source: simcomRules + "; target of \(modeSwitchData)1e0e:f000"
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0x9200),
            "SCT UM300 (SIMCom)",
            .serial(atPort: .interfaceNumber(3)),
            source: simcomRules + "; target of \(modeSwitchData)1e0e:f000"
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0xcefe),
            "A-LINK 3GU (SIMCom)",
            .serial(atPort: .interfaceNumber(2)),
            source: simcomRules
        ),
        KnownStick(
            USBID(vendor: 0x1e0e, product: 0xf000),
            "SIMCom-based sticks (storage mode)",
            .massStorage(switchesTo: ids(0x1e0e, [0x9000, 0x9100, 0x9200])),
            source: "\(modeSwitchData)1e0e:f000"
        ),
    ]

    // MARK: - Sierra Wireless (1199)

    static let sierra: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x1199, product: 0x9071),
            "Sierra MC74xx",
            .serial(atPort: .interfaceNumber(3)),
            source: sierraRules
        ),
        KnownStick(
            USBID(vendor: 0x1199, product: 0x9079),
            "Sierra EM7455",
            .serial(atPort: .interfaceNumber(3)),
            source: sierraRules
        ),
        KnownStick(
            USBID(vendor: 0x1199, product: 0x9091),
            "Sierra EM7565",
            .serial(atPort: .interfaceNumber(3)),
            source: sierraRules
        ),
        KnownStick(
            USBID(vendor: 0x1199, product: 0x68c0),
            "Sierra RC7611",
            .serial(atPort: .interfaceNumber(3)),
            source: sierraRules
        ),
        KnownStick(
            USBID(vendor: 0x1199, product: 0xc001),
            "Sierra HL7812",
            .serial(atPort: .interfaceNumber(0)),
            source: sierraRules
        ),
        KnownStick(
            USBID(vendor: 0x1199, product: 0x0fff),
            "Sierra Wireless sticks (storage mode)",
            .massStorage(
                switchesTo: ids(
                    0x1199,
                    [
                        0x0017, 0x0018, 0x0019, 0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
                        0x0028, 0x0029, 0x0112, 0x0120, 0x0218, 0x0220, 0x0224, 0x0301, 0x6802, 0x6803, 0x6804,
                        0x6805, 0x6808, 0x6809, 0x6812, 0x6813, 0x6815, 0x6816, 0x6820, 0x6821, 0x6822, 0x6832,
                        0x6833, 0x6834, 0x6835, 0x6838, 0x6839, 0x683a, 0x683b, 0x683c, 0x683d, 0x683e, 0x6850,
                        0x6851, 0x6852, 0x6853, 0x6855, 0x6856, 0x6859, 0x685a, 0x6880, 0x6890, 0x6891, 0x6892,
                        0x6893, 0x68a2, 0x68a3, 0x68aa, 0x9011, 0x9012, 0x9051,
                    ]
                )
            ),
            source: "\(modeSwitchData)1199:0fff"
        ),
    ]

    // MARK: - Alcatel/TCL, JRD (1bbb)

    static let alcatel: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0x0000),
            "Alcatel X200",
            .serial(atPort: .interfaceNumber(3)),
            source: alcatelRules + "; target of \(modeSwitchData)1bbb:f000"
        ),
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0x0017),
            "Alcatel X220D/X200",
            .serial(atPort: .interfaceNumber(5)),
            source: alcatelRules + "; target of \(modeSwitchData)1bbb:f017"
        ),
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0x00b7),
            "Archos G9 3G key (Alcatel)",
            .serial(atPort: .interfaceNumber(4)),
            source: alcatelRules + "; target of \(modeSwitchData)1bbb:f000"
        ),
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0x022c),
            "Alcatel X602D",
            .serial(atPort: .interfaceNumber(1)),
            source: alcatelRules
        ),
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0xf000),
            "Alcatel X200/X060S/L100V (storage mode)",
            .massStorage(switchesTo: ids(0x1bbb, [0x0000, 0x0017, 0x00b7, 0x011e, 0x0191, 0x0195])),
            source: "\(modeSwitchData)1bbb:f000"
        ),
        KnownStick(
            USBID(vendor: 0x1bbb, product: 0xf017),
            "Alcatel X220D/L100V (storage mode)",
            .massStorage(switchesTo: ids(0x1bbb, [0x0017, 0x011e, 0x0203])),
            source: "\(modeSwitchData)1bbb:f017"
        ),
    ]

    // MARK: - u-blox (1546): cdc_acm modules, no storage mode.

    static let ublox: [KnownStick] = [
        KnownStick(
            USBID(vendor: 0x1546, product: 0x1010),
            "u-blox TOBY-L4",
            .serial(atPort: .interfaceNumber(6)),
            source: ubloxRules
        ),
        KnownStick(
            USBID(vendor: 0x1546, product: 0x1102),
            "u-blox LISA-U2/SARA-U2",
            .serial(atPort: .interfaceNumber(0)),
            source: ubloxRules
        ),
        KnownStick(
            USBID(vendor: 0x1546, product: 0x1104),
            "u-blox LISA-U2/SARA-U2 (alternative configuration)",
            .serial(atPort: .interfaceNumber(0)),
            source: ubloxRules
        ),
        KnownStick(
            USBID(vendor: 0x1546, product: 0x1107),
            "u-blox TOBY-R2",
            .serial(atPort: .interfaceNumber(0)),
            source: ubloxRules
        ),
        KnownStick(
            USBID(vendor: 0x1546, product: 0x110a),
            "u-blox LARA-R2",
            .serial(atPort: .interfaceNumber(0)),
            source: ubloxRules
        ),
    ]
}
