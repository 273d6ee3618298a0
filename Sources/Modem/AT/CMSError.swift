/// A `+CMS ERROR: <err>` code (TS 27.005 §3.2.5). An open set: modems use the reserved and manufacturer ranges
/// freely, so this is a `RawRepresentable` struct with named statics rather than an enum (STYLE.md §2).
public struct CMSError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 300: ME failure.
    public static let meFailure = CMSError(rawValue: 300)
    /// 301: SMS service of ME reserved.
    public static let serviceReserved = CMSError(rawValue: 301)
    /// 302: operation not allowed.
    public static let operationNotAllowed = CMSError(rawValue: 302)
    /// 303: operation not supported.
    public static let operationNotSupported = CMSError(rawValue: 303)
    /// 304: invalid PDU mode parameter.
    public static let invalidPDUParameter = CMSError(rawValue: 304)
    /// 305: invalid text mode parameter.
    public static let invalidTextParameter = CMSError(rawValue: 305)
    /// 310: SIM not inserted.
    public static let simNotInserted = CMSError(rawValue: 310)
    /// 311: SIM PIN required.
    public static let simPINRequired = CMSError(rawValue: 311)
    /// 312: PH-SIM PIN required.
    public static let phoneSIMPINRequired = CMSError(rawValue: 312)
    /// 313: SIM failure.
    public static let simFailure = CMSError(rawValue: 313)
    /// 314: SIM busy.
    public static let simBusy = CMSError(rawValue: 314)
    /// 315: SIM wrong.
    public static let simWrong = CMSError(rawValue: 315)
    /// 316: SIM PUK required.
    public static let simPUKRequired = CMSError(rawValue: 316)
    /// 320: memory failure.
    public static let memoryFailure = CMSError(rawValue: 320)
    /// 321: invalid memory index.
    public static let invalidIndex = CMSError(rawValue: 321)
    /// 322: memory full.
    public static let memoryFull = CMSError(rawValue: 322)
    /// 330: SMSC address unknown.
    public static let smscAddressUnknown = CMSError(rawValue: 330)
    /// 331: no network service.
    public static let noNetworkService = CMSError(rawValue: 331)
    /// 332: network timeout.
    public static let networkTimeout = CMSError(rawValue: 332)
    /// 340: no +CNMA acknowledgement expected.
    public static let noAcknowledgementExpected = CMSError(rawValue: 340)
    /// 500: unknown error.
    public static let unknown = CMSError(rawValue: 500)

    /// The verbose texts of TS 27.005 §3.2.5 (compared case-insensitively), for modems in `AT+CMEE=2` mode or
    /// that ignore AT+CMEE=1.
    static let verboseTexts: [String: CMSError] = [
        "me failure": .meFailure, "sms service of me reserved": .serviceReserved,
        "operation not allowed": .operationNotAllowed, "operation not supported": .operationNotSupported,
        "invalid pdu mode parameter": .invalidPDUParameter, "invalid text mode parameter": .invalidTextParameter,
        "sim not inserted": .simNotInserted, "sim pin required": .simPINRequired,
        "ph-sim pin required": .phoneSIMPINRequired, "sim failure": .simFailure, "sim busy": .simBusy,
        // Not a TS 27.005 text: some firmware says so while SMS initialises after power-on (assumed: no
        // transcript); treated as SIM busy.
        "sms not ready": .simBusy,
        "sim wrong": .simWrong, "sim puk required": .simPUKRequired, "memory failure": .memoryFailure,
        "invalid memory index": .invalidIndex, "memory full": .memoryFull,
        "smsc address unknown": .smscAddressUnknown, "no network service": .noNetworkService,
        "network timeout": .networkTimeout, "no +cnma acknowledgement expected": .noAcknowledgementExpected,
        "unknown error": .unknown,
    ]

    /// Parses the text after `+CMS ERROR:`: a number, or a verbose text from the table; other text maps to 500.
    package init(parsing text: Substring) {
        let trimmed = text.trimmingSpaces()
        if let number = Int(trimmed), (0...65535).contains(number) {
            self.init(rawValue: number)
        } else {
            self = Self.verboseTexts[trimmed.lowercased()] ?? .unknown
        }
    }

    public var description: String { "+CMS ERROR: \(rawValue)" }
}

/// A `+CME ERROR: <err>` code (TS 27.007 §9.2). Open set, like ``CMSError``.
public struct CMEError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 0: phone failure.
    public static let phoneFailure = CMEError(rawValue: 0)
    /// 3: operation not allowed.
    public static let operationNotAllowed = CMEError(rawValue: 3)
    /// 4: operation not supported.
    public static let operationNotSupported = CMEError(rawValue: 4)
    /// 10: SIM not inserted.
    public static let simNotInserted = CMEError(rawValue: 10)
    /// 11: SIM PIN required.
    public static let simPINRequired = CMEError(rawValue: 11)
    /// 12: SIM PUK required.
    public static let simPUKRequired = CMEError(rawValue: 12)
    /// 13: SIM failure.
    public static let simFailure = CMEError(rawValue: 13)
    /// 14: SIM busy.
    public static let simBusy = CMEError(rawValue: 14)
    /// 15: SIM wrong.
    public static let simWrong = CMEError(rawValue: 15)
    /// 16: incorrect password.
    public static let incorrectPassword = CMEError(rawValue: 16)
    /// 20: memory full.
    public static let memoryFull = CMEError(rawValue: 20)
    /// 21: invalid index.
    public static let invalidIndex = CMEError(rawValue: 21)
    /// 22: not found.
    public static let notFound = CMEError(rawValue: 22)
    /// 30: no network service.
    public static let noNetworkService = CMEError(rawValue: 30)
    /// 31: network timeout.
    public static let networkTimeout = CMEError(rawValue: 31)
    /// 100: unknown.
    public static let unknown = CMEError(rawValue: 100)

    static let verboseTexts: [String: CMEError] = [
        "phone failure": .phoneFailure, "operation not allowed": .operationNotAllowed,
        "operation not supported": .operationNotSupported, "sim not inserted": .simNotInserted,
        "sim pin required": .simPINRequired, "sim puk required": .simPUKRequired, "sim failure": .simFailure,
        "sim busy": .simBusy, "sim wrong": .simWrong, "incorrect password": .incorrectPassword,
        "memory full": .memoryFull, "invalid index": .invalidIndex, "not found": .notFound,
        "no network service": .noNetworkService, "network timeout": .networkTimeout, "unknown": .unknown,
    ]

    /// Parses the text after `+CME ERROR:`: a number, or a verbose text from the table; other text maps to 100.
    package init(parsing text: Substring) {
        let trimmed = text.trimmingSpaces()
        if let number = Int(trimmed), (0...65535).contains(number) {
            self.init(rawValue: number)
        } else {
            self = Self.verboseTexts[trimmed.lowercased()] ?? .unknown
        }
    }

    public var description: String { "+CME ERROR: \(rawValue)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (AT responses pad with both).
    package func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
