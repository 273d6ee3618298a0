import Testing

@testable import UPnP

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.168.1.10", "192.168.1.10"), ("0.0.0.0", "0.0.0.0"), ("::1", "::1"), ("fe80::1", "fe80::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:10.0.0.1", "10.0.0.1"), ("::", "::"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
    ])
    func parsesAndFormats(_ text: String, _ expected: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == expected)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", ":::", "1::2::3", "12345::",
        "1:2:3:4:5:6:7:8:9", "localhost", "[::1]", "fe80::1%eth0", String(repeating: "1", count: 100),
    ])
    func refusesMalformedText(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func subnetsContainTheirAddressesOnly() throws {
        let lan = try #require(IPSubnet("192.168.1.0/24"))
        #expect(lan.contains(try #require(IPAddress("192.168.1.77"))))
        #expect(!lan.contains(try #require(IPAddress("192.168.2.1"))))
        #expect(!lan.contains(try #require(IPAddress("::1"))))
        let host = try #require(IPSubnet("10.0.0.5"))
        #expect(host.prefixLength == 32)
        #expect(host.contains(try #require(IPAddress("10.0.0.5"))))
        #expect(!host.contains(try #require(IPAddress("10.0.0.6"))))
        let v6 = try #require(IPSubnet("fd00::/8"))
        #expect(v6.contains(try #require(IPAddress("fd12::1"))))
        #expect(IPSubnet("10.0.0.0/33") == nil)
        #expect(IPSubnet("10.0.0.0/x") == nil)
        let loopback = try #require(IPAddress("127.0.0.1"))
        let mask = try #require(IPAddress("255.0.0.0"))
        let fromMask = try #require(IPSubnet(address: loopback, netmask: mask))
        #expect(fromMask.description == "127.0.0.0/8")
    }

    @Test func accessPolicyFirstMatchingRuleDecides() throws {
        let policy = UPnPAccessPolicy(rules: [
            .init(subnet: try #require(IPSubnet("192.168.1.10")), actions: .only(["Echo"])),
            .init(subnet: try #require(IPSubnet("192.168.1.0/24")), actions: .all, isTrusted: true),
            .init(subnet: try #require(IPSubnet("10.0.0.0/8")), actions: .noActions),
        ])
        let restricted = try #require(IPAddress("192.168.1.10"))
        let lan = try #require(IPAddress("192.168.1.11"))
        let viewer = try #require(IPAddress("10.1.1.1"))
        let outsider = try #require(IPAddress("172.16.0.1"))
        #expect(policy.allows(restricted, action: "Echo"))
        #expect(!policy.allows(restricted, action: "Add"))
        #expect(policy.allows(lan, action: "Add"))
        #expect(policy.rule(for: lan)?.isTrusted == true)
        #expect(policy.allowsClient(viewer) && !policy.allows(viewer, action: "Echo"))
        #expect(!policy.allowsClient(outsider) && !policy.allows(outsider, action: "Echo"))
    }
}
