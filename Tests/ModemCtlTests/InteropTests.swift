import Foundation
import TestSupport
import Testing

/// `modemctl simulate` as a separate process, and third-party AT clients from Debian (gammu, smstools) against it
/// on pseudo-terminals.
@Suite(.serialized) struct InteropTests {
    @Test func modemctlSimulatePrintsOneLinePerModem() async throws {
        let modemctl = try BuiltProducts.executable("modemctl").path
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

    @Test func stateFileKeepsStoresAcrossRuns() async throws {
        let modemctl = try BuiltProducts.executable("modemctl").path
        let dir = try Interop.temporaryDirectory("simstate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let stateFile = dir.appendingPathComponent("state.json").path
        let pdu = "0011000B915155000000F20000A705E8329BFD06"
        do {
            let sim = try await SimulatorProcess(
                modemctl: modemctl,
                count: 1,
                arguments: ["--state", stateFile, "--profile", "simcom-sim800"]
            )
            defer { sim.stop() }
            let client = try PTYClient(path: sim.modems[0].link)
            #expect(client.command("ATE0").hasSuffix("OK\r\n"))
            client.write("AT+CMGW=19\r")
            #expect(client.read(until: "> ").hasSuffix("> "))
            client.write(pdu + "\u{1A}")
            #expect(client.read(until: "OK\r\n").contains("+CMGW: 1"))
            await sim.stopAndWait()
        }
        // SIGTERM saved the stores; a new run with the same file has the message.
        #expect(FileManager.default.fileExists(atPath: stateFile))
        let sim = try await SimulatorProcess(
            modemctl: modemctl,
            count: 1,
            arguments: ["--state", stateFile, "--profile", "simcom-sim800"]
        )
        defer { sim.stop() }
        let client = try PTYClient(path: sim.modems[0].link)
        _ = client.command("ATE0")
        let listing = client.command("AT+CMGL=4")
        #expect(listing.contains("+CMGL: 1,2,,19\r\n\(pdu)\r\n"), "\(listing)")
    }

    @Test func gammuIdentifiesListsReadsSendsAndDeletes() async throws {
        let gammu = try #require(
            Interop.find("gammu"),
            "gammu not found: install the Debian package 'gammu' (scripts/test does)"
        )
        let modemctl = try BuiltProducts.executable("modemctl").path
        let sim = try await SimulatorProcess(modemctl: modemctl, count: 2)
        defer { sim.stop() }
        func config(_ n: Int) throws -> String {
            let url = sim.directory.appendingPathComponent("gammurc\(n)")
            try "[gammu]\ndevice = \(sim.modems[n - 1].link)\nconnection = at\n".write(
                to: url,
                atomically: true,
                encoding: .utf8
            )
            return url.path
        }
        let rc1 = try config(1)
        let rc2 = try config(2)

        let (identifyStatus, identify) = try await Interop.run(gammu, ["-c", rc1, "identify"])
        #expect(identifyStatus == 0, "\(identify)")
        #expect(identify.contains("Huawei"))
        #expect(identify.contains("E3372"))
        #expect(identify.contains("001010000000001"))

        let (sendStatus, send) = try await Interop.run(
            gammu,
            ["-c", rc1, "sendsms", "TEXT", "+15550000002", "-text", "hello from gammu"]
        )
        #expect(sendStatus == 0, "\(send)")
        #expect(send.contains("message reference="))

        var listing = ""
        try await eventually("gammu lists it: \(listing)", timeout: .seconds(30), interval: .milliseconds(200)) {
            listing = try await Interop.run(gammu, ["-c", rc2, "getallsms"]).1
            return listing.contains("hello from gammu")
        }
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
        try await eventually("the echo reply: \(echoed)", timeout: .seconds(30), interval: .milliseconds(200)) {
            echoed = try await Interop.run(gammu, ["-c", rc1, "getallsms"]).1
            return echoed.contains("echo: ping")
        }
    }

    @Test func smstoolsSendsFromOutgoingAndReceivesIntoIncoming() async throws {
        let smsd = try #require(
            Interop.find("smsd"),
            "smsd not found: install the Debian package 'smstools' (scripts/test does)"
        )
        let modemctl = try BuiltProducts.executable("modemctl").path
        let sim = try await SimulatorProcess(modemctl: modemctl, count: 2)
        defer { sim.stop() }
        let dir = try Interop.temporaryDirectory("smsd")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["outgoing", "checked", "incoming", "failed", "sent"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub),
                withIntermediateDirectories: true
            )
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
            to: dir.appendingPathComponent("outgoing/test1"),
            atomically: true,
            encoding: .utf8
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
        let log = { (try? String(contentsOf: dir.appendingPathComponent("smsd.log"), encoding: .utf8)) ?? "" }
        try await eventually("sent/test1: \(log().suffix(3000))", timeout: .seconds(60), interval: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("sent/test1").path)
        }
        var received = ""
        try await eventually("incoming: \(log().suffix(3000))", timeout: .seconds(60), interval: .milliseconds(200)) {
            let files =
                (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("incoming").path))
                ?? []
            received = files.compactMap {
                try? String(contentsOf: dir.appendingPathComponent("incoming/\($0)"), encoding: .utf8)
            }.joined()
            return received.contains("hello from smsd")
        }
        #expect(received.contains("From: 15550000001"))
    }
}
