/// Why a ``Modem`` operation failed (STYLE.md §2: a code plus context; equality compares the code only).
public struct ModemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// No SIM card (AT+CPIN? answered +CME ERROR: 10 / +CMS ERROR: 310).
        case simNotInserted
        /// The SIM wants a PIN and the configuration has none.
        case pinRequired
        /// The SIM rejected the configured PIN (+CME ERROR: 16); not retried, to save the attempts left.
        case pinRejected
        /// The SIM is blocked and wants its PUK; the driver never enters a PUK.
        case pukRequired
        /// The SIM stayed busy (+CME ERROR: 14, +CMS ERROR: 314, …) for the whole bounded wait of start-up.
        case simBusy
        /// The SIM is in a state the driver does not handle (PH-SIM PIN, PIN2, …).
        case simLocked(String)
        /// The modem refused PDU mode (AT+CMGF=0), which the driver needs.
        case pduModeUnsupported
        /// The storage slot is empty or does not exist.
        case messageNotFound
        /// The modem does not offer this storage (AT+CPMS=?).
        case storageUnavailable(MessageStorage)
        /// An outgoing PDU is inconsistent (SMSC field, TPDU length, bounds); nothing was sent.
        case invalidPDU
        /// The modem's answer could not be understood.
        case malformedResponse
        /// Part `part` (0-based) of a batch could not be sent; earlier parts were sent.
        case sendFailed(part: Int)
        /// ``ATModem/acknowledge(_:)`` got a token that is not waiting for +CNMA.
        case unknownDeliveryToken
        /// The device is gone; reopen the driver.
        case disconnected
        /// An AT command failed (error result, timeout); `underlying` says how.
        case commandFailed
        /// ``ATModem/start()`` has not completed.
        case notStarted
        /// The modem restarted while the operation ran (a restart line came): its answer may be about the storage
        /// it selects at power-on, so nothing was taken from it.
        case restarted
    }

    public var code: Code
    public var reason: String
    /// The AT failure behind this error, if any.
    public var underlying: ATError?
    /// With `.pinRequired` and `.pinRejected`: the PIN attempts the SIM has left, where the modem tells.
    public var pinAttemptsLeft: Int?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        reason: String = "",
        underlying: ATError? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public static func == (lhs: ModemError, rhs: ModemError) -> Bool { lhs.code == rhs.code }

    /// True when the modem refused one storage (its selection or its listing answered with an error result): the
    /// storage is at fault, not the modem, so the other storages can still be read. A timeout, a disconnect or a SIM
    /// that is still busy is not a refusal.
    public var isStorageRefusal: Bool {
        switch code {
        case .storageUnavailable:
            return true
        case .commandFailed:
            guard let underlying, case .result = underlying.code else { return false }
            return !underlying.isSIMNotReady
        default:
            return false
        }
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        var text = "modem error \(code)"
        if !reason.isEmpty { text += ": \(reason)" }
        if let underlying { text += " (\(underlying))" }
        return text + " [\(file):\(line)]"
    }
}
