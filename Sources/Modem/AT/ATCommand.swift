/// One AT command line and how to treat its answer.
public struct ATCommand: Hashable, Sendable, CustomStringConvertible {
    /// The command without the terminating CR, e.g. `AT+CMGL=4`.
    public var text: String
    /// How long to wait for the final result code (and for the `> ` prompt, when there is a payload).
    public var timeout: Duration
    /// The prefix of this command's information lines (e.g. `+CMGL`). Lines that start with another `+XXX:` or
    /// `^XXX` are then unsolicited even if no table knows them (the ZTE +ZDONR/+ZPASR lines that arrive inside an
    /// AT+CMGS answer, python-gsmmodem-generic-sms.json). Without a prefix (AT+CGMI, AT+CLAC) only known URCs are
    /// taken out of the answer.
    public var responsePrefix: String?
    /// Data to send after the `> ` prompt, before Ctrl-Z (TS 27.005 §3.5.1: the PDU in hex for AT+CMGS/AT+CMGW).
    public var payload: [UInt8]?

    /// Default time for a command that only touches the modem.
    public static let defaultTimeout: Duration = .seconds(5)
    /// AT+CMGS waits for the network: TS 27.005 leaves it open, modems take up to a minute or more.
    public static let sendTimeout: Duration = .seconds(90)

    public init(
        _ text: String,
        timeout: Duration = ATCommand.defaultTimeout,
        responsePrefix: String? = nil,
        payload: [UInt8]? = nil
    ) {
        self.text = text
        self.timeout = timeout
        self.responsePrefix = responsePrefix
        self.payload = payload
    }

    public var description: String { text }

    /// The information-line prefix an extended command answers with (`AT+CREG?` → `+CREG`, `AT^ICCID?` →
    /// `^ICCID`), nil for basic commands (`ATI`, `ATZ`). For sending commands typed by a person.
    public static func responsePrefix(of text: String) -> String? {
        let upper = text.uppercased()
        guard upper.hasPrefix("AT"), let marker = upper.dropFirst(2).first, marker == "+" || marker == "^" else {
            return nil
        }
        let name = upper.dropFirst(2).prefix { $0 != "=" && $0 != "?" && $0 != " " }
        return name.count > 1 ? String(name) : nil
    }
}

/// A final result code (V.250 §5.7.1, TS 27.007 §9.2, TS 27.005 §3.2.5).
public enum ATFinalResult: Hashable, Sendable {
    case ok
    case connect
    case error
    case cmeError(CMEError)
    case cmsError(CMSError)
    case noCarrier
    case busy
    case noAnswer
    case noDialtone
    /// Huawei's "COMMAND NOT SUPPORT" instead of ERROR (huawei-e1752.json notes); also "TOO MANY PARAMETERS".
    case notSupported

    /// True for the results that end a command successfully.
    public var isSuccess: Bool { self == .ok || self == .connect }

    /// Classifies a line as a final result code, or returns nil.
    package static func parse(_ line: String) -> ATFinalResult? {
        switch line {
        case "OK": return .ok
        case "ERROR": return .error
        case "CONNECT": return .connect
        case "NO CARRIER": return .noCarrier
        case "BUSY": return .busy
        case "NO ANSWER": return .noAnswer
        case "NO DIALTONE", "NO DIAL TONE": return .noDialtone
        case "COMMAND NOT SUPPORT", "TOO MANY PARAMETERS": return .notSupported
        default: break
        }
        if line.hasPrefix("+CME ERROR:") {
            return .cmeError(CMEError(parsing: line.dropFirst("+CME ERROR:".count)))
        }
        if line.hasPrefix("+CMS ERROR:") {
            return .cmsError(CMSError(parsing: line.dropFirst("+CMS ERROR:".count)))
        }
        if line.hasPrefix("CONNECT ") { return .connect }
        return nil
    }
}

/// The answer to a command that ended in success: its information lines, in order, URCs removed.
public struct ATResponse: Hashable, Sendable {
    public var lines: [String]
    public var result: ATFinalResult
    public init(lines: [String], result: ATFinalResult) {
        self.lines = lines
        self.result = result
    }

    /// Information lines that start with `prefix:` with the prefix and following spaces removed.
    public func values(prefixed prefix: String) -> [Substring] {
        lines.compactMap { line in
            guard line.hasPrefix(prefix + ":") else { return nil }
            return line.dropFirst(prefix.count + 1).drop(while: { $0 == " " })
        }
    }
}

/// Why an AT command failed (STYLE.md §2: a code plus context; equality compares the code only).
public struct ATError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// A final result code other than OK.
        case result(ATFinalResult)
        /// No final result code before the deadline.
        case timeout
        /// The transport ended (closed or the device vanished).
        case disconnected
        /// Too many commands waiting.
        case queueFull
        /// The modem did not send the `> ` prompt, or sent a final result instead.
        case noPrompt
        /// The response exceeded a bound (``ATLimits``).
        case responseTooLong
        /// The command line itself is malformed (contains CR/LF, too long).
        case invalidCommand
        /// The response could not be parsed.
        case unparsableResponse
        /// The calling task was cancelled.
        case cancelled
        /// A send's answer began (its `+CMGS` line, or bytes garbled on the line) but no final result followed:
        /// whether the network took the message is unknown (TS 27.005 §3.5.1).
        case answerLost
        /// Ended early because the modem is being recovered (its supervisor took the line).
        case aborted
    }

    public var code: Code
    public var command: String
    public var reason: String
    /// True when the command's payload (a send's PDU and Ctrl-Z, TS 27.005 §3.5.1) had been written before it
    /// failed: the modem may have passed it on. False when the failure came before (no `> ` prompt yet, or the
    /// command never reached the line), so nothing was sent.
    public var payloadWritten: Bool
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        command: String,
        reason: String = "",
        payloadWritten: Bool = false,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.command = command
        self.reason = reason
        self.payloadWritten = payloadWritten
        self.file = file
        self.line = line
    }

    /// The +CMS ERROR code, if that is what the modem answered.
    public var cmsError: CMSError? {
        if case .result(.cmsError(let error)) = code { return error }
        return nil
    }

    /// The +CME ERROR code, if that is what the modem answered.
    public var cmeError: CMEError? {
        if case .result(.cmeError(let error)) = code { return error }
        return nil
    }

    public static func == (lhs: ATError, rhs: ATError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        "AT command \(command) failed: \(code)\(reason.isEmpty ? "" : " (\(reason))") [\(file):\(line)]"
    }
}

extension ATError {
    /// True for the answers of a SIM that is still initialising: +CME ERROR: 14, +CMS ERROR: 314 (TS 27.007 §9.2.1,
    /// TS 27.005 §3.2.5; the verbose "SMS not ready" maps to 314) and Huawei's +CME ERROR: 515 (huawei-e1752.json
    /// notes).
    package var isSIMBusy: Bool {
        cmeError == .simBusy || cmsError == .simBusy || cmeError == CMEError(rawValue: 515)
    }

    /// True for the answers of a SIM that is still initialising or absent (TS 27.007 §9.2.1, TS 27.005 §3.2.5).
    package var isSIMNotReady: Bool {
        cmeError == .simBusy || cmsError == .simBusy || cmeError == CMEError(rawValue: 515)
            || cmeError == .simNotInserted || cmsError == .simNotInserted
    }
}
