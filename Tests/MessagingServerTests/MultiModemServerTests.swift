import Foundation
import HTTPTestSupport
import Logging
import MessageStore
import Messaging
import MessagingServer
import MessagingUPnP
import ModemSimulator
import NIOHTTP1
import Prometheus
import TestSupport
import Testing
import UPnP

/// One ``MessagingServer`` serving two modems: two devices with their own UDN, database and HTTP port, found by one
/// M-SEARCH on the shared SSDP port, whose messages stay apart.
@Suite struct MultiModemServerTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Two simulated modems (+15550000001 and +15550000002 on one simulated network), each with its database in
    /// its own directory of `scratch`.
    static func configuration(_ scratch: ScratchDirectory) -> MessagingServerConfiguration {
        var configuration = MessagingServerConfiguration(modem: .simulated)
        configuration.database = .file(path: scratch.path("modem1/messages.sqlite"))
        configuration.additionalModems = [
            .init(
                modem: .simulated,
                database: .file(path: scratch.path("modem2/messages.sqlite")),
                friendlyName: "second"
            )
        ]
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        return configuration
    }

    static func receivedTexts(_ store: MessageStore) async throws -> [String] {
        var texts: [String] = []
        for summary in try await store.search(StoreQuery(folder: .received)) {
            if let id = summary.message.id, let text = try await store.message(id: id)?.message.text {
                texts.append(text)
            }
        }
        return texts
    }

    @Test func twoModemsAreTwoDevicesWhoseMessagesStayApart() async throws {
        let scratch = try ScratchDirectory("multi-modem-server")
        defer { scratch.remove() }
        let server = try await MessagingServer(configuration: Self.configuration(scratch), logger: Self.logger)
        #expect(server.stacks.count == 2)
        let (first, second) = (server.stacks[0], server.stacks[1])
        // The single-modem properties are the first modem's.
        #expect(server.device === first.device && server.databasePath == first.databasePath)
        #expect(first.databasePath == scratch.path("modem1/messages.sqlite"))
        #expect(second.databasePath == scratch.path("modem2/messages.sqlite"))
        #expect(first.device.configuration.udn != second.device.configuration.udn)
        #expect(second.device.configuration.friendlyName == "second")
        #expect(first.simulatedModem?.number == "+15550000001" && second.simulatedModem?.number == "+15550000002")

        try await withTimeout(seconds: 90) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let endpoints1 = try await first.device.waitUntilRunning()
                let endpoints2 = try await second.device.waitUntilRunning()
                #expect(endpoints1.httpPort != endpoints2.httpPort)
                #expect(endpoints1.ssdpPort == endpoints2.ssdpPort)

                // One M-SEARCH on the shared port: both devices answer, each with its own UDN.
                let found = try await SSDPSearch.devices(
                    answering: MessagingServiceDescription.deviceType,
                    port: endpoints1.ssdpPort
                )
                #expect(found[first.device.configuration.udn] == endpoints1.descriptionURLs.first)
                #expect(found[second.device.configuration.udn] == endpoints2.descriptionURLs.first)

                // Each device answers for its own modem.
                for (endpoints, number) in [(endpoints1, "+15550000001"), (endpoints2, "+15550000002")] {
                    let description = try await MessagingServerTests.description(endpoints)
                    let identity = try await MessagingServerTests.call(
                        port: endpoints.httpPort,
                        controlPath: description.controlPath,
                        action: "GetTelephonyIdentity"
                    )
                    #expect(identity["TelephonyIdentity"] == "tel:\(number)")
                }

                // Device 1 texts modem 2: it lands in modem 2's Received folder, not in modem 1's.
                _ = try await first.messaging.sendMessage(
                    MessageToSend(recipients: RecipientsList(to: [Peer(id: "+15550000002")]), text: "to two")
                )
                try await eventually("received by modem 2", timeout: .seconds(60)) {
                    try await Self.receivedTexts(second.store) == ["to two"]
                }
                try await eventually("sent by modem 1", timeout: .seconds(60)) {
                    try await first.store.search(StoreQuery(folder: .sent)).count == 1
                }
                #expect(try await Self.receivedTexts(first.store).isEmpty)
                #expect(try await second.store.search(StoreQuery(folder: .sent)).isEmpty)

                // One registry, a series per modem.
                let metrics = String(decoding: server.metrics.emitToBuffer(), as: UTF8.self)
                #expect(metrics.contains("modem=\"1\"") && metrics.contains("modem=\"2\""))
                // Each device's /health is its own modem's.
                let health2 = try await TestHTTPConnection.request(port: endpoints2.httpPort, path: "/health")
                #expect(health2.status == .ok)
                #expect(await second.health().mirror.importedParts == 1)

                await server.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }

        // Each database holds only its own modem's messages, read back after the stop.
        #expect(try await Self.receivedTexts(MessageStore(path: scratch.path("modem2/messages.sqlite"))) == ["to two"])
        #expect(try await Self.receivedTexts(MessageStore(path: scratch.path("modem1/messages.sqlite"))).isEmpty)

        // Started again: the same two UDNs, each with its own database.
        let again = try await MessagingServer(configuration: Self.configuration(scratch), logger: Self.logger)
        #expect(again.stacks.map(\.device.configuration.udn) == server.stacks.map(\.device.configuration.udn))
        #expect(again.stacks[1].device.configuration.bootID == second.device.configuration.bootID + 1)
    }

    @Test func aSecondModemOnTheSamePortFoundAutomaticallyOrInTheSameDirectoryIsRefused() throws {
        let scratch = try ScratchDirectory("multi-modem-refusals")
        defer { scratch.remove() }
        var configuration = MessagingServerConfiguration(modem: .serial(path: "/dev/ttyUSB2"))
        configuration.interfaces = ["lo"]
        configuration.database = .file(path: scratch.path("modem1/messages.sqlite"))
        let second = MessagingServerConfiguration.AdditionalModem(
            modem: .serial(path: "/dev/ttyUSB3"),
            database: .file(path: scratch.path("modem2/messages.sqlite")),
            friendlyName: "second"
        )
        configuration.additionalModems = [second]
        try configuration.validate()

        // The same port, once by its name and once through a link to it.
        let link = scratch.path("usb-HUAWEI-if02-port0")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/ttyUSB2")
        var samePort = configuration
        samePort.additionalModems[0].modem = .serial(path: link)
        let portError = #expect(throws: MessagingServerError.self) { try samePort.validate() }
        #expect(portError?.key == "modem[2].modem")

        // Discovery would take the first stick it finds, maybe the other modem's.
        var automatic = configuration
        automatic.additionalModems[0].modem = .automatic
        let automaticError = #expect(throws: MessagingServerError.self) { try automatic.validate() }
        #expect(automaticError?.key == "modem[2].modem")
        #expect(automaticError?.description.contains("by-id") == true)

        // Another database file in the same directory: its identity and PIN record would be shared.
        var sameDirectory = configuration
        sameDirectory.additionalModems[0].database = .file(path: scratch.path("modem1/other.sqlite"))
        let directoryError = #expect(throws: MessagingServerError.self) { try sameDirectory.validate() }
        #expect(directoryError?.key == "modem[2].database")

        // A key of the second modem is named with its position.
        var badPIN = configuration
        badPIN.additionalModems[0].pin = "12"
        let pinError = #expect(throws: MessagingServerError.self) { try badPIN.validate() }
        #expect(pinError?.key == "modem[2].pin")

        // Fixed HTTP ports: one per modem, consecutive.
        var fixed = configuration
        fixed.httpPort = 8080
        #expect(fixed.modemConfigurations().map(\.httpPort) == [8080, 8081])
        fixed.httpPort = 65535
        let portRange = #expect(throws: MessagingServerError.self) { try fixed.validate() }
        #expect(portRange?.key == "modem[2].httpPort")
    }
}
