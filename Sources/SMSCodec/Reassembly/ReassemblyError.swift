/// A part the reassembler refuses.
public struct ReassemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// TS 23.040 §9.2.3.24.1: total 0, sequence 0 or sequence beyond total; the element is to be ignored.
        case invalidConcatenation(Concatenation.Problem)
        /// A status report has no message body to join.
        case notAMessage
    }

    public let code: Code
    /// The set the part claimed to belong to.
    public let key: Reassembler.Key?

    init(_ code: Code, key: Reassembler.Key?) {
        self.code = code
        self.key = key
    }

    public static func == (a: ReassemblyError, b: ReassemblyError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        switch code {
        case .invalidConcatenation(let problem): "invalid concatenation element: \(problem.rawValue)"
        case .notAMessage: "a status report is not part of a message"
        }
    }
}
