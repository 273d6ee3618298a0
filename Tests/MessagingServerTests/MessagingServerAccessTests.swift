import Foundation
import HTTPTestSupport
import Logging
import MessagingServer
import MessagingUPnP
import NIOHTTP1
import Testing
import UPnP

/// The `[access]` section of the configuration file, through ``MessagingServer`` on loopback: a read-only client
/// reads and may not send; a client in no list may not even read the description.
@Suite struct MessagingServerAccessTests {
    /// The simulated stack from a configuration file with `access`, on ephemeral ports, stopped by the test.
    static func server(access: String) async throws -> MessagingServer {
        var configuration = try MessagingServerSettings(toml: "[access]\n" + access).makeConfiguration(simulate: true)
        configuration.database = .inMemory
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        return try await MessagingServer(
            configuration: configuration,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// Runs `server` until `body` returns, then stops it.
    static func whileRunning(
        _ server: MessagingServer,
        _ body: @escaping @Sendable (UPnPDevice.Endpoints) async throws -> Void
    ) async throws {
        try await withTimeout(seconds: 60) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await body(try await server.waitUntilRunning())
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    static func soap(
        _ endpoints: UPnPDevice.Endpoints,
        controlPath: String,
        _ action: String,
        _ arguments: [(String, String)] = []
    ) async throws -> (status: HTTPResponseStatus, body: String) {
        let serviceType = MessagingServiceDescription.serviceType
        let response = try await TestHTTPConnection.request(
            port: endpoints.httpPort,
            method: .POST,
            path: controlPath,
            headers: SOAPRequest.headers(action: action, serviceType: serviceType),
            body: SOAPRequest.envelope(action: action, serviceType: serviceType, arguments: arguments)
        )
        return (response.status, response.text)
    }

    @Test func aReadOnlyClientReadsButMayNotSend() async throws {
        let server = try await Self.server(access: "read-only = [\"127.0.0.0/8\"]")
        try await Self.whileRunning(server) { endpoints in
            let description = try await MessagingServerTests.description(endpoints)
            let identity = try await Self.soap(endpoints, controlPath: description.controlPath, "GetTelephonyIdentity")
            #expect(identity.status == .ok)
            #expect(identity.body.contains("tel:\(MessagingServerConfiguration.simulatedNumber)"))
            let message = MessageFragment(
                messageID: "",
                messageClass: "SMS",
                messageFolder: "Outgoing",
                messageStatus: "Unread",
                recipients: RecipientsListFragment(to: [PeerFragment(id: "+15550000099")]),
                text: "not allowed"
            )
            let send = try await Self.soap(
                endpoints,
                controlPath: description.controlPath,
                "SendMessage",
                [("MessageToSend", message.serialized())]
            )
            // UDA 1.1 Table 3-3: 606 Action not authorized.
            #expect(send.status == .internalServerError)
            #expect(send.body.contains("<errorCode>606</errorCode>"), "\(send.body)")
        }
    }

    @Test func aClientInNoListMayNotReadTheDescription() async throws {
        let server = try await Self.server(access: "control = [\"192.0.2.0/24\"]")
        try await Self.whileRunning(server) { endpoints in
            let response = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/description.xml")
            #expect(response.status == .forbidden)
        }
    }
}
