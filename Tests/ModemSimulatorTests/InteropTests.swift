import Foundation
import Testing

/// Third-party AT clients from Debian against `modemctl simulate` on pseudo-terminals (issue 5).
@Suite(.serialized) struct InteropTests {
    @Test func modemctlSimulatePrintsOneLinePerModem() async throws {
        let modemctl = try #require(Interop.modemctl(), "modemctl must be built next to the tests")
        let sim = try await SimulatorProcess(modemctl: modemctl, count: 2, arguments: ["--profile", "quectel-ec25"])
        defer { sim.stop() }
        #expect(sim.modems.map(\.number) == ["+15550000001", "+15550000002"])
        #expect(sim.modems.map(\.profile) == ["quectel-ec25", "quectel-ec25"])
        #expect(sim.modems.map(\.imsi) == ["001010000000001", "001010000000002"])
        for modem in sim.modems {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: modem.link)
            #expect(target.hasPrefix("/dev/pts/"))
        }
    }

    @Test func gammuIdentifiesListsReadsSendsAndDeletes() async throws {
        guard let gammu = Interop.find("gammu") else {
            print("skipping gammu interop: gammu not found (install the Debian package 'gammu')")
            return
        }
        let modemctl = try #require(Interop.modemctl(), "modemctl must be built next to the tests")
        let sim = try await SimulatorProcess(modemctl: modemctl, count: 2)
        defer { sim.stop() }
        func config(_ n: Int) throws -> String {
            let url = sim.directory.appendingPathComponent("gammurc\(n)")
            try "[gammu]\ndevice = \(sim.modems[n - 1].link)\nconnection = at\n".write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let rc1 = try config(1)
        let rc2 = try config(2)

        let (identifyStatus, identify) = try await Interop.run(gammu, ["-c", rc1, "identify"])
        #expect(identifyStatus == 0, "\(identify)")
        #expect(identify.contains("Huawei"))
        #expect(identify.contains("E3372"))
        #expect(identify.contains("001010000000001"))

        let (sendStatus, send) = try await Interop.run(gammu, ["-c", rc1, "sendsms", "TEXT", "+15550000002", "-text", "hello from gammu"])
        #expect(sendStatus == 0, "\(send)")
        #expect(send.contains("message reference="))

        var listing = ""
        let arrived = try await Interop.eventually(timeout: .seconds(30)) {
            listing = try await Interop.run(gammu, ["-c", rc2, "getallsms"]).1
            return listing.contains("hello from gammu")
        }
        #expect(arrived, "\(listing)")
        #expect(listing.contains("+15550000001"))

        let (getStatus, get) = try await Interop.run(gammu, ["-c", rc2, "getsms", "1", "1"])
        #expect(getStatus == 0, "\(get)")
        #expect(get.contains("hello from gammu"))
        #expect(get.contains("Read"))

        let (deleteStatus, delete) = try await Interop.run(gammu, ["-c", rc2, "deletesms", "1", "1"])
        #expect(deleteStatus == 0, "\(delete)")
        let (_, after) = try await Interop.run(gammu, ["-c", rc2, "getallsms"])
        #expect(!after.contains("hello from gammu"))
        #expect(after.contains("0 SMS parts in 0 SMS sequences"))

        // The echo subscriber answers through the same path.
        _ = try await Interop.run(gammu, ["-c", rc1, "sendsms", "TEXT", "+15550000099", "-text", "ping"])
        var echoed = ""
        let answered = try await Interop.eventually(timeout: .seconds(30)) {
            echoed = try await Interop.run(gammu, ["-c", rc1, "getallsms"]).1
            return echoed.contains("echo: ping")
        }
        #expect(answered, "\(echoed)")
    }

    @Test func smstoolsSendsFromOutgoingAndReceivesIntoIncoming() async throws {
        guard let smsd = Interop.find("smsd") else {
            print("skipping smstools interop: smsd not found (install the Debian package 'smstools')")
            return
        }
        let modemctl = try #require(Interop.modemctl(), "modemctl must be built next to the tests")
        let sim = try await SimulatorProcess(modemctl: modemctl, count: 2)
        defer { sim.stop() }
        let dir = try Interop.temporaryDirectory("smsd")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["outgoing", "checked", "incoming", "failed", "sent"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        // GSM1 only sends, GSM2 only receives, so the message crosses the simulated network. Huawei numbers
        // slots from 0, hence memory_start = 0 (what smsd itself advises for such modems).
        let conf = """
            devices = GSM1, GSM2
            logfile = \(dir.path)/smsd.log
            loglevel = 7
            outgoing = \(dir.path)/outgoing
            checked = \(dir.path)/checked
            incoming = \(dir.path)/incoming
            failed = \(dir.path)/failed
            sent = \(dir.path)/sent
            infofile = \(dir.path)/smsd.working
            pidfile = \(dir.path)/smsd.pid

            [GSM1]
            device = \(sim.modems[0].link)
            incoming = no
            baudrate = 115200

            [GSM2]
            device = \(sim.modems[1].link)
            incoming = yes
            outgoing = no
            memory_start = 0
            baudrate = 115200

            """
        let confURL = dir.appendingPathComponent("smsd.conf")
        try conf.write(to: confURL, atomically: true, encoding: .utf8)
        try "To: 15550000002\n\nhello from smsd\n".write(
            to: dir.appendingPathComponent("outgoing/test1"), atomically: true, encoding: .utf8
        )
        let daemon = Process()
        // -t: stay in the foreground, so the test owns and ends the process. The test runner ignores SIGTERM and
        // smsd would inherit that; env --default-signal (coreutils ≥ 8.31) restores it so smsd can be stopped.
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        daemon.arguments = ["--default-signal=TERM", smsd, "-c\(confURL.path)", "-t"]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { Interop.stop(daemon) }
        let sent = await Interop.eventually(timeout: .seconds(60)) {
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("sent/test1").path)
        }
        let log = { (try? String(contentsOf: dir.appendingPathComponent("smsd.log"), encoding: .utf8)) ?? "" }
        #expect(sent, "\(log().suffix(3000))")
        var received = ""
        let arrived = await Interop.eventually(timeout: .seconds(60)) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("incoming").path)) ?? []
            received = files.compactMap {
                try? String(contentsOf: dir.appendingPathComponent("incoming/\($0)"), encoding: .utf8)
            }.joined()
            return received.contains("hello from smsd")
        }
        #expect(arrived, "\(log().suffix(3000))")
        #expect(received.contains("From: 15550000001"))
    }
}
