/// Settings of an ``ATModem`` (STYLE.md §5: one `Sendable` struct with defaults, validated at start-up).
///
/// - `pin`: the SIM PIN entered when AT+CPIN? asks for one (4–8 digits, TS 31.102 §4.4.3). Never logged.
/// - `incomingStorage`: where the modem stores new messages (<mem3> of AT+CPMS). `nil` picks ME when offered
///   (it is larger), else SM.
/// - `commandTimeout`: deadline of an ordinary command.
/// - `listTimeout`: deadline of AT+CMGL (a full store takes a while at low baud rates).
/// - `sendTimeout`: deadline of each AT+CMGS (the network may take a minute or more).
/// - `profile`: the modem family; `nil` detects it from AT+CGMI/AT+CGMM.
/// - `simBusyTimeout`: how long start-up waits for a SIM that answers "SIM busy" after power-on or after its PIN
///   (ModemManager waits up to 30 × 2 s, `src/mm-iface-modem.c` `internal_load_unlock_required`).
/// - `usesConcatenationLink`: keep the radio link up between the parts of a message with AT+CMMS=1 (TS 27.005
///   §3.5.6) where the profile supports it.
public struct ATModemConfiguration: Sendable, Hashable {
    public var pin: String?
    public var incomingStorage: MessageStorage?
    public var commandTimeout: Duration
    public var listTimeout: Duration
    public var sendTimeout: Duration
    public var profile: ATModemProfile?
    public var usesConcatenationLink: Bool
    public var simBusyTimeout: Duration

    public init(
        pin: String? = nil,
        incomingStorage: MessageStorage? = nil,
        commandTimeout: Duration = .seconds(5),
        listTimeout: Duration = .seconds(60),
        sendTimeout: Duration = ATCommand.sendTimeout,
        profile: ATModemProfile? = nil,
        usesConcatenationLink: Bool = true,
        simBusyTimeout: Duration = .seconds(60)
    ) {
        self.pin = pin
        self.incomingStorage = incomingStorage
        self.commandTimeout = commandTimeout
        self.listTimeout = listTimeout
        self.sendTimeout = sendTimeout
        self.profile = profile
        self.usesConcatenationLink = usesConcatenationLink
        self.simBusyTimeout = simBusyTimeout
    }

    /// Checks the values. - Throws: ``ConfigurationError``.
    public func validate() throws {
        if let pin, !(4...8).contains(pin.count) || !pin.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ConfigurationError(key: "pin", reason: "a PIN is 4 to 8 digits")
        }
        for (key, value) in [
            ("commandTimeout", commandTimeout), ("listTimeout", listTimeout), ("sendTimeout", sendTimeout),
            ("simBusyTimeout", simBusyTimeout),
        ]
        where value <= .zero {
            throw ConfigurationError(key: key, reason: "must be positive")
        }
    }
}

/// A configuration value that cannot work.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
    public var description: String { "invalid configuration \(key): \(reason)" }
}
