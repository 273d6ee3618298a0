import Foundation
import Logging
import Messaging
import Modem
import Prometheus
import UPnP

/// `GET /health` and `GET /metrics` on the device's HTTP port, for the callers that
/// ``Messaging/AccessPolicy/allowsReading(_:)`` lets read (others get 403 Forbidden), after the device's own rules
/// (Host check, limits, its access policy).
struct HealthEndpoints: Sendable {
    /// The path of the health report.
    static let healthPath = "/health"
    /// The path of the Prometheus metrics.
    static let metricsPath = "/metrics"
    /// The Prometheus text exposition format, version 0.0.4.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    let messaging: MessagingService
    /// The modem's part of the report; bounded in time by whoever supplies it.
    let modemHealth: @Sendable () async -> ModemHealth
    /// The hook queues, by hook (empty without hooks).
    let hookHealth: @Sendable () async -> [MessageHookHealth]
    let registry: PrometheusCollectorRegistry
    let accessPolicy: AccessPolicy
    let logger: Logger

    /// The routes for ``UPnP/UPnPDeviceConfiguration/extraRoutes``.
    var routes: [UPnPHTTPRoute] {
        [
            UPnPHTTPRoute(path: Self.healthPath) { request in
                guard allows(request) else { return Self.forbidden }
                return UPnPHTTPRoute.Response(
                    status: 200,
                    headers: [("Content-Type", "application/json")],
                    body: await report().json()
                )
            },
            UPnPHTTPRoute(path: Self.metricsPath) { request in
                guard allows(request) else { return Self.forbidden }
                return UPnPHTTPRoute.Response(
                    status: 200,
                    headers: [("Content-Type", Self.metricsContentType)],
                    body: registry.emitToBuffer()
                )
            },
        ]
    }

    static let forbidden = UPnPHTTPRoute.Response(status: 403)

    /// The access policy, applied to the client's address as the Messaging binding applies it to control.
    private func allows(_ request: UPnPHTTPRoute.Request) -> Bool {
        let allowed = accessPolicy.allowsReading(Caller(address: request.client.description))
        if !allowed {
            logger.debug("health request refused by the access policy", metadata: ["http.path": "\(request.path)"])
        }
        return allowed
    }

    /// The report now: the modem's part (bounded by its supplier), the mirror's counters and the outbox depth.
    func report() async -> HealthReport {
        async let modem = modemHealth()
        var mirror = HealthReport.Mirror(
            lastPass: nil,
            lastError: nil,
            importedParts: 0,
            duplicateParts: 0,
            deletedFromModem: 0,
            pendingSegments: 0
        )
        var storage: [HealthReport.Storage] = []
        do {
            let status = try await messaging.mirrorStatus()
            mirror = HealthReport.Mirror(
                lastPass: status.lastPass,
                lastError: status.lastError,
                importedParts: status.importedParts,
                duplicateParts: status.duplicateParts,
                deletedFromModem: status.deletedFromModem,
                pendingSegments: status.pendingSegments
            )
            storage = status.storages.map {
                HealthReport.Storage(storage: $0.storage.rawValue, used: $0.used, total: $0.total)
            }
        } catch {
            mirror.lastError = "cannot read the mirror's state: \(error)"
        }
        let outbox = try? await messaging.outboxDepth()
        let modemHealth = await modem
        let hooks = await hookHealth()
        // A hook failing now makes the device degraded; deliveries given up long ago are shown, not alarmed on.
        let isHealthy =
            modemHealth.state.isHealthy && mirror.lastError == nil && outbox != nil
            && hooks.allSatisfy { $0.retrying == 0 }
        return HealthReport(
            status: isHealthy ? .ok : .degraded,
            modem: modemHealth,
            storage: storage,
            outbox: outbox,
            mirror: mirror,
            hooks: hooks,
            version: MessagingServer.version
        )
    }
}
