/// Why a ``MessagingServer`` could not be built: a configuration value it refuses, or a resource it cannot open.
///
/// Equality compares only the ``code``.
public struct MessagingServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Hashable {
        /// A configuration value is out of range or contradicts another; ``MessagingServerError/key`` names it.
        case invalidConfiguration
        /// The modem's port, the database or the device identity file cannot be opened.
        case cannotStart
    }

    public let code: Code
    /// The ``MessagingServerConfiguration`` key at fault (`httpPort`, `modem`, …), for
    /// ``Code/invalidConfiguration``.
    public let key: String?
    /// What is wrong, for a person.
    public let reason: String
    public let file: String
    public let line: Int

    init(_ code: Code, key: String? = nil, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.key = key
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// A refused configuration value.
    static func invalid(_ key: String, _ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        MessagingServerError(.invalidConfiguration, key: key, reason, file: file, line: line)
    }

    public var description: String {
        switch code {
        case .invalidConfiguration: "invalid configuration: \(key ?? "?"): \(reason)"
        case .cannotStart: reason
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
