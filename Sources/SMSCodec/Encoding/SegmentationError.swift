/// Why ``Segmenter`` cannot split a text or data.
///
/// Equality compares only ``code``.
public struct SegmentationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The closed set of failures.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The best encoding needs more than ``SegmentLimits/maxSegments`` parts (TS 23.040 §9.2.3.24.1).
        public static let tooManySegments = Code(rawValue: "too many segments")
        /// ``SegmentationOptions/extraHeaderOctets`` is negative, or leaves no room for text in any encoding.
        public static let headerTooLong = Code(rawValue: "header too long")
    }

    /// The failure.
    public let code: Code
    /// A human-readable reason.
    public let reason: String
    /// The alphabet of the best encoding, for ``Code/tooManySegments``.
    public let alphabet: SegmentedText.Alphabet?
    /// The parts the best encoding would need, for ``Code/tooManySegments``.
    public let requiredParts: Int?
    /// Where the error was raised.
    public let fileID: String
    public let line: Int

    init(
        code: Code,
        reason: String,
        alphabet: SegmentedText.Alphabet? = nil,
        requiredParts: Int? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.alphabet = alphabet
        self.requiredParts = requiredParts
        self.fileID = fileID
        self.line = line
    }

    public static func == (lhs: SegmentationError, rhs: SegmentationError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// An error with only a code, for comparisons in tests (`#expect(throws: SegmentationError.tooManySegments)`).
    public static let tooManySegments = SegmentationError(code: .tooManySegments, reason: "")
    /// An error with only a code, for comparisons in tests.
    public static let headerTooLong = SegmentationError(code: .headerTooLong, reason: "")
}
