/// Why ``Segmenter`` cannot split a text or data.
///
/// Equality compares only ``code``.
public struct SegmentationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The closed set of failures.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
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
    /// The alphabet of the best encoding, for ``Code/tooManySegments``; `nil` when the text exceeds
    /// ``SegmentLimits/maxScalarsPerMessage`` and no encoding was tried.
    public let alphabet: SegmentedText.Alphabet?
    /// The parts the best encoding would need, for ``Code/tooManySegments``; `nil` as for ``alphabet``.
    public let requiredParts: Int?
    /// The source file that raised the error.
    public let fileID: String
    /// The source line that raised the error.
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

    /// Errors are equal when their codes are (reason and context are for humans).
    public static func == (lhs: SegmentationError, rhs: SegmentationError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Code and reason.
    public var description: String { "\(code): \(reason)" }

    /// An error with only a code, for comparisons in tests (`#expect(throws: SegmentationError.tooManySegments)`).
    public static let tooManySegments = SegmentationError(code: .tooManySegments, reason: "")
    /// An error with only a code, for comparisons in tests.
    public static let headerTooLong = SegmentationError(code: .headerTooLong, reason: "")
}
