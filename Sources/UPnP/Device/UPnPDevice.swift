import Logging
import ServiceLifecycle

/// A UPnP root device on SwiftNIO: SSDP discovery, HTTP description, SOAP control and GENA eventing for the
/// services in its ``UPnPDeviceConfiguration``.
///
/// Construct it once, then run it as a `Service` in a `ServiceGroup` (after the services it serves):
/// ```swift
/// let device = try UPnPDevice(configuration: configuration, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [.init(service: device)], logger: logger))
/// try await group.run()   // SIGTERM: byebye, close, return
/// ```
/// ``run()`` binds the HTTP server on each served interface's IPv4 address and the SSDP socket, sends
/// `ssdp:alive` and renews it before max-age runs out, answers searches, serves HTTP, and delivers events. On
/// graceful shutdown (or cancellation) it sends `ssdp:byebye` and closes every channel before returning.
/// ``waitUntilRunning()`` returns the bound ports and description URLs (e.g. to print an ephemeral port).
public final class UPnPDevice: Service, Sendable {
    /// The validated configuration.
    public let configuration: UPnPDeviceConfiguration
    let logger: Logger

    /// Where the device listens once running.
    public struct Endpoints: Sendable, Hashable {
        /// The HTTP port on every served address.
        public var httpPort: Int
        /// The SSDP UDP port (the configured one, or the free port picked for 0).
        public var ssdpPort: Int
        /// The description URL on each served address, e.g. `http://127.0.0.1:49152/description.xml`.
        public var descriptionURLs: [String]
    }

    /// Validates the configuration, parses every service's SCPD and attaches to every service's
    /// ``UPnPEventPublisher``. Binds nothing yet.
    ///
    /// - Throws: ``UPnPConfigurationError`` for a bad configuration value or a malformed SCPD.
    public init(configuration: UPnPDeviceConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the device until graceful shutdown or cancellation; see the type's overview.
    ///
    /// - Throws: when an interface is unknown or has no IPv4 address, or a socket cannot be bound.
    public func run() async throws {
        throw UPnPConfigurationError(message: "not implemented yet")
    }

    /// Waits until ``run()`` has bound its sockets and returns where it listens.
    ///
    /// - Throws: the error that made ``run()`` fail before it was running.
    public func waitUntilRunning() async throws -> Endpoints {
        throw UPnPConfigurationError(message: "not implemented yet")
    }
}
