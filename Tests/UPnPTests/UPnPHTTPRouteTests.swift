import HTTPTestSupport
import MetricsTestKit
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import UPnP

/// Extra routes (``UPnPDeviceConfiguration/extraRoutes``) and the SOAP action counters, on a live device on
/// 127.0.0.1 (lo).
@Suite struct UPnPHTTPRouteTests {
    /// The requests a route's handler got.
    final class Seen: Sendable {
        let requests = Mutex<[UPnPHTTPRoute.Request]>([])
        var methods: [String] { requests.withLock { $0.map(\.method) } }
    }

    /// A route that answers with what it was asked, and remembers every request.
    static func echoRoute(_ seen: Seen) -> UPnPHTTPRoute {
        UPnPHTTPRoute(path: "/status") { request in
            seen.requests.withLock { $0.append(request) }
            return UPnPHTTPRoute.Response(
                status: 200,
                headers: [("Content-Type", "text/plain")],
                body: Array("\(request.method) \(request.path) \(request.query ?? "-") \(request.client)".utf8)
            )
        }
    }

    @Test func anExtraRouteAnswersGETAndHEADWithTheClientsAddress() async throws {
        let seen = Seen()
        let configuration = UPnPDeviceConfiguration.test(
            services: [TestService()],
            extraRoutes: [
                Self.echoRoute(seen),
                UPnPHTTPRoute(path: "/teapot") { _ in UPnPHTTPRoute.Response(status: 418, body: [0x21]) },
            ]
        )
        try await withRunningDevice(configuration) { _, endpoints in
            let port = endpoints.httpPort
            let get = try await TestHTTPConnection.request(port: port, path: "/status?verbose=1")
            #expect(get.status == .ok)
            #expect(get.text == "GET /status verbose=1 127.0.0.1")
            #expect(get.headers["Content-Type"].first == "text/plain")
            #expect(get.headers["Server"].first?.contains(" UPnP/1.1 ") == true)

            let head = try await TestHTTPConnection.request(port: port, method: .HEAD, path: "/status")
            #expect(head.status == .ok && head.body.isEmpty)
            #expect(head.headers["Content-Length"].first == String("HEAD /status - 127.0.0.1".utf8.count))

            // The handler's own status goes out as it is.
            let teapot = try await TestHTTPConnection.request(port: port, path: "/teapot")
            #expect(teapot.status.code == 418 && teapot.body == [0x21])

            // Read-only: other methods never reach the handler.
            let post = try await TestHTTPConnection.request(port: port, method: .POST, path: "/status", body: [1])
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers["Allow"].first == "GET, HEAD")
            #expect(try await TestHTTPConnection.request(port: port, path: "/status/x").status == .notFound)
            #expect(seen.methods == ["GET", "HEAD"])
        }
    }

    @Test func theDeviceRulesComeBeforeAnExtraRoute() async throws {
        let seen = Seen()
        let nobody = UPnPAccessPolicy(rules: [.init(subnet: try #require(IPSubnet("192.168.0.0/16")))])
        let configuration = UPnPDeviceConfiguration.test(
            services: [TestService()],
            accessPolicy: nobody,
            extraRoutes: [Self.echoRoute(seen)]
        )
        try await withRunningDevice(configuration) { _, endpoints in
            let port = endpoints.httpPort
            #expect(try await TestHTTPConnection.request(port: port, path: "/status").status == .forbidden)
            // DNS rebinding defence: a foreign Host is refused before routing.
            let rebound = try await TestHTTPConnection.request(port: port, path: "/status", host: "evil.example")
            #expect(rebound.status == .badRequest)
        }
        #expect(seen.methods.isEmpty)
    }

    @Test func aRouteThatTakesPOSTGetsTheBodyAndHeadersWithinItsBound() async throws {
        let seen = Seen()
        let route = UPnPHTTPRoute(path: "/api", methods: ["POST"], maximumBodyBytes: 16) { request in
            seen.requests.withLock { $0.append(request) }
            let header = request.headerValues("x-requested-with").joined(separator: ",")
            return UPnPHTTPRoute.Response(status: 200, body: Array("\(header) ".utf8) + request.body)
        }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: [route])) { _, endpoints in
            let port = endpoints.httpPort
            let post = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: "/api",
                headers: [("X-Requested-With", "test")],
                body: Array("sixteen bytes!!!".utf8)
            )
            #expect(post.status == .ok && post.text == "test sixteen bytes!!!")

            // One byte over the bound: refused from Content-Length, before the body is read.
            let tooLong = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: "/api",
                body: Array(repeating: 0x61, count: 17)
            )
            #expect(tooLong.status == .payloadTooLarge)
            // A chunked body declares no length: refused once read.
            let chunked = try await TestHTTPConnection.with(port: port) { connection in
                try await connection.request(
                    method: .POST,
                    path: "/api",
                    body: Array(repeating: 0x61, count: 17),
                    host: "127.0.0.1:\(port)",
                    chunked: true
                )
            }
            #expect(chunked.status == .payloadTooLarge)

            let get = try await TestHTTPConnection.request(port: port, path: "/api")
            #expect(get.status == .methodNotAllowed && get.headers["Allow"].first == "POST")
        }
        #expect(seen.methods == ["POST"])
    }

    @Test func aStreamedResponseSendsEachPieceAtOnceAndThenCloses() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let route = UPnPHTTPRoute(path: "/events") { _ in
            UPnPHTTPRoute.Response(status: 200, headers: [("Content-Type", "text/event-stream")]) { writer in
                try await writer.write(Array("first\n".utf8))
                for await _ in gate { break }
                try await writer.write(Array("second\n".utf8))
            }
        }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: [route])) { _, endpoints in
            let port = endpoints.httpPort
            try await TestHTTPConnection.with(port: port) { connection in
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/events")
                head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                try await connection.outbound.write(contentsOf: [.head(head), .end(nil)])
                var body = ""
                var ended = false
                while let part = try await connection.iterator.next() {
                    switch part {
                    case .head(let response):
                        #expect(response.status == .ok)
                        #expect(response.headers["Content-Length"].isEmpty)
                        #expect(response.headers["Connection"].first == "close")
                        #expect(response.headers["Content-Type"].first == "text/event-stream")
                    case .body(let buffer):
                        body += String(decoding: buffer.readableBytesView, as: UTF8.self)
                        // The first piece arrives while the handler still waits: nothing is buffered.
                        if body == "first\n" { open.yield() }
                    case .end:
                        ended = true
                    }
                }
                #expect(body == "first\nsecond\n" && ended)
            }
        }
    }

    @Test func aStreamThatNeverEndsIsEndedWhenTheDeviceStops() async throws {
        let (never, _) = AsyncStream<Void>.makeStream()
        let started = AsyncStream<Void>.makeStream()
        let route = UPnPHTTPRoute(path: "/forever") { _ in
            UPnPHTTPRoute.Response(status: 200) { writer in
                try await writer.write(Array("open\n".utf8))
                started.continuation.yield()
                for await _ in never {}
            }
        }
        try await withRunningDevice(.test(services: [TestService()], extraRoutes: [route])) { _, endpoints in
            let port = endpoints.httpPort
            let client = Task {
                try await TestHTTPConnection.with(port: port) { connection in
                    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/forever")
                    head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                    try await connection.outbound.write(contentsOf: [.head(head), .end(nil)])
                    while try await connection.iterator.next() != nil {}
                }
            }
            for await _ in started.stream { break }
            _ = client
        }
        // Reaching this line is the check: the device stopped although the handler never returns by itself.
    }

    @Test func aRouteMustHaveAFreeAbsolutePath() throws {
        func configuration(_ paths: [String]) -> UPnPDeviceConfiguration {
            .test(
                services: [TestService()],
                extraRoutes: paths.map { path in UPnPHTTPRoute(path: path) { _ in .init(status: 204) } }
            )
        }
        try configuration(["/health", "/metrics"]).validate()
        for paths in [["health"], ["/health?x"], ["/description.xml"], ["/upnp/Test/control"], ["/a", "/a"]] {
            #expect(throws: UPnPConfigurationError.self, "\(paths)") { try configuration(paths).validate() }
        }
        // Methods the device serves, a body bound within the device's, a presentation page among the routes.
        var unknownMethod = configuration(["/a"])
        unknownMethod.extraRoutes[0].methods = ["GET", "SUBSCRIBE"]
        var hugeBody = configuration(["/a"])
        hugeBody.extraRoutes[0].maximumBodyBytes = hugeBody.limits.maximumRequestBodyBytes + 1
        var strayPage = configuration(["/a"])
        strayPage.presentationPath = "/b"
        for bad in [unknownMethod, hugeBody, strayPage] {
            #expect(throws: UPnPConfigurationError.self) { try bad.validate() }
        }
        var page = configuration(["/"])
        page.presentationPath = "/"
        try page.validate()
    }

    @Test func theDescriptionNamesThePresentationPage() async throws {
        var configuration = UPnPDeviceConfiguration.test(
            services: [TestService()],
            extraRoutes: [UPnPHTTPRoute(path: "/") { _ in .init(status: 200) }]
        )
        configuration.presentationPath = "/"
        try await withRunningDevice(configuration) { _, endpoints in
            let description = try await TestHTTPConnection.request(port: endpoints.httpPort, path: "/description.xml")
            let root = try XMLDocumentParser.parse(description.body)
            // UDA 1.1 §2.3: inside device, after serviceList.
            let device = try #require(root.firstElement(named: "device"))
            #expect(device.firstElement(named: "presentationURL")?.text == "/")
            #expect(device.elements.last?.name == "presentationURL")
        }
    }

    @Test func soapActionsAreCountedByActionAndResult() async throws {
        let metrics = TestMetrics()
        let service = TestService()
        let policy = UPnPAccessPolicy(rules: [
            .init(subnet: try #require(IPSubnet("127.0.0.1/32")), actions: .only(["Echo", "Fail", "NoSuchAction"]))
        ])
        try await withRunningDevice(.test(services: [service], accessPolicy: policy), metricsFactory: metrics) {
            _,
            endpoints in
            func call(_ action: String, _ arguments: [(String, String)]) async throws -> HTTPResponseStatus {
                try await TestHTTPConnection.request(
                    port: endpoints.httpPort,
                    method: .POST,
                    path: UPnPDeviceHTTPTests.control,
                    headers: SOAPTest.headers(action: action),
                    body: SOAPTest.envelope(action: action, arguments: arguments)
                ).status
            }
            let statuses = [
                try await call("Echo", [("Text", "a")]),
                try await call("Echo", [("Text", "b")]),
                try await call("Fail", [("Code", "714")]),
                try await call("Add", [("A", "1"), ("B", "2")]),  // 606: refused by the policy
                try await call("NoSuchAction", []),  // 401: not in the SCPD
            ]
            #expect(statuses == [.ok, .ok, .internalServerError, .internalServerError, .internalServerError])
        }
        func count(_ action: String, _ result: String) throws -> Int64 {
            try metrics.expectCounter("upnp_soap_actions_total", [("action", action), ("result", result)]).totalValue
        }
        #expect(try count("Echo", "success") == 2)
        #expect(try count("Fail", "714") == 1)
        #expect(try count("Add", "606") == 1)
        // A name the SCPD does not declare is not a label value: clients cannot grow the series.
        #expect(try count("unknown", "401") == 1)
        #expect(throws: (any Error).self) { try count("NoSuchAction", "401") }
    }
}
