import Foundation
import HTTPTestSupport
import Logging
import MessagingServer
import MessagingUPnP
import NIOHTTP1
import Testing
import UPnP

/// The whole stack as `messagingd --simulate` runs it — simulated modem, ATModem, store, service, binding, device —
/// built by ``MessagingServer`` from one configuration, on loopback with ephemeral ports, checked over HTTP.
@Suite struct MessagingServerTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The simulated modem on `lo`, ephemeral HTTP and SSDP ports, stopped by the test rather than by a signal.
    static func configuration(database: MessagingServerConfiguration.Database) -> MessagingServerConfiguration {
        var configuration = MessagingServerConfiguration(modem: .simulated)
        configuration.database = database
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        return configuration
    }

    @Test func aSimulatedStackServesItsDescriptionAnswersAnActionAndStopsCleanly() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("messaging-server-test-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("messages.sqlite").path
        let (started, startedContinuation) = AsyncStream.makeStream(of: UPnPDevice.Endpoints.self)
        let server = try await MessagingServer(
            configuration: Self.configuration(database: .file(path: databasePath)),
            logger: Self.logger
        ) { startedContinuation.yield($0) }
        #expect(server.databasePath == databasePath)
        let port = try await withTimeout(seconds: 60) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                var events = started.makeAsyncIterator()
                let endpoints = try #require(await events.next())  // onRunning was called.
                #expect(endpoints == (try await server.waitUntilRunning()))
                let description = try await Self.description(endpoints)

                // The description, with the recommended modelNumber and serialNumber and the derived configId.
                let device = try #require(description.root.firstElement(named: "device"))
                #expect(device.firstElement(named: "deviceType")?.text == MessagingServiceDescription.deviceType)
                #expect(device.firstElement(named: "modelNumber")?.text == MessagingServer.version)
                let udn = try #require(device.firstElement(named: "UDN")?.text)
                let serial = try #require(device.firstElement(named: "serialNumber")?.text)
                #expect(serial.count == 32 && serial == udn.dropFirst(5).replacing("-", with: "").uppercased())
                let configID = try #require(server.device.configuration.configID)
                #expect(description.root.attribute("configId") == String(configID))

                // One action: the simulated modem's number.
                let identity = try await Self.call(
                    port: endpoints.httpPort,
                    controlPath: description.controlPath,
                    action: "GetTelephonyIdentity"
                )
                #expect(identity["TelephonyIdentity"] == "tel:\(MessagingServerConfiguration.simulatedNumber)")

                await server.triggerGracefulShutdown()
                try await group.waitForAll()  // run() returned without an error.
                return endpoints.httpPort
            }
        }
        // Stopped: nothing listens on the port any more.
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTPConnection.request(port: port, path: "/description.xml")
        }

        // The same database again: the same device, one boot later, the same CONFIGID (nothing changed).
        let again = try await MessagingServer(
            configuration: Self.configuration(database: .file(path: databasePath)),
            logger: Self.logger
        )
        #expect(again.device.configuration.udn == server.device.configuration.udn)
        #expect(again.device.configuration.bootID == server.device.configuration.bootID + 1)
        #expect(again.device.configuration.configID == server.device.configuration.configID)
    }

    /// SessionUpdates values are batches (messaging-v2.md I-2): five session events inside one moderation window
    /// all reach a GENA subscriber, in order, though the service publishes at most once per second.
    @Test func fiveSessionEventsInOneModerationWindowAllReachASubscriberInOrder() async throws {
        let server = try await MessagingServer(
            configuration: Self.configuration(database: .inMemory),
            logger: Self.logger
        )
        try await withTimeout(seconds: 60) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let endpoints = try await server.waitUntilRunning()
                let description = try await Self.description(endpoints)
                let port = endpoints.httpPort
                try await TestSubscriber.with { subscriberPort, notifications in
                    let subscribed = try await TestHTTPConnection.request(
                        port: port,
                        method: .RAW(value: "SUBSCRIBE"),
                        path: description.eventPath,
                        headers: [
                            ("CALLBACK", "<http://127.0.0.1:\(subscriberPort)/notify>"), ("NT", "upnp:event"),
                            ("TIMEOUT", "Second-300"),
                        ]
                    )
                    #expect(subscribed.status == .ok)
                    var received = notifications.makeAsyncIterator()
                    let initial = try #require(await received.next())
                    #expect(initial.sequence == 0)

                    // Five session events back to back: create, modify, leave, join, close.
                    func call(_ action: String, _ arguments: [(String, String)]) async throws -> [String: String] {
                        try await Self.call(
                            port: port,
                            controlPath: description.controlPath,
                            action: action,
                            arguments: arguments
                        )
                    }
                    let recipients = RecipientsListFragment(to: [PeerFragment(id: "+15550000002", name: "Bob")])
                    let created = try await call(
                        "CreateSession",
                        [
                            ("SessionClass", "SMS"), ("SessionRecipients", recipients.serialized()),
                            ("Subject", "one"), ("SupportedContentType", ""),
                        ]
                    )
                    let sessionID = try #require(created["SessionID"])
                    _ = try await call(
                        "ModifySession",
                        [
                            ("SessionID", sessionID), ("SessionRecipientsToAdd", ""), ("SessionRecipientsToRemove", ""),
                            ("Subject", "two"), ("SupportedContentType", ""), ("SessionClass", ""),
                        ]
                    )
                    _ = try await call("LeaveSession", [("SessionID", sessionID)])
                    _ = try await call("JoinSession", [("SessionID", sessionID)])
                    _ = try await call("CloseSession", [("SessionID", sessionID)])

                    // Collect the session's events from the NOTIFYs until all five have come.
                    var events: [String] = []
                    var sequence: UInt32 = 0
                    while events.count < 5 {
                        let notify = try #require(await received.next(), "the NOTIFYs ended before five events")
                        #expect(notify.sequence == sequence + 1)
                        sequence = notify.sequence ?? sequence
                        for (name, value) in try Self.properties(notify.body) where name == "SessionUpdates" {
                            let updates = try SessionUpdatesFragment(parsing: value).updates
                            events += updates.filter { $0.sessionID == sessionID }.flatMap(\.events)
                        }
                    }
                    #expect(
                        events == [
                            "session accepted by: Bob", "session modified", "one TelCP has left",
                            "one TelCP has joined", "session closed",
                        ]
                    )
                }
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    // MARK: - Helpers

    /// The description document and the Messaging service's control and event paths (UDA 1.1 §2.3: relative to the
    /// description's URL, as the device sends no URLBase).
    static func description(
        _ endpoints: UPnPDevice.Endpoints
    ) async throws -> (root: XMLElement, controlPath: String, eventPath: String) {
        let location = try #require(endpoints.descriptionURLs.compactMap(URL.init(string:)).first)
        #expect(location.host == "127.0.0.1")
        let response = try await TestHTTPConnection.request(port: endpoints.httpPort, path: location.path)
        #expect(response.status == .ok)
        let root = try XMLDocumentParser.parse(response.body)
        let service = try #require(
            root.firstElement(named: "device")?.firstElement(named: "serviceList")?.elements.first {
                $0.firstElement(named: "serviceType")?.text == MessagingServiceDescription.serviceType
            }
        )
        let control = try #require(service.firstElement(named: "controlURL")?.text)
        let event = try #require(service.firstElement(named: "eventSubURL")?.text)
        return (root, control, event)
    }

    /// Calls a Messaging:2 action over SOAP and returns its out-arguments; a fault fails the test.
    static func call(
        port: Int,
        controlPath: String,
        action: String,
        arguments: [(String, String)] = []
    ) async throws -> [String: String] {
        let serviceType = MessagingServiceDescription.serviceType
        let response = try await TestHTTPConnection.request(
            port: port,
            method: .POST,
            path: controlPath,
            headers: SOAPRequest.headers(action: action, serviceType: serviceType),
            body: SOAPRequest.envelope(action: action, serviceType: serviceType, arguments: arguments)
        )
        #expect(response.status == .ok, "\(action): \(response.text)")
        let root = try XMLDocumentParser.parse(response.body)
        let result = try #require(root.firstElement(named: "Body")?.elements.first)
        return Dictionary(result.elements.map { ($0.name, $0.text) }, uniquingKeysWith: { first, _ in first })
    }

    /// `(name, value)` of each property of a GENA propertyset.
    static func properties(_ body: String) throws -> [(String, String)] {
        let root = try XMLDocumentParser.parse(body)
        return root.elements.flatMap { property in property.elements.map { ($0.name, $0.text) } }
    }
}
