import SMSCodec

extension ATEngine {
    /// The AT queue as a pure state machine (STYLE.md §4): one command in flight, the rest waiting their turn;
    /// URCs taken out of the byte stream at any moment, also between the lines of an answer; the `> ` prompt; echo;
    /// deadlines. Inputs are bytes, turns and clock readings (a `Duration` since an origin the caller picks); the
    /// outputs are ``Action``s that the engine executes. No I/O, no clock, no tasks: testable byte by byte.
    package struct StateMachine: Sendable {
        package typealias CommandID = UInt64

        package enum Action: Hashable, Sendable {
            /// Write these bytes to the modem.
            case write([UInt8])
            /// Fail command `id` if it has not finished by `deadline`.
            case scheduleTimeout(CommandID, deadline: Duration)
            /// Command `id` finished.
            case complete(CommandID, Result<ATResponse, ATError>)
            /// Command `id` may begin (its turn came).
            case grantTurn(CommandID)
            /// Deliver an unsolicited result code.
            case emit(ATUnsolicited)
            /// Something worth a trace-level log line (dropped garbage, echo, stray results).
            case trace(String)
        }

        private enum Phase: Hashable, Sendable {
            case awaitingFinal
            case awaitingPrompt
        }

        private struct Current: Sendable {
            var id: CommandID
            var command: ATCommand
            var phase: Phase

            /// The error the command fails with, saying whether its payload was written (the prompt came, so the
            /// PDU went out: TS 27.005 §3.5.1).
            func failure(_ code: ATError.Code) -> ATError {
                ATError(code, command: command.text, payloadWritten: command.payload != nil && phase == .awaitingFinal)
            }
            /// When the command fails unless its answer is complete: it moves (``timeoutFired(_:now:)`` ignores an
            /// earlier timer) when the prompt comes, and when a send's answer has begun but not ended.
            var deadline: Duration
            var lines: [String] = []
            var payloadHex: String?
            /// The PDU of a send was written and a line that is no final result came after it (its information
            /// text, or its answer garbled on the line): the rest of the answer follows at once or not at all.
            var isAnswerUnderway = false
        }

        /// How long the `> ` prompt may take after `AT+CMGS=<length>`: the TA answers it without the network, so a
        /// silence this long means the prompt was lost on the line (or the modem hangs) and not a slow network.
        /// ModemManager allows 10 s for the same step ("no network involved in this initial AT command, so lower
        /// timeout", `src/mm-sms-at.c` `sms_send_next_part`), and 5 min for the PDU's answer.
        package static let promptTimeout: Duration = .seconds(10)

        /// How long the rest of a send's answer may take once it began (the `+CMGS: <mr>` line, or a line garbled
        /// on the wire): TS 27.005 §3.5.1 answers `+CMGS: <mr>` and then the final result code in one go, so a
        /// final result still missing after this was lost on the line. Assumed (no peer bounds this step apart:
        /// gammu and ModemManager wait out the whole send deadline).
        package static let answerCompletionTimeout: Duration = .seconds(3)

        private var framer = ATLineFramer()
        private var turnOwner: CommandID?
        private var current: Current?
        /// The command written and not yet answered.
        package var commandInFlight: CommandID? { current?.id }
        private var waiting: [CommandID] = []
        private var pendingPDU: (kind: ATUnsolicited.PDUKind, header: String)?
        private var isClosed = false
        private var closeReason: ATError.Code = .disconnected

        /// True after a timeout: the modem may be stalled or mid-line, so the next sender resynchronises first.
        package private(set) var needsResync = false

        package init() {}

        // MARK: - Turns

        /// A sender asks for the line. Granted at once when idle; otherwise it waits for a `.grantTurn`.
        package enum TurnDecision: Hashable, Sendable {
            case granted
            case wait
            case rejected(ATError.Code)
        }

        package mutating func requestTurn(_ id: CommandID) -> TurnDecision {
            if isClosed { return .rejected(closeReason) }
            if turnOwner == nil {
                turnOwner = id
                return .granted
            }
            guard waiting.count < ATLimits.maximumQueuedCommands else { return .rejected(.queueFull) }
            waiting.append(id)
            return .wait
        }

        /// The owner of the turn is done with it (after one or more commands).
        package mutating func releaseTurn(_ id: CommandID) -> [Action] {
            guard turnOwner == id else {
                waiting.removeAll { $0 == id }
                return []
            }
            turnOwner = nil
            guard !waiting.isEmpty else { return [] }
            let next = waiting.removeFirst()
            turnOwner = next
            return [.grantTurn(next)]
        }

        /// The resynchronisation succeeded (AT answered OK).
        package mutating func resynchronised() { needsResync = false }

        // MARK: - Commands

        /// Starts `command` for the turn owner `id`.
        package mutating func begin(_ id: CommandID, command: ATCommand, now: Duration) -> [Action] {
            if isClosed {
                return [.complete(id, .failure(ATError(closeReason, command: command.text)))]
            }
            guard turnOwner == id, current == nil else {
                return [
                    .complete(
                        id,
                        .failure(ATError(.invalidCommand, command: command.text, reason: "not the turn owner"))
                    )
                ]
            }
            let text = command.text
            guard !text.isEmpty, text.utf8.count <= ATLimits.maximumCommandLength,
                !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x1A || $0 == 0x1B })
            else {
                return [.complete(id, .failure(ATError(.invalidCommand, command: text)))]
            }
            var started = Current(id: id, command: command, phase: .awaitingFinal, deadline: now + command.timeout)
            if let payload = command.payload {
                started.phase = .awaitingPrompt
                started.payloadHex = String(decoding: payload, as: UTF8.self)
                started.deadline = now + min(command.timeout, Self.promptTimeout)
            }
            current = started
            return [.write(Array(text.utf8) + [0x0D]), .scheduleTimeout(id, deadline: started.deadline)]
        }

        /// A timer of command `id` fired at `now`; the command fails only if its current deadline has passed (a
        /// timer armed for a deadline that moved since does nothing).
        package mutating func timeoutFired(_ id: CommandID, now: Duration) -> [Action] {
            guard let running = current, running.id == id, now >= running.deadline else { return [] }
            if running.isAnswerUnderway {
                return answerCut(running)
            }
            var actions: [Action] = []
            // TS 27.005 §3.5.1: ESC aborts the sending of a message; a modem stuck in prompt mode would otherwise
            // take the next command line as PDU text.
            if running.payloadHex != nil { actions.append(.write([0x1B])) }
            let dropped = framer.reset()
            if dropped > 0 { actions.append(.trace("dropped half line of \(dropped) bytes at timeout")) }
            pendingPDU = nil
            needsResync = true
            current = nil
            actions.append(.complete(id, .failure(running.failure(.timeout))))
            return actions
        }

        /// The answer of a send began but its final result never came (``answerCompletionTimeout``): the bytes that
        /// carried it were lost. A `+CMGS: <mr>` among the lines means the network took the message (TS 27.005
        /// §3.5.1 gives it only on success, before the final OK), so the send succeeded; without one the outcome is
        /// unknown and the command fails with ``ATError/Code/answerLost`` (the caller sends again: at least once).
        /// Either way the next command first probes the modem with `AT` (resynchronisation), so that a late final
        /// result is not taken for its own.
        private mutating func answerCut(_ running: Current) -> [Action] {
            var actions: [Action] = []
            let dropped = framer.reset()
            if dropped > 0 { actions.append(.trace("dropped half line of \(dropped) bytes of a cut answer")) }
            pendingPDU = nil
            needsResync = true
            current = nil
            if let prefix = running.command.responsePrefix,
                running.lines.contains(where: { $0.hasPrefix(prefix + ":") })
            {
                actions.append(.trace("final result lost after the information text: taken as OK"))
                actions.append(.complete(running.id, .success(ATResponse(lines: running.lines, result: .ok))))
            } else {
                actions.append(.complete(running.id, .failure(running.failure(.answerLost))))
            }
            return actions
        }

        /// Fails the command in flight with ``ATError/Code/aborted`` (ESC first when it is at its prompt or sending,
        /// TS 27.005 §3.5.1), so that whoever recovers the modem gets the line now instead of after the command's
        /// deadline. The next command resynchronises first.
        package mutating func abortCurrent() -> [Action] {
            guard let running = current else { return [] }
            var actions: [Action] = []
            if running.payloadHex != nil { actions.append(.write([0x1B])) }
            framer.reset()
            pendingPDU = nil
            needsResync = true
            current = nil
            actions.append(.complete(running.id, .failure(running.failure(.aborted))))
            return actions
        }

        /// Cancels command or wait `id` (the sender's task was cancelled).
        package mutating func cancel(_ id: CommandID) -> [Action] {
            var actions: [Action] = []
            if let running = current, running.id == id {
                current = nil
                needsResync = true
                if running.payloadHex != nil { actions.append(.write([0x1B])) }
                actions.append(.complete(id, .failure(running.failure(.cancelled))))
            }
            actions += releaseTurn(id)
            return actions
        }

        /// The transport ended: every command fails, later ones are rejected.
        package mutating func transportEnded(reason: ATError.Code = .disconnected) -> [Action] {
            isClosed = true
            closeReason = reason
            var actions: [Action] = []
            if let running = current {
                actions.append(.complete(running.id, .failure(running.failure(reason))))
                current = nil
            }
            for id in waiting { actions.append(.grantTurn(id)) }  // each will find the engine closed in begin()
            waiting.removeAll()
            return actions
        }

        // MARK: - Input

        /// Bytes from the modem, read at `now` (the same time scale as ``begin(_:command:now:)``'s).
        package mutating func receive(_ bytes: some Sequence<UInt8>, now: Duration = .zero) -> [Action] {
            var actions: [Action] = []
            for frame in framer.feed(bytes) {
                switch frame {
                case .prompt:
                    handlePrompt(now: now, into: &actions)
                case .overflow(let length):
                    actions.append(.trace("dropped over-long line of \(length) bytes"))
                    pendingPDU = nil
                    noteUnexpectedAnswer(now: now, into: &actions)
                case .line(let bytes):
                    handleLine(bytes, now: now, into: &actions)
                }
            }
            return actions
        }

        private mutating func handlePrompt(now: Duration, into actions: inout [Action]) {
            guard var running = current, running.phase == .awaitingPrompt, let payload = running.payloadHex else {
                actions.append(.trace("ignored a prompt nobody asked for"))
                return
            }
            running.phase = .awaitingFinal
            // From the PDU on, the network's time: the command's whole deadline (TS 27.005 leaves it open).
            running.deadline = now + running.command.timeout
            current = running
            // TS 27.005 §3.5.1: the PDU in hex, terminated by Ctrl-Z.
            actions.append(.write(Array(payload.utf8) + [0x1A]))
            actions.append(.scheduleTimeout(running.id, deadline: running.deadline))
        }

        /// A line that is neither a final result nor a URC came after a send's PDU (its `+CMGS` line, or bytes
        /// garbled on the wire): the answer has begun, so its end is due within ``answerCompletionTimeout``.
        private mutating func noteUnexpectedAnswer(now: Duration, into actions: inout [Action]) {
            guard var running = current, running.payloadHex != nil, running.phase == .awaitingFinal,
                !running.isAnswerUnderway
            else { return }
            running.isAnswerUnderway = true
            running.deadline = min(running.deadline, now + Self.answerCompletionTimeout)
            current = running
            actions.append(.scheduleTimeout(running.id, deadline: running.deadline))
        }

        /// A line is garbage when it holds control characters (other than tab) or is not UTF-8: line noise,
        /// a baud-rate mismatch, or a half line from before a stall.
        private static func decodeLine(_ bytes: [UInt8]) -> String? {
            // Ctrl-Z and ESC appear when the modem echoes the end of a PDU; they carry no information.
            let cleaned = bytes.filter { $0 != 0x1A && $0 != 0x1B }
            guard !cleaned.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else { return nil }
            guard let text = String(validating: cleaned, as: UTF8.self) else { return nil }
            return text.trimmingSpaces()
        }

        private mutating func handleLine(_ bytes: [UInt8], now: Duration, into actions: inout [Action]) {
            guard let line = Self.decodeLine(bytes) else {
                actions.append(.trace("dropped garbage line of \(bytes.count) bytes"))
                if let pending = pendingPDU {
                    pendingPDU = nil
                    actions.append(.emit(.unknown(pending.header)))
                }
                noteUnexpectedAnswer(now: now, into: &actions)
                return
            }
            if line.isEmpty { return }

            if let pending = pendingPDU {
                pendingPDU = nil
                if let pdu = try? PDUHex.decode(line, maximumOctets: ATLimits.maximumPDULength) {
                    switch pending.kind {
                    case .deliver: actions.append(.emit(.messageDelivered(pdu: pdu)))
                    case .statusReport: actions.append(.emit(.statusReportDelivered(pdu: pdu)))
                    case .broadcast: actions.append(.emit(.broadcastDelivered(pdu: pdu)))
                    }
                    return
                }
                // The PDU line is missing or broken (gammu incoming-sms.c "+CDS:25\rBAD\r"): pass the header on
                // raw and treat this line on its own.
                actions.append(.emit(.unknown(pending.header)))
                if PDUHex.isHexDigits(line) || line == "BAD" {
                    actions.append(.emit(.unknown(line)))
                    return
                }
            }

            guard var running = current else {
                handleIdleLine(line, into: &actions)
                return
            }

            // Echo (ATE1, or a modem that ignores ATE0): the command line and the PDU come back verbatim.
            if line.caseInsensitiveCompare(running.command.text) || line == running.payloadHex {
                actions.append(.trace("skipped echo"))
                return
            }
            if running.phase == .awaitingPrompt, line == ">" {
                handlePrompt(now: now, into: &actions)
                return
            }
            if let final = ATFinalResult.parse(line) {
                current = nil
                if final.isSuccess, running.phase == .awaitingPrompt {
                    // TS 27.005 §3.5.1: the PDU goes out only after `> `. A success before the prompt (a confused
                    // modem, line noise reading as OK/CONNECT) means nothing was sent: never report it as sent.
                    actions.append(.complete(running.id, .failure(running.failure(.noPrompt))))
                } else if final.isSuccess {
                    actions.append(.complete(running.id, .success(ATResponse(lines: running.lines, result: final))))
                } else {
                    actions.append(
                        .complete(running.id, .failure(running.failure(.result(final))))
                    )
                }
                return
            }
            let prefix = running.command.responsePrefix
            let isOwnLine = prefix.map { line.hasPrefix($0) } ?? false
            if !isOwnLine {
                if let parsed = ATUnsolicited.parse(line) {
                    handleUnsolicited(parsed, line: line, into: &actions)
                    return
                }
                if prefix != nil, ATUnsolicited.codeName(of: line) != nil {
                    actions.append(.emit(.unknown(line)))
                    return
                }
            }
            guard running.lines.count < ATLimits.maximumResponseLines else {
                current = nil
                needsResync = true
                actions.append(
                    .complete(running.id, .failure(running.failure(.responseTooLong)))
                )
                return
            }
            running.lines.append(line)
            current = running
            noteUnexpectedAnswer(now: now, into: &actions)
        }

        private mutating func handleIdleLine(_ line: String, into actions: inout [Action]) {
            if let parsed = ATUnsolicited.parse(line) {
                handleUnsolicited(parsed, line: line, into: &actions)
            } else if ATFinalResult.parse(line) != nil {
                // A late answer after a timeout, or call progress (CONNECT, NO CARRIER): not a command's result,
                // so it is passed on raw like any line no table knows.
                actions.append(.trace("final result with no command in flight"))
                actions.append(.emit(.unknown(line)))
            } else {
                actions.append(.emit(.unknown(line)))
            }
        }

        private mutating func handleUnsolicited(
            _ parsed: ATUnsolicited.Parsed,
            line: String,
            into actions: inout [Action]
        ) {
            switch parsed {
            case .complete(let urc): actions.append(.emit(urc))
            case .header(let kind): pendingPDU = (kind, line)
            }
        }
    }
}

extension String {
    fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
