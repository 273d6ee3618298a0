import Foundation
import TestSupport
import Testing

/// `modemctl simulate` as a subprocess driven through its control channel (JSON lines on standard input): unplug,
/// plug under a new tty name, re-enumeration, reboot, hang, injected messages, and the quirk flags.
@Suite struct SimulateControlTests {
    /// Waits until the client's side of the pty reports a hang-up or EIO (the device vanished).
    static func hungUp(_ client: PTYClient, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 256)
        while ContinuousClock.now < deadline {
            var pfd = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            if pfd.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(client.fd, $0.baseAddress, $0.count) }
            if n == 0 || n < 0 && errno == EIO { return true }
        }
        return false
    }

    static func target(of link: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: link) }

    @Test func unplugPlugAndReenumerateUnderNewTTYNamesWithNothingLost() async throws {
        let sim = try await ControlledSimulator(arguments: ["--profile", "huawei-e173"])
        defer { sim.stop() }
        let first = try #require(sim.start[0]["tty"] as? String)
        #expect(Self.target(of: sim.link(1)) == first)
        let client = try PTYClient(path: sim.link(1))
        #expect(client.command("ATE0").hasSuffix("OK\r\n"))

        let unplugged = try await sim.control(["command": "unplug"])
        #expect(unplugged["ok"] as? Bool == true)
        #expect(Self.hungUp(client))
        #expect(Self.target(of: sim.link(1)) == nil)

        // Held by the network while the stick is away.
        let injected = try await sim.control(["command": "inject", "from": "+15550000042", "text": "while away"])
        #expect(injected["parts"] as? Int == 1)
        let away = try await sim.control(["command": "status"])
        #expect(away["plugged"] as? Bool == false)
        #expect(away["queued"] as? Int == 1)

        let plugged = try await sim.control(["command": "plug"])
        let second = try #require(plugged["tty"] as? String)
        #expect(second != first)
        #expect(Self.target(of: sim.link(1)) == second)
        try await eventually("the held message delivered") {
            try await sim.control(["command": "status"])["queued"] as? Int == 0
        }
        let again = try PTYClient(path: sim.link(1))
        _ = again.command("ATE0")
        let listing = again.command("AT+CMGL=4")
        #expect(listing.components(separatedBy: "+CMGL: ").count - 1 == 1)

        let reenumerated = try await sim.control(["command": "reenumerate", "awayMs": 50])
        let third = try #require(reenumerated["tty"] as? String)
        #expect(Self.hungUp(again))
        #expect(third != second)
        #expect(Self.target(of: sim.link(1)) == third)
        // Nothing twice: the message is stored once.
        let last = try PTYClient(path: sim.link(1))
        _ = last.command("ATE0")
        #expect(last.command("AT+CMGL=4").components(separatedBy: "+CMGL: ").count - 1 == 1)
    }

    @Test func rebootAndHangOnCommand() async throws {
        let sim = try await ControlledSimulator(arguments: ["--profile", "huawei-e173"])
        defer { sim.stop() }
        let client = try PTYClient(path: sim.link(1))
        _ = client.command("ATE0")

        #expect(try await sim.control(["command": "reboot"])["ok"] as? Bool == true)
        #expect(client.read(until: "^RSSI:18\r\n").contains("^BOOT:"))
        _ = client.command("ATE0")

        let hung = try await sim.control(["command": "hang", "mode": "sms"])
        #expect(hung["mode"] as? String == "sms")
        #expect(try await sim.control(["command": "status"])["hung"] as? String == "sms")
        client.write("AT+CPMS?\r")
        #expect(client.command("AT") == "\r\nOK\r\n")
        client.write("AT+CFUN=1,1\r")
        let reset = client.read(until: "^RSSI:18\r\n")
        #expect(reset.contains("OK\r\n"))
        #expect(reset.contains("^SIMST:1"))
        _ = client.command("ATE0")
        #expect(client.command("AT+CPMS?").contains("+CPMS: "))

        let unknown = try await sim.control(["command": "explode"])
        #expect(unknown["ok"] as? Bool == false)
        #expect(unknown["error"] as? String == "unknown command 'explode'")
    }

    @Test func quirkFlagsStartAStickThatIsHardToDrive() async throws {
        let sim = try await ControlledSimulator(arguments: [
            "--profile", "huawei-e173", "--sim-busy-seconds", "600", "--radio-off", "--urc-flood", "0.05",
        ])
        defer { sim.stop() }
        #expect(try await sim.control(["command": "status"])["simBusy"] as? Bool == true)
        let client = try PTYClient(path: sim.link(1))
        _ = client.command("ATE0")
        _ = client.command("AT+CMEE=1")
        client.write("AT+CPIN?\r")
        #expect(client.read(until: "+CME ERROR: 14\r\n").hasSuffix("+CME ERROR: 14\r\n"))
        client.write("AT+CPMS?\r")
        #expect(client.read(until: "+CMS ERROR: 314\r\n").hasSuffix("+CMS ERROR: 314\r\n"))
        #expect(client.command("AT+CFUN?").contains("+CFUN: 0"))
        #expect(client.read(until: "^DSFLOWRPT:").contains("^DSFLOWRPT:"))
        #expect(client.command("AT^CURC=0").hasSuffix("OK\r\n"))
    }

    @Test func aRefusedStorageAndIndicationsOnTheOtherPort() async throws {
        let sim = try await ControlledSimulator(arguments: [
            "--profile", "huawei-e173", "--refuse-storage", "SR", "--indications-on-other-port",
        ])
        defer { sim.stop() }
        let client = try PTYClient(path: sim.link(1))
        _ = client.command("ATE0")
        _ = client.command("AT+CMEE=1")
        #expect(client.command("AT+CPMS=?").contains("\"SR\""))
        client.write("AT+CPMS=\"SR\"\r")
        #expect(client.read(until: "+CMS ERROR: 302\r\n").hasSuffix("+CMS ERROR: 302\r\n"))
        _ = client.command("AT+CNMI=2,1,0,2,0")
        _ = try await sim.control(["command": "inject", "text": "elsewhere"])
        try await eventually("the message stored") {
            try await sim.control(["command": "status"])["queued"] as? Int == 0
        }
        let listing = client.command("AT+CMGL=4")
        #expect(!listing.contains("+CMTI"))
        #expect(listing.components(separatedBy: "+CMGL: ").count - 1 == 1)
    }

    /// The faults the soak injects, over the control channel: line noise, lost bytes, a stall, a +CMS ERROR, a SIM
    /// filled on demand, and the service centre's log of what it received.
    @Test func faultsAndTheNetworkLogOverTheControlChannel() async throws {
        let sim = try await ControlledSimulator(arguments: ["--profile", "huawei-e3372"])
        defer { sim.stop() }
        let client = try PTYClient(path: sim.link(1))
        _ = client.command("ATE0")
        _ = client.command("AT+CMEE=1")

        #expect(try await sim.control(["command": "garbage", "text": "#~junk~#"])["ok"] as? Bool == true)
        #expect(client.read(until: "~#").contains("#~junk~#"))

        #expect(try await sim.control(["command": "drop", "count": 3])["ok"] as? Bool == true)
        // "\r\nOK\r\n" loses its first three bytes.
        client.write("AT\r")
        #expect(client.read(until: "K\r\n") == "K\r\n")

        #expect(try await sim.control(["command": "stall"])["ok"] as? Bool == true)
        client.write("AT\r")
        #expect(client.read(until: "OK", timeout: .milliseconds(300)).isEmpty)
        #expect(try await sim.control(["command": "resume"])["ok"] as? Bool == true)
        #expect(client.command("AT") == "\r\nOK\r\n")

        // A message to the echo: refused once with the forced +CMS ERROR, then accepted and logged by the network.
        let modemctl = try BuiltProducts.executable("modemctl")
        let encoded = try await Subprocess.run(
            modemctl,
            ["pdu", "encode", "--to", "+15550000099", "--text", "logged", "--json"]
        )
        let object = try JSONSerialization.jsonObject(with: Data(encoded.stdout.utf8)) as? [String: Any]
        let part = try #require((object?["parts"] as? [[String: Any]])?.first)
        let pdu = try #require(part["pdu"] as? String)
        let length = try #require(part["tpdu_length"] as? Int)
        #expect(try await sim.control(["command": "fail", "name": "+CMGS", "cms": 332])["ok"] as? Bool == true)
        client.write("AT+CMGS=\(length)\r")
        #expect(client.read(until: "+CMS ERROR: 332\r\n").hasSuffix("+CMS ERROR: 332\r\n"))
        client.write("AT+CMGS=\(length)\r")
        _ = client.read(until: "> ")
        client.write(pdu + "\u{1A}")
        #expect(client.read(until: "OK\r\n").contains("+CMGS: "))
        let log = try await sim.control(["command": "submissions", "since": 0])
        #expect(log["first"] as? Int == 0)
        #expect(log["total"] as? Int == 1)
        let logged = try #require((log["submissions"] as? [[String: Any]])?.first)
        #expect(logged["text"] as? String == "logged")
        #expect(logged["to"] as? String == "+15550000099")
        #expect(logged["from"] as? String == "+15550000001")
        let none = try await sim.control(["command": "submissions", "since": 1])
        #expect((none["submissions"] as? [Any])?.isEmpty == true)

        // SIM full on demand: every free slot holds a distinct message.
        _ = client.command("AT+CPMS=\"SM\",\"SM\",\"SM\"")
        let filled = try await sim.control(["command": "fill", "storage": "SM", "text": "filler"])
        let texts = try #require(filled["texts"] as? [String])
        #expect(texts.count > 1)
        #expect(texts.first == "filler 1")
        #expect(Set(texts).count == texts.count)
        // Full (used = total; the echo's answer took a slot before), and announced as the profile does.
        let usage = client.command("AT+CPMS?")
        let counts = usage.split(whereSeparator: \.isNewline).first { $0.hasPrefix("+CPMS: ") }?.split(separator: ",")
        #expect(counts?.count == 9 && counts?[1] == counts?[2], "\(usage)")
        #expect(counts.flatMap { Int($0[1]) }.map { $0 >= texts.count } == true)
        #expect(usage.contains("^SMMEMFULL"))
        #expect(try await sim.control(["command": "fill", "storage": "SM"])["texts"] as? [String] == [])
        #expect(try await sim.control(["command": "fill", "storage": "XX"])["ok"] as? Bool == false)
        #expect(try await sim.control(["command": "fail", "name": "CMGS", "cms": 500])["ok"] as? Bool == false)
    }

    /// TS 23.038 §6.2.1.2.4: with national tables a Turkish text of 100 characters fits one GSM 7-bit part; without
    /// them it needs UCS-2, 70 characters a part.
    @Test func anInjectedTextMayUseTheNationalTables() async throws {
        let sim = try await ControlledSimulator(arguments: ["--profile", "huawei-e3372"])
        defer { sim.stop() }
        let text = String(repeating: "çiğdem ış ", count: 10)
        let national = try await sim.control(["command": "inject", "text": text, "national": "auto"])
        #expect(national["parts"] as? Int == 1)
        let plain = try await sim.control(["command": "inject", "text": text])
        #expect(plain["parts"] as? Int == 2)
        let bad = try await sim.control(["command": "inject", "text": text, "national": "klingon"])
        #expect(bad["ok"] as? Bool == false)
    }

    @Test func badFlagsAreRefused() async throws {
        let modemctl = try BuiltProducts.executable("modemctl")
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID().uuidString)").path
        let refused = try await Subprocess.run(
            modemctl,
            ["simulate", "--pty-link", link, "--profile", "huawei-e3372", "--refuse-storage", "SR"]
        )
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("does not advertise it"))
        let portsel = try await Subprocess.run(
            modemctl,
            ["simulate", "--pty-link", link, "--profile", "quectel-ec25", "--indications-on-other-port"]
        )
        #expect(portsel.status != 0)
        #expect(portsel.stderr.contains("needs a Huawei profile"))
    }
}
