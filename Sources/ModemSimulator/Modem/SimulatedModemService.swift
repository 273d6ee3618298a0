import Modem
import ServiceLifecycle

/// Serves a simulated modem's AT side on its end of a transport until graceful shutdown (the in-process modem of
/// `messagingd --simulate` and of the benchmarks).
public struct SimulatedModemService: Service {
    /// Held here because a simulated modem refers to its network weakly: the service keeps it alive.
    private let network: SimulatedNetwork
    private let modem: SimulatedModem
    private let transport: any ByteTransport

    /// - Parameters:
    ///   - network: the network the modem belongs to (kept alive by this service).
    ///   - modem: the simulated modem.
    ///   - transport: the modem's end of the byte stream; the driver holds the other end.
    public init(network: SimulatedNetwork, modem: SimulatedModem, transport: any ByteTransport) {
        self.network = network
        self.modem = modem
        self.transport = transport
    }

    /// Serves until graceful shutdown. When the driver closes its end first (as the driver's service does at its own
    /// shutdown, which a `ServiceGroup` runs before this one's), the modem stays powered until its own turn: a
    /// service that returned before being asked to would fail the group.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await modem.serve(transport)
                try await gracefulShutdown()
            }
        } catch is CancellationError {
            // Shutdown.
        }
    }
}
