import Logging
import ServiceLifecycle

/// Runs an ``ATModem`` as a long-lived service: its reader (``ATModem/run()``), the start-up dialogue
/// (``ATModem/start()``), and ``ATModem/close()`` on graceful shutdown.
///
/// Put it in the `ServiceGroup` before the services that use the modem; they wait for start-up themselves.
public struct ATModemService: Service {
    private let modem: ATModem
    private let logger: Logger

    /// - Parameters:
    ///   - modem: the driver to run.
    ///   - logger: where "modem ready" goes, with the detected profile.
    public init(modem: ATModem, logger: Logger) {
        self.modem = modem
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await modem.run() }
            let startup = try await modem.start()
            logger.info("modem ready", metadata: ["modem.profile": "\(startup.profile)"])
            try? await gracefulShutdown()
            await modem.close()
            group.cancelAll()
        }
    }
}
