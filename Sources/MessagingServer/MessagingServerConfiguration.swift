import Foundation
import Messaging
import ModemSimulator
import UPnP
import UnixSignals

/// Everything a ``MessagingServer`` is built from: one value, with a default for every key that has one, checked by
/// ``validate()`` before anything is opened.
///
/// ```swift
/// var configuration = MessagingServerConfiguration(modem: .serial(path: "/dev/gsmmodem"))
/// configuration.interfaces = ["eth0"]
/// configuration.pin = "1234"
/// let server = try await MessagingServer(configuration: configuration, logger: logger)
/// try await server.run()
/// ```
///
/// The defaults depend on the modem (``init(modem:)``): the simulated modem (and no modem) serve on `lo` from a
/// database in a fresh temporary directory; a real modem must be told its LAN interface (never all interfaces by
/// default) and keeps its database under `/var/lib/messagingd/`.
///
/// One daemon serves several modems: the top-level modem keys (``modem``, ``baudRate``, ``pin``, ``database``,
/// ``friendlyName``, `messaging.ownNumber`, `messaging.serviceCentre`) describe the first, each of
/// ``additionalModems`` another. Every modem is its own UPnP device, with its own store, UDN and HTTP port;
/// the rest (interfaces, SSDP port, access, web password, the messaging policies) is shared.
public struct MessagingServerConfiguration: Sendable {
    /// Where the messages come from.
    public enum Modem: Sendable, Hashable {
        /// An in-process simulated modem, +15550000001, on a simulated network with the echo subscriber
        /// +15550000099 (it answers every SMS with "echo: <text>"). The real `ATModem` drives it over an in-memory
        /// byte pipe, so everything above the AT port runs as with a dongle.
        case simulated
        /// A modem's AT port, e.g. `/dev/ttyUSB2` or the udev rule's `/dev/gsmmodem`: a termios tty in raw mode at
        /// ``MessagingServerConfiguration/baudRate``.
        case serial(path: String)
        /// The AT port of the first known stick that libudev discovery finds (`ModemDiscovery`: the USB IDs of
        /// known sticks, their AT port by USB interface, an `AT` probe where the table does not tell), looked for
        /// again on every udev add or remove, so a stick plugged in later, or re-enumerated, is found at once.
        case automatic
        /// No modem: the actions work on the store alone; nothing is received or sent (a copied database, tests).
        case none
    }

    /// Where the message database lives.
    public enum Database: Sendable, Hashable {
        /// This SQLite file (WAL mode; created with its directory when missing). The device identity (UDN, boot
        /// counter) is kept beside it in `<path>.device.json`.
        case file(path: String)
        /// `messages.sqlite` in a fresh directory under the system's temporary directory (the demo default).
        case temporaryDirectory
        /// In memory, gone when the server is; the device gets a new UDN on every start.
        case inMemory
    }

    /// A modem served beside the first one: the keys that belong to one modem. Its HTTP port follows the first
    /// one's (see ``MessagingServerConfiguration/httpPort``); the other keys are shared.
    public struct AdditionalModem: Sendable, Hashable {
        /// Where its messages come from (see ``MessagingServerConfiguration/modem``).
        public var modem: Modem
        /// The line speed of a ``Modem/serial(path:)`` port. Default 115200.
        public var baudRate: Int = 115_200
        /// The SIM's PIN (see ``MessagingServerConfiguration/pin``). Default: none.
        public var pin: String?
        /// Its own database, in a directory of its own (see ``MessagingServerConfiguration/validate()``).
        public var database: Database
        /// Its device's name for users.
        public var friendlyName: String
        /// Its subscriber number; unset, the SIM's (or the simulated modem's).
        public var ownNumber: String?
        /// Its service centre; unset, the SIM's.
        public var serviceCentre: String?

        public init(
            modem: Modem,
            database: Database,
            friendlyName: String,
            pin: String? = nil,
            ownNumber: String? = nil,
            serviceCentre: String? = nil
        ) {
            self.modem = modem
            self.database = database
            self.friendlyName = friendlyName
            self.pin = pin
            self.ownNumber = ownNumber
            self.serviceCentre = serviceCentre
        }
    }

    // MARK: - Modem

    /// `modem`: where the messages come from. No default.
    public var modem: Modem
    /// `baudRate`: bits per second of a ``Modem/serial(path:)`` port, one termios supports (1200…921600).
    /// Default 115200.
    public var baudRate: Int = 115_200
    /// `pin`: the SIM's PIN, entered only when AT+CPIN? asks for one; 4–8 digits (TS 31.102 §4.4.3). Used with a
    /// ``Modem/serial(path:)`` modem only. Never logged. Default: none.
    public var pin: String?
    /// `additionalModems`: the modems served beside ``modem``, each as its own device. Default: none.
    public var additionalModems: [AdditionalModem] = []

    // MARK: - Store

    /// `database`: where the messages are kept. Default: ``Database/temporaryDirectory`` for the simulated modem
    /// and for no modem, `/var/lib/messagingd/messages.sqlite` for a real one.
    public var database: Database

    // MARK: - Messaging service

    /// `messaging`: the service's policies and limits (mirror policy, retries, event privacy, access policy). Its
    /// `ownNumber` defaults to the simulated modem's number with ``Modem/simulated``.
    public var messaging: MessagingConfiguration = MessagingConfiguration()

    // MARK: - UPnP device

    /// `interfaces`: the network interfaces that SSDP and HTTP serve on, by name. Default `["lo"]` for the simulated
    /// modem and for no modem, none for a real one: name the LAN interface, the server never serves every interface
    /// by default.
    public var interfaces: [String]
    /// `httpPort`: the HTTP port of description, control, events and the web page; 0 picks a free one, reported to
    /// ``MessagingServer/init(configuration:logger:onRunning:)``'s `onRunning`. Default ``defaultHTTPPort`` for a
    /// real modem, so that the page's address people bookmark stays the same; 0 for the simulated modem and for no
    /// modem, so that several run side by side (tests, demos). With ``additionalModems``, modem N (counted from 1)
    /// serves on `httpPort + N - 1`, or on a free port of its own when `httpPort` is 0.
    public var httpPort: Int = 0
    /// `ssdpPort`: the SSDP UDP port, shared by every modem's device. Default 1900 (UDA 1.1 §1.1.2); 0 picks a free
    /// port, for tests.
    public var ssdpPort: Int = 1900
    /// `friendlyName`: the device's name for users, shorter than 64 characters (UDA 1.1 §2.3). Default
    /// "ModemMessaging", with the number for the simulated modem.
    public var friendlyName: String
    /// `upnpLimits`: what one client can make the device hold or send. Default: ``UPnP/UPnPLimits/init()``.
    public var upnpLimits: UPnPLimits = UPnPLimits()
    /// `access`: which subnets may control the device and which may only read; applied by the UPnP stack and by
    /// the Messaging service alike (it replaces `messaging.accessPolicy`), and by the web page. Default `nil`: every
    /// client that reaches the served ``interfaces`` may do everything.
    public var access: AccessRules?

    // MARK: - Web page

    /// `webPassword`: the password the web page (the device's presentation page at `/`) asks for before it shows
    /// or sends anything; a login lasts 30 days in an `HttpOnly`, `SameSite=Strict` cookie. Default `nil`: no
    /// password (``access`` still applies). Never logged.
    public var webPassword: String?

    /// `hooks`: commands and webhooks run for every message received, sent or failed, delivered at least once
    /// (``Messaging/MessageHookService``). Default none.
    public var hooks = Hooks()
    /// `[mms]`: the operator's MMSC, its proxy and the data interface; nil when MMS is not configured.
    public var mms: MMSConfiguration?

    // MARK: - Lifecycle

    /// `gracefulShutdownSignals`: the signals that shut the server down gracefully (ssdp:byebye, then the services in
    /// reverse start order). Default SIGTERM and SIGINT; `[]` when the caller stops the server itself.
    public var gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]

    /// The number of the simulated modem: modem 1 of the simulated network.
    public static var simulatedNumber: String { SimulatedNetwork.number(ofModem: 1) }
    /// The database of a real modem unless configured otherwise.
    public static let defaultDatabasePath = "/var/lib/messagingd/messages.sqlite"
    /// The HTTP port of a real modem unless configured otherwise: the web page is at `http://<host>:8080/`.
    public static let defaultHTTPPort = 8080
    /// The longest web password (bytes of UTF-8).
    static let maximumWebPasswordBytes = 256

    /// A configuration with the defaults that suit `modem` (see each key).
    public init(modem: Modem) {
        self.modem = modem
        switch modem {
        case .simulated:
            database = .temporaryDirectory
            interfaces = ["lo"]
            friendlyName = "ModemMessaging (simulated \(Self.simulatedNumber))"
        case .none:
            database = .temporaryDirectory
            interfaces = ["lo"]
            friendlyName = "ModemMessaging"
        case .serial, .automatic:
            database = .file(path: Self.defaultDatabasePath)
            interfaces = []
            friendlyName = "ModemMessaging"
            httpPort = Self.defaultHTTPPort
        }
    }

    // MARK: - Validation

    /// `+` and 1 to 15 digits (E.164 §6).
    static func isE164(_ number: String) -> Bool {
        let digits = number.utf8.dropFirst()
        return number.hasPrefix("+") && (1...15).contains(digits.count)
            && digits.allSatisfy({ (0x30...0x39).contains($0) })
    }

    /// The baud rates a termios port takes (`Bxxx` constants).
    static let baudRates: Set<Int> = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600]
    /// IFNAMSIZ (16) less the terminating NUL.
    static let maximumInterfaceNameLength = 15

    /// One configuration per modem, the first modem's first: `self` with the modem keys of each entry of
    /// ``additionalModems`` in turn (and its HTTP port), and no additional modems.
    public func modemConfigurations() -> [MessagingServerConfiguration] {
        var first = self
        first.additionalModems = []
        return [first]
            + additionalModems.enumerated().map { offset, entry in
                var configuration = first
                configuration.modem = entry.modem
                configuration.baudRate = entry.baudRate
                configuration.pin = entry.pin
                configuration.database = entry.database
                configuration.friendlyName = entry.friendlyName
                configuration.messaging.ownNumber = entry.ownNumber
                configuration.messaging.serviceCentre = entry.serviceCentre
                if httpPort != 0 { configuration.httpPort = httpPort + offset + 1 }
                return configuration
            }
    }

    /// Checks every key; throws for the first one it refuses.
    ///
    /// With ``additionalModems`` each modem is checked as the only one would be (a key of modem N ≥ 2 is named
    /// `modem[N].<key>`), and besides: no two modems name the same serial port (a symbolic link counts as its
    /// target), none is ``Modem/automatic`` (discovery takes the first stick it finds, maybe another modem's), and
    /// every modem's database file is in a directory of its own (the device identity and the rejected-PIN record
    /// are kept beside it).
    ///
    /// - Throws: ``MessagingServerError`` with ``MessagingServerError/Code/invalidConfiguration`` and the key.
    public func validate() throws(MessagingServerError) {
        guard !additionalModems.isEmpty else { return try validateModem() }
        var devices: [String: Int] = [:]
        var directories: [String: Int] = [:]
        for (index, configuration) in modemConfigurations().enumerated() {
            let number = index + 1
            func key(_ name: String) -> String { number == 1 ? name : "modem[\(number)].\(name)" }
            do {
                try configuration.validateModem()
            } catch {
                throw .invalid(error.key.map(key) ?? key("modem"), error.reason)
            }
            switch configuration.modem {
            case .serial(let path):
                let resolved = Self.linkTarget(path)
                if let other = devices[resolved] {
                    throw .invalid(key("modem"), "\(path) is modem \(other)'s port too; each modem has its own")
                }
                devices[resolved] = number
            case .automatic:
                // Discovery takes the first known stick it finds, which may be another entry's.
                throw .invalid(
                    key("modem"),
                    "'auto' takes the first stick found, which may be another modem's; with several modems name "
                        + "each one's port (a /dev/serial/by-id/… link)"
                )
            case .simulated, .none:
                break
            }
            if case .file(let path) = configuration.database {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent().resolvingSymlinksInPath().path
                if let other = directories[directory] {
                    throw .invalid(
                        key("database"),
                        "\(path) is in modem \(other)'s directory \(directory); with several modems each keeps its "
                            + "database (and its identity and PIN record beside it) in a directory of its own, "
                            + "e.g. /var/lib/messagingd/modem\(number)/messages.sqlite"
                    )
                }
                directories[directory] = number
            }
        }
    }

    /// The file `path` names after following symbolic links (a `/dev/serial/by-id/…` link, the udev rule's
    /// `/dev/gsmmodem`), also when the target does not exist (yet); `path` itself when it is no link.
    static func linkTarget(_ path: String) -> String {
        var current = URL(fileURLWithPath: path).standardized
        // At most 40 links, as the kernel follows (path_resolution(7)); a loop ends there too.
        for _ in 0..<40 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else { break }
            current = URL(fileURLWithPath: target, relativeTo: current.deletingLastPathComponent()).standardized
        }
        return current.path
    }

    /// Checks the keys of one modem's configuration (``additionalModems`` aside).
    private func validateModem() throws(MessagingServerError) {
        switch modem {
        case .serial(let path):
            guard !path.isEmpty else { throw .invalid("modem", "the serial port path is empty") }
            guard Self.baudRates.contains(baudRate) else {
                throw .invalid("baudRate", "\(baudRate) is not one of \(Self.baudRates.sorted())")
            }
        case .automatic:
            guard Self.baudRates.contains(baudRate) else {
                throw .invalid("baudRate", "\(baudRate) is not one of \(Self.baudRates.sorted())")
            }
        case .simulated, .none:
            break
        }
        if let pin {
            guard (4...8).contains(pin.utf8.count), pin.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw .invalid("pin", "a SIM PIN is 4 to 8 digits")
            }
        }
        if case .file(let path) = database, path.isEmpty {
            throw .invalid("database", "the database path is empty")
        }
        guard !interfaces.isEmpty else {
            throw .invalid("interfaces", "name the LAN interface to serve on (never all by default)")
        }
        for name in interfaces {
            guard !name.isEmpty, name.utf8.count <= Self.maximumInterfaceNameLength, !name.contains("/"),
                !name.contains(where: \.isWhitespace)
            else {
                throw .invalid("interfaces", "'\(name)' is not an interface name")
            }
        }
        guard (0...65535).contains(httpPort) else { throw .invalid("httpPort", "\(httpPort) is not 0…65535") }
        guard (0...65535).contains(ssdpPort) else { throw .invalid("ssdpPort", "\(ssdpPort) is not 0…65535") }
        guard !friendlyName.isEmpty, friendlyName.count < 64 else {
            throw .invalid("friendlyName", "must have 1 to 63 characters (UDA 1.1 §2.3)")
        }
        do {
            try upnpLimits.validate()
        } catch {
            throw .invalid("upnpLimits", "\(error)")
        }
        if let webPassword {
            guard !webPassword.isEmpty, webPassword.utf8.count <= Self.maximumWebPasswordBytes else {
                throw .invalid("webPassword", "must have 1 to \(Self.maximumWebPasswordBytes) bytes")
            }
        }
        if let access, access.control.isEmpty, access.readOnly.isEmpty {
            throw .invalid("access", "no subnet may use the device; name at least one control or read-only subnet")
        }
        try validateMessaging()
        try validateHooks()
    }

    private func validateMessaging() throws(MessagingServerError) {
        // E.164 §6: at most 15 digits; the service expects the international form with '+'. The SMSC address is one
        // too (TS 23.040 §9.1.2.5: international when it starts with '+').
        for (key, number) in [
            ("messaging.ownNumber", messaging.ownNumber), ("messaging.serviceCentre", messaging.serviceCentre),
        ] {
            guard let number else { continue }
            guard Self.isE164(number) else { throw .invalid(key, "'\(number)' is not an E.164 number with '+'") }
        }
        let counts = [
            ("messaging.maximumSendAttempts", messaging.maximumSendAttempts),
            ("messaging.maximumSegments", messaging.maximumSegments),
            ("messaging.maximumRecipients", messaging.maximumRecipients),
            ("messaging.eventSubscriberBuffer", messaging.eventSubscriberBuffer),
        ]
        for (key, value) in counts where value < 1 { throw .invalid(key, "must be at least 1") }
        guard messaging.mirrorInterval > .zero else { throw .invalid("messaging.mirrorInterval", "must be > 0") }
        guard messaging.initialRetryDelay > .zero, messaging.initialRetryDelay <= messaging.maximumRetryDelay else {
            throw .invalid("messaging.initialRetryDelay", "must satisfy 0 < initialRetryDelay ≤ maximumRetryDelay")
        }
    }
}
