import Foundation
import Logging
import Messaging
import MessagingServer
import Testing
import UPnP

@testable import MessagingUPnP

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The binding behind the real UPnP device stack, over HTTP on loopback (port 0): the spec's own SOAP examples go
/// in, and what comes back is compared with the spec's response and fault examples.
@Suite struct MessagingDeviceEndToEndTests {
    static let noLogs = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs the server with no modem and an in-memory store (the binding of a fresh service behind the device),
    /// calls `body` with the base URL, then stops it gracefully.
    func withDevice(_ body: @escaping @Sendable (URL) async throws -> Void) async throws {
        var configuration = MessagingServerConfiguration(modem: .none)
        configuration.database = .inMemory
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        configuration.messaging.ownNumber = "+15550000001"
        let server = try await MessagingServer(configuration: configuration, logger: Self.noLogs)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            do {
                let endpoints = try await server.waitUntilRunning()
                let description = try #require(endpoints.descriptionURLs.first.flatMap(URL.init(string:)))
                try await body(description.deletingLastPathComponent())
            } catch {
                await server.triggerGracefulShutdown()
                throw error
            }
            await server.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// POSTs a SOAP body from the spec's examples to the control URL.
    static func post(_ base: URL, action: String, body: Data) async throws -> (Int, XMLElement) {
        var request = URLRequest(url: base.appendingPathComponent("upnp/Messaging/control"))
        request.httpMethod = "POST"
        request.setValue("text/xml; charset=\"utf-8\"", forHTTPHeaderField: "Content-Type")
        request.setValue("\"urn:schemas-upnp-org:service:Messaging:2#\(action)\"", forHTTPHeaderField: "SOAPACTION")
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try XMLDocumentParser.parse(Array(data)))
    }

    static func example(_ name: String) throws -> Data {
        Data(try SpecFiles.text("examples/soap/\(name)").utf8)
    }

    @Test func specExamplesOverHTTP() async throws {
        try await withDevice { base in
            // ReadMessage-request.xml asks for M000123, which does not exist: the answer is the 701 fault example.
            let (faultStatus, fault) = try await Self.post(
                base,
                action: "ReadMessage",
                body: try Self.example("ReadMessage-request.xml")
            )
            let expected = try XMLDocumentParser.parse(try SpecFiles.text("examples/soap/ReadMessage-fault-701.xml"))
            #expect(faultStatus == 500)
            let error = fault.firstElement(named: "Body")?.firstElement(named: "Fault")?.firstElement(named: "detail")?
                .firstElement(named: "UPnPError", namespaceURI: "urn:schemas-upnp-org:control-1-0")
            let expectedError = expected.firstElement(named: "Body")?.firstElement(named: "Fault")?
                .firstElement(named: "detail")?.firstElement(named: "UPnPError")
            #expect(
                error?.firstElement(named: "errorCode")?.text == expectedError?.firstElement(named: "errorCode")?.text
            )
            #expect(
                error?.firstElement(named: "errorDescription")?.text
                    == expectedError?.firstElement(named: "errorDescription")?.text
            )

            // SendMessage-request.xml: the spec's message (escaped in the envelope) is accepted.
            let (sendStatus, sent) = try await Self.post(
                base,
                action: "SendMessage",
                body: try Self.example("SendMessage-request.xml")
            )
            #expect(sendStatus == 200)
            let response = try #require(sent.firstElement(named: "Body")?.elements.first)
            #expect(response.name == "SendMessageResponse")
            #expect(response.namespaceURI == MessagingServiceDescription.serviceType)
            let id = try #require(response.firstElement(named: "MessageID", namespaceURI: .some(nil))?.text)

            // ReadMessage of that ID: the fragment travels as escaped text (never child elements) and validates.
            let read = """
                <?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" \
                s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>\
                <u:ReadMessage xmlns:u="urn:schemas-upnp-org:service:Messaging:2"><MessageID>\(id)</MessageID>\
                </u:ReadMessage></s:Body></s:Envelope>
                """
            let (readStatus, readResponse) = try await Self.post(base, action: "ReadMessage", body: Data(read.utf8))
            #expect(readStatus == 200)
            let argument = try #require(
                readResponse.firstElement(named: "Body")?.elements.first?.firstElement(named: "MessageRequested")
            )
            #expect(!argument.hasElementChildren)
            let message = try MessagingSchemas.messaging().validate(argument.text)
            #expect(message.firstElement(named: "text")?.text == "On my way 🚲")
            #expect(message.firstElement(named: "messageFolder")?.text == "Outgoing")
        }
    }

    /// messaging-v2.md I-5: the stack itself accepts the plural `SupportedContentTypes` (renamed to the SCPD's
    /// singular before the argument check), so a control point that follows the action tables is not refused 402.
    @Test(arguments: ["SupportedContentType", "SupportedContentTypes"])
    func createSessionAcceptsBothSpellingsOverHTTP(argumentName: String) async throws {
        try await withDevice { base in
            let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000002", name: "Bob")]).serialized()
            let body = """
                <?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" \
                s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>\
                <u:CreateSession xmlns:u="urn:schemas-upnp-org:service:Messaging:2"><SessionClass>SMS</SessionClass>\
                <SessionRecipients>\(XMLEscaping.escape(recipients))</SessionRecipients><Subject>Chat</Subject>\
                <\(argumentName)>text/plain</\(argumentName)></u:CreateSession></s:Body></s:Envelope>
                """
            let (status, response) = try await Self.post(base, action: "CreateSession", body: Data(body.utf8))
            #expect(status == 200)
            let sessionID = response.firstElement(named: "Body")?.elements.first?.firstElement(named: "SessionID")?.text
            #expect(sessionID?.isEmpty == false)
        }
    }

    @Test func servesTheSCPD() async throws {
        try await withDevice { base in
            let (data, _) = try await URLSession.shared.data(
                from: base.appendingPathComponent("upnp/Messaging/scpd.xml")
            )
            let served = try MessagingSCPDTests.summary(String(decoding: data, as: UTF8.self))
            let spec = try MessagingSCPDTests.summary(try SpecFiles.text("Messaging2-scpd.xml"))
            #expect(served == spec)
        }
    }
}
