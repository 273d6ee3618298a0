import UPnP

/// The Messaging:2 service description (messaging-v2.md §12; `Tests/Fixtures/spec/Messaging2-scpd.xml`): 18 actions
/// with the standard's argument names, directions and order, 19 state variables.
///
/// Corrections of the printed SCPD, as the clean reference makes them: `Subject` → `A_ARG_TYPE_Subject` (S2, I-5),
/// `WebpageURL`/`WebpageSync` and the MessageClass default `SMS` (S3, I-6), specVersion 1.1 and a `configId`
/// placeholder that the device replaces with its CONFIGID.UPNP.ORG (S4, I-7). The wildcard is the empty
/// `<allowedValue/>`; `ANY` is accepted by the service but not advertised (I-6).
public enum MessagingSCPD {
    /// Direction of an argument.
    public enum Direction: String, Sendable { case `in`, out }

    /// One argument of an action.
    public struct Argument: Sendable, Hashable {
        public let name: String
        public let direction: Direction
        public let relatedStateVariable: String
    }

    /// One action with its arguments in SCPD order.
    public struct Action: Sendable, Hashable {
        public let name: String
        public let arguments: [Argument]

        /// The in-argument names, in order.
        public var inArguments: [String] { arguments.filter { $0.direction == .in }.map(\.name) }
        /// The out-argument names, in order.
        public var outArguments: [String] { arguments.filter { $0.direction == .out }.map(\.name) }
    }

    /// One state variable.
    public struct StateVariable: Sendable, Hashable {
        public let name: String
        public let sendEvents: Bool
        public let defaultValue: String?
        /// `nil`: no allowedValueList. `""` is the standard's empty `<allowedValue/>`.
        public let allowedValues: [String]?
    }

    private static func action(_ name: String, _ arguments: [(String, Direction, String)]) -> Action {
        Action(
            name: name,
            arguments: arguments.map { Argument(name: $0.0, direction: $0.1, relatedStateVariable: $0.2) }
        )
    }

    /// Table 9 / clause 6, in the standard's order.
    public static let actions: [Action] = [
        action("GetTelephonyIdentity", [("TelephonyIdentity", .out, "A_ARG_TYPE_TelephonyServerIdentity")]),
        action("GetMessagingCapabilities", [("SupportedCapabilities", .out, "A_ARG_TYPE_MessagingCapabilities")]),
        action("GetNewMessages", [("NewMessages", .out, "NewMessages")]),
        action(
            "SearchMessages",
            [
                ("MessageClass", .in, "A_ARG_TYPE_MessageClass"),
                ("MessageFolder", .in, "A_ARG_TYPE_MessageFolder"),
                ("MessageStatus", .in, "A_ARG_TYPE_MessageStatus"),
                ("SessionID", .in, "A_ARG_TYPE_SessionID"),
                ("MessageList", .out, "A_ARG_TYPE_MessageList"),
            ]
        ),
        action(
            "ReadMessage",
            [
                ("MessageID", .in, "A_ARG_TYPE_MessageID"),
                ("MessageRequested", .out, "A_ARG_TYPE_Message"),
            ]
        ),
        action(
            "SendMessage",
            [
                ("MessageToSend", .in, "A_ARG_TYPE_Message"),
                ("MessageID", .out, "A_ARG_TYPE_MessageID"),
            ]
        ),
        action("DeleteMessage", [("MessageID", .in, "A_ARG_TYPE_MessageID")]),
        action(
            "CreateSession",
            [
                ("SessionClass", .in, "A_ARG_TYPE_SessionClass"),
                ("SessionRecipients", .in, "A_ARG_TYPE_RecipientsList"),
                ("Subject", .in, "A_ARG_TYPE_Subject"),
                ("SupportedContentType", .in, "A_ARG_TYPE_SupportedContentType"),
                ("SessionID", .out, "A_ARG_TYPE_SessionID"),
            ]
        ),
        action(
            "ModifySession",
            [
                ("SessionID", .in, "A_ARG_TYPE_SessionID"),
                ("SessionRecipientsToAdd", .in, "A_ARG_TYPE_RecipientsList"),
                ("SessionRecipientsToRemove", .in, "A_ARG_TYPE_RecipientsList"),
                ("Subject", .in, "A_ARG_TYPE_Subject"),
                ("SupportedContentType", .in, "A_ARG_TYPE_SupportedContentType"),
                ("SessionClass", .in, "A_ARG_TYPE_SessionClass"),
            ]
        ),
        action("AcceptSession", [("SessionID", .in, "A_ARG_TYPE_SessionID")]),
        action("GetSessionUpdates", [("SessionUpdates", .out, "SessionUpdates")]),
        action(
            "GetSessions",
            [
                ("SessionID", .in, "A_ARG_TYPE_SessionID"),
                ("SessionClass", .in, "A_ARG_TYPE_SessionClass"),
                ("SessionStatus", .in, "A_ARG_TYPE_SessionStatus"),
                ("SessionsList", .out, "A_ARG_TYPE_SessionsList"),
            ]
        ),
        action("JoinSession", [("SessionID", .in, "A_ARG_TYPE_SessionID")]),
        action("LeaveSession", [("SessionID", .in, "A_ARG_TYPE_SessionID")]),
        action("CloseSession", [("SessionID", .in, "A_ARG_TYPE_SessionID")]),
        action("StartFileTransfer", [("FileInfoList", .in, "A_ARG_TYPE_FileInfoList")]),
        action("CancelFileTransfer", [("SessionID", .in, "A_ARG_TYPE_SessionID")]),
        action(
            "GetFileTransferSession",
            [
                ("SessionID", .in, "A_ARG_TYPE_SessionID"),
                ("FileInfoList", .out, "A_ARG_TYPE_FileInfoList"),
            ]
        ),
    ]

    private static func variable(
        _ name: String,
        events: Bool = false,
        default defaultValue: String? = nil,
        allowed: [String]? = nil
    ) -> StateVariable {
        StateVariable(name: name, sendEvents: events, defaultValue: defaultValue, allowedValues: allowed)
    }

    /// Table 1 / clause 6, in the standard's order.
    public static let stateVariables: [StateVariable] = [
        variable("A_ARG_TYPE_MessagingCapabilities"),
        variable("NewMessages", events: true),
        variable("SessionUpdates", events: true),
        variable("A_ARG_TYPE_TelephonyServerIdentity"),
        variable("A_ARG_TYPE_MessageID"),
        variable(
            "A_ARG_TYPE_MessageClass",
            default: "SMS",
            allowed: ["e-Mail", "SMS", "MMS", "Instant Message", "WebpageURL", ""]
        ),
        variable(
            "A_ARG_TYPE_MessageFolder",
            default: "Received",
            allowed: ["Received", "Outgoing", "Sent", "Deleted", "ClosedSession", ""]
        ),
        variable("A_ARG_TYPE_MessageStatus", allowed: ["Read", "Unread", ""]),
        variable("A_ARG_TYPE_Message"),
        variable("A_ARG_TYPE_MessageList"),
        variable("A_ARG_TYPE_SessionID"),
        variable(
            "A_ARG_TYPE_SessionClass",
            default: "Chat",
            allowed: ["e-Mail", "SMS", "MMS", "Chat", "File-Transfer", "WebpageSync", "Mixed", ""]
        ),
        variable("A_ARG_TYPE_RecipientsList"),
        variable("A_ARG_TYPE_SessionInfo"),
        variable("A_ARG_TYPE_SessionsList"),
        variable("A_ARG_TYPE_SupportedContentType"),
        variable("A_ARG_TYPE_Subject"),
        variable("A_ARG_TYPE_SessionStatus", allowed: ["Pending", "Running", "Parked", "Closed", ""]),
        variable("A_ARG_TYPE_FileInfoList"),
    ]

    /// The action of that name.
    public static func action(named name: String) -> Action? {
        actions.first { $0.name == name }
    }

    /// The SCPD document (UDA 1.1 §2.5), element order as UDA prescribes (defaultValue before allowedValueList).
    public static func xml(configID: UInt32 = 1) -> String {
        var writer = XMLWriter()
        writer.element(
            "scpd",
            attributes: [("xmlns", "urn:schemas-upnp-org:service-1-0"), ("configId", String(configID))]
        ) { writer in
            writer.element("specVersion") { writer in
                writer.element("major", text: "1")
                writer.element("minor", text: "1")
            }
            writer.element("actionList") { writer in
                for action in actions {
                    writer.element("action") { writer in
                        writer.element("name", text: action.name)
                        writer.element("argumentList") { writer in
                            for argument in action.arguments {
                                writer.element("argument") { writer in
                                    writer.element("name", text: argument.name)
                                    writer.element("direction", text: argument.direction.rawValue)
                                    writer.element("relatedStateVariable", text: argument.relatedStateVariable)
                                }
                            }
                        }
                    }
                }
            }
            writer.element("serviceStateTable") { writer in
                for variable in stateVariables {
                    writer.element("stateVariable", attributes: [("sendEvents", variable.sendEvents ? "yes" : "no")]) {
                        writer in
                        writer.element("name", text: variable.name)
                        writer.element("dataType", text: "string")
                        if let value = variable.defaultValue { writer.element("defaultValue", text: value) }
                        if let values = variable.allowedValues {
                            writer.element("allowedValueList") { writer in
                                for value in values {
                                    if value.isEmpty {
                                        writer.emptyElement("allowedValue")
                                    } else {
                                        writer.element("allowedValue", text: value)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return writer.finish()
    }
}
