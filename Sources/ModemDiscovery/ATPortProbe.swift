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
    /// A probe that sends `AT` up to `attempts` times and waits `timeout` for each answer. A stick that has just
    /// enumerated, or a busy machine, can miss the first `AT`; ModemManager's port probing also repeats it
    /// (`src/mm-port-probe.c`, the `at_probing` commands).
    public static func serial(timeout: Duration = .seconds(2), attempts: Int = 3, logger: Logger) -> ATPortProbe {
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
                var outcome = ProbeOutcome.silent
                for _ in 0..<max(1, attempts) where outcome == .silent {
                    do {
                        _ = try await modem.send(ATCommand("AT", timeout: timeout))
                        outcome = .answered
                    } catch let error as ATError {
                        // Any final result code, even ERROR, comes from an AT interpreter (V.250 §5.7).
                        if case .result = error.code { outcome = .answered }
                    } catch {
                        break
                    }
                }
                await modem.close()
                group.cancelAll()
                return outcome
            }
        }
    }
}
