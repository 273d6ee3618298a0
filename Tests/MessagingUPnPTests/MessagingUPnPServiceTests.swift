import Foundation
import Logging
import MessageStore
import Messaging
import Synchronization
import Testing

@testable import MessagingUPnP
@testable import UPnP

/// The binding end to end at the handler level: SOAP arguments in, out-arguments or UPnP faults out, against a real
/// Messaging service on an in-memory store (no modem: sending stays in Outgoing).
@Suite struct MessagingUPnPServiceTests {
    let clock = ManualMessagingClock()
    let service: MessagingService
    let binding: MessagingUPnPService
    let context: UPnPActionContext

    init() throws {
        var configuration = MessagingConfiguration()
        configuration.ownNumber = "+15550000001"
        service = MessagingService(
            store: try MessageStore.inMemory(),
            modem: nil,
            configuration: configuration,
            clock: clock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        binding = MessagingUPnPService(service: service, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        context = UPnPActionContext(
            clientAddress: try #require(IPAddress("192.168.1.20")),
            requestedServiceType: MessagingServiceDescription.serviceType
        )
    }

    func call(_ action: String, _ arguments: [(String, String)] = []) async throws(UPnPActionError) -> [String: String] {
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

    func validated(_ text: String?) throws -> XMLElement {
        try MessagingSchemas.messaging().validate(try #require(text))
    }

    static func messageToSend(to number: String = "+15550000099", text: String = "hi") -> String {
        MessageFragment(
            messageID: "", messageClass: "SMS", messageFolder: "", messageStatus: "",
            recipients: RecipientsListFragment(to: [PeerFragment(id: number)]), text: text
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
        let argument = try #require(envelope.firstElement(named: "Body")?.elements.first?.firstElement(named: "MessageToSend"))
        let id = try #require(try await call("SendMessage", [("MessageToSend", argument.text)])["MessageID"])
        #expect(!id.isEmpty && id.allSatisfy { $0.isLetter || $0.isNumber })

        let read = try validated(try await call("ReadMessage", [("MessageID", id)])["MessageRequested"])
        #expect(read.firstElement(named: "messageID")?.text == id)
        #expect(read.firstElement(named: "messageFolder")?.text == "Outgoing")
        #expect(read.firstElement(named: "messageStatus")?.text == "Unread")  // I-13: Outgoing stays Unread
        #expect(read.firstElement(named: "text")?.text == "On my way 🚲")
        let from = read.firstElement(named: "recipientsList")?.firstElement(named: "recipientFrom")
        #expect(from?.firstElement(named: "id")?.text == "+15550000001")  // I-8: the device's identity

        let search = try validated(
            try await call("SearchMessages", [("MessageClass", ""), ("MessageFolder", "Outgoing"), ("MessageStatus", ""),
                                               ("SessionID", "")])["MessageList"]
        )
        #expect(search.elements(named: "message").count == 1)
        #expect(search.elements.first?.firstElement(named: "text") == nil)  // I-12: no text in search results
        let any = try validated(
            try await call("SearchMessages", [("MessageClass", "ANY"), ("MessageFolder", "ANY"), ("MessageStatus", "ANY"),
                                               ("SessionID", "")])["MessageList"]
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
        #expect(await fault("SearchMessages", [("MessageClass", ""), ("MessageFolder", "Inbox"), ("MessageStatus", ""),
                                               ("SessionID", "")]) == 707)
        #expect(await fault("SearchMessages", [("MessageClass", ""), ("MessageFolder", ""), ("MessageStatus", "Seen"),
                                               ("SessionID", "")]) == 705)
        #expect(await fault("SearchMessages", [("MessageClass", ""), ("MessageFolder", ""), ("MessageStatus", ""),
                                               ("SessionID", "nosuch")]) == 706)
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
            of: "<text>", with: "<attachments><attachment><uri>http://a/</uri><size>-1</size></attachment></attachments><text>"
        )
        #expect(await fault("SendMessage", [("MessageToSend", badSize)]) == 703)
        // Semantic checks are the service's: no recipientTo for an SMS.
        let noRecipient = MessageFragment(
            messageID: "", messageClass: "SMS", messageFolder: "", messageStatus: "",
            recipients: RecipientsListFragment(), text: "x"
        ).serialized()
        #expect(await fault("SendMessage", [("MessageToSend", noRecipient)]) == 703)
    }

    @Test func ignoresServiceManagedFieldsOfTheInput() async throws {
        // §5.6: messageID/messageFolder/messageStatus are the service's; junk there (even an invalid ID) is ignored.
        let text = Self.messageToSend().replacingOccurrences(of: "<messageID></messageID>", with: "<messageID>not-an-id!</messageID>")
            .replacingOccurrences(of: "<messageFolder></messageFolder>", with: "<messageFolder>Sent</messageFolder>")
        let id = try await call("SendMessage", [("MessageToSend", text)])["MessageID"]
        #expect(id?.isEmpty == false)
    }

    // MARK: - Sessions

    @Test func sessionLifecycle() async throws {
        let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000099", name: "Echo")]).serialized()
        let id = try #require(
            try await call("CreateSession", [("SessionClass", "SMS"), ("SessionRecipients", recipients),
                                              ("Subject", "Chat"), ("SupportedContentType", "")])["SessionID"]
        )
        let list = try validated(
            try await call("GetSessions", [("SessionID", id), ("SessionClass", ""), ("SessionStatus", "")])["SessionsList"]
        )
        #expect(list.elements(named: "sessionInfo").first?.firstElement(named: "sessionStatus")?.text == "Running")
        #expect(list.elements(named: "sessionInfo").first?.firstElement(named: "subject")?.text == "Chat")

        // Plural argument name accepted (I-5).
        #expect(try await call("ModifySession", [("SessionID", id), ("SessionRecipientsToAdd", ""),
                                                 ("SessionRecipientsToRemove", ""), ("Subject", "New"),
                                                 ("SupportedContentTypes", "text/plain"), ("SessionClass", "")]).isEmpty)
        let updates = try validated(try await call("GetSessionUpdates")["SessionUpdates"])
        #expect(updates.name == "sessionUpdates")

        #expect(try await call("LeaveSession", [("SessionID", id)]).isEmpty)
        #expect(try await call("JoinSession", [("SessionID", id)]).isEmpty)
        #expect(try await call("CloseSession", [("SessionID", id)]).isEmpty)
        let closed = try validated(
            try await call("GetSessions", [("SessionID", ""), ("SessionClass", ""), ("SessionStatus", "Closed")])["SessionsList"]
        )
        #expect(closed.elements(named: "sessionInfo").map { $0.firstElement(named: "sessionID")?.text } == [id])
        #expect(await fault("JoinSession", [("SessionID", id)]) == 708)
    }

    @Test func unreadableRecipientsAre704AndFileListsAre402() async {
        #expect(await fault("CreateSession", [("SessionClass", "SMS"), ("SessionRecipients", "<recipientsList><recipientTo/>"),
                                              ("Subject", ""), ("SupportedContentType", "")]) == 704)
        #expect(await fault("CreateSession", [("SessionClass", "SMS"), ("SessionRecipients", "<recipientsList><recipientTo><name>x</name></recipientTo></recipientsList>"),
                                              ("Subject", ""), ("SupportedContentType", "")]) == 704)
        #expect(await fault("ModifySession", [("SessionID", "1"), ("SessionRecipientsToAdd", "garbage"),
                                              ("SessionRecipientsToRemove", ""), ("Subject", ""),
                                              ("SupportedContentType", ""), ("SessionClass", "")]) == 704)
        #expect(await fault("StartFileTransfer", [("FileInfoList", "<fileInfoList><sessionID>1</sessionID></fileInfoList>")]) == 402)
        #expect(await fault("StartFileTransfer", [("FileInfoList", "")]) == 402)
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
            _ = try await call("CreateSession", [("SessionClass", "SMS"), ("SessionRecipients", recipients),
                                                  ("Subject", ""), ("SupportedContentType", "")])
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
