/// The hardware abstraction the Messaging service talks to (DESIGN.md "Layers").
///
/// `ATModem` implements it over a ``ByteTransport`` (a real serial tty, a pty, or memory); the simulator implements the
/// *modem* side of AT so that tests exercise the real `ATModem`. PDUs cross this boundary as bytes exactly as
/// AT+CMGL/AT+CMGR return them in PDU mode (SMSC field first, 3GPP TS 27.005 §3.1) and as AT+CMGS takes them.
public protocol Modem: Sendable {
    /// Identity of the device and the SIM (TS 27.007 §5: +CGMI, +CGMM, +CGMR, +CGSN; +CIMI, +CNUM, ICCID).
    func identity() async throws -> ModemIdentity

    /// The message storages and their counters (TS 27.005 §3.2.2 +CPMS).
    func storageStatus() async throws -> [StorageStatus]

    /// Every message in `storage` (TS 27.005 §3.4.2 +CMGL=4 in PDU mode).
    func listMessages(in storage: MessageStorage) async throws -> [StoredMessage]

    /// One message (TS 27.005 §3.4.3 +CMGR).
    func readMessage(at index: Int, in storage: MessageStorage) async throws -> StoredMessage

    /// Deletes one message (TS 27.005 §3.5.4 +CMGD).
    func deleteMessage(at index: Int, in storage: MessageStorage) async throws

    /// Sends SMS-SUBMIT PDUs, in order, as one batch (TS 27.005 §3.5.1 +CMGS; +CMMS keeps the link up between the
    /// parts of a concatenated message where the modem supports it).
    /// - Returns: the TP-MR the network assigned to each part, in order.
    func send(_ parts: [OutgoingPDU]) async throws -> [UInt8]

    /// Signal quality (TS 27.007 §8.5 +CSQ).
    func signalQuality() async throws -> SignalQuality

    /// Network registration (TS 27.007 §7.2 +CREG / +CEREG) and operator (+COPS).
    func networkStatus() async throws -> NetworkStatus

    /// Unsolicited events: new messages, status reports, storage full, registration, disconnection.
    ///
    /// Each call returns a new subscription. The stream is bounded; a subscriber that falls behind loses the oldest
    /// *notifications* only (a `.messageStored` is re-discovered by listing storage), never an unacknowledged
    /// directly-delivered message: those wait for ``acknowledge(_:)``.
    func events() -> AsyncStream<ModemEvent>

    /// Acknowledges a message that was delivered directly (+CMT/+CDS) once the layer above has stored it
    /// (TS 27.005 §3.4.4 +CNMA). Until then the network keeps it and retries, so a crash never loses it.
    func acknowledge(_ token: DeliveryToken) async throws
}

/// A preferred message storage (TS 27.005 §3.2.2 <mem1>…<mem3>).
public struct MessageStorage: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// SIM card storage.
    public static let sim = MessageStorage(rawValue: "SM")
    /// Mobile equipment (phone) storage.
    public static let phone = MessageStorage(rawValue: "ME")
    /// Any storage associated with the ME (SM and ME combined).
    public static let combined = MessageStorage(rawValue: "MT")
    /// Status report storage.
    public static let statusReports = MessageStorage(rawValue: "SR")
    /// Broadcast message storage.
    public static let broadcast = MessageStorage(rawValue: "BM")

    public var description: String { rawValue }
}

/// Counters of one storage (TS 27.005 §3.2.2 +CPMS: <used>,<total>).
public struct StorageStatus: Hashable, Sendable, Codable {
    public var storage: MessageStorage
    public var used: Int
    public var total: Int
    public init(storage: MessageStorage, used: Int, total: Int) {
        self.storage = storage
        self.used = used
        self.total = total
    }
    /// True when no slot is free.
    public var isFull: Bool { total > 0 && used >= total }
}

/// The <stat> of a stored message in PDU mode (TS 27.005 §3.1).
public enum StoredMessageStatus: Int, Hashable, Sendable, Codable {
    case receivedUnread = 0
    case receivedRead = 1
    case storedUnsent = 2
    case storedSent = 3
}

/// A message as the modem stores it: index, status and the raw PDU (SMSC field included).
public struct StoredMessage: Hashable, Sendable {
    public var storage: MessageStorage
    public var index: Int
    public var status: StoredMessageStatus
    /// The PDU exactly as +CMGL/+CMGR returned it, SMSC address field first.
    public var pdu: [UInt8]
    public init(storage: MessageStorage, index: Int, status: StoredMessageStatus, pdu: [UInt8]) {
        self.storage = storage
        self.index = index
        self.status = status
        self.pdu = pdu
    }
}

/// One SMS-SUBMIT to send: the PDU as AT+CMGS takes it (SMSC octet(s) first) and its TPDU length (the <length>
/// argument of AT+CMGS, octets after the SMSC field).
public struct OutgoingPDU: Hashable, Sendable {
    public var pdu: [UInt8]
    public var tpduLength: Int
    public init(pdu: [UInt8], tpduLength: Int) {
        self.pdu = pdu
        self.tpduLength = tpduLength
    }
}

/// Identifies a directly delivered message awaiting +CNMA.
public struct DeliveryToken: Hashable, Sendable {
    public var id: UInt64
    public init(id: UInt64) { self.id = id }
}

/// What a modem reports without being asked.
public enum ModemEvent: Hashable, Sendable {
    /// A message was stored (+CMTI: <mem>,<index>; +CDSI for status reports).
    case messageStored(MessageStorage, index: Int)
    /// A message was delivered directly (+CMT); acknowledge it with the token after it is stored.
    case messageDelivered(pdu: [UInt8], token: DeliveryToken)
    /// A status report was delivered directly (+CDS); acknowledge it with the token after it is stored.
    case statusReportDelivered(pdu: [UInt8], token: DeliveryToken)
    /// A storage is full (+CMS ERROR 322, ^SMMEMFULL, +CIEV smsfull, or counters at their limit).
    case storageFull(MessageStorage?)
    /// Storage has room again.
    case storageAvailable(MessageStorage?)
    /// Registration changed (+CREG/+CEREG).
    case registrationChanged(RegistrationState)
    /// The modem restarted (^BOOT-less vendor start-up lines such as RDY, ^SYSSTART, "SMS Ready").
    case restarted
    /// The device vanished (EIO, ENXIO, hang-up). The driver can be reopened.
    case disconnected(reason: String)
    /// Start-up completed (again): the modem is ready, after power-on, a restart, a replug or a recovery. Messages
    /// the network held meanwhile can be read now, and sends that waited can go.
    case started
    /// A line no table knows, passed on as-is.
    case unrecognized(line: String)
}

/// Network registration state (TS 27.007 §7.2 <stat>).
public enum RegistrationState: Int, Hashable, Sendable, Codable {
    case notRegistered = 0
    case home = 1
    case searching = 2
    case denied = 3
    case unknown = 4
    case roaming = 5
}

/// Device and SIM identity.
public struct ModemIdentity: Hashable, Sendable, Codable {
    public var manufacturer: String
    public var model: String
    public var revision: String
    public var imei: String
    public var imsi: String
    /// The subscriber's own number (+CNUM); often empty on real SIMs.
    public var msisdn: String
    public var iccid: String
    public init(
        manufacturer: String,
        model: String,
        revision: String,
        imei: String,
        imsi: String,
        msisdn: String,
        iccid: String
    ) {
        self.manufacturer = manufacturer
        self.model = model
        self.revision = revision
        self.imei = imei
        self.imsi = imsi
        self.msisdn = msisdn
        self.iccid = iccid
    }
}

/// Signal quality (TS 27.007 §8.5: <rssi> 0…31, 99 unknown; <ber> 0…7, 99 unknown).
public struct SignalQuality: Hashable, Sendable, Codable {
    public var rssi: Int
    public var ber: Int
    public init(rssi: Int, ber: Int) {
        self.rssi = rssi
        self.ber = ber
    }
    /// Received signal strength in dBm, `nil` when unknown (rssi 0 → −113 dBm, 31 → −51 dBm or more).
    public var dBm: Int? { (0...31).contains(rssi) ? -113 + 2 * rssi : nil }
}

/// Registration and operator.
public struct NetworkStatus: Hashable, Sendable, Codable {
    public var registration: RegistrationState
    public var operatorName: String?
    public init(registration: RegistrationState, operatorName: String?) {
        self.registration = registration
        self.operatorName = operatorName
    }
}
