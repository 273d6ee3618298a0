import HTTPTestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import UPnP

/// One host must not lock the others out: a real device on lo, attacked from 127.0.0.1 while a control point speaks
/// from 127.0.0.2 (loopback answers for all of 127/8).
@Suite struct UPnPDeviceFairnessTests {
    /// Opens a connection from `localAddress` that sends part of a request head and never the rest (slowloris);
    /// `closed` hears of it when the device closes it.
    static func trickle(
        port: Int,
        from localAddress: String,
        closed: AsyncStream<Void>.Continuation
    ) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: localAddress, port: 0))
            .connect(host: "127.0.0.1", port: port)
            .get()
        channel.closeFuture.whenComplete { _ in closed.yield() }
        try await channel.writeAndFlush(ByteBuffer(string: "GET /description.xml HTTP/1.1\r\nHo")).get()
        return channel
    }

    /// The description, asked for by a control point on 127.0.0.2 over a fresh connection.
    static func describe(port: Int) async throws -> TestHTTPResponse {
        try await TestHTTPConnection.with(port: port, localAddress: "127.0.0.2") { connection in
            try await connection.request(path: "/description.xml", host: "127.0.0.1:\(port)")
        }
    }

    /// From one address the per-address cap holds the attack to a share; from four the server is full too, and
    /// the control point's connections take the slots of the oldest tricklers.
    @Test(arguments: [["127.0.0.1"], ["127.0.0.1", "127.0.0.3", "127.0.0.4", "127.0.0.5"]])
    func twoHundredTricklingConnectionsDoNotLockOutAnotherHost(attackers: [String]) async throws {
        let limits = UPnPLimits()
        let slowCount = 200
        let held = min(limits.maximumConnectionsPerAddress * attackers.count, limits.maximumConnections)
        try await withRunningDevice(.test(services: [TestService()], limits: limits)) { device, endpoints in
            let port = endpoints.httpPort
            let (closed, closedSink) = AsyncStream.makeStream(of: Void.self)
            var slow: [any Channel] = []
            var latencies: [Duration] = []
            do {
                for _ in 0..<(slowCount / 40) {
                    for _ in 0..<40 {
                        let from = attackers[slow.count % attackers.count]
                        slow.append(try await Self.trickle(port: port, from: from, closed: closedSink))
                    }
                    // Answered while the slow connections are held; a locked-out client would get its connection
                    // closed at once, or wait for a trickler's idle deadline.
                    for _ in 0..<3 {
                        let start = ContinuousClock.now
                        let response = try await Self.describe(port: port)
                        latencies.append(ContinuousClock.now - start)
                        #expect(response.status == .ok)
                        #expect(response.text.contains("<friendlyName>"))
                    }
                }
                // Every slow connection past the attackers' share was closed by the device, not left to time out.
                var iterator = closed.makeAsyncIterator()
                for _ in 0..<(slowCount - held) { await iterator.next() }
                // The attackers' share, plus at most the control point's last connection still being torn down.
                #expect(device.connections.current <= held + 1)
                let response = try await Self.describe(port: port)
                #expect(response.status == .ok)
            } catch {
                for channel in slow { try? await channel.close() }
                throw error
            }
            for channel in slow { try? await channel.close() }
            let sorted = latencies.sorted()
            #expect(sorted.last.map { $0 < .seconds(10) } == true)
            print(
                "fairness: \(latencies.count) description GETs from 127.0.0.2 under \(slowCount) trickling "
                    + "connections from \(attackers.joined(separator: ", ")): median \(sorted[sorted.count / 2]), max \(sorted[sorted.count - 1])"
            )
        }
    }

    @Test func oneHostCannotTakeEverySubscription() async throws {
        var limits = UPnPLimits()
        limits.maximumSubscriptions = 6
        limits.maximumSubscriptionsPerAddress = 3
        try await withRunningDevice(.test(services: [TestService()], limits: limits)) { _, endpoints in
            let port = endpoints.httpPort
            func subscribe(from address: String) async throws -> HTTPResponseStatus {
                try await TestHTTPConnection.with(port: port, localAddress: address) { connection in
                    try await connection.request(
                        method: .RAW(value: "SUBSCRIBE"),
                        path: UPnPDeviceGENATests.eventPath,
                        // Nothing listens on port 9: the initial NOTIFY fails, the subscription stays.
                        headers: [("NT", "upnp:event"), ("CALLBACK", "<http://\(address):9/>")],
                        host: "127.0.0.1:\(port)"
                    ).status
                }
            }
            var statuses: [HTTPResponseStatus] = []
            for _ in 0..<4 { statuses.append(try await subscribe(from: "127.0.0.1")) }
            #expect(statuses == [.ok, .ok, .ok, .serviceUnavailable])
            let other = try await subscribe(from: "127.0.0.2")
            #expect(other == .ok)
        }
    }
}

/// The connection table's sharing rules on EmbeddedChannels, with time given by hand.
@Suite struct ConnectionTableTests {
    static let a = IPAddress.v4(10, 0, 0, 1)
    static let b = IPAddress.v4(10, 0, 0, 2)
    static let c = IPAddress.v4(10, 0, 0, 3)
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    static func limits(maximum: Int, perAddress: Int) -> UPnPLimits {
        var limits = UPnPLimits()
        limits.maximumConnections = maximum
        limits.maximumConnectionsPerAddress = perAddress
        limits.headTimeoutUnderPressure = .seconds(5)
        return limits
    }

    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return channel
    }

    @Test func aHostAtItsCapGivesUpItsOldestWaitingConnectionOrIsRefused() throws {
        let table = ConnectionTable(limits: Self.limits(maximum: 64, perAddress: 3))
        let channels = try (0..<3).map { _ in try Self.channel() }
        var ids: [ConnectionTable.ID] = []
        for (index, channel) in channels.enumerated() {
            ids.append(try #require(table.admit(channel, from: Self.a, now: Self.start + .seconds(Int64(index)))))
        }
        // The first is busy with a request: the second is the oldest waiting one.
        table.requestStarted(ids[0])
        let fourth = try Self.channel()
        let fourthID = try #require(table.admit(fourth, from: Self.a, now: Self.start + .seconds(10)))
        #expect(channels.map(\.isActive) == [true, false, true])
        #expect(table.current == 3)
        // Another host is not held to this one's cap.
        #expect(table.admit(try Self.channel(), from: Self.b, now: Self.start + .seconds(10)) != nil)
        // All of a's connections busy: its next one is refused and nothing is cut.
        table.requestStarted(ids[2])
        table.requestStarted(fourthID)
        #expect(table.admit(try Self.channel(), from: Self.a, now: Self.start + .seconds(11)) == nil)
        #expect([channels[0], channels[2], fourth].map(\.isActive) == [true, true, true])
        #expect(table.current == 4)
        table.leave(ids[1])  // The evicted connection ending later changes nothing.
        #expect(table.current == 4)
    }

    @Test func aFullServerEvictsTheOldestWaitingConnectionOfTheBiggestHolder() throws {
        let table = ConnectionTable(limits: Self.limits(maximum: 4, perAddress: 4))
        let first = try Self.channel()
        let firstID = try #require(table.admit(first, from: Self.b, now: Self.start))
        var fromA: [EmbeddedChannel] = []
        for index in 0..<3 {
            let channel = try Self.channel()
            fromA.append(channel)
            _ = try #require(table.admit(channel, from: Self.a, now: Self.start + .seconds(Int64(1 + index))))
        }
        // b's connection is the oldest, but a holds the most: a's oldest waiting one goes.
        #expect(table.admit(try Self.channel(), from: Self.c, now: Self.start + .seconds(4)) != nil)
        #expect(first.isActive)
        #expect(fromA.map(\.isActive) == [false, true, true])
        #expect(table.current == 4)
        table.leave(firstID)
        #expect(table.current == 3)
    }

    @Test func aFullServerOfBusyConnectionsRefusesTheNewcomer() throws {
        let table = ConnectionTable(limits: Self.limits(maximum: 2, perAddress: 2))
        let channels = try (0..<2).map { _ in try Self.channel() }
        for channel in channels {
            table.requestStarted(try #require(table.admit(channel, from: Self.a, now: Self.start)))
        }
        #expect(table.admit(try Self.channel(), from: Self.b, now: Self.start) == nil)
        #expect(channels.map(\.isActive) == [true, true])
        #expect(table.current == 2)
    }

    @Test func underPressureAStaleHeadIsCutWhenAnotherClientArrives() throws {
        let table = ConnectionTable(limits: Self.limits(maximum: 4, perAddress: 4))
        let stale = try Self.channel()
        _ = try #require(table.admit(stale, from: Self.a, now: Self.start))
        let busy = try Self.channel()
        table.requestStarted(try #require(table.admit(busy, from: Self.a, now: Self.start)))
        #expect(!table.isUnderPressure)
        _ = try #require(table.admit(try Self.channel(), from: Self.b, now: Self.start + .seconds(4)))
        #expect(table.isUnderPressure)  // 3 of 4.
        #expect(stale.isActive)  // Not stale yet when b arrived.
        _ = try #require(table.admit(try Self.channel(), from: Self.c, now: Self.start + .seconds(6)))
        #expect(!stale.isActive)
        #expect(busy.isActive)
        #expect(table.current == 3)
    }

    @Test func underPressureTheHeadDeadlineIsShort() throws {
        let table = ConnectionTable(limits: Self.limits(maximum: 4, perAddress: 4))
        for _ in 0..<3 { _ = try #require(table.admit(try Self.channel(), from: Self.a, now: Self.start)) }
        #expect(table.isUnderPressure)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(
            RequestDeadlineHandler(idleTimeout: .seconds(60), requestTimeout: .seconds(30), connections: table)
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHo"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }
}
