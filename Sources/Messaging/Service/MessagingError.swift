/// An error of a Messaging action, carrying the UPnP error code the binding puts in the SOAP fault
/// (messaging-v2.md §6, Table 46; UDA 400–699).
///
/// Equality compares only the code, so tests and callers can match `MessagingError(.invalidMessageID)`.
public struct MessagingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A UPnP error code. Open set (RawRepresentable) because the UDA ranges are open.
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

        /// The `errorDescription` of the SOAP fault (Table 46 wording; UDA names for 4xx–6xx).
        public var errorDescription: String {
            switch rawValue {
            case 401: "Invalid Action"
            case 402: "Invalid Args"
            case 501: "Action Failed"
            case 600: "Argument Value Invalid"
            case 601: "Argument Value Out of Range"
            case 602: "Optional Action Not Implemented"
            case 603: "Out of Memory"
            case 604: "Human Intervention Required"
            case 605: "String Argument Too Long"
            case 606: "Action not Authorized"
            case 701: "Invalid Message ID"
            case 702: "Invalid Message class"
            case 703: "Invalid Message"
            case 704: "Invalid recipients"
            case 705: "Invalid Message status"
            case 706: "Invalid Session ID"
            case 707: "Invalid folder"
            case 708: "Invalid action"
            case 709: "No active file transfer"
            case 710: "Invalid Session class"
            case 711: "Invalid Session status"
            case 714: "Identity does not exist"
            default: "Error \(rawValue)"
            }
        }

        public var description: String { "\(rawValue) \(errorDescription)" }
    }

    /// The code for the SOAP fault.
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
