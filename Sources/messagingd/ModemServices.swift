import Logging
import Modem
import ModemSimulator
import ServiceLifecycle

/// Runs the simulated modem's AT side on its end of the in-memory pipe until graceful shutdown.
struct SimulatedModemService: Service {
    /// Held here because a simulated modem refers to its network weakly: the service keeps it alive.
    let network: SimulatedNetwork
    let modem: SimulatedModem
    let transport: InMemoryTransport

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await modem.serve(transport) }
        } catch is CancellationError {
            // Shutdown.
        }
    }
}

/// Runs the ATModem's reader, initialises the modem (ATModem.start), and closes it on graceful shutdown.
struct ATModemService: Service {
    let modem: ATModem
    let logger: Logger

    func run() async throws {
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
