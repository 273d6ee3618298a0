import Foundation
import MMSCodec
import TestSupport
import Testing

/// `modemctl simulate --mmsc` as a subprocess: each modem's line names its MMSC URL and proxy, an m-send-req POSTed
/// there reaches the other modem's pty as a stored WAP push announced with +CMTI, and the faults are switched
/// through the control channel.
@Suite struct SimulateMMSCTests {
    /// One HTTP/1.1 exchange on a loopback TCP connection (blocking, on a thread of its own): the status code and
    /// the body (the connection is closed by asking for it).
    static func exchange(_ method: String, _ url: String, body: [UInt8] = []) async throws -> (Int, [UInt8]) {
        try await onDedicatedThread {
            let parsed = try #require(URLComponents(string: url))
            let port = try #require(parsed.port)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            try #require(connected == 0)
            let head =
                "\(method) \(parsed.percentEncodedPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/vnd.wap.mms-message\r\nContent-Length: \(body.count)\r\n\r\n"
            let request = Array(head.utf8) + body
            try #require(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == request.count)
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while response.count < 1_000_000 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                response += buffer[0..<n]
            }
            let separator = Array("\r\n\r\n".utf8)
            let end = try #require(
                (0...(response.count - separator.count)).first { Array(response[$0..<$0 + 4]) == separator }
            )
            let statusLine = String(decoding: response[0..<end], as: UTF8.self).split(separator: " ")
            return (Int(statusLine[1]) ?? 0, Array(response[(end + 4)...]))
        }
    }

    @Test func anMMSPostedToTheMMSCReachesTheOtherModemsPty() async throws {
        let sim = try await ControlledSimulator(count: 2, arguments: ["--profile", "quectel-ec25", "--mmsc"])
        defer { sim.stop() }
        let url = try #require(sim.start[0]["mmscURL"] as? String)
        let proxy = try #require(sim.start[0]["mmsProxy"] as? String)
        #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/mms/15550000001"))
        #expect(url.hasPrefix("http://" + proxy + "/"))
        #expect((sim.start[1]["mmscURL"] as? String)?.hasSuffix("/mms/15550000002") == true)

        let two = try PTYClient(path: sim.link(2))
        _ = two.command("ATE0")
        _ = two.command("AT+CNMI=2,1,0,0,0")
        let request = MMSSendReq(
            transactionID: "t1",
            to: [EncodedStringValue("+15550000002/TYPE=PLMN")],
            content: MMSContent(contentType: WSPContentType("text/plain"), body: .single(Array("hi".utf8)))
        )
        let (status, body) = try await Self.exchange("POST", url, body: request.pdu.encoded())
        #expect(status == 200)
        guard case .sendConf(let conf) = try MMSMessage(decoding: body) else {
            Issue.record("not an m-send-conf")
            return
        }
        #expect(conf.responseStatus == MMSSendConf.statusOK)
        #expect(two.read(until: "+CMTI: ").contains("+CMTI: "))
        let listing = two.command("AT+CMGL=4")
        #expect(listing.components(separatedBy: "+CMGL: ").count - 1 >= 1)

        let status1 = try await sim.control(["command": "mmsc-status"])
        #expect(status1["sent"] as? Int == 1)
        #expect(status1["stored"] as? Int == 1)
    }

    @Test func faultsAreSwitchedThroughTheControlChannel() async throws {
        let sim = try await ControlledSimulator(arguments: ["--mmsc"])
        defer { sim.stop() }
        let url = try #require(sim.start[0]["mmscURL"] as? String)
        let base = String(url.prefix(upTo: try #require(url.range(of: "/mms/")).lowerBound))
        #expect(try await Self.exchange("GET", base + "/content/none").0 == 404)

        let set = try await sim.control(["command": "mmsc-faults", "contentStatus": 410, "truncate": true])
        #expect(set["ok"] as? Bool == true)
        let faults = try #require(set["faults"] as? [String: Any])
        #expect(faults["contentStatus"] as? Int == 410 && faults["truncate"] as? Bool == true)
        #expect(try await Self.exchange("GET", base + "/content/none").0 == 410)
        let status = try await sim.control(["command": "mmsc-status"])
        #expect((status["faults"] as? [String: Any])?["contentStatus"] as? Int == 410)

        let cleared = try await sim.control(["command": "mmsc-faults"])
        #expect((cleared["faults"] as? [String: Any])?["contentStatus"] is NSNull)
        #expect(try await Self.exchange("GET", base + "/content/none").0 == 404)

        let bad = try await sim.control(["command": "mmsc-faults", "proxyStatus": 1000])
        #expect(bad["ok"] as? Bool == false)
        #expect((bad["error"] as? String)?.contains("proxyStatus") == true)
    }

    @Test func withoutMMSCTheCommandsSaySo() async throws {
        let sim = try await ControlledSimulator(arguments: [])
        defer { sim.stop() }
        #expect(sim.start[0]["mmscURL"] == nil)
        let answer = try await sim.control(["command": "mmsc-status"])
        #expect(answer["ok"] as? Bool == false)
        #expect((answer["error"] as? String)?.contains("--mmsc") == true)
    }
}
