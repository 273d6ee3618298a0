import Foundation
import Logging
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

/// `messagingd` as a separate process on a real pty served by the simulated modem, through a `by-id`-style link:
/// the stick is unplugged, a message arrives at the network meanwhile, and the stick comes back under another tty
/// name. The daemon stays up, takes the modem back, imports the held message once, and the database read back
/// after a clean stop has each message exactly once.
@Suite struct MessagingdReplugTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func receivedTexts(database: String) async throws -> [String] {
        let store = try MessageStore(path: database)
        var texts: [String] = []
        for summary in try await store.search(StoreQuery(folder: .received)) {
            if let id = summary.message.id, let text = try await store.message(id: id)?.message.text {
                texts.append(text)
            }
        }
        return texts
    }

    @Test func aReplugUnderANewTTYNameLosesNothingAndDuplicatesNothing() async throws {
        let messagingd = try BuiltProducts.executable("messagingd")
        let scratch = try ScratchDirectory("messagingd-replug")
        defer { scratch.remove() }
        let link = scratch.path("usb-HUAWEI_E3372-if00-port0")
        let database = scratch.path("messages.sqlite")
        let network = SimulatedNetwork(logger: Self.logger)
        let simulated = await network.makeModem(profile: .huaweiE3372)

        let first = try PseudoTerminal()
        // Opened now so that the kernel gives it another number than the first (a re-enumerated stick's new name).
        let second = try PseudoTerminal()
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: first.slavePath)
        let servingFirst = Task { try? await simulated.serve(first) }
        let daemon = try RunningProcess(
            messagingd,
            [
                "--device", link, "--interface", "lo", "--db", database, "--http-port", "0", "--ssdp-port", "0",
                "--log-level", "info",
            ]
        )
        defer { daemon.signal(SIGKILL) }

        try await eventually("modem ready", timeout: .seconds(60)) { daemon.stderr.contains("modem ready") }
        await network.injectText("before", from: "+15550000077", to: simulated.number)
        try await eventually("first message stored", timeout: .seconds(60)) {
            try await Self.receivedTexts(database: database) == ["before"]
        }

        // Unplugged: the tty goes away, and the network holds what arrives meanwhile.
        await simulated.unplug()
        _ = await servingFirst.value
        try FileManager.default.removeItem(atPath: link)
        await network.injectText("while away", from: "+15550000077", to: simulated.number)
        try await eventually("the daemon noticed", timeout: .seconds(60)) {
            daemon.stderr.contains("waitingForDevice")
        }
        #expect(!daemon.hasExited)
        #expect(await network.queuedCount(for: simulated.number) == 1)

        // Back, under another tty name.
        #expect(second.slavePath != first.slavePath)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: second.slavePath)
        let servingSecond = Task { try? await simulated.serve(second) }
        defer { servingSecond.cancel() }
        try await eventually("the held message imported", timeout: .seconds(90)) {
            try await Self.receivedTexts(database: database).count == 2
        }

        #expect(try await daemon.terminate() == 0)
        #expect(try await Self.receivedTexts(database: database) == ["before", "while away"])
        #expect(daemon.stderr.components(separatedBy: "modem ready").count - 1 == 2)
    }
}
