import Foundation
import Logging
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL the service mid-mirror and mid-send, restart it, and check that nothing was lost or duplicated.
/// The service runs in `MessagingCrashHarness` processes; this process owns the simulated modem
/// (on a pty) and network, which survive the kills as a real dongle and network would.
@Suite(.serialized)
struct CrashRecoveryTests {
    @Test func killedMidMirrorNothingIsLostOrDuplicated() async throws {
        let rig = try await CrashRig()
        let half = 15
        let total = 2 * half
        for number in 0..<half {
            await rig.network.injectText("stored \(number)", from: "+15550000077", to: rig.simulated.number)
        }
        // 1. Killed as soon as it is up: its first pass is under way (usually nothing committed yet).
        try await rig.launch()
        try await rig.kill()
        let importedAtFirstKill = try await rig.receivedTexts().count

        // 2. Killed between the import commit and the deletion from the SIM. To land in that window every time,
        //    this run keeps the messages on the SIM (policy keep-on-sim), which is the state a crash right after
        //    the commit leaves behind.
        for number in half..<total {
            await rig.network.injectText("stored \(number)", from: "+15550000077", to: rig.simulated.number)
        }
        try await rig.launch(extra: ["--policy", "keep-on-sim"])
        try await eventually("everything committed", timeout: .seconds(60)) {
            try await rig.receivedTexts().count == total
        }
        try await rig.kill()
        let sim = await rig.simulated.storedMessages(in: .sim)
        let phone = await rig.simulated.storedMessages(in: .phone)
        #expect(sim.count + phone.count > 0, "imported messages still on the modem at the kill")

        // 3. Restarted with the default policy (move): the leftovers are recognised as imported and only deleted.
        try await rig.launch()
        try await eventually("SIM emptied", timeout: .seconds(60)) {
            let sim = await rig.simulated.storedMessages(in: .sim)
            let phone = await rig.simulated.storedMessages(in: .phone)
            return sim.isEmpty && phone.isEmpty
        }
        let texts = try await rig.receivedTexts()
        #expect(texts.count == total, "no duplicates")
        #expect(Set(texts) == Set((0..<total).map { "stored \($0)" }), "nothing lost")
        print(
            "CrashRecoveryTests: mid-mirror kills: \(importedAtFirstKill) imported at the first, "
                + "\(sim.count + phone.count) imported messages still on the modem at the second"
        )
        try await rig.kill()
        await rig.close()
    }

    @Test func killedMidSendEveryMessageIsSentAtLeastOnce() async throws {
        let rig = try await CrashRig()
        let total = 8
        let destination = "+15550000055"
        try await rig.launch(extra: ["--send-to", destination, "--send-count", "\(total)", "--send-prefix", "out"])
        var kills = 0
        // Kill right after the network accepted a submission (the +CMGS answer may not be committed yet: the
        // at-least-once window), and once with an AT+CMGS swallowed in flight.
        for target in [2, 5] {
            _ = await rig.network.waitForSubmissions(target)
            try await rig.kill()
            kills += 1
            try await rig.launch()
        }
        _ = await rig.network.waitForSubmissions(6)
        await rig.simulated.stall()
        // The next AT+CMGS goes into the stalled modem; if the stall came after its "> " prompt, its PDU and
        // Ctrl-Z do (TS 27.005 §3.5.1). Either way a submission is in flight and unanswered at the kill.
        try await eventually("an AT+CMGS swallowed by the stalled modem", timeout: .seconds(60)) {
            let swallowed = await rig.simulated.inputSwallowedSinceStall
            return String(decoding: swallowed, as: UTF8.self).contains("AT+CMGS=") || swallowed.contains(0x1A)
        }
        try await rig.kill()
        kills += 1
        await rig.simulated.resume()
        try await rig.launch()
        try await eventually("all in Sent", timeout: .seconds(60)) {
            try await rig.store().search(StoreQuery(folder: .sent)).count == total
        }
        let submitted = await rig.network.submissions.filter { $0.to.hasSuffix("5550000055") }.map(\.text)
        #expect(Set(submitted) == Set((0..<total).map { "out \($0)" }), "every message reached the network")
        #expect(submitted.count <= total + kills, "at most one duplicate per kill (at-least-once)")
        #expect(try await rig.store().search(StoreQuery(folder: .outgoing)).isEmpty)
        print("CrashRecoveryTests: \(kills) kills mid-send, \(submitted.count) submissions for \(total) messages")
        try await rig.kill()
        await rig.close()
    }
}

/// A simulated modem on a pty plus a database path, and the harness processes that use them.
final class CrashRig: @unchecked Sendable {
    // @unchecked: `process` and `openedStore` are only touched from the test's task.
    let network: SimulatedNetwork
    let simulated: SimulatedModem
    let pty: PseudoTerminal
    let directory: URL
    let databasePath: String
    /// The service as a separate process (Tests/MessagingCrashHarness), built beside the tests.
    let harness: URL
    private var process: Process?
    private var openedStore: MessageStore?
    private let serving: Task<Void, any Error>

    init() async throws {
        harness = try BuiltProducts.executable("MessagingCrashHarness")
        let logger = Logger(label: "crash-rig", factory: { _ in SwiftLogNoOpLogHandler() })
        network = SimulatedNetwork(logger: logger)
        simulated = await network.makeModem()
        _ = await network.makeModem()  // +15550000002: a subscriber without a device (its SMS wait in the SMSC)
        pty = try PseudoTerminal()
        let simulated = self.simulated
        let pty = self.pty
        serving = Task { try await simulated.serve(pty) }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = directory.appendingPathComponent("messages.sqlite").path
    }

    /// Starts a harness process and waits until it printed `ready`.
    func launch(extra: [String] = []) async throws {
        let process = Process()
        process.executableURL = harness
        process.arguments = ["--db", databasePath, "--device", pty.slavePath] + extra
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.process = process
        let handle = output.fileHandleForReading
        // Blocking reads go to a thread of their own (TestSupport): the cooperative pool (two threads here) must
        // stay free for the simulator and the rest of the suite. Bounded: the harness prints one short line.
        try await onDedicatedThread {
            var received = Data()
            while !received.contains(UInt8(ascii: "\n")), received.count < 65_536 {
                let chunk = handle.availableData
                if chunk.isEmpty { throw HarnessFailed(reason: "harness exited before ready") }
                received.append(chunk)
            }
        }
    }

    /// SIGKILLs the running harness and reaps it.
    func kill() async throws {
        guard let process else { return }
        self.process = nil
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try await onDedicatedThread { process.waitUntilExit() }
    }

    /// The database, opened in this process (WAL: reads while the harness writes).
    func store() throws -> MessageStore {
        if let openedStore { return openedStore }
        let store = try MessageStore(path: databasePath)
        openedStore = store
        return store
    }

    func receivedTexts() async throws -> [String] {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        var texts: [String] = []
        for summary in try await store().search(StoreQuery(folder: .received)) {
            if let id = summary.message.id, let text = try await store().message(id: id)?.message.text {
                texts.append(text)
            }
        }
        return texts
    }

    func close() async {
        try? await kill()
        serving.cancel()
        await pty.close()
        openedStore = nil
        try? FileManager.default.removeItem(at: directory)
    }
}

struct HarnessFailed: Error {
    var reason: String
}
