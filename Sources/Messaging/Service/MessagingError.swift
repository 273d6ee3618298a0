/// An error of a Messaging action: the error code of messaging-v2.md §6 (Table 46, and the UDA codes 400–699 the
/// actions may also return) as a typed value, and a reason for logs.
///
/// The wording of each code on the wire and the SOAP fault it becomes are the binding's business, not the
/// service's. Equality compares only the code, so tests and callers can match `MessagingError(.invalidMessageID)`.
public struct MessagingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An error code of messaging-v2.md §6. Open set (RawRepresentable) because the UDA ranges are open.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// 402 Invalid Args (UDA): a malformed argument the action cannot interpret (I-14).
        public static let invalidArgs = Code(rawValue: 402)
        /// 501 Action Failed (UDA): e.g. a file the device cannot carry (I-14), or a store failure.
        public static let actionFailed = Code(rawValue: 501)
        /// 600 Argument Value Invalid (UDA).
        public static let argumentValueInvalid = Code(rawValue: 600)
        /// 606 Action not Authorized.
        public static let notAuthorized = Code(rawValue: 606)
        /// 701 Invalid Message ID: the message with the given ID does not exist.
        public static let invalidMessageID = Code(rawValue: 701)
        /// 702 Invalid Message class.
        public static let invalidMessageClass = Code(rawValue: 702)
        /// 703 Invalid Message: the input message is invalid.
        public static let invalidMessage = Code(rawValue: 703)
        /// 704 Invalid recipients: one or more recipients are invalid.
        public static let invalidRecipients = Code(rawValue: 704)
        /// 705 Invalid Message status.
        public static let invalidMessageStatus = Code(rawValue: 705)
        /// 706 Invalid Session ID: the session with the given ID does not exist.
        public static let invalidSessionID = Code(rawValue: 706)
        /// 707 Invalid folder.
        public static let invalidFolder = Code(rawValue: 707)
        /// 708 Invalid action: the action is invalid in the current context.
        public static let invalidAction = Code(rawValue: 708)
        /// 709 No active file transfer is ongoing within the session.
        public static let noActiveFileTransfer = Code(rawValue: 709)
        /// 710 Invalid Session class.
        public static let invalidSessionClass = Code(rawValue: 710)
        /// 711 Invalid Session status.
        public static let invalidSessionStatus = Code(rawValue: 711)
        /// 714 Identity does not exist: the TS identity has not been assigned yet.
        public static let identityDoesNotExist = Code(rawValue: 714)

        public var description: String { String(rawValue) }
    }

    /// What went wrong, as the action's error table names it.
    public var code: Code
    /// Why, for logs (never a phone number or message body).
    public var reason: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ reason: String = "", file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: MessagingError, rhs: MessagingError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        reason.isEmpty ? "MessagingError(\(code))" : "MessagingError(\(code): \(reason))"
    }
}
