import Foundation
import Logging
import MessageStore
import Messaging
import MessagingUPnP
import Modem
import ModemSimulator
import ServiceLifecycle
import UPnP

/// The daemon's stack as `messagingd --simulate` wires it (Sources/messagingd/MessagingDaemon.swift), with the
/// device on `lo`, HTTP and SSDP on ephemeral ports and the database in a temporary directory; the simulator and
/// the driver run in the same `SimulatedModemService` and `ATModemService` as in the daemon.
struct Stack {
    let network: SimulatedNetwork
    let ownNumber: String
    let messaging: MessagingService
    let device: UPnPDevice
    let group: ServiceGroup
    let directory: URL

    init(logger: Logger) async throws {
        let network = SimulatedNetwork(logger: Logger(label: "simulator"))
        let simulated = await network.makeModem()
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, logger: Logger(label: "modem"))
        let ownNumber = SimulatedNetwork.number(ofModem: 1)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notify-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try MessageStore(path: directory.appendingPathComponent("messages.sqlite").path)
        var configuration = MessagingConfiguration()
        configuration.ownNumber = ownNumber
        let messaging = MessagingService(
            store: store,
            modem: modem,
            configuration: configuration,
            logger: Logger(label: "messaging")
        )
        let binding = MessagingUPnPService(service: messaging, logger: Logger(label: "messaging.upnp"))
        let device = try UPnPDevice(
            configuration: UPnPDeviceConfiguration(
                deviceType: MessagingServiceDescription.deviceType,
                friendlyName: "NotifyLatencyBench (simulated \(ownNumber))",
                udn: UPnPDeviceConfiguration.makeUDN(),
                manufacturer: "ModemMessaging",
                modelName: "NotifyLatencyBench",
                services: [binding],
                interfaces: ["lo"],
                httpPort: 0,
                ssdpPort: 0
            ),
            logger: Logger(label: "upnp")
        )
        // Dependency order, as messagingd: simulator → modem → service → binding → device.
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: SimulatedModemService(network: network, modem: simulated, transport: modemSide)),
            .init(service: ATModemService(modem: modem, logger: Logger(label: "modem"))),
            .init(service: messaging),
            .init(service: binding),
            .init(service: device),
        ]
        self.network = network
        self.ownNumber = ownNumber
        self.messaging = messaging
        self.device = device
        self.directory = directory
        self.group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger)
        )
    }
}
