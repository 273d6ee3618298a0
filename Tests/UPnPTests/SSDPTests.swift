import Testing

@testable import UPnP

@Suite struct SSDPTests {
    static let udn = "uuid:2fac1234-31f8-11b4-a222-08002b34c003"
    static let advertisement = SSDPAdvertisement(
        udn: udn,
        deviceType: "urn:schemas-upnp-org:device:TelephonyServer:2",
        serviceTypes: ["urn:schemas-upnp-org:service:Messaging:2"],
        maxAge: 1800,
        server: "Linux/6.1 UPnP/1.1 ModemMessaging/0.1",
        bootID: 3,
        configID: 9,
        multicastHost: "239.255.255.250:1900"
    )

    static func search(_ st: String, mx: String? = "2", host: String = "239.255.255.250:1900") -> [UInt8] {
        var text = "M-SEARCH * HTTP/1.1\r\nHOST: \(host)\r\nMAN: \"ssdp:discover\"\r\n"
        if let mx { text += "MX: \(mx)\r\n" }
        text += "ST: \(st)\r\nUSER-AGENT: Test/1 UPnP/1.1 T/1\r\n\r\n"
        return Array(text.utf8)
    }

    static func parseSearch(_ bytes: [UInt8]) -> SSDPSearch? {
        guard let message = try? SSDPMessage(parsing: bytes) else { return nil }
        return SSDPSearch(message, multicastHost: "239.255.255.250:1900")
    }

    // MARK: - Parsing

    @Test func parsesAValidSearch() throws {
        let search = try #require(Self.parseSearch(Self.search("ssdp:all")))
        #expect(search.searchTarget == "ssdp:all" && search.maximumWait == 2)
    }

    @Test func headerNamesAreCaseInsensitiveAndBareLFIsAccepted() throws {
        let text =
            "M-SEARCH * HTTP/1.1\nhost:239.255.255.250:1900\nman: \"ssdp:discover\"\nmx:1\nst: upnp:rootdevice\n\n"
        let search = try #require(Self.parseSearch(Array(text.utf8)))
        #expect(search.searchTarget == "upnp:rootdevice" && search.maximumWait == 1)
    }

    @Test func mxAboveFiveCountsAsFive() throws {
        #expect(Self.parseSearch(Self.search("ssdp:all", mx: "120"))?.maximumWait == 5)
    }

    @Test func unicastSearchNeedsNoMX() throws {
        let search = try #require(Self.parseSearch(Self.search("ssdp:all", mx: nil, host: "192.168.1.2:1900")))
        #expect(search.maximumWait == nil)
    }

    @Test(arguments: [
        search("ssdp:all", mx: nil), search("ssdp:all", mx: "0"), search("ssdp:all", mx: "-1"),
        search("ssdp:all", mx: "abc"), search("ssdp:all", mx: "1000"), search(""),
        Array(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: ssdp:discover\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"
                .utf8
        ),
        Array("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n".utf8),
        Array("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n".utf8),
        Array("GET / HTTP/1.1\r\n\r\n".utf8), Array("M-SEARCH * HTTP/1.1\r\nno colon here\r\n\r\n".utf8),
        [0xFF, 0xFE, 0x00], [], Array(repeating: UInt8(ascii: "A"), count: 9000),
    ])
    func dropsMalformedSearches(_ datagram: [UInt8]) {
        #expect(Self.parseSearch(datagram) == nil)
    }

    @Test func refusesTooManyHeaders() {
        var text = "M-SEARCH * HTTP/1.1\r\n"
        for i in 0..<100 { text += "X-\(i): y\r\n" }
        #expect(throws: SSDPMessage.ParseError.tooManyHeaders) { try SSDPMessage(parsing: Array(text.utf8)) }
    }

    // MARK: - Answers (UDA 1.1 §1.3.3)

    @Test func ssdpAllAnswersEveryTarget() {
        let answers = Self.advertisement.answers(to: "ssdp:all")
        #expect(
            answers.map(\.type) == [
                "upnp:rootdevice", Self.udn, "urn:schemas-upnp-org:device:TelephonyServer:2",
                "urn:schemas-upnp-org:service:Messaging:2",
            ]
        )
        #expect(
            answers.map(\.usn) == [
                "\(Self.udn)::upnp:rootdevice", Self.udn, "\(Self.udn)::urn:schemas-upnp-org:device:TelephonyServer:2",
                "\(Self.udn)::urn:schemas-upnp-org:service:Messaging:2",
            ]
        )
    }

    @Test func specificTargets() {
        let ad = Self.advertisement
        #expect(ad.answers(to: "upnp:rootdevice").map(\.usn) == ["\(Self.udn)::upnp:rootdevice"])
        #expect(ad.answers(to: Self.udn.uppercased().replacingOccurrences("UUID:", "uuid:")).map(\.usn) == [Self.udn])
        #expect(ad.answers(to: "uuid:00000000-0000-0000-0000-000000000000").isEmpty)
        // The requested (lower) version is echoed in ST and USN.
        let v1 = ad.answers(to: "urn:schemas-upnp-org:service:Messaging:1")
        #expect(v1.map(\.type) == ["urn:schemas-upnp-org:service:Messaging:1"])
        #expect(v1.map(\.usn) == ["\(Self.udn)::urn:schemas-upnp-org:service:Messaging:1"])
        #expect(ad.answers(to: "urn:schemas-upnp-org:device:TelephonyServer:1").count == 1)
        #expect(ad.answers(to: "urn:schemas-upnp-org:service:Messaging:3").isEmpty)
        #expect(ad.answers(to: "urn:schemas-upnp-org:service:Messaging:0").isEmpty)
        #expect(ad.answers(to: "urn:schemas-upnp-org:service:Messagin:2").isEmpty)
        #expect(ad.answers(to: "urn:schemas-upnp-org:service:Messaging:2x").isEmpty)
        #expect(ad.answers(to: "urn:schemas-upnp-org:device:MediaServer:1").isEmpty)
    }

    @Test func searchResponseHasTheUDAHeaders() throws {
        let target = Self.advertisement.answers(to: "upnp:rootdevice")[0]
        let bytes = Self.advertisement.searchResponse(
            target,
            location: "http://10.0.0.2:4321/description.xml",
            date: "Mon, 23 Nov 2026 16:00:00 GMT"
        )
        let message = try SSDPMessage(parsing: bytes)
        #expect(message.startLine == .response(status: 200))
        #expect(message["CACHE-CONTROL"] == "max-age=1800")
        #expect(message["EXT"] == "")
        #expect(message["LOCATION"] == "http://10.0.0.2:4321/description.xml")
        #expect(message["SERVER"] == "Linux/6.1 UPnP/1.1 ModemMessaging/0.1")
        #expect(message["ST"] == "upnp:rootdevice")
        #expect(message["USN"] == "\(Self.udn)::upnp:rootdevice")
        #expect(message["BOOTID.UPNP.ORG"] == "3" && message["CONFIGID.UPNP.ORG"] == "9")
        #expect(message["DATE"] == "Mon, 23 Nov 2026 16:00:00 GMT")
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("\r\n\r\n"))
    }

    @Test func aliveAndByebye() throws {
        let target = Self.advertisement.allTargets[2]
        let alive = try SSDPMessage(parsing: Self.advertisement.alive(target, location: "http://h/d"))
        #expect(alive.startLine == .notify)
        #expect(alive["NTS"] == "ssdp:alive" && alive["NT"] == target.type && alive["USN"] == target.usn)
        #expect(alive["HOST"] == "239.255.255.250:1900" && alive["LOCATION"] == "http://h/d")
        #expect(alive["CACHE-CONTROL"] == "max-age=1800" && alive["BOOTID.UPNP.ORG"] == "3")
        let byebye = try SSDPMessage(parsing: Self.advertisement.byebye(target))
        #expect(byebye["NTS"] == "ssdp:byebye" && byebye["USN"] == target.usn && byebye["LOCATION"] == nil)
        #expect(byebye["CONFIGID.UPNP.ORG"] == "9")
    }

    // MARK: - Rate limit

    @Test func rateLimiterAllowsABurstThenTheRate() throws {
        var limiter = SSDPRateLimiter(ratePerSecond: 2, burst: 3)
        let sender = try #require(IPAddress("192.168.1.9"))
        let other = try #require(IPAddress("192.168.1.8"))
        let start = ContinuousClock.now
        var burst: [Bool] = []
        for _ in 0..<4 { burst.append(limiter.allow(sender, now: start)) }
        #expect(burst == [true, true, true, false])
        let otherAllowed = limiter.allow(other, now: start)
        #expect(otherAllowed)  // Per sender.
        let refilled = limiter.allow(sender, now: start + .milliseconds(500))
        #expect(refilled)  // One token back after 0.5 s at 2/s.
        let empty = limiter.allow(sender, now: start + .milliseconds(600))
        #expect(!empty)
    }

    @Test func rateLimiterBoundsTrackedSenders() {
        var limiter = SSDPRateLimiter(ratePerSecond: 1, burst: 1)
        let start = ContinuousClock.now
        for i in 0..<SSDPRateLimiter.maximumTrackedSenders {
            _ = limiter.allow(.v4(10, UInt8(i >> 8), UInt8(i & 0xFF), 1), now: start)
        }
        let whenFull = limiter.allow(.v4(11, 0, 0, 1), now: start)
        #expect(!whenFull)  // Full, nothing idle yet.
        let afterPrune = limiter.allow(.v4(11, 0, 0, 1), now: start + .seconds(5))
        #expect(afterPrune)  // Idle entries pruned.
        #expect(limiter.trackedSenders <= SSDPRateLimiter.maximumTrackedSenders)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard hasPrefix(target) else { return self }
        return replacement + dropFirst(target.count)
    }
}
