import NIOCore
import NIOPosix
import Synchronization

/// The control point's side of SSDP discovery (UDA 1.1 §1.3): a multicast M-SEARCH on one interface, then the
/// unicast answers collected until the wait is over.
///
/// The socket binds the interface's IPv4 address with IP_MULTICAST_IF set to it, so that the search leaves through
/// that interface only — `lo` included, where the kernel still loops the datagram to the devices that joined the
/// group with a raw IP_ADD_MEMBERSHIP (TOOLCHAIN.md §3). The answers come back by unicast to that socket.
/// Everything read is bounded: each datagram (``SSDPMessage/maximumDatagramBytes``), the number of answers kept
/// (``maximumResponses``), and the time spent (MX plus a grace period for the network).
package struct SSDPSearcher: Sendable {
    /// Most distinct answers kept; a flood beyond it is ignored.
    package static let maximumResponses = 256
    /// Added to MX before the search ends: answers sent at the last moment still arrive.
    package static let grace = Duration.seconds(1)

    /// The interface to search on, e.g. `lo` or `eth0`.
    package var interface: String
    /// The SSDP port of the group (1900 on a real network; a test device may listen elsewhere).
    package var port: Int
    /// IP TTL of the search (UDA 1.1 §1.1.2: 2 by default).
    package var multicastTTL: Int
    /// The USER-AGENT header (UDA 1.1 §1.3.2: `OS/version UPnP/1.1 product/version`).
    package var userAgent: String
    package var group: any EventLoopGroup

    package init(
        interface: String,
        port: Int = 1900,
        multicastTTL: Int = 2,
        userAgent: String = "Linux UPnP/1.1 ModemMessaging/1.0",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.interface = interface
        self.port = port
        self.multicastTTL = multicastTTL
        self.userAgent = userAgent
        self.group = group
    }

    /// Searches for `target` (a device or service type, `upnp:rootdevice`, `ssdp:all` or a UDN) and returns the
    /// distinct answers (by USN) in arrival order, after `maximumWait` seconds (MX, 1…5) and a grace period.
    ///
    /// The search is sent twice, 100 ms apart (UDA 1.1 §1.3.2 recommends repeating it: UDP may drop it).
    /// - Throws: ``UPnPClientError`` `.localSetup` when the interface does not exist, has no IPv4 address, or the
    ///   socket cannot be set up.
    package func search(target: String, maximumWait: Int = 2) async throws -> [SSDPSearchResponse] {
        let served: ServedInterface
        do {
            guard let first = try ServedInterface.resolve([interface]).first else {
                throw UPnPClientError(.localSetup, "interface '\(interface)' has no IPv4 address")
            }
            served = first
        } catch let error as UPnPClientError {
            throw error
        } catch {
            throw UPnPClientError(.localSetup, "\(error)")
        }
        let search = SSDPSearch(searchTarget: target, maximumWait: maximumWait)
        let multicastHost = "\(SSDPServer.multicastGroup):\(port)"
        let request = search.request(multicastHost: multicastHost, userAgent: userAgent)
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        let groupAddress: SocketAddress
        do {
            groupAddress = try SocketAddress(ipAddress: SSDPServer.multicastGroup, port: port)
            channel = try await DatagramBootstrap(group: group)
                .channelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: SSDPMessage.maximumDatagramBytes + 1)
                )
                .bind(host: served.address.description, port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            throw UPnPClientError(.localSetup, "cannot bind an SSDP socket on \(interface): \(error)")
        }
        let wait = Duration.seconds(search.maximumWait ?? 1) + SSDPSearcher.grace
        let deadline = channel.channel.eventLoop.scheduleTask(in: TimeAmount(wait)) {
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        let found = Mutex<[SSDPSearchResponse]>([])
        let sent = Mutex(false)
        do {
            try await channel.executeThenClose { inbound, outbound in
                if let provider = channel.channel as? any SocketOptionProvider {
                    try await provider.setIPMulticastIF(SSDPServer.inAddr(served.address)).get()
                    try await provider.setIPMulticastTTL(CUnsignedChar(clamping: multicastTTL)).get()
                    try await provider.setIPMulticastLoop(1).get()
                }
                let envelope = AddressedEnvelope(remoteAddress: groupAddress, data: ByteBuffer(bytes: request))
                try await outbound.write(envelope)
                sent.withLock { $0 = true }
                let repeatSearch = channel.channel.eventLoop.scheduleTask(in: .milliseconds(100)) {
                    channel.channel.writeAndFlush(envelope, promise: nil)
                }
                defer { repeatSearch.cancel() }
                for try await datagram in inbound {
                    // Answers come from the interface's subnet; anything else is not from a device on it.
                    guard let text = datagram.remoteAddress.ipAddress, let sender = IPAddress(text),
                        served.subnet.contains(sender),
                        let response = SSDPSearchResponse(parsing: datagram.data.readableBytesView),
                        response.searchTarget == target || target == "ssdp:all"
                    else { continue }
                    let full = found.withLock { list in
                        if !list.contains(where: { $0.usn == response.usn }) { list.append(response) }
                        return list.count >= SSDPSearcher.maximumResponses
                    }
                    if full { break }
                }
            }
        } catch {
            // The deadline closes the socket, which ends the loop with an error: the normal end of a search. An
            // error before the search went out is a local problem (socket options, no route to the group).
            guard sent.withLock({ $0 }) else {
                throw UPnPClientError(.localSetup, "cannot search on \(interface): \(error)")
            }
        }
        return found.withLock { $0 }
    }
}
