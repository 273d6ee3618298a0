/// The error a service action reports to the control point as a UPnP fault (UDA 1.1 §3.2.2).
///
/// The stack turns it into an HTTP 500 response whose SOAP body is an `s:Fault` carrying a `UPnPError` element with
/// `errorCode` and `errorDescription` (namespace `urn:schemas-upnp-org:control-1-0`). Codes 401, 402, 501 and
/// 600–606 are the UDA's own (UDA 1.1 Table 3-3); 700–799 belong to the service's specification; 800–899 are
/// vendor-defined. Equality compares only the code, so that tests and callers switch on the code alone.
public struct UPnPActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The UPnP error code, 400…899.
    public let code: Int
    /// The human-readable `errorDescription`; keep it short and free of personal data (it goes on the wire).
    public let description: String
    /// Where the error was made, for logs.
    public let location: String

    /// Makes an error with a code and description.
    ///
    /// - Parameters:
    ///   - code: 401, 402, 501, 600–606 (UDA) or the service's 7xx codes; other values are sent as given.
    ///   - description: the `errorDescription` text.
    public init(code: Int, description: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.description = description
        self.location = "\(file):\(line)"
    }

    public static func == (lhs: UPnPActionError, rhs: UPnPActionError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    // MARK: - UDA 1.1 Table 3-3

    /// 401 Invalid Action: no action by that name at this service.
    public static func invalidAction(
        _ description: String = "Invalid Action",
        file: String = #fileID,
        line: Int = #line
    )
        -> UPnPActionError
    { UPnPActionError(code: 401, description: description, file: file, line: line) }

    /// 402 Invalid Args: too few or too many in-arguments, wrong names or order, or a wrong data type.
    public static func invalidArgs(
        _ description: String = "Invalid Args",
        file: String = #fileID,
        line: Int = #line
    )
        -> UPnPActionError
    { UPnPActionError(code: 402, description: description, file: file, line: line) }

    /// 501 Action Failed: the action could not be completed for a reason no other code names.
    public static func actionFailed(
        _ description: String = "Action Failed",
        file: String = #fileID,
        line: Int = #line
    )
        -> UPnPActionError
    { UPnPActionError(code: 501, description: description, file: file, line: line) }

    /// 600 Argument Value Invalid.
    public static func argumentValueInvalid(
        _ description: String = "Argument Value Invalid",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 600, description: description, file: file, line: line) }

    /// 601 Argument Value Out of Range.
    public static func argumentValueOutOfRange(
        _ description: String = "Argument Value Out of Range",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 601, description: description, file: file, line: line) }

    /// 602 Optional Action Not Implemented.
    public static func optionalActionNotImplemented(
        _ description: String = "Optional Action Not Implemented",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 602, description: description, file: file, line: line) }

    /// 603 Out of Memory.
    public static func outOfMemory(
        _ description: String = "Out of Memory",
        file: String = #fileID,
        line: Int = #line
    )
        -> UPnPActionError
    { UPnPActionError(code: 603, description: description, file: file, line: line) }

    /// 604 Human Intervention Required.
    public static func humanInterventionRequired(
        _ description: String = "Human Intervention Required",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 604, description: description, file: file, line: line) }

    /// 605 String Argument Too Long.
    public static func stringArgumentTooLong(
        _ description: String = "String Argument Too Long",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 605, description: description, file: file, line: line) }

    /// 606 Action not authorized: the access policy denies this client the action.
    public static func actionNotAuthorized(
        _ description: String = "Action not authorized",
        file: String = #fileID,
        line: Int = #line
    ) -> UPnPActionError { UPnPActionError(code: 606, description: description, file: file, line: line) }
}
