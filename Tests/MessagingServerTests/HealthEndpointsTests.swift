import Foundation
import HTTPTestSupport
import Logging
import Messaging
import MessagingUPnP
import Modem
import ModemSimulator
import NIOHTTP1
import Prometheus
import TestSupport
import Testing
import UPnP

@testable import MessagingServer

/// `GET /health` and `GET /metrics` of a whole simulated stack on loopback: the counters move with what happens,
/// the report says what the modem and the mirror do, and the access policy guards both.
@Suite struct HealthEndpointsTests {
    static let logger = MessagingServerTests.logger
    static let peer = "+15550000002"

    /// Runs a server on the simulated modem (in-memory database) for the duration of `body`, then stops it.
    static func withRunningServer<R: Sendable>(
        accessPolicy: AccessPolicy = .allowAll,
        access: AccessRules? = nil,
        _ body: @escaping @Sendable (MessagingServer, Int) async throws -> R
    ) async throws -> R {
        var configuration = MessagingServerTests.configuration(database: .inMemory)
        configuration.messaging.accessPolicy = accessPolicy
        configuration.access = access
        let server = try await MessagingServer(configuration: configuration, logger: logger)
        return try await withTimeout(seconds: 60) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let endpoints = try await server.waitUntilRunning()
                let result = try await body(server, endpoints.httpPort)
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            }
        }
    }

    @Test func theCountersMoveWithAMessageEachWayAndWithSOAPActions() async throws {
        // A second server in the same process, never run: its counters must stay its own.
        let other = try await MessagingServer(
            configuration: MessagingServerTests.configuration(database: .inMemory),
            logger: Self.logger
        )
        try await Self.withRunningServer { server, port in
            let before = try await Self.metrics(port: port)
            #expect(before.value("messaging_messages_received_total") == 0)
            #expect(before.value("messaging_messages_sent_total") == 0)
            #expect(before.value("messaging_messages_failed_total") == 0)
            #expect(before.value("modem_at_timeouts_total") == 0)
            #expect(before.value("modem_restarts_total") == 0)

            // One message in through the simulated network, one out through the service.
            let network = try #require(server.simulatedNetwork)
            await network.injectText("hello", from: Self.peer, to: MessagingServerConfiguration.simulatedNumber)
            _ = try await server.messaging.sendMessage(
                MessageToSend(recipients: RecipientsList(to: [Peer(id: Self.peer)]), text: "hi")
            )
            var after = before
            // The message may come by +CMT before the first mirror pass has ended: wait for that pass too.
            try await eventually("a message received, one sent and a mirror pass") {
                after = try await Self.metrics(port: port)
                return after.value("messaging_messages_received_total") == 1
                    && after.value("messaging_messages_sent_total") == 1
                    && (after.value("messaging_mirror_passes_total", ["result": "ok"]) ?? 0) >= 1
            }
            #expect(after.value("messaging_mirror_passes_total", ["result": "failed"]) == 0)
            #expect(after.value("messaging_messages_failed_total") == 0)
            #expect(after.value("messaging_send_attempts_failed_total") == 0)

            // SOAP actions by action and result: a success and a Messaging:2 fault (701 Invalid Message ID).
            let description = try await MessagingServerTests.description(
                try await server.waitUntilRunning()
            )
            _ = try await MessagingServerTests.call(
                port: port,
                controlPath: description.controlPath,
                action: "GetTelephonyIdentity"
            )
            let serviceType = MessagingServiceDescription.serviceType
            let fault = try await TestHTTPConnection.request(
                port: port,
                method: .POST,
                path: description.controlPath,
                headers: SOAPRequest.headers(action: "ReadMessage", serviceType: serviceType),
                body: SOAPRequest.envelope(
                    action: "ReadMessage",
                    serviceType: serviceType,
                    arguments: [("MessageID", "no-such-message")]
                )
            )
            #expect(fault.status == .internalServerError)
            let soap = try await Self.metrics(port: port)
            let identity = ["action": "GetTelephonyIdentity", "result": "success"]
            #expect(soap.value("upnp_soap_actions_total", identity) == 1)
            #expect(soap.value("upnp_soap_actions_total", ["action": "ReadMessage", "result": "701"]) == 1)
        }
        let untouched = Self.Exposition(other.metrics.emitToString())
        #expect(untouched.value("messaging_messages_received_total") == 0)
        #expect(untouched.value("messaging_messages_sent_total") == 0)
        #expect(
            untouched.value("upnp_soap_actions_total", ["action": "GetTelephonyIdentity", "result": "success"]) == nil
        )
    }

    @Test func theHealthReportShowsTheModemTheStorageTheOutboxAndTheMirror() async throws {
        try await Self.withRunningServer { server, port in
            let network = try #require(server.simulatedNetwork)
            await network.injectText("hello", from: Self.peer, to: MessagingServerConfiguration.simulatedNumber)
            // A pass that ended well implies a started modem (listing needs the start-up's storages).
            try await eventually("the message imported and a mirror pass ended well") {
                let status = try await server.messaging.mirrorStatus()
                return status.importedParts == 1 && status.lastPass != nil && status.lastError == nil
            }
            let response = try await TestHTTPConnection.request(port: port, path: "/health")
            #expect(response.status == .ok)
            #expect(response.headers["Content-Type"].first == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(json["status"] as? String == "ok")
            #expect(json["version"] as? String == MessagingServer.version)
            #expect(json["outbox"] as? Int == 0)

            let modem = try #require(json["modem"] as? [String: Any])
            #expect(modem["state"] as? String == "ready")
            let signal = try #require(modem["signal"] as? Int)
            #expect((-113 ... -51).contains(signal))
            #expect(["home", "roaming"].contains(modem["registration"] as? String))
            #expect(modem["operator"] is String)
            #expect(modem["lastError"] is NSNull)  // Present, and null.
            #expect(modem["supervision"] is NSNull)  // The simulated modem has no supervisor.

            let storage = try #require(json["storage"] as? [[String: Any]])
            #expect(!storage.isEmpty)
            for entry in storage {
                #expect(entry["storage"] is String)
                let used = try #require(entry["used"] as? Int)
                let total = try #require(entry["total"] as? Int)
                #expect(used >= 0 && used <= total)
            }

            let mirror = try #require(json["mirror"] as? [String: Any])
            #expect(mirror["importedParts"] as? Int == 1)
            #expect(mirror["lastError"] is NSNull)
            let lastPass = try #require(mirror["lastPass"] as? String)
            #expect(ISO8601DateFormatter().date(from: lastPass) != nil)

            // The library call and the endpoint give the same report.
            let report = await server.health()
            #expect(report.status == .ok && report.modem.state == .ready && report.outbox == 0)
        }
    }

    @Test func theLastPassIsRFC3339InUTCToTheSecondAndNullWhenUnknown() throws {
        func mirrorJSON(lastPass: Date?) throws -> [String: Any] {
            let report = HealthReport(
                status: .ok,
                modem: ModemHealth(state: .ready),
                storage: [],
                outbox: 0,
                mirror: .init(
                    lastPass: lastPass,
                    lastError: nil,
                    importedParts: 0,
                    duplicateParts: 0,
                    deletedFromModem: 0,
                    pendingSegments: 0
                ),
                hooks: [],
                version: MessagingServer.version
            )
            let body = try #require(try JSONSerialization.jsonObject(with: Data(report.json())) as? [String: Any])
            return try #require(body["mirror"] as? [String: Any])
        }
        #expect(
            try mirrorJSON(lastPass: Date(timeIntervalSince1970: 1_765_000_000.7))["lastPass"] as? String
                == "2025-12-06T05:46:40Z"
        )
        #expect(try mirrorJSON(lastPass: nil)["lastPass"] is NSNull)
    }

    @Test func aMessageWaitingToGoShowsInTheOutboxDepth() async throws {
        // No modem: the message stays queued, and the report says so without calling it a fault.
        var configuration = MessagingServerConfiguration(modem: .none)
        configuration.database = .inMemory
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        let server = try await MessagingServer(configuration: configuration, logger: Self.logger)
        _ = try await server.messaging.sendMessage(
            MessageToSend(recipients: RecipientsList(to: [Peer(id: Self.peer)]), text: "queued")
        )
        let report = await server.health()
        #expect(report.outbox == 1)
        #expect(report.modem.state == .none)
        #expect(report.status == .ok)
    }

    @Test func theAccessPolicyGuardsBothEndpoints() async throws {
        // 127.0.0.1 may not even read: 403 on both, while another caller's rule is irrelevant here.
        let nobodyHere = AccessPolicy(
            isAllowed: { _, caller in caller.address != "127.0.0.1" },
            mayReadOverviews: { _ in false }
        )
        try await Self.withRunningServer(accessPolicy: nobodyHere) { _, port in
            let health = try await TestHTTPConnection.request(port: port, path: "/health")
            #expect(health.status == .forbidden)
            let metrics = try await TestHTTPConnection.request(port: port, path: "/metrics")
            #expect(metrics.status == .forbidden)
        }
        // A caller that may only read (no SendMessage, no DeleteMessage) gets both.
        let readOnly = AccessPolicy(
            isAllowed: { action, _ in action != .sendMessage && action != .deleteMessage },
            mayReadOverviews: { _ in false }
        )
        try await Self.withRunningServer(accessPolicy: readOnly) { _, port in
            let health = try await TestHTTPConnection.request(port: port, path: "/health")
            #expect(health.status == .ok)
            let metrics = try await TestHTTPConnection.request(port: port, path: "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers["Content-Type"].first == HealthEndpoints.metricsContentType)
        }
        // The configuration file's [access] rules: a read-only subnet reads; a client no subnet covers gets 403.
        let readOnlyHere = AccessRules(readOnly: [try #require(IPSubnet("127.0.0.0/8"))])
        try await Self.withRunningServer(access: readOnlyHere) { _, port in
            let health = try await TestHTTPConnection.request(port: port, path: "/health")
            #expect(health.status == .ok)
        }
        let elsewhere = AccessRules(control: [try #require(IPSubnet("192.168.0.0/16"))])
        try await Self.withRunningServer(access: elsewhere) { _, port in
            let health = try await TestHTTPConnection.request(port: port, path: "/health")
            #expect(health.status == .forbidden)
            let metrics = try await TestHTTPConnection.request(port: port, path: "/metrics")
            #expect(metrics.status == .forbidden)
        }
    }

    @Test func theModemPartAnswersWithinItsBoundWhenTheModemHangs() async throws {
        // A modem that never answers: nothing on the other side of its transport, and its own clock never moves,
        // so that its AT deadlines never come either.
        let (driverSide, _) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, clock: ManualClock(), logger: Self.logger)
        let clock = ManualClock()
        let probe = ModemHealthProbe(modem: modem, timeout: .seconds(2), clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await modem.run() }
            for _ in 0..<2 {
                // The second check finds the first query still hanging: it waits for that one, bounded again.
                async let health = probe.health()
                #expect(await clock.waitForSleepers(1))
                clock.advance(by: .seconds(2))
                let answer = await health
                #expect(answer.state == .unresponsive)
                #expect(answer.signal == nil && answer.registration == nil)
                #expect(answer.lastError?.contains("did not answer") == true)
            }
            // Unplugged: the hanging query ends, and the next check says so.
            await modem.close()
            try await group.waitForAll()
            #expect(await probe.health().state == .disconnected)
        }
    }

    // MARK: - Helpers

    /// `GET /metrics`, parsed.
    static func metrics(port: Int) async throws -> Exposition {
        let response = try await TestHTTPConnection.request(port: port, path: "/metrics")
        #expect(response.status == .ok)
        return Exposition(response.text)
    }

    /// The samples of a Prometheus text exposition (format 0.0.4): `name{label="value",…} number` lines.
    struct Exposition: Sendable {
        var samples: [String: [(labels: [String: String], value: Double)]] = [:]

        init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
                else { continue }
                let series = line[..<space]
                guard let brace = series.firstIndex(of: "{") else {
                    samples[String(series), default: []].append(([:], value))
                    continue
                }
                var labels: [String: String] = [:]
                // Label values here hold no quotes or commas (action names, result codes).
                for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                samples[String(series[..<brace]), default: []].append((labels, value))
            }
        }

        /// The value of the series with exactly these labels, `nil` when there is none.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples[name]?.first { $0.labels == labels }?.value
        }
    }
}
