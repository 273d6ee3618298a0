/// Why a control point's exchange with a device failed (anything but a UPnP fault, which is a
/// ``UPnPActionError`` decoded from the device's answer).
///
/// Equality compares only the ``code`` (STYLE.md §2: public errors are a code plus context).
package struct UPnPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason class.
    package enum Code: String, Sendable, Hashable {
        /// No connection could be made (refused, unreachable, name not resolved).
        case connectionFailed = "connection failed"
        /// The device did not answer within the deadline.
        case timeout
        /// The answer was larger than the bound for its kind.
        case responseTooLarge = "response too large"
        /// The answer is not what the protocol says (status, headers, XML).
        case malformedResponse = "malformed response"
        /// The device answered with an HTTP status the exchange does not allow.
        case unexpectedStatus = "unexpected status"
        /// The device does not offer what was asked (a service type, an action).
        case notOffered = "not offered"
        /// A local problem: an interface that does not exist, a socket that cannot be bound.
        case localSetup = "local setup"
    }

    /// The reason class.
    package let code: Code
    /// What happened, for the user and the logs (no message content).
    package let reason: String
    /// The HTTP status, for ``Code-swift.enum/unexpectedStatus``.
    package let status: Int?
    /// Where the error was made.
    package let location: String

    package init(_ code: Code, _ reason: String, status: Int? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.status = status
        self.location = "\(file):\(line)"
    }

    package static func == (lhs: UPnPClientError, rhs: UPnPClientError) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }

    package var description: String { "\(code.rawValue): \(reason)" }
}
