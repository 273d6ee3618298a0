import Logging
import Messaging
import ServiceLifecycle
import UPnP

/// The Messaging:2 binding: serves a ``Messaging/MessagingService`` through the UPnP device stack.
///
/// - As a ``UPnP/UPnPServiceHandler`` it gives the device the SCPD (``MessagingSCPD``) and runs every SOAP action:
///   it parses XML-valued in-arguments liberally and validates them against the spec schema, calls the service
///   it reads the string arguments into the service's typed queries (``WireArguments``: `""`/`ANY` for "any",
///   `""` for "unchanged"), calls the service with the caller's address (I-19), and writes out-arguments as exact
///   fragments. Errors become UPnP faults: the service's ``Messaging/MessagingError`` keeps its code and gets the
///   Table 46 / UDA description here; a fragment that cannot be read becomes the code its action's table gives
///   (``fragmentErrorCode(for:)``).
/// - As a `Service` it forwards the service's moderated publications (NewMessages, SessionUpdates) to the device's
///   GENA subscribers. Run it in the `ServiceGroup` after the Messaging service and before the device.
public final class MessagingUPnPService: UPnPServiceHandler, Service {
    public let serviceType = MessagingServiceDescription.serviceType
    public let serviceID = MessagingServiceDescription.serviceID
    public let scpdXML: String
    public let events = UPnPEventPublisher()
    private let service: MessagingService
    private let logger: Logger

    /// NewMessages is a state (the whole list of unread received messages, I-1): a subscriber that is behind needs
    /// only the latest. SessionUpdates is a batch (the session events of one moderation window, I-2): the next value
    /// does not repeat it, so every one must reach every subscriber. The moderation itself (Table 8: at most one
    /// event per second per variable) is the service's: the value of a window is made when the window closes.
    public var eventedValueKinds: [String: UPnPEventedValueKind] {
        [Self.newMessagesVariable: .state, Self.sessionUpdatesVariable: .batch]
    }

    /// messaging-v2.md I-5: the SCPD says `SupportedContentType`, the action tables `SupportedContentTypes`;
    /// both are accepted (the stack renames the plural before it checks the arguments).
    public var argumentAliases: [String: String] { ["SupportedContentTypes": "SupportedContentType"] }

    /// Name of the evented NewMessages variable.
    public static let newMessagesVariable = "NewMessages"
    /// Name of the evented SessionUpdates variable.
    public static let sessionUpdatesVariable = "SessionUpdates"

    /// Binds `service`.
    public init(service: MessagingService, logger: Logger) {
        self.service = service
        self.logger = logger
        self.scpdXML = MessagingSCPD.xml()
    }

    // MARK: - Events

    /// Forwards every moderated publication until graceful shutdown or until the service stops.
    public func run() async throws {
        for await event in service.events().cancelOnGracefulShutdown() {
            let changes = Self.eventedValues(event)
            logger.debug("Publishing Messaging event", metadata: ["upnp.variables": "\(changes.map(\.name))"])
            await events.publish(changes)
        }
    }

    public func currentEventedValues() async -> [(name: String, value: String)] {
        do {
            return Self.eventedValues(try await service.currentEventedValues())
        } catch {
            logger.warning("Cannot read the evented values", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The NOTIFY variables of a publication: the fragments as plain text (the device escapes them).
    static func eventedValues(_ event: MessagingEvent) -> [(name: String, value: String)] {
        var changes: [(name: String, value: String)] = []
        if let value = event.newMessages {
            changes.append((newMessagesVariable, NewMessagesFragment(value).serialized()))
        }
        if let value = event.sessionUpdates {
            changes.append((sessionUpdatesVariable, SessionUpdatesFragment(value).serialized()))
        }
        return changes
    }

    // MARK: - Actions

    public func invoke(
        action: String,
        arguments: [(name: String, value: String)],
        context: UPnPActionContext
    ) async throws(UPnPActionError) -> [(name: String, value: String)] {
        let caller = Caller(address: context.clientAddress.description)
        let inputs = ActionArguments(arguments)
        do {
            let outputs = try await run(action: action, inputs, caller, baseURL: context.baseURL)
            logger.debug("Messaging action", metadata: ["upnp.action": "\(action)"])
            return outputs
        } catch let error as UPnPActionError {
            logger.debug(
                "Messaging action refused",
                metadata: ["upnp.action": "\(action)", "upnp.error": "\(error.code)"]
            )
            throw error
        } catch let error as MessagingError {
            logger.debug(
                "Messaging action failed",
                metadata: [
                    "upnp.action": "\(action)", "upnp.error": "\(error.code.rawValue)", "reason": "\(error.reason)",
                ]
            )
            throw UPnPActionError(error)
        } catch {
            logger.error(
                "Messaging action failed unexpectedly",
                metadata: ["upnp.action": "\(action)", "error": "\(error)"]
            )
            throw .actionFailed()
        }
    }

    /// The fault for an XML-valued in-argument that cannot be read (messaging-v2.md §5): 703 Invalid Message for
    /// SendMessage, 704 Invalid recipients for CreateSession/ModifySession recipients lists, 402 Invalid Args for
    /// StartFileTransfer's FileInfoList (I-14) and anything else.
    static func fragmentErrorCode(for action: String) -> MessagingError.Code {
        switch action {
        case "SendMessage": .invalidMessage
        case "CreateSession", "ModifySession": .invalidRecipients
        default: .invalidArgs
        }
    }

    private func run(
        action: String,
        _ inputs: ActionArguments,
        _ caller: Caller,
        baseURL: String?
    ) async throws
        -> [(name: String, value: String)]
    {
        switch action {
        case "GetTelephonyIdentity":
            return [("TelephonyIdentity", try await service.getTelephonyIdentity(caller: caller))]

        case "GetMessagingCapabilities":
            let capabilities = try await service.getMessagingCapabilities(caller: caller)
            return [("SupportedCapabilities", MessagingCapabilitiesFragment(capabilities).serialized())]

        case "GetNewMessages":
            let value = try await service.getNewMessages(caller: caller)
            return [("NewMessages", NewMessagesFragment(value).serialized())]

        case "SearchMessages":
            let query = try WireArguments.messageQuery(
                messageClass: try inputs["MessageClass"],
                folder: try inputs["MessageFolder"],
                status: try inputs["MessageStatus"],
                sessionID: try inputs["SessionID"].trimmingXMLWhitespace()
            )
            let messages = try await service.searchMessages(query, caller: caller)
            let fragments = messages.map { MessageFragment($0).resolvingAttachments(against: baseURL) }
            return [("MessageList", MessageListFragment(messages: fragments).serialized())]

        case "ReadMessage":
            let message = try await service.readMessage(
                id: try inputs["MessageID"].trimmingXMLWhitespace(),
                caller: caller
            )
            return [("MessageRequested", MessageFragment(message).resolvingAttachments(against: baseURL).serialized())]

        case "SendMessage":
            let fragment = try Self.readFragment(MessageFragment.self, try inputs["MessageToSend"], action: action) {
                $0.sendMessageValidationForm
            }
            let message = fragment.localizingAttachments(of: baseURL).messageToSend
            let id = try await service.sendMessage(message, caller: caller)
            return [("MessageID", id.description)]

        case "DeleteMessage":
            try await service.deleteMessage(id: try inputs["MessageID"].trimmingXMLWhitespace(), caller: caller)
            return []

        case "CreateSession":
            let recipients = try Self.readFragment(
                RecipientsListFragment.self,
                try inputs["SessionRecipients"],
                action: action
            )
            let contentTypes = try inputs["SupportedContentType", "SupportedContentTypes"]
            let id = try await service.createSession(
                sessionClass: WireArguments.optional(try inputs["SessionClass"]).map(SessionClass.init(rawValue:)),
                recipients: recipients.recipientsList,
                subject: WireArguments.optional(try inputs["Subject"]),
                supportedContentType: WireArguments.optional(contentTypes),
                caller: caller
            )
            return [("SessionID", id)]

        case "ModifySession":
            // An empty argument leaves that part of the session unchanged (§5.9).
            let contentTypes = try inputs["SupportedContentType", "SupportedContentTypes"]
            let modification = SessionModification(
                recipientsToAdd: try WireArguments.optional(try inputs["SessionRecipientsToAdd"]).map {
                    try Self.readFragment(RecipientsListFragment.self, $0, action: action).recipientsList
                },
                recipientsToRemove: try WireArguments.optional(try inputs["SessionRecipientsToRemove"]).map {
                    try Self.readFragment(RecipientsListFragment.self, $0, action: action).recipientsList
                },
                subject: WireArguments.optional(try inputs["Subject"]),
                supportedContentType: WireArguments.optional(contentTypes),
                sessionClass: WireArguments.optional(try inputs["SessionClass"]).map(SessionClass.init(rawValue:))
            )
            try await service.modifySession(
                id: try inputs["SessionID"].trimmingXMLWhitespace(),
                modification,
                caller: caller
            )
            return []

        case "AcceptSession":
            try await service.acceptSession(id: try inputs["SessionID"].trimmingXMLWhitespace(), caller: caller)
            return []

        case "GetSessionUpdates":
            let value = try await service.getSessionUpdates(caller: caller)
            return [("SessionUpdates", SessionUpdatesFragment(value).serialized())]

        case "GetSessions":
            let query = try WireArguments.sessionQuery(
                sessionID: try inputs["SessionID"].trimmingXMLWhitespace(),
                sessionClass: try inputs["SessionClass"],
                sessionStatus: try inputs["SessionStatus"]
            )
            let sessions = try await service.getSessions(query, caller: caller)
            return [
                ("SessionsList", SessionsListFragment(sessions: sessions.map(SessionInfoFragment.init)).serialized())
            ]

        case "JoinSession":
            try await service.joinSession(id: try inputs["SessionID"].trimmingXMLWhitespace(), caller: caller)
            return []

        case "LeaveSession":
            try await service.leaveSession(id: try inputs["SessionID"].trimmingXMLWhitespace(), caller: caller)
            return []

        case "CloseSession":
            try await service.closeSession(id: try inputs["SessionID"].trimmingXMLWhitespace(), caller: caller)
            return []

        case "StartFileTransfer":
            let list = try Self.readFragment(FileInfoListFragment.self, try inputs["FileInfoList"], action: action)
            try await service.startFileTransfer(list.fileInfoList, caller: caller)
            return []

        case "CancelFileTransfer":
            try await service.cancelFileTransfer(
                sessionID: try inputs["SessionID"].trimmingXMLWhitespace(),
                caller: caller
            )
            return []

        case "GetFileTransferSession":
            let list = try await service.getFileTransferSession(
                sessionID: try inputs["SessionID"].trimmingXMLWhitespace(),
                caller: caller
            )
            return [("FileInfoList", FileInfoListFragment(list).serialized())]

        default:
            throw UPnPActionError.invalidAction()
        }
    }

    /// Reads an XML-valued argument: liberal parse, then the canonical re-serialisation (optionally adjusted by
    /// `validationForm`) must validate against messaging-v2.xsd. Either failure is the action's fragment error.
    static func readFragment<F: MessagingFragment>(
        _ type: F.Type,
        _ text: String,
        action: String,
        validationForm: (F) -> F = { $0 }
    ) throws(MessagingError) -> F {
        let code = fragmentErrorCode(for: action)
        let fragment: F
        do {
            fragment = try F(parsing: text)
        } catch {
            throw MessagingError(code, error.description)
        }
        do {
            try MessagingSchemas.messaging().validate(validationForm(fragment).serialized())
        } catch {
            throw MessagingError(code, "not schema-valid: \(error.reason)")
        }
        return fragment
    }
}

/// In-arguments by name (the stack has checked them against the SCPD; a missing one is still a 402, not a trap).
struct ActionArguments {
    private let values: [String: String]

    init(_ arguments: [(name: String, value: String)]) {
        var values: [String: String] = [:]
        for (name, value) in arguments where values[name] == nil { values[name] = value }
        self.values = values
    }

    /// The value of the first of `names` present (aliases for the spec's variant spellings, I-5).
    subscript(_ names: String...) -> String {
        get throws(UPnPActionError) {
            for name in names {
                if let value = values[name] { return value }
            }
            throw UPnPActionError.invalidArgs("missing argument \(names[0])")
        }
    }
}
