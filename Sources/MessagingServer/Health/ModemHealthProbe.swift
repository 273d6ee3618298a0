import Modem
import Synchronization

/// The modem's part of `/health`, read from an ``Modem/ATModem`` within a bound whatever the modem does.
///
/// The signal and registration queries (AT+CSQ, AT+CREG?, AT+COPS?) wait behind the driver's other operations and
/// may meet a hung modem, so they run in a task of their own and the health check waits for them at most
/// ``timeout``. One query at a time: a check that comes while one is running waits for that one (no pile-up of
/// queries on a hung modem).
final class ModemHealthProbe: Sendable {
    /// What the queries read.
    struct Reading: Sendable {
        var signal: SignalQuality
        var network: NetworkStatus
    }

    private let modem: ATModem
    private let supervisor: ModemSupervisorService?
    private let timeout: Duration
    private let clock: any Clock<Duration>
    private let inFlight = Mutex<Task<Result<Reading, any Error>, Never>?>(nil)

    /// The default bound of one check: far below a monitor's own timeout, longer than a healthy modem needs for
    /// three short AT commands.
    static let defaultTimeout: Duration = .seconds(2)

    /// - Parameters:
    ///   - modem: the driver to query.
    ///   - supervisor: the supervisor of a real modem: until it reports the modem ready, its state (waiting for the
    ///     device, SIM busy, PIN rejected…) is the answer and nothing is sent to the modem.
    ///   - timeout: the bound of one check.
    ///   - clock: the clock of that bound.
    init(
        modem: ATModem,
        supervisor: ModemSupervisorService? = nil,
        timeout: Duration = defaultTimeout,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.modem = modem
        self.supervisor = supervisor
        self.timeout = timeout
        self.clock = clock
    }

    /// The modem's health now.
    func health() async -> ModemHealth {
        let status = supervisor?.status
        if let status, !status.isReady {
            return ModemHealth(
                state: ModemHealth.State(rawValue: status.stateName),
                lastError: status.lastError,
                supervision: .init(status)
            )
        }
        let supervision = status.map(ModemHealth.Supervision.init)
        let isStarted = modem.startup != nil
        guard let result = await BoundedWait.value(of: query(), within: timeout, clock: clock) else {
            return ModemHealth(
                state: .unresponsive,
                lastError: "the modem did not answer within \(timeout.components.seconds) s",
                supervision: supervision
            )
        }
        switch result {
        case .success(let reading):
            return ModemHealth(
                state: isStarted ? .ready : .starting,
                signal: reading.signal.dBm,
                registration: ModemHealth.name(of: reading.network.registration),
                operatorName: reading.network.operatorName,
                supervision: supervision
            )
        case .failure(let error as ModemError) where error.code == .disconnected:
            return ModemHealth(state: .disconnected, lastError: "\(error)", supervision: supervision)
        case .failure(let error):
            return ModemHealth(state: .failing, lastError: "\(error)", supervision: supervision)
        }
    }

    /// The running query, or a new one.
    private func query() -> Task<Result<Reading, any Error>, Never> {
        inFlight.withLock { inFlight in
            if let task = inFlight { return task }
            // Unstructured on purpose: a check that gives up must not wait for it. It ends by itself, at the
            // latest at the AT commands' deadlines.
            let task = Task { [modem] in
                let result: Result<Reading, any Error>
                do {
                    let signal = try await modem.signalQuality()
                    result = .success(Reading(signal: signal, network: try await modem.networkStatus()))
                } catch {
                    result = .failure(error)
                }
                self.finished()
                return result
            }
            inFlight = task
            return task
        }
    }

    private func finished() {
        inFlight.withLock { $0 = nil }
    }
}

/// Waits for a task's value with a deadline, leaving the task running when the deadline comes first.
enum BoundedWait {
    /// `task`'s value, or `nil` when `timeout` on `clock` passes first.
    static func value<T: Sendable>(
        of task: Task<T, Never>,
        within timeout: Duration,
        clock: any Clock<Duration>
    ) async -> T? {
        let slot = OneShot<T?>()
        return await withCheckedContinuation { continuation in
            slot.set(continuation)
            // Two unstructured tasks on purpose: a task group would wait for `task` at its end, which is what this
            // must not do. The timer is cancelled once the value came; the waiter ends with `task`.
            let timer = Task {
                try? await clock.sleep(for: timeout)
                slot.resume(returning: nil)
            }
            Task {
                let value = await task.value
                slot.resume(returning: value)
                timer.cancel()
            }
        }
    }
}

/// A continuation resumed once, by whichever caller comes first.
final class OneShot<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: T) {
        continuation.withLock { slot in
            defer { slot = nil }
            return slot
        }?.resume(returning: value)
    }
}
