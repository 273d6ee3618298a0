#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import MessageStore
import Modem
import ModemSimulator
import TestSupport
import Testing

@testable import Messaging

/// SIGKILL the service mid-mirror and mid-send, restart it, and check that nothing was lost or duplicated
/// (issue 7 "Tests"). The service runs in `MessagingCrashHarness` processes; this process owns the simulated modem
/// (on a pty) and network, which survive the kills as a real dongle and network would.
@Suite(.serialized, .enabled(if: CrashRig.harnessExists, "MessagingCrashHarness is not built (run swift build)"))
struct CrashRecoveryTests {
    @Test func killedMidMirrorNothingIsLostOrDuplicated() async throws {
        let rig = try await CrashRig()
        let total = 30
        for number in 0..<total {
            await rig.network.injectText("stored \(number)", from: "+15550000077", to: rig.simulated.number)
        }
        var kills = 0
        var countsAtKill: [Int] = []
        var onModemAtKill: [Int] = [total]
        // First a kill as soon as the harness is up: its first pass is under way, nothing committed yet.
        try await rig.launch()
        try rig.kill()
        kills += 1
        countsAtKill.append(try await rig.receivedTexts().count)
        for round in 0..<3 {
            try await rig.launch()
            // Wait until the pass has imported some but not all, then freeze the modem so the child is caught
            // mid-pass (often between the import commit and the +CMGD), and kill it.
            try await rig.eventually("import under way (round \(round))") {
                let count = try await rig.receivedTexts().count
                return count > round * 5
            }
            await rig.simulated.stall()
            try rig.kill()
            kills += 1
            countsAtKill.append(try await rig.receivedTexts().count)
            let sim = await rig.simulated.storedMessages(in: .sim)
            let phone = await rig.simulated.storedMessages(in: .phone)
            onModemAtKill.append(sim.count + phone.count)
            await rig.simulated.resume()
            if countsAtKill.last == total { break }
        }
        try await rig.launch()
        try await rig.eventually("every message imported") { try await rig.receivedTexts().count == total }
        try await rig.eventually("SIM emptied") {
            let sim = await rig.simulated.storedMessages(in: .sim)
            let phone = await rig.simulated.storedMessages(in: .phone)
            return sim.isEmpty && phone.isEmpty
        }
        let texts = try await rig.receivedTexts()
        #expect(texts.count == total, "no duplicates")
        #expect(Set(texts) == Set((0..<total).map { "stored \($0)" }), "nothing lost")
        // At least one kill landed mid-pass: messages already committed while messages were still on the modem
        // (not yet imported, or imported and not yet deleted: the commit → delete window).
        #expect(
            zip(countsAtKill, onModemAtKill).contains { $0 > 0 && $1 > 0 },
            "imported \(countsAtKill), on the modem \(onModemAtKill)"
        )
        print(
            "CrashRecoveryTests: \(kills) kills mid-mirror; imported at each kill \(countsAtKill), "
                + "still on the modem \(onModemAtKill)"
        )
        try rig.kill()
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
            try rig.kill()
            kills += 1
            try await rig.launch()
        }
        _ = await rig.network.waitForSubmissions(6)
        await rig.simulated.stall()
        try await Task.sleep(for: .milliseconds(50))  // the next AT+CMGS goes into the stalled modem
        try rig.kill()
        kills += 1
        await rig.simulated.resume()
        try await rig.launch()
        try await rig.eventually("all in Sent") {
            try await rig.store().search(StoreQuery(folder: "Sent")).count == total
        }
        let submitted = await rig.network.submissions.filter { $0.to.hasSuffix("5550000055") }.map(\.text)
        #expect(Set(submitted) == Set((0..<total).map { "out \($0)" }), "every message reached the network")
        #expect(submitted.count <= total + kills, "at most one duplicate per kill (at-least-once)")
        #expect(try await rig.store().search(StoreQuery(folder: "Outgoing")).isEmpty)
        print("CrashRecoveryTests: \(kills) kills mid-send, \(submitted.count) submissions for \(total) messages")
        try rig.kill()
        await rig.close()
    }
}

/// A simulated modem on a pty plus a database path, and the harness processes that use them.
final class CrashRig: @unchecked Sendable {
    // @unchecked: `process` and `openedStore` are only touched from the test's task.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let harness = root.appendingPathComponent(".build/debug/MessagingCrashHarness").path
    static var harnessExists: Bool { FileManager.default.isExecutableFile(atPath: harness) }

    let network: SimulatedNetwork
    let simulated: SimulatedModem
    let pty: PseudoTerminal
    let directory: URL
    let databasePath: String
    private var process: Process?
    private var openedStore: MessageStore?
    private let serving: Task<Void, any Error>

    init() async throws {
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
        process.executableURL = URL(fileURLWithPath: Self.harness)
        process.arguments = ["--db", databasePath, "--device", pty.slavePath] + extra
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.process = process
        // Bounded: the harness prints one short line; 64 KiB without it means something is badly wrong. The reads
        // block, so they run on a thread of their own, never on the cooperative pool (TestSupport).
        let handle = output.fileHandleForReading
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
    func kill() throws {
        guard let process else { return }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
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
        for summary in try await store().search(StoreQuery(folder: "Received")) {
            if let id = summary.message.id, let text = try await store().message(id: id)?.message.text {
                texts.append(text)
            }
        }
        return texts
    }

    func eventually(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("timed out waiting for: \(what)")
        throw HarnessFailed(reason: what)
    }

    func close() async {
        try? kill()
        serving.cancel()
        await pty.close()
        openedStore = nil
        try? FileManager.default.removeItem(at: directory)
    }
}

struct HarnessFailed: Error {
    var reason: String
}
