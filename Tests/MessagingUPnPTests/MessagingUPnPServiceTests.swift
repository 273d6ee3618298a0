import Foundation
import Logging
import MessageStore
import Messaging
import Synchronization
import TestSupport
import Testing

@testable import MessagingUPnP
@testable import UPnP

/// The binding end to end at the handler level: SOAP arguments in, out-arguments or UPnP faults out, against a real
/// Messaging service on an in-memory store (no modem: sending stays in Outgoing).
@Suite struct MessagingUPnPServiceTests {
    let clock = ManualClock()
    let store: MessageStore
    let service: MessagingService
    let binding: MessagingUPnPService
    let context: UPnPActionContext

    init() throws {
        var configuration = MessagingConfiguration()
        configuration.ownNumber = "+15550000001"
        store = try MessageStore.inMemory()
        service = MessagingService(
            store: store,
            modem: nil,
            configuration: configuration,
            clock: clock,
            wallClock: clock.wallClock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        binding = MessagingUPnPService(
            service: service,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        context = UPnPActionContext(
            clientAddress: try #require(IPAddress("192.168.1.20")),
            requestedServiceType: MessagingServiceDescription.serviceType
        )
    }

    func call(_ action: String, _ arguments: [(String, String)] = []) async throws(UPnPActionError) -> [String: String]
    {
        let outputs = try await binding.invoke(
            action: action,
            arguments: arguments.map { (name: $0.0, value: $0.1) },
            context: context
        )
        return Dictionary(outputs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    func fault(_ action: String, _ arguments: [(String, String)] = []) async -> Int? {
        do {
            _ = try await call(action, arguments)
            return nil
        } catch {
            return error.code
        }
    }

    /// The SessionsList of GetSessions.
    func sessionsList(id: String = "", sessionClass: String = "", status: String = "") async throws -> String? {
        try await call("GetSessions", [("SessionID", id), ("SessionClass", sessionClass), ("SessionStatus", status)])[
            "SessionsList"
        ]
    }

    func validated(_ text: String?) throws -> XMLElement {
        try MessagingSchemas.messaging().validate(try #require(text))
    }

    static func messageToSend(to number: String = "+15550000099", text: String = "hi") -> String {
        MessageFragment(
            messageID: "",
            messageClass: "SMS",
            messageFolder: "",
            messageStatus: "",
            recipients: RecipientsListFragment(to: [PeerFragment(id: number)]),
            text: text
        ).serialized()
    }

    // MARK: - Page mode

    @Test func identityAndCapabilities() async throws {
        #expect(try await call("GetTelephonyIdentity")["TelephonyIdentity"] == "tel:+15550000001")
        let capabilities = try validated(try await call("GetMessagingCapabilities")["SupportedCapabilities"])
        let folders = capabilities.firstElement(named: "supportedMessageFolders")?.elements.map(\.text)
        #expect(folders?.contains("Received") == true && folders?.contains("Outgoing") == true)
        #expect(capabilities.firstElement(named: "supportedMessageClasses")?.elements.map(\.text) == ["SMS"])
    }

    @Test func sendReadSearchDelete() async throws {
        // The fragment of the spec's own SOAP example (escaped text in the envelope).
        let envelope = try XMLDocumentParser.parse(try SpecFiles.text("examples/soap/SendMessage-request.xml"))
        let argument = try #require(
            envelope.firstElement(named: "Body")?.elements.first?.firstElement(named: "MessageToSend")
        )
        let id = try #require(try await call("SendMessage", [("MessageToSend", argument.text)])["MessageID"])
        #expect(!id.isEmpty && id.allSatisfy { $0.isLetter || $0.isNumber })

        let read = try validated(try await call("ReadMessage", [("MessageID", id)])["MessageRequested"])
        #expect(read.firstElement(named: "messageID")?.text == id)
        #expect(read.firstElement(named: "messageFolder")?.text == "Outgoing")
        #expect(read.firstElement(named: "messageStatus")?.text == "Unread")  // I-13: Outgoing stays Unread
        #expect(read.firstElement(named: "text")?.text == "On my way 🚲")
        let from = read.firstElement(named: "recipientsList")?.firstElement(named: "recipientFrom")
        #expect(from?.firstElement(named: "id")?.text == "+15550000001")  // I-8: the device's identity

        let outgoing = [("MessageClass", ""), ("MessageFolder", "Outgoing"), ("MessageStatus", ""), ("SessionID", "")]
        let search = try validated(try await call("SearchMessages", outgoing)["MessageList"])
        #expect(search.elements(named: "message").count == 1)
        #expect(search.elements.first?.firstElement(named: "text") == nil)  // I-12: no text in search results
        let any = try validated(
            try await call(
                "SearchMessages",
                [
                    ("MessageClass", "ANY"), ("MessageFolder", "ANY"), ("MessageStatus", "ANY"),
                    ("SessionID", ""),
                ]
            )["MessageList"]
        )
        #expect(any.elements(named: "message").count == 1)

        #expect(try await call("DeleteMessage", [("MessageID", id)]).isEmpty)
        let deleted = try validated(try await call("ReadMessage", [("MessageID", id)])["MessageRequested"])
        #expect(deleted.firstElement(named: "messageFolder")?.text == "Deleted")
    }

    @Test func serviceErrorsKeepTheirCodes() async throws {
        #expect(await fault("ReadMessage", [("MessageID", "zz9")]) == 701)
        #expect(await fault("ReadMessage", [("MessageID", "a.b.c")]) == 701)
        #expect(await fault("DeleteMessage", [("MessageID", "")]) == 701)
        let filters = [("MessageFolder", ""), ("MessageStatus", ""), ("SessionID", "")]
        #expect(await fault("SearchMessages", [("MessageClass", "Fax")] + filters) == 702)
        #expect(
            await fault(
                "SearchMessages",
                [
                    ("MessageClass", ""), ("MessageFolder", "Inbox"), ("MessageStatus", ""),
                    ("SessionID", ""),
                ]
            ) == 707
        )
        #expect(
            await fault(
                "SearchMessages",
                [
                    ("MessageClass", ""), ("MessageFolder", ""), ("MessageStatus", "Seen"),
                    ("SessionID", ""),
                ]
            ) == 705
        )
        #expect(
            await fault(
                "SearchMessages",
                [
                    ("MessageClass", ""), ("MessageFolder", ""), ("MessageStatus", ""),
                    ("SessionID", "nosuch"),
                ]
            ) == 706
        )
        #expect(await fault("AcceptSession", [("SessionID", "nosuch")]) == 706)
        #expect(await fault("NoSuchAction") == 401)
        #expect(await fault("ReadMessage") == 402)
    }

    @Test func errorDescriptionsAreTheTable46Ones() async throws {
        do {
            _ = try await call("ReadMessage", [("MessageID", "zz9")])
            Issue.record("expected a fault")
        } catch {
            #expect(error.code == 701)
            #expect(error.description == "Invalid Message ID")
        }
    }

    /// The SOAP fault of every code the service throws: UDA names for 4xx–6xx (as the device stack writes them),
    /// Table 46 names for 7xx.
    @Test(arguments: [
        (402, "Invalid Args"), (501, "Action Failed"), (600, "Argument Value Invalid"), (606, "Action not authorized"),
        (701, "Invalid Message ID"), (702, "Invalid Message class"), (703, "Invalid Message"),
        (704, "Invalid recipients"), (705, "Invalid Message status"), (706, "Invalid Session ID"),
        (707, "Invalid folder"), (708, "Invalid action"), (709, "No active file transfer"),
        (710, "Invalid Session class"), (711, "Invalid Session status"), (714, "Identity does not exist"),
    ])
    func everyServiceCodeBecomesItsFault(code: Int, description: String) {
        let fault = UPnPActionError(MessagingError(MessagingError.Code(rawValue: code), "a reason for the log"))
        #expect(fault.code == code)
        #expect(fault.description == description)
    }

    @Test(arguments: [
        "",
        "not xml",
        "<messageList/>",
        "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><message>&x;</message>",
        String(repeating: "<a>", count: 5000),
    ])
    func unreadableMessageIs703(text: String) async {
        #expect(await fault("SendMessage", [("MessageToSend", text)]) == 703)
    }

    @Test func messageWithBadValuesIs703() async {
        let badSize = Self.messageToSend().replacingOccurrences(
            of: "<text>",
            with: "<attachments><attachment><uri>http://a/</uri><size>-1</size></attachment></attachments><text>"
        )
        #expect(await fault("SendMessage", [("MessageToSend", badSize)]) == 703)
        // Semantic checks are the service's: no recipientTo for an SMS.
        let noRecipient = MessageFragment(
            messageID: "",
            messageClass: "SMS",
            messageFolder: "",
            messageStatus: "",
            recipients: RecipientsListFragment(),
            text: "x"
        ).serialized()
        #expect(await fault("SendMessage", [("MessageToSend", noRecipient)]) == 703)
    }

    @Test func ignoresServiceManagedFieldsOfTheInput() async throws {
        // §5.6: messageID/messageFolder/messageStatus are the service's; junk there (even an invalid ID) is ignored.
        let text = Self.messageToSend().replacingOccurrences(
            of: "<messageID></messageID>",
            with: "<messageID>not-an-id!</messageID>"
        )
        .replacingOccurrences(of: "<messageFolder></messageFolder>", with: "<messageFolder>Sent</messageFolder>")
        let id = try await call("SendMessage", [("MessageToSend", text)])["MessageID"]
        #expect(id?.isEmpty == false)
    }

    // MARK: - Sessions

    @Test func sessionLifecycle() async throws {
        let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000099", name: "Echo")]).serialized()
        let id = try #require(
            try await call(
                "CreateSession",
                [
                    ("SessionClass", "SMS"), ("SessionRecipients", recipients),
                    ("Subject", "Chat"), ("SupportedContentType", ""),
                ]
            )["SessionID"]
        )
        let list = try validated(
            try await call("GetSessions", [("SessionID", id), ("SessionClass", ""), ("SessionStatus", "")])[
                "SessionsList"
            ]
        )
        #expect(list.elements(named: "sessionInfo").first?.firstElement(named: "sessionStatus")?.text == "Running")
        #expect(list.elements(named: "sessionInfo").first?.firstElement(named: "subject")?.text == "Chat")

        // Plural argument name accepted (I-5).
        #expect(
            try await call(
                "ModifySession",
                [
                    ("SessionID", id), ("SessionRecipientsToAdd", ""),
                    ("SessionRecipientsToRemove", ""), ("Subject", "New"),
                    ("SupportedContentTypes", "text/plain"), ("SessionClass", ""),
                ]
            ).isEmpty
        )
        let updates = try validated(try await call("GetSessionUpdates")["SessionUpdates"])
        #expect(updates.name == "sessionUpdates")

        #expect(try await call("LeaveSession", [("SessionID", id)]).isEmpty)
        #expect(try await call("JoinSession", [("SessionID", id)]).isEmpty)
        #expect(try await call("CloseSession", [("SessionID", id)]).isEmpty)
        let closed = try validated(
            try await call("GetSessions", [("SessionID", ""), ("SessionClass", ""), ("SessionStatus", "Closed")])[
                "SessionsList"
            ]
        )
        #expect(closed.elements(named: "sessionInfo").map { $0.firstElement(named: "sessionID")?.text } == [id])
        #expect(await fault("JoinSession", [("SessionID", id)]) == 708)
    }

    @Test func unreadableRecipientsAre704AndFileListsAre402() async {
        #expect(
            await fault(
                "CreateSession",
                [
                    ("SessionClass", "SMS"), ("SessionRecipients", "<recipientsList><recipientTo/>"),
                    ("Subject", ""), ("SupportedContentType", ""),
                ]
            ) == 704
        )
        #expect(
            await fault(
                "CreateSession",
                [
                    ("SessionClass", "SMS"),
                    ("SessionRecipients", "<recipientsList><recipientTo><name>x</name></recipientTo></recipientsList>"),
                    ("Subject", ""), ("SupportedContentType", ""),
                ]
            ) == 704
        )
        #expect(
            await fault(
                "ModifySession",
                [
                    ("SessionID", "1"), ("SessionRecipientsToAdd", "garbage"),
                    ("SessionRecipientsToRemove", ""), ("Subject", ""),
                    ("SupportedContentType", ""), ("SessionClass", ""),
                ]
            ) == 704
        )
        #expect(
            await fault(
                "StartFileTransfer",
                [("FileInfoList", "<fileInfoList><sessionID>1</sessionID></fileInfoList>")]
            ) == 402
        )
        #expect(await fault("StartFileTransfer", [("FileInfoList", "")]) == 402)
    }

    /// SendMessage, CreateSession and ModifySession with a missing or empty `recipientFrom` (I-8).
    @Test(arguments: FragmentTests.emptyFroms)
    func aMissingOrEmptyRecipientFromIsAccepted(from: String) async throws {
        func list(_ number: String) -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?><messaging:recipientsList \
            xmlns:messaging="urn:schemas-upnp-org:phone:messaging" xmlns:peer="urn:schemas-upnp-org:phone:peer">\
            <recipientTo><peer:id>\(number)</peer:id></recipientTo>\(from)</messaging:recipientsList>
            """
        }
        let message = """
            <?xml version="1.0" encoding="UTF-8"?><messaging:message \
            xmlns:messaging="urn:schemas-upnp-org:phone:messaging" xmlns:peer="urn:schemas-upnp-org:phone:peer">\
            <messageID></messageID><messageClass>SMS</messageClass><messageFolder></messageFolder>\
            <messageStatus></messageStatus><recipientsList><recipientTo><peer:id>+15550000099</peer:id></recipientTo>\
            \(from)</recipientsList><text>hi</text></messaging:message>
            """
        let id = try #require(try await call("SendMessage", [("MessageToSend", message)])["MessageID"])
        let read = try validated(try await call("ReadMessage", [("MessageID", id)])["MessageRequested"])
        let sender = read.firstElement(named: "recipientsList")?.firstElement(named: "recipientFrom")
        #expect(sender?.firstElement(named: "id")?.text == "+15550000001")  // the device's identity

        let session = try #require(
            try await call(
                "CreateSession",
                [
                    ("SessionClass", "SMS"), ("SessionRecipients", list("+15550000099")),
                    ("Subject", ""), ("SupportedContentType", ""),
                ]
            )["SessionID"]
        )
        let modified = try await call(
            "ModifySession",
            [
                ("SessionID", session), ("SessionRecipientsToAdd", list("+15550000098")),
                ("SessionRecipientsToRemove", list("+15550000099")), ("Subject", ""), ("SupportedContentType", ""),
                ("SessionClass", ""),
            ]
        )
        #expect(modified.isEmpty)
        let sessions = try validated(try await sessionsList(id: session))
        let to = sessions.firstElement(named: "sessionInfo")?.firstElement(named: "recipientsList")?
            .elements(named: "recipientTo").map { $0.firstElement(named: "id")?.text }
        #expect(to == ["+15550000098"])
    }

    @Test func sessionsOfAStandardClassTheDeviceDoesNotOfferAreAnEmptyList() async throws {
        for sessionClass in ["Chat", "MMS", "File-Transfer"] {
            let list = try validated(try await sessionsList(sessionClass: sessionClass))
            #expect(list.elements(named: "sessionInfo").isEmpty, "\(sessionClass)")
        }
        let vendor = [("SessionID", ""), ("SessionClass", "X-Vendor"), ("SessionStatus", "")]
        #expect(await fault("GetSessions", vendor) == 710)
        #expect(
            await fault("GetSessions", [("SessionID", ""), ("SessionClass", ""), ("SessionStatus", "Open")]) == 711
        )
    }

    @Test func aGivenSessionIDIgnoresTheOtherArguments() async throws {
        let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000099")]).serialized()
        let id = try #require(
            try await call(
                "CreateSession",
                [
                    ("SessionClass", "SMS"), ("SessionRecipients", recipients),
                    ("Subject", ""), ("SupportedContentType", ""),
                ]
            )["SessionID"]
        )
        let list = try validated(try await sessionsList(id: id, sessionClass: "Bogus", status: "Bogus"))
        #expect(list.elements(named: "sessionInfo").map { $0.firstElement(named: "sessionID")?.text } == [id])
    }

    /// §5.9: an unknown session is 706 even when its recipients would be refused (704). A list that cannot be read
    /// at all is refused before the session is looked up (704, as `unreadableRecipientsAre704AndFileListsAre402`).
    @Test func modifyingAnUnknownSessionIs706EvenWithUnusableRecipients() async {
        let undialable = RecipientsListFragment(to: [PeerFragment(id: "not a number")]).serialized()
        #expect(
            await fault(
                "ModifySession",
                [
                    ("SessionID", "zz"), ("SessionRecipientsToAdd", undialable),
                    ("SessionRecipientsToRemove", ""), ("Subject", ""),
                    ("SupportedContentType", ""), ("SessionClass", ""),
                ]
            ) == 706
        )
        #expect(
            await fault(
                "ModifySession",
                [
                    ("SessionID", "zz"), ("SessionRecipientsToAdd", ""),
                    ("SessionRecipientsToRemove", ""), ("Subject", ""),
                    ("SupportedContentType", ""), ("SessionClass", "Chat"),
                ]
            ) == 706
        )
    }

    @Test func leavingASessionTheCallerNeverJoinedIs708() async throws {
        // Created by a control point at another address: this one (192.168.1.20) never joined.
        let id = try await service.createSession(
            sessionClass: .sms,
            recipients: RecipientsList(to: [Peer(id: "+15550000099")]),
            caller: Caller(address: "192.168.1.30")
        )
        #expect(await fault("LeaveSession", [("SessionID", id)]) == 708)
        let list = try validated(try await sessionsList(id: id))
        #expect(list.firstElement(named: "sessionInfo")?.firstElement(named: "sessionStatus")?.text == "Running")
    }

    // MARK: - Send state extension

    /// The `X_sendStatus` of each recipientTo in a message fragment, by recipient.
    static func sendStatuses(_ message: XMLElement) -> [String: String] {
        // A recipientTo without the extension is left out.
        var statuses: [String: String] = [:]
        for peer in message.firstElement(named: "recipientsList")?.elements(named: "recipientTo") ?? [] {
            let id = peer.firstElement(named: "id")?.text ?? ""
            statuses[id] =
                peer.firstElement(
                    named: "X_sendStatus",
                    namespaceURI: .some(MessagingNamespace.deviceExtension)
                )?.text
        }
        return statuses
    }

    /// I-30: a send that failed for good and one still pending are both Outgoing/Unread; the vendor extension in
    /// each recipientTo tells them apart, in ReadMessage and SearchMessages alike, and every fragment validates.
    @Test func aFailedSendAndAPendingOneDifferOnlyInTheExtension() async throws {
        let pending = try #require(
            try await call("SendMessage", [("MessageToSend", Self.messageToSend())])["MessageID"]
        )
        let failed = try #require(
            try await call("SendMessage", [("MessageToSend", Self.messageToSend(to: "+15550000098"))])["MessageID"]
        )
        try await store.recordSendFailure(
            messageID: try #require(Int64(failed, radix: 36)),
            code: 1,
            reason: "unassigned number",
            isPermanent: true,
            nextAttemptAt: nil
        )
        for (id, number, status) in [(pending, "+15550000099", "pending"), (failed, "+15550000098", "failed")] {
            let read = try validated(try await call("ReadMessage", [("MessageID", id)])["MessageRequested"])
            #expect(read.firstElement(named: "messageFolder")?.text == "Outgoing")
            #expect(read.firstElement(named: "messageStatus")?.text == "Unread")
            #expect(Self.sendStatuses(read) == [number: status])
        }
        let outgoing = [("MessageClass", ""), ("MessageFolder", "Outgoing"), ("MessageStatus", ""), ("SessionID", "")]
        let search = try validated(try await call("SearchMessages", outgoing)["MessageList"])
        #expect(
            search.elements(named: "message").map(Self.sendStatuses) == [
                ["+15550000099": "pending"], ["+15550000098": "failed"],
            ]
        )
        // Out of Outgoing the extension is not written.
        #expect(try await call("DeleteMessage", [("MessageID", failed)]).isEmpty)
        let deleted = try validated(try await call("ReadMessage", [("MessageID", failed)])["MessageRequested"])
        #expect(Self.sendStatuses(deleted).isEmpty)
    }

    // MARK: - Events

    @Test func currentEventedValuesAreValidFragments() async throws {
        let values = await binding.currentEventedValues()
        #expect(values.map(\.name) == ["NewMessages", "SessionUpdates"])
        for (_, value) in values { _ = try validated(value) }
    }

    @Test func publicationsReachTheDevice() async throws {
        let sink = RecordingSink()
        binding.events.attach(sink)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            group.addTask { try await binding.run() }
            // An SMS session is Running at once with "session accepted by: …" (I-20): a SessionUpdates change.
            let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000099", name: "Echo")]).serialized()
            _ = try await call(
                "CreateSession",
                [
                    ("SessionClass", "SMS"), ("SessionRecipients", recipients),
                    ("Subject", ""), ("SupportedContentType", ""),
                ]
            )
            let published = try await sink.first(timeout: .seconds(20))
            group.cancelAll()
            let updates = try #require(published.first { $0.name == "SessionUpdates" })
            let fragment = try SessionUpdatesFragment(parsing: updates.value)
            #expect(fragment.updates.first?.events == ["session accepted by: Echo"])
            #expect(fragment.updates.first?.status == "Running")
            _ = try validated(updates.value)
        }
    }
}

/// Records what the binding publishes, as the device's event hub would receive it.
final class RecordingSink: UPnPEventSink {
    private let stream: AsyncStream<[(name: String, value: String)]>
    private let continuation: AsyncStream<[(name: String, value: String)]>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(16))
    }

    func publish(_ changes: [(name: String, value: String)]) async {
        continuation.yield(changes)
    }

    /// The first publication, or a failure after `timeout` (a bound, not a synchronisation sleep).
    func first(timeout: Duration) async throws -> [(name: String, value: String)] {
        try await withThrowingTaskGroup(of: [(name: String, value: String)]?.self) { group in
            group.addTask { [stream] in
                for await changes in stream { return changes }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let result = try await group.next() ?? nil
            group.cancelAll()
            return try #require(result, "no publication within \(timeout)")
        }
    }
}
