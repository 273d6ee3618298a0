import HTTPTestSupport
import MetricsTestKit
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
