import Logging
import Modem

/// What a port said to `AT`.
public enum ProbeOutcome: Hashable, Sendable {
    /// `OK` (or any final result): an AT port.
    case answered
    /// Opened, but no final result within the time allowed (a DIAG, GPS or PPP-only port).
    case silent
    /// Could not be opened (busy: another program holds it; permissions); the reason for the report.
    case unavailable(String)
}

/// Sends `AT` to a device node and says whether it answered. Injected into ``ModemDiscovery`` so that tests probe
/// simulated modems on pseudo-terminals, or nothing at all.
public typealias ATPortProbe = @Sendable (_ devnode: String) async -> ProbeOutcome

/// The real probe: ``SerialPort`` (exclusive, 115200 8N1) and ``ATModem`` sending one `AT`.
public enum ATPortProbes {
    /// A probe that waits `timeout` for the answer to `AT`.
    public static func serial(timeout: Duration = .seconds(2), logger: Logger) -> ATPortProbe {
        { devnode in
            let port: SerialPort
            do {
                port = try SerialPort(path: devnode)
            } catch {
                return .unavailable("\(error)")
            }
            let modem = ATModem(transport: port, logger: logger)
            return await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await modem.run() }
                let outcome: ProbeOutcome
                do {
                    _ = try await modem.send(ATCommand("AT", timeout: timeout))
                    outcome = .answered
                } catch let error as ATError {
                    // Any final result code, even ERROR, comes from an AT interpreter (V.250 §5.7).
                    if case .result = error.code { outcome = .answered } else { outcome = .silent }
                } catch {
                    outcome = .silent
                }
                await modem.close()
                group.cancelAll()
                return outcome
            }
        }
    }
}
