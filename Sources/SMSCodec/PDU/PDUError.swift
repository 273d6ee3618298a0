/// A PDU that cannot be decoded (or a value that cannot be encoded): what went wrong and where.
///
/// The `offset` counts octets from the first octet of the input handed to the decoder (the SMSC length octet when
/// the input carries the TS 27.005 §3.1 SMSC prefix); for hex input it is the octet offset, i.e. half the character
/// offset. Following the house style, two errors are equal when their `code`s are equal; tests that care about the
/// position compare `offset` explicitly.
public struct PDUError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The closed set of reasons a PDU is rejected.
    public enum Code: String, Hashable, Sendable {
        /// Hex text with an odd number of digits.
        case oddHexLength = "odd-hex-length"
        /// A character that is not a hex digit.
        case invalidHexDigit = "invalid-hex-digit"
        /// The input ends before a mandatory field or before the length a length field announced.
        case truncated
        /// A length field announces more than the field can hold (TP-UDL > 140 octets, address > 20 digits, …).
        case lengthOutOfRange = "length-out-of-range"
        /// The user data header (TP-UDHL) does not fit in the user data that TP-UDL announces.
        case headerExceedsUserData = "header-exceeds-user-data"
        /// An information element in the user data header runs past the end of the header.
        case malformedInformationElement = "malformed-information-element"
        /// The input is empty or longer than any PDU can be.
        case invalidPDULength = "invalid-pdu-length"
        /// The TP-MTI names a message type that is not valid in the requested direction.
        case unexpectedMessageType = "unexpected-message-type"
        /// An encoder input that cannot be represented (bad digit in a number, text too long, …).
        case invalidValue = "invalid-value"
    }

    /// What went wrong.
    public let code: Code
    /// The octet offset in the input where the problem was found.
    public let offset: Int
    /// A human-readable reason naming the field (e.g. "TP-UDL announces 11 septets (10 octets), 9 octets follow").
    public let reason: String
    /// Where the error was raised, for bug reports.
    public let fileID: String
    /// Where the error was raised, for bug reports.
    public let line: Int

    /// Creates an error; `fileID`/`line` default to the call site.
    public init(_ code: Code, offset: Int, reason: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.fileID = fileID
        self.line = line
    }

    public static func == (lhs: PDUError, rhs: PDUError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code.rawValue) at octet \(offset): \(reason)" }
}
