import Messaging
import UPnP

extension UPnPActionError {
    /// The SOAP fault of a service error: the same code, and as `errorDescription` the UDA name of a 4xx–6xx code
    /// (UDA 1.1 Table 3-3, as the device stack writes it) or the Table 46 name of a Messaging:2 code
    /// (messaging-v2.md §6).
    init(_ error: MessagingError) {
        switch error.code {
        case .invalidArgs: self = .invalidArgs()
        case .actionFailed: self = .actionFailed()
        case .argumentValueInvalid: self = .argumentValueInvalid()
        case .notAuthorized: self = .actionNotAuthorized()
        default:
            let code = error.code.rawValue
            self.init(code: code, description: Self.messagingDescriptions[code] ?? "Error \(code)")
        }
    }

    /// messaging-v2.md §6, Table 46: the `errorDescription` of each Messaging:2 code (712 and 713 are undefined).
    static let messagingDescriptions: [Int: String] = [
        701: "Invalid Message ID",
        702: "Invalid Message class",
        703: "Invalid Message",
        704: "Invalid recipients",
        705: "Invalid Message status",
        706: "Invalid Session ID",
        707: "Invalid folder",
        708: "Invalid action",
        709: "No active file transfer",
        710: "Invalid Session class",
        711: "Invalid Session status",
        714: "Identity does not exist",
    ]
}
