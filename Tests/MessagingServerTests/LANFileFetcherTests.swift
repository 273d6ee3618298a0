import Foundation
import MMSCodec
import Messaging
import ModemSimulator
import NIOCore
import TestSupport
import Testing
import UPnP

@testable import MessagingServer

/// ``LANFileFetcher`` against real servers on loopback: a control point's offered files (``OfferedFileServer``,
/// the server `telcp send --attach` runs) and the simulated MMSC's faults (a slow, truncated or missing body), and
/// the refusal of every link that is not on the local network, literal or resolved.
@Suite struct LANFileFetcherTests {
    static let picture = try! Array(Fixtures.data("images/python.jpg"))

    static func withFetcher(
        maximumBytes: Int = 300 * 1024,
        timeout: Duration = LANFileFetcher.defaultTimeout,
        resolve: (@Sendable (String) async throws -> [IPAddress])? = nil,
        _ body: (LANFileFetcher) async throws -> Void
    ) async throws {
        let fetcher =
            resolve.map { LANFileFetcher(maximumBytes: maximumBytes, timeout: timeout, resolve: $0) }
            ?? LANFileFetcher(maximumBytes: maximumBytes, timeout: timeout)
        do {
            try await body(fetcher)
        } catch {
            try await fetcher.shutdown()
            throw error
        }
        try await fetcher.shutdown()
    }

    /// The reason of the FileFetchError `fetch` throws; a fetch that succeeds fails the test.
    static func refusal(
        _ fetcher: LANFileFetcher,
        _ link: String,
        maximumBytes: Int = 1 << 20,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> FileFetchError? {
        do {
            let file = try await fetcher.fetch(link, maximumBytes: maximumBytes)
            Issue.record("\(link) was fetched (\(file.bytes.count) bytes)", sourceLocation: sourceLocation)
        } catch let error as FileFetchError {
            return error
        } catch {
            Issue.record("\(link): not a FileFetchError: \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    static let jpeg = OfferedFileServer.File(name: "a picture.jpg", mimeType: "image/jpeg", bytes: picture)

    @Test func anOfferedFileIsFetchedWithItsContentType() async throws {
        try await Self.withFetcher { fetcher in
            try await OfferedFileServer.with(host: "127.0.0.1", files: [Self.jpeg]) { server in
                #expect(server.links[0].hasSuffix("/a%20picture.jpg"))
                let file = try await fetcher.fetch(server.links[0], maximumBytes: 1 << 20)
                #expect(file.bytes == Self.picture && file.mimeType == "image/jpeg")
                #expect(server.fetches == [1])
                // Another path on the same server (a guessed token) is not the file.
                let guessed = server.links[0].replacingOccurrences(of: "/a%20picture.jpg", with: "/b.jpg")
                #expect(await Self.refusal(fetcher, guessed)?.reason == "HTTP 404 Not Found")
            }
        }
    }

    @Test func aNameResolvingToLoopbackIsFetched() async throws {
        #expect(try await LANFileFetcher.addresses(of: "localhost").allSatisfy(\.isLoopback))
        try await Self.withFetcher { fetcher in
            try await OfferedFileServer.with(host: "127.0.0.1", files: [Self.jpeg]) { server in
                let link = server.links[0].replacingOccurrences(of: "127.0.0.1", with: "localhost")
                let file = try await fetcher.fetch(link, maximumBytes: 1 << 20)
                #expect(file.bytes == Self.picture)
            }
        }
    }

    @Test func theSmallerCapOfCallerAndMaxSizeHolds() async throws {
        let size = Self.picture.count
        try await Self.withFetcher(maximumBytes: size - 1) { fetcher in
            try await OfferedFileServer.with(host: "127.0.0.1", files: [Self.jpeg]) { server in
                let byMaxSize = await Self.refusal(fetcher, server.links[0])
                #expect(byMaxSize == FileFetchError("larger than \(size - 1) bytes", isTooLarge: true))
            }
        }
        try await Self.withFetcher { fetcher in
            try await OfferedFileServer.with(host: "127.0.0.1", files: [Self.jpeg]) { server in
                let byCaller = await Self.refusal(fetcher, server.links[0], maximumBytes: 100)
                #expect(byCaller?.isTooLarge == true && byCaller?.reason == "larger than 100 bytes")
                let file = try await fetcher.fetch(server.links[0], maximumBytes: size)
                #expect(file.bytes.count == size)
            }
        }
    }

    @Test func linksOffTheLocalNetworkAreRefusedBeforeAnyConnection() async throws {
        // Resolved names: the injected resolver says where each name points; nothing is connected to.
        let names: [String: [IPAddress]] = [
            "outside.test": [IPAddress("93.184.216.34")!],
            "mixed.test": [IPAddress("192.168.1.20")!, IPAddress("2001:db8::1")!],
        ]
        let resolve: @Sendable (String) async throws -> [IPAddress] = { name in names[name] ?? [] }
        try await Self.withFetcher(resolve: resolve) { fetcher in
            let cases: [(String, String)] = [
                ("http://8.8.8.8/x.jpg", "8.8.8.8 is not a LAN address"),
                ("https://[2001:4860:4860::8888]/x.jpg", "2001:4860:4860::8888 is not a LAN address"),
                ("http://[::ffff:8.8.4.4]:8080/x", "8.8.4.4 is not a LAN address"),
                ("http://172.32.0.1/x", "172.32.0.1 is not a LAN address"),
                ("http://outside.test/x.jpg", "outside.test resolves to 93.184.216.34, not a LAN address"),
                ("http://mixed.test/x.jpg", "mixed.test resolves to 2001:db8::1, not a LAN address"),
                ("http://unknown.test/x.jpg", "cannot resolve unknown.test"),
                ("ftp://192.168.1.2/x.jpg", "not an http:// or https:// link"),
                ("file:///etc/passwd", "not an http:// or https:// link"),
                ("http://user:pw@192.168.1.2/x.jpg", "a link with user info"),
            ]
            for (link, reason) in cases {
                #expect(await Self.refusal(fetcher, link)?.reason == reason, "\(link)")
            }
        }
    }

    @Test func theLocalNetworkIsLoopbackPrivateLinkLocalAndUniqueLocal() throws {
        let inside = [
            "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.178.20", "169.254.1.1",
            "::1", "fe80::1", "febf::1", "fd12:3456::1", "fc00::1", "::ffff:192.168.1.1",
        ]
        let outside = [
            "8.8.8.8", "172.15.0.1", "172.32.0.1", "192.169.0.1", "169.255.0.1", "100.64.0.1", "0.0.0.0",
            "2001:db8::1", "fec0::1", "fe00::1", "ff02::1", "::", "::ffff:8.8.8.8",
        ]
        for text in inside { #expect(IPAddress(text)?.isLocalNetwork == true, "\(text)") }
        for text in outside { #expect(IPAddress(text)?.isLocalNetwork == false, "\(text)") }
        // The connection's own peer is checked as well (a name that resolves elsewhere the second time).
        #expect(LANFileFetcher.isLocalPeer(try SocketAddress(ipAddress: "192.168.1.5", port: 80)))
        #expect(!LANFileFetcher.isLocalPeer(try SocketAddress(ipAddress: "93.184.216.34", port: 80)))
        #expect(!LANFileFetcher.isLocalPeer(try SocketAddress(ipAddress: "2606:2800:220:1::1", port: 443)))
        #expect(!LANFileFetcher.isLocalPeer(nil))
    }

    /// The simulated MMSC, whose content faults make a slow, truncated or missing body, with one message stored.
    static func withContent(_ body: (SimulatedMMSCServer, _ link: String) async throws -> Void) async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let server = try await SimulatedMMSCServer.start(mmsc: SimulatedMMSC(network: network))
        do {
            let request = MMSSendReq(
                transactionID: "t1",
                from: EncodedStringValue("+15550000001/TYPE=PLMN"),
                to: [EncodedStringValue("+15550000002/TYPE=PLMN")],
                content: .multipart([WSPPart(contentType: WSPContentType("image/jpeg"), data: picture)])
            )
            _ = await server.mmsc.handle(.init(method: "POST", target: "/mms", body: request.pdu.encoded()))
            let id = try #require(await server.mmsc.messages.values.first).id
            try await body(server, server.mmsc.baseURL + "/content/" + id)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func missingTruncatedAndSlowBodiesSayWhy() async throws {
        try await Self.withFetcher(timeout: .milliseconds(500)) { fetcher in
            try await Self.withContent { server, link in
                let whole = try await fetcher.fetch(link, maximumBytes: 1 << 20)
                #expect(whole.mimeType == "application/vnd.wap.mms-message" && whole.bytes.count > Self.picture.count)
                await server.mmsc.setFaults(.init(contentStatus: 410))
                #expect(await Self.refusal(fetcher, link)?.reason == "HTTP 410 Gone")
                await server.mmsc.setFaults(.init(truncateContent: true))
                let truncated = await Self.refusal(fetcher, link)
                #expect(truncated?.reason == "truncated: \(whole.bytes.count / 2) of \(whole.bytes.count) bytes")
                await server.mmsc.setFaults(.init(delayMilliseconds: 20_000))
                let started = ContinuousClock.now
                #expect(await Self.refusal(fetcher, link)?.reason == "no answer within 0.5 seconds")
                #expect(ContinuousClock.now - started < .seconds(10))
            }
        }
    }

    @Test func aServerThatIsNotListeningIsReported() async throws {
        try await Self.withFetcher { fetcher in
            let reason = await Self.refusal(fetcher, "http://127.0.0.1:9/x.jpg")?.reason
            #expect(reason?.hasPrefix("cannot fetch: ") == true, "\(reason ?? "")")
        }
    }
}
