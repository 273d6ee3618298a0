import Foundation
import Logging
import Messaging
import MessagingServer
import Modem
import ModemSimulator
import TestSupport
import Testing

/// `messagingd --device <link>` as a library: the modem runs under the supervisor on a real serial port (a pty
/// served by the simulated modem), found through a `/dev/serial/by-id`-style link that does not exist yet when the
/// server starts.
@Suite struct SupervisedServerTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func attempts(_ state: ModemSupervisor.State) -> Int {
        if case .waitingForDevice(let attempt) = state { return attempt }
        return -1
    }

    @Test func theServerRunsWithoutItsModemAndTakesItWhenItAppears() async throws {
        let scratch = try ScratchDirectory("supervised-server")
        defer { scratch.remove() }
        let link = scratch.path("usb-HUAWEI_Mobile-if02-port0")
        let pty = try PseudoTerminal()
        let network = SimulatedNetwork(logger: Self.logger)
        let simulated = await network.makeModem(profile: .huaweiE3372)

        var configuration = MessagingServerConfiguration(modem: .serial(path: link))
        configuration.interfaces = ["lo"]
        configuration.database = .file(path: scratch.path("messages.sqlite"))
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        let server = try await MessagingServer(configuration: configuration, logger: Self.logger)
        let supervisor = try #require(server.modemSupervisor)

        let running = Task { try await server.run() }
        let serving = Task { try? await simulated.serve(pty) }
        defer {
            serving.cancel()
            running.cancel()
        }
        // Serving with no modem: the device listens, the supervisor waits for the port.
        _ = try await server.waitUntilRunning()
        try await eventually("waiting for the device") { Self.attempts(supervisor.status.state) >= 1 }
        #expect(supervisor.status.isReady == false)
        // /health says what the supervisor is doing, without asking the absent modem.
        let waiting = await server.health().modem
        #expect(waiting.state.rawValue == "waitingForDevice")
        #expect(waiting.supervision?.device == nil)

        // The stick appears (udev creates its by-id link).
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: pty.slavePath)
        try await eventually("ready", timeout: .seconds(60)) { supervisor.status.isReady }
        let resolved = URL(fileURLWithPath: pty.slavePath).resolvingSymlinksInPath().path
        #expect(supervisor.status.devicePath == resolved)
        #expect(supervisor.status.profile == .huaweiE3372)
        let ready = await server.health().modem
        #expect(ready.state == .ready)
        #expect(ready.supervision?.device == resolved)
        #expect(ready.supervision?.restarts == 0)
        #expect(ready.supervision?.sim == nil)

        // Messages flow: one arrives and is mirrored.
        await network.injectText("hello", from: "+15550000077", to: simulated.number)
        try await eventually("imported", timeout: .seconds(60)) {
            try await server.messaging.mirrorStatus().importedParts == 1
        }
        // No PIN was involved: nothing is remembered beside the database.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("rejected-pin")))

        await server.triggerGracefulShutdown()
        try await running.value  // run() returned without an error.
    }
}
