import UPnP

/// `newMessages` (messaging-v2.md §7.3): the value of the evented NewMessages variable.
public struct NewMessagesFragment: MessagingFragment {
    public static let rootName = "newMessages"
    public static let declaresPeerNamespace = false

    /// One `newMessage`.
    public struct Entry: Sendable, Hashable {
        public var messageID: String
        public var overview: String?

        public init(messageID: String, overview: String? = nil) {
            self.messageID = messageID
            self.overview = overview
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public init(element: XMLElement) throws(FragmentError) {
        entries = try element.children("newMessage").map { item throws(FragmentError) in
            let id = try item.requiredChild("messageID", "messageId", in: "newMessage").value
            guard FragmentValues.isMessageID(id) else { throw FragmentError(.invalidValue, "messageID is not an ID") }
            return Entry(messageID: id, overview: item.optionalText("messageOverview"))
        }
    }

    public func writeContent(into writer: inout XMLWriter) {
        for entry in entries {
            writer.element("newMessage") { writer in
                writer.element("messageID", text: entry.messageID)
                if let overview = entry.overview { writer.element("messageOverview", text: overview) }
            }
        }
    }
}

/// `sessionUpdates` (messaging-v2.md §7.4): the value of the evented SessionUpdates variable.
///
/// The session element is written `sessionId` (lower-case d) as Annex B, the §5.3.4.2 example and its description
/// all print it (I-3); `sessionID` is accepted on input.
public struct SessionUpdatesFragment: MessagingFragment {
    public static let rootName = "sessionUpdates"
    public static let declaresPeerNamespace = false

    /// One `sessionUpdate`.
    public struct Update: Sendable, Hashable {
        public var sessionID: String
        /// At least one (schema: `maxOccurs="unbounded"`, default `minOccurs` 1).
        public var events: [String]
        public var status: String

        public init(sessionID: String, events: [String], status: String) {
            self.sessionID = sessionID
            self.events = events
            self.status = status
        }
    }

    public var updates: [Update]

    public init(updates: [Update]) { self.updates = updates }

    public init(element: XMLElement) throws(FragmentError) {
        updates = try element.children("sessionUpdate").map { item throws(FragmentError) in
            let id = try item.requiredChild("sessionId", "sessionID", in: "sessionUpdate").value
            guard FragmentValues.isSessionID(id) else { throw FragmentError(.invalidValue, "sessionId is not an ID") }
            let events = item.children("sessionEvent").map(\.text)
            guard !events.isEmpty else { throw FragmentError(.missingElement, "sessionUpdate has no sessionEvent") }
            let status = try item.requiredChild("sessionStatus", in: "sessionUpdate").value
            return Update(sessionID: id, events: events, status: status)
        }
    }

    public func writeContent(into writer: inout XMLWriter) {
        for update in updates {
            writer.element("sessionUpdate") { writer in
                writer.element("sessionId", text: update.sessionID)
                for event in update.events { writer.element("sessionEvent", text: event) }
                writer.element("sessionStatus", text: update.status)
            }
        }
    }
}

/// `messagingCapabilities` (messaging-v2.md §7.2): the out-argument of GetMessagingCapabilities.
public struct MessagingCapabilitiesFragment: MessagingFragment {
    public static let rootName = "messagingCapabilities"
    public static let declaresPeerNamespace = false

    /// At least one on output (schema); never empty strings (I-24).
    public var messageClasses: [String]
    public var sessionClasses: [String]
    /// At least one on output (schema).
    public var messageFolders: [String]

    public init(messageClasses: [String], sessionClasses: [String], messageFolders: [String]) {
        self.messageClasses = messageClasses
        self.sessionClasses = sessionClasses
        self.messageFolders = messageFolders
    }

    public init(element: XMLElement) throws(FragmentError) {
        func values(_ list: String, _ item: String) -> [String] {
            (element.child(list)?.children(item) ?? []).map(\.value).filter { !$0.isEmpty }
        }
        messageClasses = values("supportedMessageClasses", "messageClass")
        sessionClasses = values("supportedSessionClasses", "sessionClass")
        messageFolders = values("supportedMessageFolders", "messageFolder")
    }

    public func writeContent(into writer: inout XMLWriter) {
        writer.element("supportedMessageClasses") { writer in
            for value in messageClasses { writer.element("messageClass", text: value) }
        }
        writer.element("supportedSessionClasses") { writer in
            for value in sessionClasses { writer.element("sessionClass", text: value) }
        }
        writer.element("supportedMessageFolders") { writer in
            for value in messageFolders { writer.element("messageFolder", text: value) }
        }
    }
}
