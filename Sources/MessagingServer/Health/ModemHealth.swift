import Modem

/// The modem's part of `GET /health`.
public struct ModemHealth: Sendable, Hashable, Encodable {
    /// What the modem is doing, as a word for people and monitors.
    public struct State: RawRepresentable, Sendable, Hashable, Encodable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Started, and answering.
        public static let ready = State(rawValue: "ready")
        /// Answering, but its start-up has not finished (SIM busy, radio switching on…).
        public static let starting = State(rawValue: "starting")
        /// Its port is gone (unplugged, re-enumerated).
        public static let disconnected = State(rawValue: "disconnected")
        /// It did not answer within the health check's bound.
        public static let unresponsive = State(rawValue: "unresponsive")
        /// It answered with an error.
        public static let failing = State(rawValue: "failing")
        /// No modem is configured: the service works on its store alone.
        public static let none = State(rawValue: "none")

        /// Whether the daemon does its job in this state.
        public var isHealthy: Bool { self == .ready || self == .none }
    }

    /// What the modem is doing.
    public var state: State
    /// Received signal strength in dBm (+CSQ, TS 27.007 §8.5), `nil` when unknown.
    public var signal: Int?
    /// Network registration (+CREG/+CEREG, TS 27.007 §7.2): `home`, `roaming`, `searching`, `denied`,
    /// `not-registered` or `unknown`; `nil` when not read.
    public var registration: String?
    /// The operator's name (+COPS?), `nil` when unknown.
    public var operatorName: String?
    /// The last error of the modem, for people (not a stable format).
    public var lastError: String?
    /// What the supervisor of a real modem knows; `nil` for the simulated modem and for no modem.
    public var supervision: Supervision?

    /// The supervisor's view of a real modem (``Modem/ModemSupervisorService/Status``).
    public struct Supervision: Sendable, Hashable, Encodable {
        /// The tty the supervisor found last (a by-id link resolved), `nil` before any.
        public var device: String?
        /// Start-ups that ran again after the modem had been ready (replug, restart, SIM swap, recovery).
        public var restarts: Int
        /// `pinRequired`, `pinRejected`, `pukRequired` or `simMissing` when the SIM is the problem, else `nil`.
        public var sim: String?
        /// The PIN attempts left, where the modem tells them.
        public var pinAttemptsLeft: Int?

        public init(_ status: ModemSupervisorService.Status) {
            device = status.devicePath
            restarts = status.restartCount
            sim = status.pinState
            pinAttemptsLeft = status.pinAttemptsLeft
        }

        public func encode(to encoder: any Encoder) throws {
            // Every key always present, null when unknown, as in the rest of the report.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(device, forKey: .device)
            try container.encode(restarts, forKey: .restarts)
            try container.encode(sim, forKey: .sim)
            try container.encode(pinAttemptsLeft, forKey: .pinAttemptsLeft)
        }

        enum CodingKeys: String, CodingKey {
            case device, restarts, sim, pinAttemptsLeft
        }
    }

    /// Makes a report.
    public init(
        state: State,
        signal: Int? = nil,
        registration: String? = nil,
        operatorName: String? = nil,
        lastError: String? = nil,
        supervision: Supervision? = nil
    ) {
        self.state = state
        self.signal = signal
        self.registration = registration
        self.operatorName = operatorName
        self.lastError = lastError
        self.supervision = supervision
    }

    /// The word for a registration state.
    public static func name(of registration: RegistrationState) -> String {
        switch registration {
        case .notRegistered: "not-registered"
        case .home: "home"
        case .searching: "searching"
        case .denied: "denied"
        case .unknown: "unknown"
        case .roaming: "roaming"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        // `encode` rather than the synthesised `encodeIfPresent`: an unknown value is written as null.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(signal, forKey: .signal)
        try container.encode(registration, forKey: .registration)
        try container.encode(operatorName, forKey: .operatorName)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(supervision, forKey: .supervision)
    }

    enum CodingKeys: String, CodingKey {
        case state, signal, registration, lastError, supervision
        case operatorName = "operator"
    }
}
