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
    }

    private let transport: any ByteTransport
    private let clock: any Clock<Duration>
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
        self.clock = clock
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
                let actions = state.withLock { $0.machine.receive(bytes) }
                await perform(actions)
            } catch {
                let actions = state.withLock { $0.machine.transportEnded() }
                await perform(actions)
                return error
            }
        }
    }

    // MARK: - Commands

    /// Sends one command and waits for its final result.
    /// - Throws: ``ATError`` (error results, timeout, disconnection), `CancellationError`.
    package func send(_ command: ATCommand) async throws -> ATResponse {
        let id = try await acquireTurn()
        defer {
            let actions = state.withLock { $0.machine.releaseTurn(id) }
            resumeTurns(actions)
        }
        if state.withLock({ $0.machine.needsResync }) {
            await resynchronise(id)
        }
        return try await execute(command, id: id)
    }

    /// `AT` until OK (after a stall or timeout), so that a late answer is not taken for the next command's.
    private func resynchronise(_ id: StateMachine.CommandID) async {
        for attempt in 1...Self.resyncAttempts {
            do {
                _ = try await execute(ATCommand("AT", timeout: Self.resyncTimeout), id: id)
                state.withLock { $0.machine.resynchronised() }
                logger.debug("at resynchronised", metadata: ["at.attempt": "\(attempt)"])
                return
            } catch let error as ATError where error.code == .disconnected {
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

    private func execute(_ command: ATCommand, id: StateMachine.CommandID) async throws -> ATResponse {
        try await execute(command, id: id, on: self.clock)
    }

    /// Runs `command` with its deadline on `clock` (the injected clock, opened so that its instants can be kept).
    ///
    /// The machine's clock readings are durations since this command began: it holds one deadline at a time, the
    /// command in flight's, so readings taken for different commands never meet.
    private func execute<C: Clock<Duration>>(
        _ command: ATCommand,
        id: StateMachine.CommandID,
        on clock: C
    ) async throws -> ATResponse {
        let origin = clock.now
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<ATResponse, any Error>) in
                    let actions = state.withLock { state in
                        state.responses[id] = continuation
                        return state.machine.begin(id, command: command, now: origin.duration(to: clock.now))
                    }
                    if logger.logLevel <= .trace {
                        logger.trace("at tx", metadata: ["at.command": "\(command.text)"])
                    }
                    for action in actions {
                        switch action {
                        case .scheduleTimeout(let timedID, let deadline):
                            group.addTask {
                                try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil)
                                let now = origin.duration(to: clock.now)
                                let actions = self.state.withLock { $0.machine.timeoutFired(timedID, now: now) }
                                await self.perform(actions)
                            }
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
            case .scheduleTimeout:
                // Only begin() arms deadlines, and execute() handles those itself.
                break
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
        case .write, .scheduleTimeout:
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
