import Foundation
import MMSCodec
import Messaging
import ModemSimulator
import Testing

@testable import MessagingServer

/// ``MMSCHTTPTransport`` against the simulated MMSC on loopback HTTP: each answer and fault mapped to
/// ``MMSTransportError``, and the proxy path (absolute-form request line) checked on the server's side.
@Suite struct MMSCHTTPTransportTests {
    static let picture: [UInt8] = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 13) }

    /// A network with two modems, the MMSC on 127.0.0.1 and a transport made by `configure`; one message from
    /// modem 1 waits for modem 2 at `location`.
    /// How the test's transport differs from the direct one to modem 2's MMSC URL.
    struct Setup {
        /// The MMSC URL; with it, the simulated MMSC is the proxy.
        var proxiedURL: String?
        var timeout: Duration?
        var maximumSize: Int?
        var interface: String?
    }

    static func withMMSC(
        _ setup: Setup = Setup(),
        _ body: (SimulatedMMSCServer, MMSCHTTPTransport, _ location: String) async throws -> Void
    ) async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let server = try await SimulatedMMSCServer.start(mmsc: SimulatedMMSC(network: network))
        var configuration = MMSConfiguration(mmscURL: await server.mmsc.url(forModem: "+15550000002"))
        if let proxiedURL = setup.proxiedURL {
            configuration = MMSConfiguration(mmscURL: proxiedURL, proxy: .init(host: "127.0.0.1", port: server.port))
        }
        if let timeout = setup.timeout { configuration.timeout = timeout }
        if let maximumSize = setup.maximumSize { configuration.maximumSize = maximumSize }
        configuration.interface = setup.interface
        let transport = MMSCHTTPTransport(configuration: configuration)
        do {
            let request = MMSSendReq(
                transactionID: "t1",
                from: EncodedStringValue("+15550000001/TYPE=PLMN"),
                to: [EncodedStringValue("+15550000002/TYPE=PLMN")],
                content: .multipart([
                    WSPPart(contentType: WSPContentType("image/jpeg"), data: picture)
                ])
            )
            _ = await server.mmsc.handle(.init(method: "POST", target: "/mms", body: request.pdu.encoded()))
            let location = try #require(await server.mmsc.messages.values.first).id
            try await body(server, transport, server.mmsc.baseURL + "/content/" + location)
        } catch {
            try await transport.shutdown()
            await server.shutdown()
            throw error
        }
        try await transport.shutdown()
        await server.shutdown()
    }

    static func expectError(
        _ expected: MMSTransportError,
        _ operation: () async throws(MMSTransportError) -> [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let bytes = try await operation()
            Issue.record("expected \(expected), got \(bytes.count) octets", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    @Test func retrieveAndPostDirectly() async throws {
        try await Self.withMMSC { server, transport, location in
            let body = try await transport.retrieve(from: location)
            guard case .retrieveConf(let conf) = try MMSMessage(decoding: body) else {
                Issue.record("not an m-retrieve-conf")
                return
            }
            #expect(conf.content.parts.first?.data == Self.picture)
            let acknowledgement = MMSAcknowledgeInd(transactionID: try #require(conf.transactionID))
            #expect(try await transport.post(acknowledgement.pdu.encoded()) == [])
            #expect(await server.mmsc.reports.count == 1)
            #expect(await server.mmsc.requestLines.last == "POST /mms/15550000002")
        }
    }

    @Test func postingASendReqReturnsTheSendConf() async throws {
        try await Self.withMMSC { server, transport, _ in
            let request = MMSSendReq(
                transactionID: "t9",
                to: [EncodedStringValue("+15550000001/TYPE=PLMN")],
                content: MMSContent(contentType: WSPContentType("text/plain"), body: .single(Array("hi".utf8)))
            )
            let answer = try await transport.post(request.pdu.encoded())
            guard case .sendConf(let conf) = try MMSMessage(decoding: answer) else {
                Issue.record("not an m-send-conf")
                return
            }
            #expect(conf.responseStatus == MMSSendConf.statusOK)
            #expect(conf.transactionID == "t9")
            #expect(await server.mmsc.sent.last?.transactionID == "t9")
        }
    }

    @Test func throughTheProxyTheRequestLineIsInAbsoluteForm() async throws {
        // The MMSC's host is never resolved: the connection goes to the proxy, which reads the target.
        let mmsc = "http://mmsc.invalid:8002/mms/15550000002?x=1"
        try await Self.withMMSC(Setup(proxiedURL: mmsc)) { server, transport, location in
            let path = String(location.dropFirst(await server.mmsc.baseURL.count))
            let viaProxy = "http://mms.operator.invalid" + path
            let body = try await transport.retrieve(from: viaProxy)
            #expect(try MMSMessage(decoding: body).pdu.messageType == .retrieveConf)
            let acknowledgement = MMSAcknowledgeInd(transactionID: "sim-t2")
            _ = try await transport.post(acknowledgement.pdu.encoded())
            #expect(await server.mmsc.requestLines.suffix(2) == ["GET \(viaProxy)", "POST \(mmsc)"])
        }
    }

    @Test func theProxyRefusingIsRefusedOrUnreachable() async throws {
        try await Self.withMMSC(Setup(proxiedURL: "http://mmsc.invalid/mms")) { server, transport, location in
            await server.mmsc.setFaults(.init(proxyRefusalStatus: 403))
            await Self.expectError(.refused(status: 403)) { () throws(MMSTransportError) in
                try await transport.retrieve(from: location)
            }
            await server.mmsc.setFaults(.init(proxyClosesConnection: true))
            do {
                _ = try await transport.post([0x8C, 0x85])
                Issue.record("the closed connection was not reported")
            } catch {
                guard case MMSTransportError.unreachable = error else {
                    Issue.record("expected unreachable, got \(error)")
                    return
                }
            }
        }
    }

    @Test func goneContentIsContentGone() async throws {
        try await Self.withMMSC { server, transport, location in
            for status in [404, 410] {
                await server.mmsc.setFaults(.init(contentStatus: status))
                await Self.expectError(.contentGone(status: status)) { () throws(MMSTransportError) in
                    try await transport.retrieve(from: location)
                }
            }
            await server.mmsc.setFaults(.init())
            await Self.expectError(.contentGone(status: 404)) { () throws(MMSTransportError) in
                try await transport.retrieve(from: location + "-missing")
            }
            // Another error status is a refusal (the MMSC answers 400 to an undecodable PDU).
            await Self.expectError(.refused(status: 400)) { () throws(MMSTransportError) in
                try await transport.post([0x01, 0x02])
            }
        }
    }

    @Test func aTruncatedBodyIsTruncated() async throws {
        try await Self.withMMSC { server, transport, location in
            let full = try await transport.retrieve(from: location).count
            await server.mmsc.setFaults(.init(truncateContent: true))
            await Self.expectError(.truncated(expected: full, received: full / 2)) { () throws(MMSTransportError) in
                try await transport.retrieve(from: location)
            }
        }
    }

    @Test func aSlowMMSCTimesOut() async throws {
        try await Self.withMMSC(Setup(timeout: .milliseconds(300))) { server, transport, location in
            await server.mmsc.setFaults(.init(delayMilliseconds: 20_000))
            let started = ContinuousClock.now
            await Self.expectError(.timedOut) { () throws(MMSTransportError) in
                try await transport.retrieve(from: location)
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func aBodyAboveTheMaximumSizeIsTooLarge() async throws {
        try await Self.withMMSC(Setup(maximumSize: 2048)) { _, transport, location in
            await Self.expectError(.tooLarge(limit: 2048)) { () throws(MMSTransportError) in
                try await transport.retrieve(from: location)
            }
            await Self.expectError(.tooLarge(limit: 2048)) { () throws(MMSTransportError) in
                try await transport.post([UInt8](repeating: 0, count: 2049))
            }
        }
    }

    @Test func noListenerOrNoInterfaceIsUnreachable() async throws {
        let nobody = MMSCHTTPTransport(configuration: MMSConfiguration(mmscURL: "http://127.0.0.1:9/mms"))
        do {
            _ = try await nobody.post([0x8C, 0x85])
            Issue.record("a refused connection was not reported")
        } catch {
            guard case MMSTransportError.unreachable = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
        }
        try await nobody.shutdown()
        try await Self.withMMSC(Setup(interface: "nonexistent0")) { _, transport, location in
            await Self.expectError(.unreachable(reason: "the MMS interface nonexistent0 is missing or has no address"))
            {
                () throws(MMSTransportError) in try await transport.retrieve(from: location)
            }
        }
    }

    @Test func boundToTheLoopbackInterfaceItStillReachesTheMMSC() async throws {
        #expect(MMSCHTTPTransport.address(ofInterface: "lo") == "127.0.0.1")
        try await Self.withMMSC(Setup(interface: "lo")) { _, transport, location in
            let body = try await transport.retrieve(from: location)
            #expect(body.count > Self.picture.count)
        }
    }
}
