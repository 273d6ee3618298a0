import Logging

/// Finds the modems plugged in: libudev enumeration (``UdevEnumerator``) → the table and rules
/// (``DiscoveryPlanner``) → an `AT` probe where the table does not know the port (``ATPortProbe``).
///
/// `messagingd --device auto` uses ``locate()`` as its device locator and ``UdevMonitor`` to re-scan on hotplug;
/// `modemctl detect` prints ``scan()``.
public struct ModemDiscovery: Sendable {
    /// The records to plan from; the default reads libudev.
    public typealias Snapshot = @Sendable () throws -> (devices: [USBDeviceRecord], ttys: [TTYDeviceRecord])

    private let snapshot: Snapshot
    private let probe: ATPortProbe

    /// Discovery over `snapshot` (default: this machine's libudev), probing with `probe`.
    public init(snapshot: @escaping Snapshot = UdevEnumerator.snapshot, probe: @escaping ATPortProbe) {
        self.snapshot = snapshot
        self.probe = probe
    }

    /// Discovery of this machine's sticks with the real serial probe.
    public init(logger: Logger) {
        self.init(probe: ATPortProbes.serial(logger: logger))
    }

    /// The modems present with their AT ports, and the sticks recognised but unusable, with advice.
    /// - Throws: ``UdevEnumerator/Failure`` when libudev cannot be read.
    public func scan() async throws -> DiscoveryReport {
        let records = try snapshot()
        return await Self.resolve(DiscoveryPlanner.plan(devices: records.devices, ttys: records.ttys), probe: probe)
    }

    /// The path of the AT port (its by-id link when there is one) of the first modem that `matches`, nil when
    /// none is present or libudev cannot be read: the supervisor's device locator for `--device auto`. With
    /// several sticks, `matches` picks one (e.g. by ``DiscoveredModem/serial`` or ``DiscoveredModem/id``).
    public func locate(where matches: (DiscoveredModem) -> Bool = { _ in true }) async -> String? {
        guard let report = try? await scan() else { return nil }
        return report.modems.first(where: matches)?.path
    }

    /// Runs the probes the plan asks for, one candidate at a time (never two opens of one stick at once).
    public static func resolve(_ steps: [DiscoveryPlanner.Step], probe: ATPortProbe) async -> DiscoveryReport {
        var report = DiscoveryReport()
        for step in steps {
            switch step {
            case .found(let modem):
                report.modems.append(modem)
            case .problem(let problem):
                report.problems.append(problem)
            case .probe(let device, let name, let candidates):
                var answered: TTYDeviceRecord?
                for candidate in candidates where await probe(candidate.devnode) == .answered {
                    answered = candidate
                    break
                }
                if let answered {
                    report.modems.append(DiscoveryPlanner.modem(device, name, answered, .probe))
                } else {
                    report.problems.append(DiscoveryPlanner.problem(.noAnswer, device, name))
                }
            }
        }
        return report
    }
}
