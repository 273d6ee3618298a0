import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SSDP on UDP (UDA 1.1 §1): the multicast listener that answers M-SEARCH, and the per-interface senders of
/// `ssdp:alive` / `ssdp:byebye`.
///
/// The listener binds 0.0.0.0:port with SO_REUSEADDR and SO_REUSEPORT (other SSDP stacks on the host share the
/// port) and joins 239.255.255.250 on each served interface with a raw IP_ADD_MEMBERSHIP, which also works on `lo`
/// where NIO's `joinGroup` refuses (no IFF_MULTICAST; TOOLCHAIN.md §3). Each sender binds the interface's address
/// with IP_MULTICAST_IF set to it, so announcements leave through that interface only.
struct SSDPServer: Sendable {
    typealias Listener = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    /// The SSDP multicast group (UDA 1.1 §1.1.2).
    static let multicastGroup = "239.255.255.250"

    let advertisement: SSDPAdvertisement
    let interfaces: [ServedInterface]
    let httpPort: Int
    /// The port the listener is bound to (the group's port for announcements).
    let port: Int
    /// IP TTL of multicast messages (UDA 1.1 §1.1.2: 2 by default).
    let multicastTTL: Int
    let limits: UPnPLimits
    let logger: Logger

    /// LOCATION on an interface.
    func location(on interface: ServedInterface) -> String {
        "http://\(interface.address):\(httpPort)\(DeviceDescription.path)"
    }

    // MARK: - Sockets

    /// Binds the listener; the caller must run it with `executeThenClose` at once and call ``join(_:)`` in it.
    static func bindListener(port: Int, group: any EventLoopGroup) async throws -> Listener {
        try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(
                ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_REUSEPORT)),
                value: 1
            )
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(capacity: SSDPMessage.maximumDatagramBytes + 1)
            )
            .bind(host: "0.0.0.0", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Listener(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Joins the SSDP group on each served interface.
    func join(_ listener: Listener) async throws {
        guard let provider = listener.channel as? any SocketOptionProvider else {
            throw UPnPConfigurationError(message: "the SSDP socket offers no socket options")
        }
        for interface in interfaces {
            let request = SSDPServer.membershipRequest(
                group: SSDPServer.multicastGroupAddress,
                interface: interface.address
            )
            try await provider.unsafeSetSocketOption(level: .ip, name: .ip_add_membership, value: request).get()
        }
    }

    /// One sender per interface (plain channels; the caller closes them with ``closeSenders(_:)``).
    func makeSenders(group: any EventLoopGroup) async throws -> [(ServedInterface, any Channel)] {
        var senders: [(ServedInterface, any Channel)] = []
        do {
            for interface in interfaces {
                let channel = try await DatagramBootstrap(group: group)
                    .bind(host: interface.address.description, port: 0).get()
                senders.append((interface, channel))
                guard let provider = channel as? any SocketOptionProvider else { continue }
                try await provider.setIPMulticastIF(SSDPServer.inAddr(interface.address)).get()
                try await provider.setIPMulticastTTL(CUnsignedChar(clamping: multicastTTL)).get()
                try await provider.setIPMulticastLoop(1).get()
            }
        } catch {
            await SSDPServer.closeSenders(senders)
            throw error
        }
        return senders
    }

    static func closeSenders(_ senders: [(ServedInterface, any Channel)]) async {
        for (_, channel) in senders { try? await channel.close() }
    }

    /// The IPv4 address as a C `in_addr` (network byte order). Built from the bytes rather than with `in_addr()`:
    /// in some build graphs the C struct's initializers resolve to NIO's internal CNIOLinux module, which
    /// MemberImportVisibility then refuses.
    static func inAddr(_ address: IPAddress) -> in_addr {
        var raw: UInt32 = 0
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: address.bytes.prefix(4)) }
        return unsafeBitCast(raw, to: in_addr.self)
    }

    /// An `ip_mreq` for IP_ADD_MEMBERSHIP (group, then interface address), built from bytes for the same reason.
    static func membershipRequest(group: IPAddress, interface: IPAddress) -> ip_mreq {
        var raw: (UInt32, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: group.bytes.prefix(4) + interface.bytes.prefix(4)) }
        return unsafeBitCast(raw, to: ip_mreq.self)
    }

    /// The SSDP group as an address.
    static let multicastGroupAddress = IPAddress.v4(239, 255, 255, 250)

    // MARK: - Announcements (UDA 1.1 §1.2)

    /// Sends `ssdp:alive` for every target on every interface.
    func sendAlive(_ senders: [(ServedInterface, any Channel)]) async {
        await send(senders) { interface, target in advertisement.alive(target, location: location(on: interface)) }
    }

    /// Sends `ssdp:byebye` for every target on every interface.
    func sendByebye(_ senders: [(ServedInterface, any Channel)]) async {
        await send(senders) { _, target in advertisement.byebye(target) }
    }

    private func send(
        _ senders: [(ServedInterface, any Channel)],
        _ makeMessage: (ServedInterface, SSDPAdvertisement.Target) -> [UInt8]
    ) async {
        guard let group = try? SocketAddress(ipAddress: SSDPServer.multicastGroup, port: port) else { return }
        for (interface, channel) in senders {
            for target in advertisement.allTargets {
                let envelope = AddressedEnvelope(
                    remoteAddress: group,
                    data: ByteBuffer(bytes: makeMessage(interface, target))
                )
                do {
                    try await channel.writeAndFlush(envelope)
                } catch {
                    logger.warning(
                        "upnp.ssdp announcement failed",
                        metadata: ["net.interface": "\(interface.name)", "error": "\(error)"]
                    )
                }
            }
        }
    }

    /// Re-announces before max-age runs out: at a random interval below half of max-age (UDA 1.1 §1.2.2).
    func renewAnnouncements(_ senders: [(ServedInterface, any Channel)]) async throws {
        while true {
            let half = max(advertisement.maxAge / 2, 2)
            let wait = Duration.milliseconds(Int.random(in: (half * 500)..<(half * 1000)))
            try await Task.sleep(for: wait)
            await sendAlive(senders)
        }
    }

    // MARK: - Searches (UDA 1.1 §1.3)

    /// Answers M-SEARCHes until the listener's inbound stream ends (cancellation).
    func answerSearches(
        inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
        outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
    ) async throws {
        var limiter = SSDPRateLimiter(
            ratePerSecond: limits.searchesPerSecondPerSender,
            burst: limits.searchBurstPerSender
        )
        let pending = ConnectionCounter()
        let multicastHost = advertisement.multicastHost
        try await withThrowingDiscardingTaskGroup { group in
            for try await datagram in inbound {
                guard let plan = plan(datagram, multicastHost: multicastHost, limiter: &limiter) else { continue }
                guard pending.enter(limit: limits.maximumPendingSearchResponses) else {
                    logger.debug("upnp.ssdp too many pending answers; search dropped")
                    continue
                }
                group.addTask {
                    defer { pending.leave() }
                    // UDA 1.1 §1.3.3: answer after a random delay in [0, MX] seconds, spreading the replies of many
                    // devices; unicast searches are answered at once.
                    if let mx = plan.maximumWait {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 0...(mx * 1000))))
                    }
                    let date = HTTPDate.now()
                    for target in plan.targets {
                        let bytes = advertisement.searchResponse(target, location: plan.location, date: date)
                        try? await outbound.write(
                            AddressedEnvelope(remoteAddress: plan.sender, data: ByteBuffer(bytes: bytes))
                        )
                    }
                }
            }
        }
    }

    /// What to answer to one datagram, or `nil` to drop it silently.
    struct SearchPlan: Sendable {
        var sender: SocketAddress
        var targets: [SSDPAdvertisement.Target]
        var location: String
        var maximumWait: Int?
    }

    func plan(
        _ datagram: AddressedEnvelope<ByteBuffer>,
        multicastHost: String,
        limiter: inout SSDPRateLimiter
    ) -> SearchPlan? {
        // Only senders on a served subnet get answers (no answers to spoofed or routed-in sources).
        guard let text = datagram.remoteAddress.ipAddress, let sender = IPAddress(text),
            let interface = interfaces.first(where: { $0.subnet.contains(sender) })
        else { return nil }
        guard let message = try? SSDPMessage(parsing: datagram.data.readableBytesView),
            let search = SSDPSearch(message, multicastHost: multicastHost)
        else { return nil }
        let targets = advertisement.answers(to: search.searchTarget)
        guard !targets.isEmpty else { return nil }
        guard limiter.allow(sender, now: .now) else {
            logger.debug("upnp.ssdp search rate limit reached", metadata: ["net.peer": "\(sender)"])
            return nil
        }
        return SearchPlan(
            sender: datagram.remoteAddress,
            targets: targets,
            location: location(on: interface),
            maximumWait: search.maximumWait
        )
    }
}
