import Foundation
import HTTPTestSupport
import Logging
import MessagingServer
import MessagingUPnP
import Modem
import ModemSimulator
import TestSupport
import Testing
import UPnP

/// `messagingd` as a separate process with a configuration file of two `[[modem]]` entries, each on a pty served by
/// a simulated modem of one network: two devices found by one M-SEARCH, a message sent by device 1 to modem 2's
/// number lands in modem 2's database only, and the UDNs stay the same across a restart.
@Suite struct MessagingdMultiModemTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func udn(database: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: database + ".device.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(object?["udn"] as? String)
    }

    @Test func twoModemEntriesAreTwoDevicesWithTheirOwnDatabases() async throws {
        let messagingd = try BuiltProducts.executable("messagingd")
        let scratch = try ScratchDirectory("messagingd-multi")
        defer { scratch.remove() }
        let network = SimulatedNetwork(logger: Self.logger)
        let modems = [await network.makeModem(profile: .huaweiE3372), await network.makeModem(profile: .huaweiE3372)]
        let ptys = [try PseudoTerminal(), try PseudoTerminal()]
        let serving = zip(modems, ptys).map { modem, pty in Task { try? await modem.serve(pty) } }
        defer { for task in serving { task.cancel() } }
        let databases = [scratch.path("modem1/messages.sqlite"), scratch.path("modem2/messages.sqlite")]
        let ssdpPort = try await MessagingServer.freeUDPPort()
        let config = scratch.path("messagingd.conf")
        try """
        log-level = "info"
        [network]
        interfaces = ["lo"]
        http-port = 0
        ssdp-port = \(ssdpPort)
        [[modem]]
        device = "\(ptys[0].slavePath)"
        database = "\(databases[0])"
        [[modem]]
        device = "\(ptys[1].slavePath)"
        database = "\(databases[1])"
        name = "Second SIM"
        """.write(toFile: config, atomically: true, encoding: .utf8)

        var udns: [String] = []
        for run in 1...2 {
            let daemon = try RunningProcess(
                messagingd,
                ["--config", config]
            )
            defer { daemon.signal(SIGKILL) }
            try await eventually("both modems ready", timeout: .seconds(90)) {
                daemon.stderr.components(separatedBy: "modem ready").count - 1 == 2
            }
            let current = try databases.map(Self.udn(database:))
            #expect(current[0] != current[1])
            if udns.isEmpty { udns = current }
            // The same UDNs after a restart: each kept beside its own database.
            #expect(current == udns)

            // Both devices answer one M-SEARCH on the shared SSDP port.
            let found = try await withTimeout(seconds: 30) {
                try await SSDPSearch.devices(
                    answering: MessagingServiceDescription.deviceType,
                    port: ssdpPort
                )
            }
            let locations = try udns.map { try #require(found[$0].flatMap(URL.init(string:))) }
            #expect(locations[0].port != locations[1].port)

            if run == 1 {
                // Device 1 sends to modem 2's number, over SOAP.
                let port = try #require(locations[0].port)
                let description = try await TestHTTPConnection.request(port: port, path: locations[0].path)
                let controlPath = try #require(
                    XMLDocumentParser.parse(description.body).firstElement(named: "device")?
                        .firstElement(named: "serviceList")?.firstElement(named: "service")?
                        .firstElement(named: "controlURL")?.text
                )
                let message = """
                    <?xml version="1.0" encoding="UTF-8"?><messaging:message \
                    xmlns:messaging="urn:schemas-upnp-org:phone:messaging" xmlns:peer="urn:schemas-upnp-org:phone:peer">\
                    <messageID></messageID><messageClass>SMS</messageClass><messageFolder></messageFolder>\
                    <messageStatus></messageStatus><recipientsList><recipientTo><peer:id>\(modems[1].number)</peer:id>\
                    </recipientTo></recipientsList><text>from one to two</text></messaging:message>
                    """
                let sent = try await MessagingServerTests.call(
                    port: port,
                    controlPath: controlPath,
                    action: "SendMessage",
                    arguments: [("MessageToSend", message)]
                )
                #expect(sent["MessageID"]?.isEmpty == false)
                try await eventually("received by modem 2", timeout: .seconds(90)) {
                    try await MessagingdReplugTests.receivedTexts(database: databases[1]) == ["from one to two"]
                }
            }
            #expect(try await daemon.terminate() == 0)
        }
        // Read back after the stop: each database holds only its own modem's messages.
        #expect(try await MessagingdReplugTests.receivedTexts(database: databases[0]).isEmpty)
        #expect(try await MessagingdReplugTests.receivedTexts(database: databases[1]) == ["from one to two"])
    }
}
