import ModemSimulator
import ServiceLifecycle

/// Keeps the simulated MMSC of the simulated modems (``MessagingServer/simulatedMMSC``) on loopback for the life of
/// the service group and stops it at the end. It runs first, so that it stops after every modem's service: an MMS
/// still being sent or fetched at shutdown meets a listening MMSC.
struct SimulatedMMSCService: Service {
    let server: SimulatedMMSCServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown()
    }
}

extension MMSConfiguration {
    /// The `[mms]` of a simulated modem on `server`: its own MMSC URL (the number in the path tells the simulated
    /// MMSC who posts, as an operator's gateway knows the subscriber from the bearer) and the MMSC as the proxy.
    static func simulated(number: String, on server: SimulatedMMSCServer) async -> MMSConfiguration {
        MMSConfiguration(
            mmscURL: await server.mmsc.url(forModem: number),
            proxy: Proxy(host: server.host, port: server.port)
        )
    }
}
