/// A WSP or MMS octet string that cannot be decoded (or a value that cannot be encoded): what went wrong and where.
///
/// The `offset` counts octets from the first octet of the input handed to the decoder. Following the house style,
/// two errors are equal when their `code`s are equal; tests that care about the position compare `offset`.
public struct MMSCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The closed set of reasons an input is rejected.
    public enum Code: String, Hashable, Sendable {
        /// The input ends before a field, or before the length a length field announced.
        case truncated
        /// A length field announces more than a bound allows (WAP-230-WSP §8.4.2.2 value-length, uintvar > 32 bits).
        case lengthOutOfRange = "length-out-of-range"
        /// An octet that the grammar does not allow at this place.
        case invalidValue = "invalid-value"
        /// A construct the codec deliberately does not handle (header code-page shifts, WSP PDU types other than
        /// Push and ConfirmedPush).
        case unsupported
        /// A mandatory header of the PDU type is missing.
        case missingHeader = "missing-header"
        /// Octets left over where the grammar says the value ends.
        case trailingBytes = "trailing-bytes"
    }

    /// What went wrong.
    public let code: Code
    /// The octet offset in the input where the problem was found.
    public let offset: Int
    /// A human-readable reason naming the field.
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

    public static func == (lhs: MMSCodecError, rhs: MMSCodecError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code.rawValue) at octet \(offset): \(reason)" }
}

/// The bounds every decoder checks lengths against (house rule: every wire length has a named bound).
public enum MMSLimits {
    /// The largest PDU the decoders accept: OMA-TS-MMS_CONF leaves the size to the operator; 8 MiB is above every
    /// published MMSC limit (the common ones are 300 KB to 2 MB).
    public static let maximumPDUSize = 8 * 1024 * 1024
    /// The most entries one multipart body may announce (WAP-230-WSP §8.5.2 nEntries).
    public static let maximumParts = 1024
    /// The most headers one PDU or part may carry.
    public static let maximumHeaders = 256
    /// A long-integer carries at most 30 octets (WAP-230-WSP §8.4.2.1); values beyond 8 octets do not fit `UInt64`.
    public static let maximumLongIntegerOctets = 8
}
