import CoreMetrics
import Logging
import Synchronization

/// Runs the AT ``StateMachine`` over a ``ByteTransport``: a reader loop feeds it bytes, senders take turns, and
/// each sender arms the deadline of its own command. Unsolicited result codes go to `onUnsolicited`, never into
/// a response.
///
/// `Sendable` because senders, the reader loop and timeout tasks share it; all mutable state is in one `Mutex`,
/// and actions run outside the lock.
package final class ATEngine: Sendable {
    private struct State: ~Copyable {
        var machine = StateMachine()
        var nextID: StateMachine.CommandID = 0
        var responses: [StateMachine.CommandID: CheckedContinuation<ATResponse, any Error>] = [:]
        var turns: [StateMachine.CommandID: CheckedContinuation<Void, any Error>] = [:]
        /// Turns granted before their sender parked (the release raced with the wait).
        var grantedEarly: Set<StateMachine.CommandID> = []
        /// Where each command in flight takes its deadlines (the machine moves them: the prompt, a cut answer).
        var timers: [StateMachine.CommandID: AsyncStream<Duration>.Continuation] = [:]
        /// Counts ``abortCommands()`` (see ``send(_:unlessAbortedSince:)``).
        var abortEpoch: UInt64 = 0
    }

    private let transport: any ByteTransport
    private let clock: EngineClock
    private let logger: Logger
    /// Counts commands that ended in ``ATError/Code/timeout``.
    private let timeouts: Counter?
    private let onUnsolicited: @Sendable (ATUnsolicited) -> Void
    private let state = Mutex(State())

    /// Attempts of `AT` during a resynchronisation, and the time each may take.
    static let resyncAttempts = 3
    static let resyncTimeout: Duration = .seconds(1)

    package init(
        transport: any ByteTransport,
        clock: any Clock<Duration>,
        logger: Logger,
        timeouts: Counter? = nil,
        onUnsolicited: @escaping @Sendable (ATUnsolicited) -> Void
    ) {
        self.transport = transport
        self.clock = EngineClock(clock)
        self.logger = logger
        self.timeouts = timeouts
        self.onUnsolicited = onUnsolicited
    }

    // MARK: - Reader

    /// Reads until the transport ends. Returns the error that ended it (`TransportError`, or `CancellationError`).
    package func runReader() async -> any Error {
        while true {
            do {
                try Task.checkCancellation()
                let bytes = try await transport.read()
                if logger.logLevel <= .trace {
                    logger.trace(
                        "at rx",
                        metadata: ["at.rx": "\(String(decoding: bytes, as: UTF8.self).debugDescription)"]
                    )
                }
                let now = clock.now()
                let actions = state.withLock { $0.machine.receive(bytes, now: now) }
                // The URCs of these bytes reach `onUnsolicited` before the commands they end are resumed: a modem's
                // restart sign (^SIMST, RDY) read together with an answer must change the driver's view of the
                // modem (its storage selection) before the next command is built on it.
                for case .emit(let urc) in actions { onUnsolicited(urc) }
                await perform(actions.filter { if case .emit = $0 { false } else { true } })
            } catch {
                let actions = state.withLock { $0.machine.transportEnded() }
                await perform(actions)
                return error
            }
        }
    }

    // MARK: - Commands

    /// Sends one command and waits for its final result.
    /// - Throws: ``ATError`` (error results, timeout, disconnection, ``ATError/Code/aborted``),
    ///   `CancellationError`.
    package func send(_ command: ATCommand) async throws -> ATResponse {
        try await send(command, unlessAbortedSince: abortEpoch)
    }

    /// Sends one command unless ``abortCommands()`` runs after the caller read `epoch` (``abortEpoch``) and before
    /// the command is written; nil for the command of whoever recovers the modem, which is never aborted that way.
    package func send(_ command: ATCommand, unlessAbortedSince epoch: UInt64?) async throws -> ATResponse {
        let id = try await acquireTurn()
        defer {
            let actions = state.withLock { $0.machine.releaseTurn(id) }
            resumeTurns(actions)
        }
        if state.withLock({ $0.machine.needsResync }) {
            await resynchronise(id, unlessAbortedSince: epoch)
        }
        return try await execute(command, id: id, unlessAbortedSince: epoch)
    }

    /// Counts ``abortCommands()`` calls (read it before deciding to send, pass it to
    /// ``send(_:unlessAbortedSince:)``).
    package var abortEpoch: UInt64 { state.withLock { $0.abortEpoch } }

    /// Fails the command in flight with ``ATError/Code/aborted``, and every command not yet written whose sender
    /// read ``abortEpoch`` before this call, so that the recovery of a hung modem does not wait behind their
    /// deadlines (a send's is 90 s).
    package func abortCommands() async {
        let actions = state.withLock { state in
            state.abortEpoch += 1
            return state.machine.abortCurrent()
        }
        await perform(actions)
    }

    /// The command written and not yet answered, for ``abort(_:)``.
    package var commandInFlight: StateMachine.CommandID? { state.withLock { $0.machine.commandInFlight } }

    /// Fails command `id` with ``ATError/Code/aborted`` if it is still the one in flight; a later command is left
    /// alone. For an answer that will never come (the modem restarted under it).
    package func abort(_ id: StateMachine.CommandID) async {
        let actions = state.withLock { state in
            state.machine.commandInFlight == id ? state.machine.abortCurrent() : []
        }
        await perform(actions)
    }

    /// `AT` until OK (after a stall or timeout), so that a late answer is not taken for the next command's.
    private func resynchronise(_ id: StateMachine.CommandID, unlessAbortedSince epoch: UInt64?) async {
        for attempt in 1...Self.resyncAttempts {
            do {
                _ = try await execute(ATCommand("AT", timeout: Self.resyncTimeout), id: id, unlessAbortedSince: epoch)
                state.withLock { $0.machine.resynchronised() }
                logger.debug("at resynchronised", metadata: ["at.attempt": "\(attempt)"])
                return
            } catch let error as ATError where error.code == .disconnected || error.code == .aborted {
                return
            } catch {
                logger.debug("at resync attempt failed", metadata: ["at.attempt": "\(attempt)"])
            }
        }
    }

    private func acquireTurn() async throws -> StateMachine.CommandID {
        let (id, decision) = state.withLock { state in
            state.nextID += 1
            return (state.nextID, state.machine.requestTurn(state.nextID))
        }
        switch decision {
        case .granted: return id
        case .rejected(let code): throw ATError(code, command: "")
        case .wait: break
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case parked, granted, cancelled }
                let outcome = state.withLock { state -> Outcome in
                    if state.grantedEarly.remove(id) != nil { return .granted }
                    if Task.isCancelled { return .cancelled }
                    state.turns[id] = continuation
                    return .parked
                }
                switch outcome {
                case .parked: break
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let (continuation, actions) = state.withLock { state in
                state.grantedEarly.remove(id)
                return (state.turns.removeValue(forKey: id), state.machine.releaseTurn(id))
            }
            continuation?.resume(throwing: CancellationError())
            resumeTurns(actions)
        }
        return id
    }

    /// Runs `command` with its deadlines on the engine's clock.
    ///
    /// The machine holds the deadline of the command in flight and moves it (when the prompt comes, when a send's
    /// answer is cut); each `.scheduleTimeout` arms one more timer, and a timer whose deadline moved does nothing.
    private func execute(
        _ command: ATCommand,
        id: StateMachine.CommandID,
        unlessAbortedSince epoch: UInt64?
    ) async throws -> ATResponse {
        // At most a few deadlines per command (begin, prompt, a cut answer); the newest matter.
        let (deadlines, arm) = AsyncStream<Duration>.makeStream(bufferingPolicy: .bufferingNewest(4))
        state.withLock { $0.timers[id] = arm }
        defer {
            state.withLock { _ = $0.timers.removeValue(forKey: id) }
            arm.finish()
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withDiscardingTaskGroup { timers in
                    for await deadline in deadlines {
                        timers.addTask {
                            do { try await self.clock.sleep(until: deadline) } catch { return }
                            let now = self.clock.now()
                            let actions = self.state.withLock { $0.machine.timeoutFired(id, now: now) }
                            await self.perform(actions)
                        }
                    }
                }
            }
            let response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<ATResponse, any Error>) in
                    let now = clock.now()
                    let actions = state.withLock { state in
                        state.responses[id] = continuation
                        // Checked with begin() under one lock: an abort comes either before (this) or after it
                        // (then abortCurrent() ends the command in flight).
                        if let epoch, epoch != state.abortEpoch {
                            return [
                                StateMachine.Action.complete(id, .failure(ATError(.aborted, command: command.text)))
                            ]
                        }
                        return state.machine.begin(id, command: command, now: now)
                    }
                    if logger.logLevel <= .trace {
                        logger.trace("at tx", metadata: ["at.command": "\(command.text)"])
                    }
                    for action in actions {
                        switch action {
                        case .write(let bytes):
                            group.addTask {
                                do {
                                    try await self.transport.write(bytes)
                                } catch {
                                    self.logger.debug("at write failed", metadata: ["at.error": "\(error)"])
                                }
                            }
                        default:
                            complete(action)
                        }
                    }
                }
            } onCancel: {
                let actions = state.withLock { $0.machine.cancel(id) }
                for action in actions { complete(action) }
            }
            group.cancelAll()
            return response
        }
    }

    // MARK: - Actions

    private func perform(_ actions: [StateMachine.Action]) async {
        for action in actions {
            switch action {
            case .write(let bytes):
                if logger.logLevel <= .trace {
                    logger.trace(
                        "at tx",
                        metadata: ["at.tx": "\(String(decoding: bytes, as: UTF8.self).debugDescription)"]
                    )
                }
                do {
                    try await transport.write(bytes)
                } catch {
                    logger.debug("at write failed", metadata: ["at.error": "\(error)"])
                }
            default:
                complete(action)
            }
        }
    }

    /// Runs the actions that need no I/O: results, turns, URCs, traces.
    private func complete(_ action: StateMachine.Action) {
        switch action {
        case .complete(let id, let result):
            if case .failure(let error) = result, error.code == .timeout { timeouts?.increment() }
            let continuation = state.withLock { $0.responses.removeValue(forKey: id) }
            continuation?.resume(with: result.mapError { $0 as any Error })
        case .grantTurn:
            resumeTurns([action])
        case .emit(let urc):
            onUnsolicited(urc)
        case .trace(let message):
            logger.trace("at \(message)")
        case .scheduleTimeout(let id, let deadline):
            let timer = state.withLock { $0.timers[id] }
            timer?.yield(deadline)
        case .write:
            break
        }
    }

    private func resumeTurns(_ actions: [StateMachine.Action]) {
        for case .grantTurn(let id) in actions {
            let continuation = state.withLock { state in
                let continuation = state.turns.removeValue(forKey: id)
                if continuation == nil { state.grantedEarly.insert(id) }
                return continuation
            }
            continuation?.resume()
        }
    }
}

/// The engine's clock: readings are durations since the engine was made, one time scale for every command's
/// deadlines, the readings of received bytes included (the machine compares them).
struct EngineClock: Sendable {
    /// The time since the engine was made.
    let now: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleeper = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
    }

    /// Sleeps until `deadline` (a reading of ``now``). - Throws: `CancellationError`.
    func sleep(until deadline: Duration) async throws { try await sleeper(deadline) }
}
