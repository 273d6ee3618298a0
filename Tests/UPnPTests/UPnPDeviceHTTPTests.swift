import HTTPTestSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import UPnP

/// The device's HTTP side, live on 127.0.0.1 (lo) with a test double service: description, SCPD, SOAP control and
/// faults, keep-alive, chunked bodies, limits and the Host/access rules.
@Suite struct UPnPDeviceHTTPTests {
    static let control = "/upnp/Test/control"

    @Test func servesDescriptionAndSCPD() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { _, endpoints in
            let description = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/description.xml")
            #expect(description.status == .ok)
            #expect(description.headers["Content-Type"].first == "text/xml; charset=\"utf-8\"")
            #expect(description.headers["Server"].first?.contains(" UPnP/1.1 ModemMessaging/0.1") == true)
            let root = try XMLDocumentParser.parse(description.body)
            #expect(root.attribute("configId") == "42")
            #expect(
                root.firstElement(named: "device")?.firstElement(named: "deviceType")?.text
                    == "urn:schemas-example-org:device:TestDevice:3"
            )
            let scpd = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/upnp/Test/scpd.xml")
            #expect(scpd.status == .ok)
            #expect(try XMLDocumentParser.parse(scpd.body).attribute("configId") == "42")
            let head = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .HEAD,
                path: "/description.xml"
            )
            #expect(head.status == .ok && head.body.isEmpty)
            #expect(head.headers["Content-Length"].first == String(description.body.count))
            #expect(endpoints.descriptionURLs == ["http://127.0.0.1:\(endpoints.httpPort)/description.xml"])
        }
    }

    @Test func soapRoundTripEscapesXMLValuedArguments() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { _, endpoints in
            let fragment = #"<?xml version="1.0"?><m:x xmlns:m="urn:m">a &amp; b</m:x>"#
            let response = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .POST,
                path: Self.control,
                headers: SOAPTest.headers(action: "Echo"),
                body: SOAPTest.envelope(action: "Echo", arguments: [("Text", fragment)])
            )
            #expect(response.status == .ok)
            #expect(response.headers["EXT"].first == "")
            let (element, arguments) = try SOAPTest.outArguments(response.body)
            #expect(element.name == "EchoResponse" && element.namespaceURI == TestService.type)
            #expect(arguments.count == 1 && arguments[0].0 == "Result" && arguments[0].1 == fragment)
            #expect(element.elements[0].namespaceURI == nil)  // Out-arguments are unqualified.
            #expect(!element.elements[0].hasElementChildren)  // The fragment travels as escaped text.
            let call = try #require(service.calls.withLock { $0.first })
            #expect(call.context.clientAddress == IPAddress("127.0.0.1"))
            #expect(call.context.requestedServiceType == TestService.type)
        }
    }

    @Test func argumentsInAnyOrderReachTheServiceInSCPDOrderAndOutArgumentsLeaveInSCPDOrder() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { _, endpoints in
            let response = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .POST,
                path: Self.control,
                headers: SOAPTest.headers(action: "Add"),
                body: SOAPTest.envelope(action: "Add", arguments: [("B", "40"), ("A", "2")])
            )
            #expect(response.status == .ok)
            let (_, arguments) = try SOAPTest.outArguments(response.body)
            #expect(arguments.map(\.0) == ["Sum", "Order"])
            #expect(arguments.map(\.1) == ["42", "A,B"])
        }
    }

    @Test func aLowerVersionOfTheServiceTypeIsServed() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let v1 = "urn:schemas-example-org:service:Test:1"
            let response = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .POST,
                path: Self.control,
                headers: SOAPTest.headers(action: "Echo", serviceType: v1),
                body: SOAPTest.envelope(action: "Echo", serviceType: v1, arguments: [("Text", "x")])
            )
            #expect(response.status == .ok)
            #expect(try SOAPTest.outArguments(response.body).element.namespaceURI == v1)
        }
    }

    struct FaultCase: Sendable, CustomTestStringConvertible {
        var name: String
        var action: String
        var soapActionType = TestService.type
        var body: [UInt8]
        var code: Int
        var testDescription: String { name }
    }

    static let faultCases: [FaultCase] = [
        FaultCase(
            name: "unknown action",
            action: "Nope",
            body: SOAPTest.envelope(action: "Nope", arguments: []),
            code: 401
        ),
        FaultCase(
            name: "other service type",
            action: "Echo",
            soapActionType: "urn:schemas-example-org:service:Other:1",
            body: SOAPTest.envelope(
                action: "Echo",
                serviceType: "urn:schemas-example-org:service:Other:1",
                arguments: [("Text", "x")]
            ),
            code: 401
        ),
        FaultCase(
            name: "higher version",
            action: "Echo",
            soapActionType: "urn:schemas-example-org:service:Test:3",
            body: SOAPTest.envelope(
                action: "Echo",
                serviceType: "urn:schemas-example-org:service:Test:3",
                arguments: [("Text", "x")]
            ),
            code: 401
        ),
        FaultCase(
            name: "body names another action",
            action: "Echo",
            body: SOAPTest.envelope(action: "Add", arguments: [("A", "1"), ("B", "2")]),
            code: 401
        ),
        FaultCase(
            name: "missing argument",
            action: "Add",
            body: SOAPTest.envelope(action: "Add", arguments: [("A", "1")]),
            code: 402
        ),
        FaultCase(
            name: "unknown argument",
            action: "Echo",
            body: SOAPTest.envelope(action: "Echo", arguments: [("Text", "x"), ("Extra", "y")]),
            code: 402
        ),
        FaultCase(
            name: "duplicate argument",
            action: "Echo",
            body: SOAPTest.envelope(action: "Echo", arguments: [("Text", "x"), ("Text", "y")]),
            code: 402
        ),
        FaultCase(name: "malformed XML", action: "Echo", body: Array("<s:Envelope><oops>".utf8), code: 402),
        FaultCase(name: "not an envelope", action: "Echo", body: Array("<Envelope/>".utf8), code: 402),
        FaultCase(
            name: "XXE",
            action: "Echo",
            body: Array(
                """
                <?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
                <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>\
                <u:Echo xmlns:u="urn:schemas-example-org:service:Test:2"><Text>&x;</Text></u:Echo></s:Body></s:Envelope>
                """.utf8
            ),
            code: 402
        ),
        FaultCase(
            name: "billion laughs",
            action: "Echo",
            body: Array(
                """
                <?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\
                <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">\
                <s:Body><u:Echo xmlns:u="urn:schemas-example-org:service:Test:2"><Text>&c;</Text></u:Echo></s:Body></s:Envelope>
                """.utf8
            ),
            code: 402
        ),
        FaultCase(
            name: "depth bomb",
            action: "Echo",
            body: Array((String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)).utf8),
            code: 402
        ),
        FaultCase(
            name: "structured argument",
            action: "Echo",
            body: Array(
                #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Echo xmlns:u="urn:schemas-example-org:service:Test:2"><Text><b/></Text></u:Echo></s:Body></s:Envelope>"#
                    .utf8
            ),
            code: 402
        ),
        FaultCase(
            name: "service-specific code",
            action: "Fail",
            body: SOAPTest.envelope(action: "Fail", arguments: [("Code", "714")]),
            code: 714
        ),
        FaultCase(
            name: "service returns wrong out-arguments",
            action: "Broken",
            body: SOAPTest.envelope(action: "Broken", arguments: []),
            code: 501
        ),
        FaultCase(
            name: "argument value invalid",
            action: "Add",
            body: SOAPTest.envelope(action: "Add", arguments: [("A", "x"), ("B", "2")]),
            code: 600
        ),
    ]

    @Test(arguments: faultCases)
    func faultsInTheUDAForm(_ fault: FaultCase) async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let response = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .POST,
                path: Self.control,
                headers: SOAPTest.headers(action: fault.action, serviceType: fault.soapActionType),
                body: fault.body
            )
            #expect(response.status == .internalServerError)
            #expect(response.headers["Content-Type"].first == "text/xml; charset=\"utf-8\"")
            let (code, description) = try SOAPTest.fault(response.body)
            #expect(code == fault.code)
            if fault.code == 714 { #expect(description == "Failed <on purpose> & more") }
        }
    }

    @Test func httpLevelErrors() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let port = endpoints.httpPort
            let body = SOAPTest.envelope(action: "Echo", arguments: [("Text", "x")])
            let json = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: Self.control,
                headers: [("Content-Type", "application/json"), ("SOAPACTION", "\"\(TestService.type)#Echo\"")],
                body: body
            )
            #expect(json.status == .unsupportedMediaType)
            let latin1 = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: Self.control,
                headers: [
                    ("Content-Type", "text/xml; charset=iso-8859-1"), ("SOAPACTION", "\"\(TestService.type)#Echo\""),
                ],
                body: body
            )
            #expect(latin1.status == .unsupportedMediaType)
            let noAction = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: Self.control,
                headers: [("Content-Type", "text/xml")],
                body: body
            )
            #expect(noAction.status == .badRequest)
            let get = try await TestHTTPConnection.request(port: port, path: Self.control)
            #expect(get.status == .methodNotAllowed && get.headers["Allow"].first == "POST")
            let post = try await TestHTTPConnection.request(port: port, method: .POST, path: "/description.xml")
            #expect(post.status == .methodNotAllowed)
            let subscribeGet = try await TestHTTPConnection.request(port: port, path: "/upnp/Test/event")
            #expect(subscribeGet.status == .methodNotAllowed)
            let missing = try await TestHTTPConnection.request(port: port, path: "/etc/passwd")
            #expect(missing.status == .notFound)
        }
    }

    @Test func keepAliveAndChunkedBodies() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            try await TestHTTPConnection.with(port: endpoints.httpPort) { connection in
                let host = "127.0.0.1:\(endpoints.httpPort)"
                for i in 0..<3 {
                    let response = try await connection.request(
                        method: .POST,
                        path: Self.control,
                        headers: SOAPTest.headers(action: "Echo"),
                        body: SOAPTest.envelope(action: "Echo", arguments: [("Text", "n\(i)")]),
                        host: host,
                        chunked: i == 1
                    )
                    #expect(response.status == .ok)
                    #expect(try SOAPTest.outArguments(response.body).arguments.first?.1 == "n\(i)")
                    #expect(response.headers["Connection"].first != "close")
                }
                let description = try await connection.request(path: "/description.xml", host: host)
                #expect(description.status == .ok)
            }
        }
    }

    @Test func oversizeBodiesAreRefusedBeforeParsing() async throws {
        var limits = UPnPLimits()
        limits.maximumRequestBodyBytes = 4096
        try await withRunningDevice(.test(services: [TestService()], limits: limits)) { _, endpoints in
            // A declared 10 MB body: refused on the head alone, nothing more is read.
            let declared = try await TestHTTPConnection.with(port: endpoints.httpPort) { connection in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: Self.control)
                head.headers.add(name: "Host", value: "127.0.0.1:\(endpoints.httpPort)")
                head.headers.add(name: "Content-Type", value: "text/xml")
                head.headers.add(name: "Content-Length", value: String(10 * 1024 * 1024))
                try await connection.outbound.write(.head(head))
                return try await connection.readResponse()
            }
            #expect(declared.status == .payloadTooLarge)
            #expect(declared.headers["Connection"].first == "close")
            // A chunked body that grows past the limit.
            let chunked = try await TestHTTPConnection.with(port: endpoints.httpPort) { connection in
                try await connection.request(
                    method: .POST,
                    path: Self.control,
                    headers: SOAPTest.headers(action: "Echo"),
                    body: SOAPTest.envelope(action: "Echo", arguments: [("Text", String(repeating: "x", count: 6000))]),
                    host: "127.0.0.1:\(endpoints.httpPort)",
                    chunked: true
                )
            }
            #expect(chunked.status == .payloadTooLarge)
        }
    }

    @Test func tenMegabyteBodyWithTheDefaultLimit() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let response = try await TestHTTPConnection.with(port: endpoints.httpPort) { connection in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: Self.control)
                head.headers.add(name: "Host", value: "127.0.0.1:\(endpoints.httpPort)")
                head.headers.add(name: "Content-Type", value: "text/xml")
                head.headers.add(name: "SOAPACTION", value: "\"\(TestService.type)#Echo\"")
                head.headers.add(name: "Content-Length", value: String(10 * 1024 * 1024))
                try await connection.outbound.write(.head(head))
                // Send a first megabyte; the answer comes without waiting for the rest. The server may answer 413
                // and close while this write is still under way, so the write may fail; the answer is read anyway.
                try? await connection.outbound.write(.body(.byteBuffer(.init(repeating: 0x41, count: 1 << 20))))
                return try await connection.readResponse()
            }
            #expect(response.status == .payloadTooLarge)
        }
    }

    @Test func hostHeaderMustNameTheListeningAddressOrAConfiguredName() async throws {
        try await withRunningDevice(.test(services: [TestService()], hostNames: ["Pi.local"])) { _, endpoints in
            let port = endpoints.httpPort
            func status(_ host: String?) async throws -> HTTPResponseStatus {
                try await TestHTTPConnection.with(port: port) { connection in
                    try await connection.request(path: "/description.xml", host: host).status
                }
            }
            let host1 = try await status("127.0.0.1:\(port)")
            #expect(host1 == .ok)
            let host2 = try await status("127.0.0.1")
            #expect(host2 == .ok)
            let host3 = try await status("pi.local:\(port)")
            #expect(host3 == .ok)
            let host4 = try await status("evil.example:\(port)")
            #expect(host4 == .badRequest)  // DNS rebinding.
            let host5 = try await status("127.0.0.2:\(port)")
            #expect(host5 == .badRequest)
            let host6 = try await status("127.0.0.1:\(port == 65535 ? 1 : port + 1)")
            #expect(host6 == .badRequest)
            let host7 = try await status(nil)
            #expect(host7 == .badRequest)
            let host8 = try await status("127.0.0.1:\(port)/x")
            #expect(host8 == .badRequest)
        }
    }

    @Test func accessPolicyDeniesActionsWith606AndUnknownClientsWith403() async throws {
        let service = TestService()
        let restricted = UPnPAccessPolicy(rules: [
            .init(subnet: try #require(IPSubnet("127.0.0.1/32")), actions: .only(["Echo"]))
        ])
        try await withRunningDevice(.test(services: [service], accessPolicy: restricted)) { _, endpoints in
            func call(_ action: String, _ arguments: [(String, String)]) async throws -> TestHTTPResponse {
                try await TestHTTPConnection.request(
                    port: endpoints.httpPort,
                    method: .POST,
                    path: Self.control,
                    headers: SOAPTest.headers(action: action),
                    body: SOAPTest.envelope(action: action, arguments: arguments)
                )
            }
            #expect(try await call("Echo", [("Text", "ok")]).status == .ok)
            let denied = try await call("Add", [("A", "1"), ("B", "2")])
            #expect(denied.status == .internalServerError)
            #expect(try SOAPTest.fault(denied.body).code == 606)
            #expect(service.calls.withLock { $0.map(\.action) } == ["Echo"])  // The denied call never ran.
        }
        let nobody = UPnPAccessPolicy(rules: [.init(subnet: try #require(IPSubnet("192.168.0.0/16")))])
        try await withRunningDevice(.test(services: [service], accessPolicy: nobody)) { _, endpoints in
            let description = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/description.xml")
            #expect(description.status == .forbidden)
            let action = try await TestHTTPConnection.request(
                port: endpoints.httpPort,
                method: .POST,
                path: Self.control,
                headers: SOAPTest.headers(action: "Echo"),
                body: SOAPTest.envelope(action: "Echo", arguments: [("Text", "x")])
            )
            #expect(action.status == .forbidden)
        }
    }

    @Test func aMalformedSCPDIsRefusedAtConstruction() {
        struct BadService: UPnPServiceHandler {
            let serviceType = "urn:x-org:service:Bad:1"
            let serviceID = "urn:x-org:serviceId:Bad"
            let scpdXML = "<scpd><actionList>"
            let events = UPnPEventPublisher()
            func invoke(
                action: String,
                arguments: [(name: String, value: String)],
                context: UPnPActionContext
            )
                async throws(UPnPActionError) -> [(name: String, value: String)]
            { [] }
            func currentEventedValues() async -> [(name: String, value: String)] { [] }
        }
        #expect(throws: UPnPConfigurationError.self) {
            try UPnPDevice(configuration: .test(services: [BadService()]), logger: .init(label: "t"))
        }
    }

    @Test func unknownInterfaceFailsRunAndWaitUntilRunning() async throws {
        var configuration = UPnPDeviceConfiguration.test(services: [TestService()])
        configuration.interfaces = ["no-such-if0"]
        let device = try UPnPDevice(configuration: configuration, logger: .init(label: "t"))
        await #expect(throws: UPnPConfigurationError.self) { try await device.run() }
        await #expect(throws: UPnPConfigurationError.self) { try await device.waitUntilRunning() }
    }

    /// RFC 7230 §6.3.2: responses leave in request order. A client that pipelines two actions and then bytes that
    /// are no request gets both answers, then the 400, then the close; not the 400 first.
    @Test func pipelinedRequestsAreAnsweredInOrderUpToAMalformedOne() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let body = SOAPTest.envelope(action: "Echo", arguments: [("Text", "n")])
            var head = "POST \(Self.control) HTTP/1.1\r\nHost: 127.0.0.1:\(endpoints.httpPort)\r\n"
            for (name, value) in SOAPTest.headers(action: "Echo") { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(body.count)\r\n\r\n"
            let request = Array(head.utf8) + body
            let text = try await Self.exchange(
                request + request + Array("NOT HTTP\r\n\r\n".utf8),
                port: endpoints.httpPort
            )
            #expect(
                text.ranges(of: "HTTP/1.1 ").map { String(text[$0.upperBound...].prefix(3)) } == ["200", "200", "400"]
            )
        }
    }

    /// Pipelined requests to a route that suspends (an actor call: its answer comes back to the connection's event
    /// loop from the concurrency pool) and to one that does not (answered inside the read) leave in request order.
    @Test func pipelinedAnswersOfSuspendingAndImmediateRoutesLeaveInRequestOrder() async throws {
        actor Counter {
            var count = 0
            func next() -> Int {
                count += 1
                return count
            }
        }
        let counter = Counter()
        let routes = Self.slowAndFastRoutes { "slow\(await counter.next())" }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: routes)) { _, endpoints in
            let host = "Host: 127.0.0.1:\(endpoints.httpPort)\r\n"
            var requests = ""
            for path in ["/slow", "/fast", "/slow", "/fast"] { requests += "GET \(path) HTTP/1.1\r\n\(host)\r\n" }
            requests += "GET /slow HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"
            let text = try await Self.exchange(Array(requests.utf8), port: endpoints.httpPort)
            let bodies = text.split(separator: "\r\n\r\n").dropFirst().map { $0.prefix { $0 != "H" } }
            #expect(bodies == ["slow1", "fast", "slow2", "fast", "slow3"])
        }
    }

    /// A request the decoder cannot parse, pipelined behind one whose route suspends, gets its 400 after that
    /// answer, not before it; the answers of immediate routes written in one read leave in order too.
    @Test func aMalformedRequestBehindASuspendingRouteIsAnsweredAfterIt() async throws {
        let routes = Self.slowAndFastRoutes { "slow" }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: routes)) { _, endpoints in
            let host = "Host: 127.0.0.1:\(endpoints.httpPort)\r\n"
            let requests =
                "GET /fast HTTP/1.1\r\n\(host)\r\nGET /fast HTTP/1.1\r\n\(host)\r\n"
                + "GET /slow HTTP/1.1\r\n\(host)\r\nNOT HTTP\r\n\r\n"
            let text = try await Self.exchange(Array(requests.utf8), port: endpoints.httpPort)
            let statuses = text.ranges(of: "HTTP/1.1 ").map { String(text[$0.upperBound...].prefix(3)) }
            #expect(statuses == ["200", "200", "200", "400"])
            let bodies = text.split(separator: "\r\n\r\n").dropFirst().map { $0.prefix { $0 != "H" } }
            #expect(bodies.prefix(3) == ["fast", "fast", "slow"])
            // Each answer is framed by its own length.
            #expect(text.ranges(of: "\r\nContent-Length: 4\r\n").count == 3)
        }
    }

    /// A route's header value with CR LF would split the response (RFC 9110 §5.5): the client gets a 500 instead,
    /// and the injected field never reaches it.
    @Test func aRouteHeaderThatWouldSplitTheResponseBecomesA500() async throws {
        let route = UPnPHTTPRoute(path: "/split") { _ in
            UPnPHTTPRoute.Response(status: 200, headers: [("X-Name", "a\r\nSet-Cookie: stolen=1")], body: [0x41])
        }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: [route])) { _, endpoints in
            let response = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/split")
            #expect(response.status == .internalServerError)
            #expect(response.headers["Set-Cookie"].isEmpty && response.headers["X-Name"].isEmpty)
            #expect(response.body.isEmpty)
            // The connection still serves the next request.
            let description = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/description.xml")
            #expect(description.status == .ok)
        }
    }

    /// An HTTP/1.0 client cannot read chunks (RFC 9112 §7.1): a streamed body reaches it unframed, ended by the
    /// close.
    @Test func aStreamedBodyToAnHTTP10ClientEndsWithTheConnection() async throws {
        let route = UPnPHTTPRoute(path: "/events") { _ in
            UPnPHTTPRoute.Response(status: 200, headers: [("Content-Type", "text/plain")]) { writer in
                try await writer.write(Array("first\n".utf8))
                try await writer.write([])
                try await writer.write(Array("second\n".utf8))
            }
        }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: [route])) { _, endpoints in
            let request = "GET /events HTTP/1.0\r\nHost: 127.0.0.1:\(endpoints.httpPort)\r\n\r\n"
            let text = try await Self.exchange(Array(request.utf8), port: endpoints.httpPort)
            let parts = text.split(separator: "\r\n\r\n", maxSplits: 1)
            #expect(parts.first?.hasPrefix("HTTP/1.0 200 OK\r\n") == true)
            #expect(parts.first?.contains("Connection: close") == true)
            #expect(parts.first?.contains("Transfer-Encoding") == false)
            #expect(parts.last == "first\nsecond\n")
        }
    }

    /// `/slow`, whose route suspends (its answer comes back to the loop from the concurrency pool) before it answers
    /// `slowBody()`, and `/fast`, which answers `fast` inside the read.
    static func slowAndFastRoutes(_ slowBody: @escaping @Sendable () async -> String) -> [UPnPHTTPRoute] {
        [
            UPnPHTTPRoute(path: "/slow") { _ in
                await Task.yield()
                return UPnPHTTPRoute.Response(status: 200, body: Array(await slowBody().utf8))
            },
            UPnPHTTPRoute(path: "/fast") { _ in UPnPHTTPRoute.Response(status: 200, body: Array("fast".utf8)) },
        ]
    }

    /// Sends `bytes` on a new connection and returns everything the device sends until it closes the connection.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let received = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            for try await buffer in inbound { received += buffer.readableBytesView }
            return received
        }
        return String(decoding: received, as: UTF8.self)
    }
}

@Suite struct ExpectContinueTests {
    @Test func expectContinueGetsAnInterimResponseBeforeTheBody() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            typealias Client = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: endpoints.httpPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(
                                HTTPResponseDecoder(
                                    leftOverBytesStrategy: .dropBytes,
                                    informationalResponseStrategy: .forward
                                )
                            )
                        )
                        return try Client(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                let body = SOAPTest.envelope(action: "Echo", arguments: [("Text", String(repeating: "y", count: 2000))])
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: UPnPDeviceHTTPTests.control)
                head.headers.add(name: "Host", value: "127.0.0.1:\(endpoints.httpPort)")
                for (name, value) in SOAPTest.headers(action: "Echo") { head.headers.add(name: name, value: value) }
                head.headers.add(name: "Content-Length", value: String(body.count))
                head.headers.add(name: "Expect", value: "100-continue")
                try await outbound.write(.head(head))
                var iterator = inbound.makeAsyncIterator()
                guard case .head(let interim) = try await iterator.next() else {
                    Issue.record("no interim response")
                    return
                }
                #expect(interim.status == .continue)
                try await outbound.write(contentsOf: [.body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
                var final: HTTPResponseHead?
                while let part = try await iterator.next() {
                    if case .head(let response) = part { final = response }
                    if case .end = part { break }
                }
                #expect(final?.status == .ok)
            }
        }
    }
}
