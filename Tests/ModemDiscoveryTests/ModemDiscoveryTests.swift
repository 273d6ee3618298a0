import Logging
import Modem
import ModemDiscovery
import ModemSimulator
import Synchronization
import Testing

@Suite struct ModemDiscoveryTests {
    static let logger = Logger(label: "test.discovery", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A probe that answers for `answering` only and records the order it was asked in.
    final class ScriptedProbe: Sendable {
        let answering: Set<String>
        let asked = Mutex<[String]>([])

        init(answering: Set<String>) { self.answering = answering }

        var probe: ATPortProbe {
            { devnode in
                self.asked.withLock { $0.append(devnode) }
                return self.answering.contains(devnode) ? .answered : .silent
            }
        }
    }

    @Test func scanProbesCandidatesInOrderAndStopsAtTheFirstAnswer() async throws {
        let interfaces = (0...3).map { Records.interface($0) }
        let device = Records.device("1e0e:9999", interfaces: interfaces)
        let ttys = Records.ttys(of: device, interfaces)
        let script = ScriptedProbe(answering: ["/dev/ttyUSB1", "/dev/ttyUSB3"])
        let discovery = ModemDiscovery(snapshot: { ([device], ttys) }, probe: script.probe)
        let report = try await discovery.scan()
        #expect(report.problems.isEmpty)
        let modem = try #require(report.modems.first)
        #expect(modem.atPort == "/dev/ttyUSB1")
        #expect(modem.selection == .probe)
        #expect(script.asked.withLock { $0 } == ["/dev/ttyUSB0", "/dev/ttyUSB1"])
        #expect(await discovery.locate() == "/dev/ttyUSB1")
    }

    @Test func locateChoosesAmongSeveralSticks() async {
        let interfaces = (0...3).map { Records.interface($0) }
        let first = Records.device("2c7c:0125", path: "/sys/devices/usb1/1-1", serial: "A", interfaces: interfaces)
        let second = Records.device("1e0e:9001", path: "/sys/devices/usb1/1-2", serial: "B", interfaces: interfaces)
        let ttys = Records.ttys(of: first, interfaces) + Records.ttys(of: second, interfaces, first: 4)
        let discovery = ModemDiscovery(snapshot: { ([first, second], ttys) }, probe: { _ in .silent })
        #expect(await discovery.locate() == "/dev/ttyUSB2")
        #expect(await discovery.locate(where: { $0.serial == "B" }) == "/dev/ttyUSB6")
        #expect(await discovery.locate(where: { $0.id.vendor == 0x1199 }) == nil)
    }

    @Test func aStickWhosePortsAllStaySilentIsAProblemAndTableHitsAreNotProbed() async throws {
        let interfaces = (0...1).map { Records.interface($0) }
        let silent = Records.device("1e0e:9999", path: "/sys/devices/usb1/1-1", interfaces: interfaces)
        let quectelInterfaces = (0...3).map { Records.interface($0) }
        let quectel = Records.device("2c7c:0125", path: "/sys/devices/usb1/1-2", interfaces: quectelInterfaces)
        let hilink = Records.device("12d1:14dc", path: "/sys/devices/usb1/1-3")
        let ttys = Records.ttys(of: silent, interfaces, first: 10) + Records.ttys(of: quectel, quectelInterfaces)
        let script = ScriptedProbe(answering: [])
        let discovery = ModemDiscovery(snapshot: { ([silent, quectel, hilink], ttys) }, probe: script.probe)
        let report = try await discovery.scan()
        #expect(report.modems.map(\.atPort) == ["/dev/ttyUSB2"])
        #expect(report.problems.map(\.kind) == [.noAnswer, .networkOnly])
        #expect(report.problems.first?.advice.contains("ModemManager") == true)
        #expect(script.asked.withLock { $0 } == ["/dev/ttyUSB10", "/dev/ttyUSB11"])
    }

    @Test func nothingPluggedInLocatesNothing() async {
        let discovery = ModemDiscovery(snapshot: { ([], []) }, probe: { _ in .answered })
        #expect(await discovery.locate() == nil)
    }

    // MARK: - The real probe on pseudo-terminals

    @Test func theSerialProbeHearsASimulatedModemOnAPTY() async throws {
        let network = SimulatedNetwork(logger: Self.logger)
        let simulated = await network.makeModem(profile: .quectelEC25)
        let pty = try PseudoTerminal()
        let serve = Task { try? await simulated.serve(pty) }
        defer { serve.cancel() }
        let probe = ATPortProbes.serial(timeout: .seconds(5), logger: Self.logger)
        #expect(await probe(pty.slavePath) == .answered)
    }

    @Test func theSerialProbeReportsSilenceAndMissingPorts() async throws {
        // Nobody serves this pty's master: the AT goes unanswered.
        let pty = try PseudoTerminal()
        let probe = ATPortProbes.serial(timeout: .seconds(1), attempts: 1, logger: Self.logger)
        #expect(await probe(pty.slavePath) == .silent)
        guard case .unavailable(let reason) = await probe("/dev/ttyNoSuchModem") else {
            Issue.record("a missing port must be unavailable")
            return
        }
        #expect(reason.contains("/dev/ttyNoSuchModem"))
        await pty.close()
    }
}
