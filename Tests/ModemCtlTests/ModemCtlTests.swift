import Foundation
import Logging
import Modem
import ModemSimulator
import SMSCodec
import TestSupport
import Testing

/// `modemctl probe|at|list|send --device D` as a separate process against the simulated modem on a real pty.
@Suite struct ModemCtlTests {
    static let logger = Logger(label: "test.modemctl", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs the built `modemctl` with `arguments`.
    static func modemctl(_ arguments: [String]) async throws -> Subprocess.Run {
        try await Subprocess.run(try BuiltProducts.executable("modemctl"), arguments)
    }

    static func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func probeListSendAndATAgainstTheSimulatorOnAPTY() async throws {
        let network = SimulatedNetwork(logger: Self.logger)
        let simulated = await network.makeModem(profile: .simcomSIM7600)
        let pdu = try PDUHex.decode(
            "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
        )
        _ = await simulated.preload(pdu, status: .receivedUnread, in: .phone)
        _ = await simulated.preload(pdu, status: .receivedRead, in: .sim)
        let pty = try PseudoTerminal()
        // The simulator serves the master for the whole test; each modemctl run opens and closes the slave.
        let serve = Task { try? await simulated.serve(pty) }
        defer { serve.cancel() }
        let device = pty.slavePath

        let probe = try await Self.modemctl(["probe", "--device", device, "--json"])
        #expect(probe.status == 0)
        let identity = try Self.json(probe.stdout)
        #expect(identity["imsi"] as? String == simulated.imsi)
        #expect(identity["iccid"] as? String == simulated.iccid)
        #expect(identity["profile"] as? String == "simcomSIM7600")

        let list = try await Self.modemctl(["list", "--device", device, "--json"])
        #expect(list.status == 0)
        let messages = try #require(try Self.json(list.stdout)["messages"] as? [[String: Any]])
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { ($0["decoded"] as? [String: Any])?["text"] as? String == "Hello raspberry pi" })

        let send = try await Self.modemctl([
            "send", "--device", device, "--to", "+15550000077", "--text", "from modemctl", "--json",
        ])
        #expect(send.status == 0)
        #expect((try Self.json(send.stdout)["references"] as? [Int])?.count == 1)
        let submissions = await network.waitForSubmissions(1)
        #expect(submissions.first?.text == "from modemctl")

        let at = try await Self.modemctl(["at", "--device", device, "AT+CSQ", "--json"])
        #expect(at.status == 0)
        #expect((try Self.json(at.stdout)["lines"] as? [String])?.first?.hasPrefix("+CSQ:") == true)
        let failing = try await Self.modemctl(["at", "--device", device, "AT+CMGR=999"])
        #expect(failing.status != 0)
        await pty.close()
    }

    @Test func everySubcommandThatLogsTakesAndChecksTheSameLogLevelFlag() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-dir-\(UUID())")
        let commands = [
            ["simulate", "--pty-link", missing.appendingPathComponent("tty").path],
            ["probe", "--device", missing.path], ["list", "--device", missing.path],
            ["send", "--device", missing.path, "--to", "+15550000077", "--text", "hi"],
            ["at", "--device", missing.path, "AT"],
        ]
        let usageError: Int32 = 64  // EX_USAGE: ArgumentParser's answer to a bad option value
        for command in commands {
            let unknown = try await Self.modemctl(command + ["--log-level", "loud"])
            #expect(unknown.status == usageError, "\(command[0]) accepted --log-level loud")
            // A known level passes validation; the command then fails on the missing path, not on its options.
            let known = try await Self.modemctl(command + ["--log-level", "trace"])
            #expect(known.status != usageError && known.status != 0, "\(command[0]) --log-level trace: \(known.status)")
        }
    }
}
