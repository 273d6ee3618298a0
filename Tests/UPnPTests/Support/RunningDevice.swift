import CoreMetrics
import HTTPTestSupport
import Logging

@testable import UPnP

/// Runs a real device for the duration of `body` and stops it (cancellation: byebye, channels closed) afterwards.
func withRunningDevice<R: Sendable>(
    _ configuration: UPnPDeviceConfiguration,
    metricsFactory: any MetricsFactory = MetricsSystem.factory,
    _ body: @escaping @Sendable (UPnPDevice, UPnPDevice.Endpoints) async throws -> R
) async throws -> R {
    let device = try UPnPDevice(
        configuration: configuration,
        logger: Logger(label: "upnp-test"),
        metricsFactory: metricsFactory
    )
    return try await withTimeout {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await device.run() }
            defer { group.cancelAll() }
            let endpoints = try await device.waitUntilRunning()
            return try await body(device, endpoints)
        }
    }
}
