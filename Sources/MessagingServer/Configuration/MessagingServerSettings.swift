import Foundation
import Logging
import Messaging
import ModemSimulator
import UPnP

/// The daemon's settings as a person writes them, in the configuration file or on the command line: every value
/// optional, so that the command line can override the file key by key (``overridden(by:simulate:)``) before
/// ``makeConfiguration(simulate:)`` turns the result into a ``MessagingServerConfiguration``.
///
/// ```swift
/// let file = try MessagingServerSettings.load(path: configPath)   // the file's keys; see board/messagingd.conf
/// var flags = MessagingServerSettings()
/// flags.httpPort = 8080
/// let configuration = try file.overridden(by: flags).makeConfiguration(simulate: false)
/// ```
///
/// The file is TOML (``init(toml:source:)``). It may list several `[[modem]]` entries: each becomes a device of its
/// own (``MessagingServerConfiguration/additionalModems``), and then each must name its `device` and its `database`
/// in a directory of its own; the `[network] http-port` is the first modem's, the next ones serve on the ports
/// after it.
public struct MessagingServerSettings: Sendable, Hashable {
    /// One `[[modem]]` entry.
    public struct Modem: Sendable, Hashable {
        /// `device`: the AT port (`/dev/ttyUSB2`, a `/dev/serial/by-id/…` link, the udev rule's `/dev/gsmmodem`), or
        /// `auto` for udev discovery.
        public var device: String?
        /// `baud`: the line speed of the serial port.
        public var baudRate: Int?
        /// `pin`: the SIM PIN (4–8 digits), entered only when the SIM asks for it.
        public var pin: String?
        /// `smsc`: the service centre every SMS-SUBMIT names; unset, the SIM's (AT+CSCA) is used.
        public var serviceCentre: String?
        /// `own-number`: the subscriber's number; unset, the SIM's (AT+CNUM) is used when it has one.
        public var ownNumber: String?
        /// `name`: the device's friendly name on the network.
        public var name: String?
        /// `database`: the SQLite file of this modem's messages.
        public var database: String?

        public init(
            device: String? = nil,
            baudRate: Int? = nil,
            pin: String? = nil,
            serviceCentre: String? = nil,
            ownNumber: String? = nil,
            name: String? = nil,
            database: String? = nil
        ) {
            self.device = device
            self.baudRate = baudRate
            self.pin = pin
            self.serviceCentre = serviceCentre
            self.ownNumber = ownNumber
            self.name = name
            self.database = database
        }

        /// `self` with every key `other` sets replaced by `other`'s value.
        func overridden(by other: Modem) -> Modem {
            Modem(
                device: other.device ?? device,
                baudRate: other.baudRate ?? baudRate,
                pin: other.pin ?? pin,
                serviceCentre: other.serviceCentre ?? serviceCentre,
                ownNumber: other.ownNumber ?? ownNumber,
                name: other.name ?? name,
                database: other.database ?? database
            )
        }
    }

    /// The `[[modem]]` entries, in file order.
    public var modems: [Modem] = []
    /// How many simulated modems `--simulate` runs (`--simulate-modems`); default 1. They share one simulated
    /// network (modem N is +1555000000N) and each has a database in a temporary directory of its own.
    public var simulatedModems: Int?
    /// `log-level`.
    public var logLevel: Logger.Level?
    /// `[network] interfaces`: the interfaces SSDP and HTTP serve on.
    public var interfaces: [String]?
    /// `[network] http-port`.
    public var httpPort: Int?
    /// `[network] ssdp-port`.
    public var ssdpPort: Int?
    /// `[access]`: the subnets that may control the device and those that may only read.
    public var access: AccessRules?
    /// `[web] password`: the web page's password.
    public var webPassword: String?
    /// `[messages] storage-policy`: `move` (delete from the modem once stored) or `keep` (leave it on the SIM).
    public var storagePolicy: MessagingConfiguration.MirrorPolicy?
    /// `[send] attempts`: attempts refused by the network before a message is marked failed.
    public var sendAttempts: Int?
    /// `[send] first-retry-delay`: the first retry's delay; doubled per attempt up to ``maximumRetryDelay``.
    public var firstRetryDelay: Duration?
    /// `[send] max-retry-delay`: the cap of the back-off.
    public var maximumRetryDelay: Duration?
    /// `[send] status-reports`: ask for a status report (TP-SRR) for every part sent.
    public var requestStatusReports: Bool?
    /// `[hooks]`: commands and webhooks for messages received, sent and failed.
    public var hooks = Hooks()
    /// `[mms] mmsc-url`: the operator's MMSC; MMS is on when it is set.
    public var mmscURL: String?
    /// `[mms] mms-proxy`: the operator's WAP/HTTP proxy, `host:port`.
    public var mmsProxy: String?
    /// `[mms] mms-interface`: the data interface of the MMS APN to bind to (`wwan0`, `usb0`, …).
    public var mmsInterface: String?
    /// `[mms] max-size`: the largest message sent or fetched, in octets.
    public var mmsMaximumSize: Int?

    public init() {}

    /// The default configuration file: read when it exists and no other is named.
    public static let defaultPath = "/etc/messagingd/messagingd.conf"

    /// Most modems one daemon serves: a Pi has four USB ports, a powered hub a few more.
    public static let maximumModems = 16

    /// `self` with every key `other` sets replaced by `other`'s value: the command line (`other`) over the file.
    /// `other`'s first modem overrides the first `[[modem]]` entry (or is the only one).
    ///
    /// - Parameter simulate: the simulated modem replaces the file's modems: their entries (a real stick's device,
    ///   PIN and database) are dropped, so that a simulation never writes into the real modem's database; only
    ///   `other`'s (the flags', e.g. `--db`) apply.
    public func overridden(by other: MessagingServerSettings, simulate: Bool = false) -> MessagingServerSettings {
        var result = self
        if simulate { result.modems = [] }
        if let flags = other.modems.first {
            if result.modems.isEmpty {
                result.modems = [flags]
            } else {
                result.modems[0] = result.modems[0].overridden(by: flags)
            }
        }
        result.simulatedModems = other.simulatedModems ?? simulatedModems
        result.logLevel = other.logLevel ?? logLevel
        result.interfaces = other.interfaces ?? interfaces
        result.httpPort = other.httpPort ?? httpPort
        result.ssdpPort = other.ssdpPort ?? ssdpPort
        result.access = other.access ?? access
        result.webPassword = other.webPassword ?? webPassword
        result.storagePolicy = other.storagePolicy ?? storagePolicy
        result.sendAttempts = other.sendAttempts ?? sendAttempts
        result.firstRetryDelay = other.firstRetryDelay ?? firstRetryDelay
        result.maximumRetryDelay = other.maximumRetryDelay ?? maximumRetryDelay
        result.requestStatusReports = other.requestStatusReports ?? requestStatusReports
        result.hooks = hooks.overridden(by: other.hooks)
        result.mmscURL = other.mmscURL ?? mmscURL
        result.mmsProxy = other.mmsProxy ?? mmsProxy
        result.mmsInterface = other.mmsInterface ?? mmsInterface
        result.mmsMaximumSize = other.mmsMaximumSize ?? mmsMaximumSize
        return result
    }

    /// The server configuration these settings describe, validated.
    ///
    /// - Parameter simulate: run on the in-process simulated modem: of the first modem entry only `database` is
    ///   used (a real stick's device, PIN, SMSC and number are left out); the other sections apply. Merge with
    ///   ``overridden(by:simulate:)`` first, so that the file's database is not among them.
    /// - Throws: ``MessagingServerError`` with ``MessagingServerError/Code/invalidConfiguration``, its key written
    ///   as in the file (`modem.pin`, `network.interfaces`, …).
    public func makeConfiguration(simulate: Bool) throws(MessagingServerError) -> MessagingServerConfiguration {
        let count = simulate ? (simulatedModems ?? 1) : max(modems.count, 1)
        guard (1...Self.maximumModems).contains(count) else {
            throw .invalid(
                simulate ? "simulate-modems" : "modem",
                "\(count) modems; one daemon serves 1 to \(Self.maximumModems)"
            )
        }
        let several = count > 1
        var configuration: MessagingServerConfiguration
        if simulate {
            if several, modems.first?.database != nil {
                throw .invalid(
                    "modem.database",
                    "one database for \(count) simulated modems; each uses a temporary one: leave --db out"
                )
            }
            configuration = MessagingServerConfiguration(modem: .simulated)
            if let database = modems.first?.database { configuration.database = .file(path: database) }
            configuration.additionalModems = (1..<count).map { offset in
                MessagingServerConfiguration.AdditionalModem(
                    modem: .simulated,
                    database: .temporaryDirectory,
                    friendlyName: "ModemMessaging (simulated \(SimulatedNetwork.number(ofModem: offset + 1)))"
                )
            }
        } else {
            let entries = modems.isEmpty ? [Modem()] : modems
            let first = entries[0]
            configuration = MessagingServerConfiguration(modem: try Self.modem(first, key: Self.entryKey(1, several)))
            if let baudRate = first.baudRate { configuration.baudRate = baudRate }
            configuration.pin = first.pin
            if let database = first.database { configuration.database = .file(path: database) }
            if several { configuration.friendlyName = "ModemMessaging 1" }
            if let name = first.name { configuration.friendlyName = name }
            if let ownNumber = first.ownNumber { configuration.messaging.ownNumber = ownNumber }
            configuration.messaging.serviceCentre = first.serviceCentre
            configuration.additionalModems = try entries.enumerated().dropFirst().map {
                offset,
                entry throws(MessagingServerError) in
                let key = Self.entryKey(offset + 1, several)
                let modem = try Self.modem(entry, key: key)
                guard let database = entry.database else {
                    throw .invalid(
                        "\(key).database",
                        "with several modems each names its own database, in a directory of its own "
                            + "(e.g. /var/lib/messagingd/modem\(offset + 1)/messages.sqlite)"
                    )
                }
                var additional = MessagingServerConfiguration.AdditionalModem(
                    modem: modem,
                    database: .file(path: database),
                    friendlyName: entry.name ?? "ModemMessaging \(offset + 1)",
                    pin: entry.pin,
                    ownNumber: entry.ownNumber,
                    serviceCentre: entry.serviceCentre
                )
                if let baudRate = entry.baudRate { additional.baudRate = baudRate }
                return additional
            }
        }
        if let interfaces { configuration.interfaces = interfaces }
        if let httpPort { configuration.httpPort = httpPort }
        if let ssdpPort { configuration.ssdpPort = ssdpPort }
        configuration.access = access
        configuration.webPassword = webPassword
        if let storagePolicy { configuration.messaging.mirrorPolicy = storagePolicy }
        if let sendAttempts { configuration.messaging.maximumSendAttempts = sendAttempts }
        if let firstRetryDelay { configuration.messaging.initialRetryDelay = firstRetryDelay }
        if let maximumRetryDelay { configuration.messaging.maximumRetryDelay = maximumRetryDelay }
        if let requestStatusReports { configuration.messaging.requestStatusReports = requestStatusReports }
        configuration.hooks = hooks.makeConfiguration()
        configuration.mms = try makeMMSConfiguration()
        do {
            try configuration.validate()
        } catch {
            // Name the key as the file writes it.
            throw MessagingServerError(
                error.code,
                key: error.key.map { Self.fileKey($0, several: several) },
                error.reason
            )
        }
        return configuration
    }

    /// The `[mms]` section as an ``MMSConfiguration``, nil when no MMSC is set.
    func makeMMSConfiguration() throws(MessagingServerError) -> MMSConfiguration? {
        guard let mmscURL else {
            if mmsProxy != nil || mmsInterface != nil || mmsMaximumSize != nil {
                throw .invalid("mms.mmsc-url", "missing: mms-proxy, mms-interface and max-size apply to an MMSC")
            }
            return nil
        }
        let lowered = mmscURL.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
            let url = URLComponents(string: mmscURL), url.host?.isEmpty == false
        else { throw .invalid("mms.mmsc-url", "'\(mmscURL)' is not an http:// or https:// URL") }
        var configuration = MMSConfiguration(mmscURL: mmscURL)
        if let mmsProxy {
            guard let proxy = MMSConfiguration.Proxy(parsing: mmsProxy) else {
                throw .invalid("mms.mms-proxy", "'\(mmsProxy)' is not host:port (10.0.0.10:8080, [fd00::1]:80)")
            }
            // Through a WAP proxy requests go in absolute form; https would need a CONNECT tunnel.
            guard lowered.hasPrefix("http://") else {
                throw .invalid("mms.mms-proxy", "an https:// MMSC is reached directly, not through a WAP proxy")
            }
            configuration.proxy = proxy
        }
        if let mmsInterface {
            guard !mmsInterface.isEmpty, mmsInterface.count <= 15,
                !mmsInterface.contains(where: { $0 == "/" || $0.isWhitespace })
            else { throw .invalid("mms.mms-interface", "'\(mmsInterface)' is not an interface name") }
            configuration.interface = mmsInterface
        }
        if let mmsMaximumSize {
            guard (Self.minimumMMSSize...Self.maximumMMSSize).contains(mmsMaximumSize) else {
                throw .invalid(
                    "mms.max-size",
                    "\(mmsMaximumSize) is not \(Self.minimumMMSSize)…\(Self.maximumMMSSize) octets"
                )
            }
            configuration.maximumSize = mmsMaximumSize
        }
        return configuration
    }

    /// Bounds of `max-size`: 1 KiB (a notification with a short text) to 10 MiB (above any operator's limit).
    static let minimumMMSSize = 1024
    static let maximumMMSSize = 10 * 1024 * 1024

    /// The modem an entry's `device` names.
    private static func modem(
        _ entry: Modem,
        key: String
    ) throws(MessagingServerError) -> MessagingServerConfiguration.Modem {
        switch entry.device {
        case nil: throw .invalid("\(key).device", "no modem: set device in [[modem]], or give --device or --simulate")
        case "auto"?: return .automatic
        case let path?: return .serial(path: path)
        }
    }

    /// `modem` for a single entry, `modem[N]` (counted from 1, as in the file's error messages) among several.
    private static func entryKey(_ number: Int, _ several: Bool) -> String { several ? "modem[\(number)]" : "modem" }

    /// A ``MessagingServerConfiguration/validate()`` key (`pin`, `modem[2].pin`) as the file names it (`modem.pin`,
    /// `modem[2].pin`; the first of several modems is `modem[1]`).
    static func fileKey(_ key: String, several: Bool) -> String {
        var number = 1
        var rest = Substring(key)
        if key.hasPrefix("modem["), let close = key.firstIndex(of: "]"),
            let parsed = Int(key[key.index(key.startIndex, offsetBy: 6)..<close])
        {
            number = parsed
            rest = key[key.index(after: close)...].dropFirst()
        }
        let fileKey = fileKeys[String(rest)] ?? String(rest)
        guard several, fileKey.hasPrefix("modem.") else { return fileKey }
        return "modem[\(number)]" + fileKey.dropFirst("modem".count)
    }

    /// ``MessagingServerConfiguration/validate()``'s key names → the file's.
    static let fileKeys: [String: String] = [
        "modem": "modem.device",
        "baudRate": "modem.baud",
        "pin": "modem.pin",
        "database": "modem.database",
        "friendlyName": "modem.name",
        "messaging.ownNumber": "modem.own-number",
        "messaging.serviceCentre": "modem.smsc",
        "interfaces": "network.interfaces",
        "httpPort": "network.http-port",
        "ssdpPort": "network.ssdp-port",
        "access": "access",
        "webPassword": "web.password",
        "messaging.maximumSendAttempts": "send.attempts",
        "messaging.initialRetryDelay": "send.first-retry-delay",
        "hooks.onReceive": "hooks.on-receive",
        "hooks.onSent": "hooks.on-sent",
        "hooks.onFailed": "hooks.on-failed",
        "hooks.webhooks": "hooks.webhook",
        "hooks.delivery.maximumConcurrent": "hooks.concurrency",
        "hooks.delivery.timeout": "hooks.timeout",
        "hooks.delivery.initialRetryDelay": "hooks.first-retry-delay",
        "hooks.delivery.giveUpAfter": "hooks.give-up-after",
    ]
}
