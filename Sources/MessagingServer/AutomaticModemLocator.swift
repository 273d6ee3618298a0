import Logging
import ModemDiscovery
import Synchronization

/// The locator of ``MessagingServerConfiguration/Modem/automatic``: the first modem udev discovery finds.
///
/// A stick that is plugged in but unusable (HiLink or storage mode, no serial driver, no port answering `AT`) is
/// never ignored silently: each problem is logged once, with discovery's advice, when it first appears (again
/// after it went away and came back).
final class AutomaticModemLocator: Sendable {
    private let discovery: ModemDiscovery
    private let logger: Logger
    private let reported = Mutex<Set<DiscoveryProblem>>([])

    init(discovery: ModemDiscovery, logger: Logger) {
        self.discovery = discovery
        self.logger = logger
    }

    /// The AT port to open (its by-id link when udev made one), nil when no usable modem is plugged in.
    func locate() async -> String? {
        let report: DiscoveryReport
        do {
            report = try await discovery.scan()
        } catch {
            logger.warning("udev discovery failed", metadata: ["error": "\(error)"])
            return nil
        }
        let fresh = reported.withLock { reported -> [DiscoveryProblem] in
            let new = report.problems.filter { !reported.contains($0) }
            reported = Set(report.problems)
            return new
        }
        for problem in fresh {
            logger.warning(
                "stick found but not usable",
                metadata: ["usb.id": "\(problem.id)", "usb.name": "\(problem.name)", "advice": "\(problem.advice)"]
            )
        }
        guard let modem = report.modems.first else { return nil }
        logger.info(
            "modem discovered",
            metadata: ["usb.id": "\(modem.id)", "usb.name": "\(modem.name)", "modem.port": "\(modem.path)"]
        )
        return modem.path
    }
}
