import HTTPTestSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@testable import UPnP

#if canImport(Glibc)
import Glibc
#endif

/// SSDP live on lo (multicast through a raw IP_ADD_MEMBERSHIP, TOOLCHAIN.md §3), on a free port per test so that
/// parallel tests and other SSDP stacks on the host stay apart.
@Suite struct UPnPDeviceSSDPTests {
    typealias UDPChannel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    /// A control point's socket on 127.0.0.1 that sends to the SSDP group through lo.
    static func withSearchSocket<R: Sendable>(
        _ body: (
            NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
            NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
        ) async throws -> R
    ) async throws -> R {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try UDPChannel(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if let provider = channel.channel as? any SocketOptionProvider {
                try await provider.setIPMulticastIF(SSDPServer.inAddr(.v4(127, 0, 0, 1))).get()
            }
            return try await body(inbound, outbound)
        }
    }

    static func send(
        _ text: String,
        to host: String,
        port: Int,
        _ outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
    ) async throws {
        let address = try SocketAddress(ipAddress: host, port: port)
        try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(string: text)))
    }

    static func search(st: String, host: String, mx: Int?) -> String {
        "M-SEARCH * HTTP/1.1\r\nHOST: \(host)\r\nMAN: \"ssdp:discover\"\r\n" + (mx.map { "MX: \($0)\r\n" } ?? "")
            + "ST: \(st)\r\n\r\n"
    }

    @Test func multicastSearchGetsUnicastAnswersForEveryTarget() async throws {
        let udn = UPnPDeviceConfiguration.makeUDN()
        try await withRunningDevice(.test(services: [TestService()], udn: udn)) { _, endpoints in
            try await Self.withSearchSocket { inbound, outbound in
                let group = "239.255.255.250:\(endpoints.ssdpPort)"
                try await Self.send(
                    Self.search(st: "ssdp:all", host: group, mx: 1),
                    to: "239.255.255.250",
                    port: endpoints.ssdpPort,
                    outbound
                )
                var answers: [SSDPMessage] = []
                for try await datagram in inbound {
                    answers.append(try SSDPMessage(parsing: datagram.data.readableBytesView))
                    if answers.count == 4 { break }
                }
                #expect(answers.allSatisfy { $0.startLine == .response(status: 200) })
                #expect(
                    Set(answers.compactMap { $0["ST"] }) == [
                        "upnp:rootdevice", udn, "urn:schemas-example-org:device:TestDevice:3", TestService.type,
                    ]
                )
                #expect(
                    Set(answers.compactMap { $0["USN"] }) == [
                        "\(udn)::upnp:rootdevice", udn, "\(udn)::urn:schemas-example-org:device:TestDevice:3",
                        "\(udn)::\(TestService.type)",
                    ]
                )
                #expect(answers.allSatisfy { $0["LOCATION"] == endpoints.descriptionURLs[0] })
                #expect(answers.allSatisfy { $0["BOOTID.UPNP.ORG"] == "7" && $0["CONFIGID.UPNP.ORG"] == "42" })
                #expect(answers.allSatisfy { $0["CACHE-CONTROL"] == "max-age=1800" && $0["EXT"] == "" })
                // The LOCATION really serves the description.
                let description = try await TestHTTPConnection.request(
                    port: endpoints.httpPort,
                    path: "/description.xml"
                )
                #expect(description.status == .ok)
            }
        }
    }

    @Test func malformedAndUnknownSearchesAreDroppedSilently() async throws {
        let udn = UPnPDeviceConfiguration.makeUDN()
        try await withRunningDevice(.test(services: [TestService()], udn: udn)) { _, endpoints in
            try await Self.withSearchSocket { inbound, outbound in
                // Unicast searches are answered at once, so the first answer tells what was answered.
                let host = "127.0.0.1:\(endpoints.ssdpPort)"
                let dropped = [
                    "M-SEARCH * HTTP/1.1\r\nHOST: \(host)\r\nST: ssdp:all\r\n\r\n",  // No MAN.
                    Self.search(st: "urn:schemas-example-org:device:Other:1", host: host, mx: nil),
                    Self.search(st: "urn:schemas-example-org:device:TestDevice:4", host: host, mx: nil),
                    Self.search(st: "uuid:00000000-0000-0000-0000-000000000000", host: host, mx: nil),
                    "\u{0}\u{1}garbage",
                    Self.search(st: "ssdp:all", host: "239.255.255.250:\(endpoints.ssdpPort)", mx: nil),  // MX missing.
                ]
                for text in dropped { try await Self.send(text, to: "127.0.0.1", port: endpoints.ssdpPort, outbound) }
                try await Self.send(
                    Self.search(st: "urn:schemas-example-org:device:TestDevice:1", host: host, mx: nil),
                    to: "127.0.0.1",
                    port: endpoints.ssdpPort,
                    outbound
                )
                var iterator = inbound.makeAsyncIterator()
                let first = try #require(try await iterator.next())
                let answer = try SSDPMessage(parsing: first.data.readableBytesView)
                #expect(answer["ST"] == "urn:schemas-example-org:device:TestDevice:1")  // Requested version echoed.
                #expect(answer["USN"] == "\(udn)::urn:schemas-example-org:device:TestDevice:1")
            }
        }
    }

    @Test func answersOnlySendersOnAServedSubnetAndRateLimits() throws {
        var limits = UPnPLimits()
        limits.searchBurstPerSender = 3
        let lo = ServedInterface(name: "lo", address: .v4(127, 0, 0, 1), subnet: try #require(IPSubnet("127.0.0.0/8")))
        let server = SSDPServer(
            advertisement: SSDPTests.advertisement,
            interfaces: [lo],
            httpPort: 8080,
            port: 1900,
            multicastTTL: 2,
            limits: limits,
            logger: Logger(label: "t")
        )
        var limiter = SSDPRateLimiter(ratePerSecond: 1, burst: 3)
        let search = ByteBuffer(bytes: SSDPTests.search("ssdp:all"))
        let foreign = AddressedEnvelope(
            remoteAddress: try SocketAddress(ipAddress: "192.0.2.1", port: 1900),
            data: search
        )
        #expect(server.plan(foreign, multicastHost: "239.255.255.250:1900", limiter: &limiter) == nil)
        let local = AddressedEnvelope(
            remoteAddress: try SocketAddress(ipAddress: "127.0.0.9", port: 5000),
            data: search
        )
        let plan = try #require(server.plan(local, multicastHost: "239.255.255.250:1900", limiter: &limiter))
        #expect(plan.location == "http://127.0.0.1:8080/description.xml" && plan.targets.count == 4)
        #expect(plan.maximumWait == 2)
        _ = server.plan(local, multicastHost: "239.255.255.250:1900", limiter: &limiter)
        _ = server.plan(local, multicastHost: "239.255.255.250:1900", limiter: &limiter)
        #expect(server.plan(local, multicastHost: "239.255.255.250:1900", limiter: &limiter) == nil)  // Burst spent.
    }

    @Test func aliveOnStartAndByebyeOnGracefulShutdown() async throws {
        let udn = UPnPDeviceConfiguration.makeUDN()
        // Our own listener on a free port, joined on lo; the device then shares that port (SO_REUSEPORT).
        let listener = try await SSDPServer.bindListener(port: 0, group: MultiThreadedEventLoopGroup.singleton)
        try await listener.executeThenClose { inbound, _ in
            let port = try #require(listener.channel.localAddress?.port)
            let lo = ServedInterface(
                name: "lo",
                address: .v4(127, 0, 0, 1),
                subnet: try #require(IPSubnet("127.0.0.0/8"))
            )
            let joiner = SSDPServer(
                advertisement: SSDPTests.advertisement,
                interfaces: [lo],
                httpPort: 0,
                port: port,
                multicastTTL: 2,
                limits: UPnPLimits(),
                logger: Logger(label: "t")
            )
            try await joiner.join(listener)
            let device = try UPnPDevice(
                configuration: .test(services: [TestService()], udn: udn, ssdpPort: port),
                logger: Logger(label: "t")
            )
            try await withTimeout {
                try await testGracefulShutdown { trigger in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await device.run() }
                        let endpoints = try await device.waitUntilRunning()
                        var alive = Set<String>()
                        var byebye = Set<String>()
                        var iterator = inbound.makeAsyncIterator()
                        while alive.count < 4 || byebye.count < 4 {
                            guard let datagram = try await iterator.next() else { break }
                            let message = try SSDPMessage(parsing: datagram.data.readableBytesView)
                            guard message.startLine == .notify, let usn = message["USN"], usn.hasPrefix(udn) else {
                                continue
                            }
                            #expect(message["HOST"] == "239.255.255.250:\(port)")
                            #expect(message["BOOTID.UPNP.ORG"] == "7" && message["CONFIGID.UPNP.ORG"] == "42")
                            switch message["NTS"] {
                            case "ssdp:alive":
                                #expect(message["LOCATION"] == endpoints.descriptionURLs[0])
                                #expect(message["CACHE-CONTROL"] == "max-age=1800")
                                #expect(message["SERVER"]?.contains("UPnP/1.1") == true)
                                alive.insert(usn)
                                if alive.count == 4 && byebye.isEmpty { trigger.triggerGracefulShutdown() }
                            case "ssdp:byebye":
                                #expect(alive.count == 4)  // Byebye only after the alives.
                                byebye.insert(usn)
                            default:
                                Issue.record("unexpected NTS \(message["NTS"] ?? "-")")
                            }
                        }
                        #expect(alive == byebye && alive.count == 4)
                        // run() returns normally after a graceful shutdown.
                        try await group.next()
                    }
                }
            }
        }
    }
}

extension SSDPServer.SearchPlan: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.location == rhs.location && lhs.sender == rhs.sender }
}
