import UPnP

/// `sessionInfo` (messaging-v2.md §7.7): A_ARG_TYPE_SessionInfo, and the items of `sessionsList`.
///
/// `sessionID`/`sessionId` (O-18) and `supportedContentType`/`supportedContentTypes` (I-5) are both accepted.
public struct SessionInfoFragment: MessagingFragment {
    public static let rootName = "sessionInfo"
    public static let declaresPeerNamespace = true

    public var sessionID: String
    public var sessionClass: String
    public var subject: String?
    public var sessionStatus: String
    public var supportedContentType: String?
    public var recipients: RecipientsListFragment
    /// `nil`: no `listOfMessages` element.
    public var messageIDs: [String]?
    public var dateStarted: String?
    public var dateLastMessage: String?
    public var dateEnded: String?

    public init(
        sessionID: String,
        sessionClass: String,
        subject: String? = nil,
        sessionStatus: String,
        supportedContentType: String? = nil,
        recipients: RecipientsListFragment,
        messageIDs: [String]? = nil,
        dateStarted: String? = nil,
        dateLastMessage: String? = nil,
        dateEnded: String? = nil
    ) {
        self.sessionID = sessionID
        self.sessionClass = sessionClass
        self.subject = subject
        self.sessionStatus = sessionStatus
        self.supportedContentType = supportedContentType
        self.recipients = recipients
        self.messageIDs = messageIDs
        self.dateStarted = dateStarted
        self.dateLastMessage = dateLastMessage
        self.dateEnded = dateEnded
    }

    public init(element: XMLElement) throws(FragmentError) {
        sessionID = try element.requiredChild("sessionID", "sessionId", in: "sessionInfo").value
        guard FragmentValues.isSessionID(sessionID) else {
            throw FragmentError(.invalidValue, "sessionID is not an ID")
        }
        sessionClass = element.optionalValue("sessionClass") ?? ""
        subject = element.optionalText("subject")
        sessionStatus = element.optionalValue("sessionStatus") ?? ""
        supportedContentType = element.optionalValue("supportedContentType", "supportedContentTypes")
        recipients =
            try element.child("recipientsList").map { element throws(FragmentError) in
                try RecipientsListFragment(element: element)
            } ?? RecipientsListFragment()
        if let list = element.child("listOfMessages") {
            let ids = list.children("messageID", "messageId").map(\.value)
            guard ids.allSatisfy(FragmentValues.isMessageID) else {
                throw FragmentError(.invalidValue, "listOfMessages has a bad messageID")
            }
            messageIDs = ids
        }
        dateStarted = element.optionalValue("dateStarted")
        dateLastMessage = element.optionalValue("dateLastMessage")
        dateEnded = element.optionalValue("dateEnded")
    }

    public func writeContent(into writer: inout XMLWriter) {
        writer.element("sessionID", text: sessionID)
        writer.element("sessionClass", text: sessionClass)
        if let subject { writer.element("subject", text: subject) }
        writer.element("sessionStatus", text: sessionStatus)
        if let supportedContentType { writer.element("supportedContentType", text: supportedContentType) }
        recipients.write(into: &writer)
        if let messageIDs {
            writer.element("listOfMessages") { writer in
                for id in messageIDs { writer.element("messageID", text: id) }
            }
        }
        if let dateStarted { writer.element("dateStarted", text: dateStarted) }
        if let dateLastMessage { writer.element("dateLastMessage", text: dateLastMessage) }
        if let dateEnded { writer.element("dateEnded", text: dateEnded) }
    }
}

/// `sessionsList` (messaging-v2.md §7.8): the out-argument of GetSessions.
public struct SessionsListFragment: MessagingFragment {
    public static let rootName = "sessionsList"
    public static let declaresPeerNamespace = true

    public var sessions: [SessionInfoFragment]

    public init(sessions: [SessionInfoFragment]) { self.sessions = sessions }

    public init(element: XMLElement) throws(FragmentError) {
        sessions = try element.children("sessionInfo").map { element throws(FragmentError) in
            try SessionInfoFragment(element: element)
        }
    }

    public func writeContent(into writer: inout XMLWriter) {
        for session in sessions {
            writer.element("sessionInfo") { writer in session.writeContent(into: &writer) }
        }
    }
}

/// `fileInfoList` (messaging-v2.md §7.9): the in-argument of StartFileTransfer and the out-argument of
/// GetFileTransferSession.
///
/// `progressNotif` accepts `0/1/true/false/yes/no` (§4.2, I-11) and is written `0`/`1`; its `time` attribute
/// (seconds, I-18) is required when periodic notification is asked for.
public struct FileInfoListFragment: MessagingFragment {
    public static let rootName = "fileInfoList"
    public static let declaresPeerNamespace = false

    /// One `fileInfo`.
    public struct File: Sendable, Hashable {
        public var fileType: String
        public var fileSize: UInt64
        public var fileLink: String
        public var progressNotification: Bool
        /// `progressNotif/@time`, seconds; positive.
        public var progressPeriod: UInt32?

        public init(
            fileType: String,
            fileSize: UInt64,
            fileLink: String,
            progressNotification: Bool,
            progressPeriod: UInt32? = nil
        ) {
            self.fileType = fileType
            self.fileSize = fileSize
            self.fileLink = fileLink
            self.progressNotification = progressNotification
            self.progressPeriod = progressPeriod
        }
    }

    public var sessionID: String
    /// At least one (schema).
    public var files: [File]

    public init(sessionID: String, files: [File]) {
        self.sessionID = sessionID
        self.files = files
    }

    public init(element: XMLElement) throws(FragmentError) {
        sessionID = try element.requiredChild("sessionID", "sessionId", in: "fileInfoList").value
        guard FragmentValues.isSessionID(sessionID), !sessionID.isEmpty else {
            throw FragmentError(.invalidValue, "sessionID is not an ID")
        }
        files = try element.children("fileInfo").map { item throws(FragmentError) in
            let type = try item.requiredChild("fileType", in: "fileInfo").value
            guard let size = FragmentValues.nonNegativeInteger(try item.requiredChild("fileSize", in: "fileInfo").value)
            else { throw FragmentError(.invalidValue, "fileSize is not a non-negative integer") }
            let link = try item.requiredChild("fileLink", in: "fileInfo").value
            guard !link.isEmpty else { throw FragmentError(.invalidValue, "fileLink is empty") }
            let notif = try item.requiredChild("progressNotif", "ProgressNotif", in: "fileInfo")
            guard let periodic = FragmentValues.boolean(notif.value) else {
                throw FragmentError(.invalidValue, "progressNotif is not a boolean")
            }
            var period: UInt32?
            if let time = notif.attribute("time")?.trimmingXMLWhitespace() {
                guard let value = UInt32(time), value > 0 else {
                    throw FragmentError(.invalidValue, "progressNotif time is not a positive integer")
                }
                period = value
            }
            if periodic, period == nil {
                throw FragmentError(.missingElement, "progressNotif=1 without time")
            }
            return File(
                fileType: type,
                fileSize: size,
                fileLink: link,
                progressNotification: periodic,
                progressPeriod: period
            )
        }
        guard !files.isEmpty else { throw FragmentError(.missingElement, "fileInfoList has no fileInfo") }
    }

    public func writeContent(into writer: inout XMLWriter) {
        writer.element("sessionID", text: sessionID)
        for file in files {
            writer.element("fileInfo") { writer in
                writer.element("fileType", text: file.fileType)
                writer.element("fileSize", text: String(file.fileSize))
                writer.element("fileLink", text: file.fileLink)
                writer.element(
                    "progressNotif",
                    attributes: file.progressPeriod.map { [("time", String($0))] } ?? [],
                    text: file.progressNotification ? "1" : "0"
                )
            }
        }
    }
}
