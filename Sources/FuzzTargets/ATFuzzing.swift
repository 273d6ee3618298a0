internal import Modem
internal import SMSCodec

/// FuzzAT: everything the AT driver parses from a modem: the line framer fed in chunks, the AT state machine with no
/// command, with a plain command and with a prompt command in flight, and every response and URC parser applied to
/// each framed line. Input layout: byte 0 picks the command in flight, byte 1 seeds the chunk sizes, the rest is
/// modem output. A broken invariant traps, which libFuzzer reports.
enum ATFuzzing {
    static func run(_ input: [UInt8]) -> FuzzOutcome {
        guard input.count > 2 else { return .checked }
        let selector = input[0]
        let seed = input[1]
        let output = Array(input[2...])
        let chunks = FuzzChunks.split(output, seed: seed)

        let frames = FramerChecks.run(output, chunks: chunks)
        // A tiny line limit reaches the overflow path with short inputs.
        _ = FramerChecks.run(output, chunks: chunks, maximumLineLength: 16)
        for case .line(let bytes) in frames {
            ParserChecks.run(line: String(decoding: bytes, as: UTF8.self))
        }
        let lines = frames.compactMap { frame -> String? in
            if case .line(let bytes) = frame { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
        ParserChecks.run(lines: lines)

        StateMachineChecks.idle(chunks: chunks, whole: output)
        StateMachineChecks.inFlight(FuzzCommands.pick(selector), chunks: chunks, whole: output)
        return .checked
    }

    /// A listing with URCs between its lines, and a prompt.
    static let samples: [[UInt8]] = [
        [0, 7]
            + Array(
                "\r\n+CMGL: 1,1,,24\r\n07915155000000F0040B915155000000F00000111010214365000AE8329BFD4697D9EC37\r\n"
                    .utf8
            )
            + Array(
                "+CMTI: \"ME\",2\r\n+CMT: ,24\r\n07915155000000F0040B915155000000F00000111010214365000AE8329BFD4697D9EC37\r\n"
                    .utf8
            ) + Array("^RSSI: 17\r\n\r\nOK\r\n".utf8),
        [9, 0] + Array("\r\n> \r\n+CMGS: 12\r\n\r\nOK\r\n".utf8),
    ]
}

// MARK: - Chunking

enum FuzzChunks {
    /// Splits `bytes` into chunks of 1…32 bytes chosen by a small linear congruential sequence from `seed`, so that
    /// every line end and the prompt land on chunk boundaries in many different ways.
    static func split(_ bytes: [UInt8], seed: UInt8) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var state = UInt32(seed) &* 2_654_435_761 &+ 1
        var start = 0
        while start < bytes.count {
            state = state &* 1_103_515_245 &+ 12_345
            let length = seed == 0 ? 1 : Int((state >> 16) % 32) + 1
            let end = min(bytes.count, start + length)
            chunks.append(bytes[start..<end])
            start = end
        }
        return chunks
    }
}

// MARK: - Framer

enum FramerChecks {
    /// Feeds the chunks, checks each frame and that chunking does not change the frames.
    static func run(
        _ bytes: [UInt8],
        chunks: [ArraySlice<UInt8>],
        maximumLineLength: Int = ATLimits.maximumLineLength
    )
        -> [ATLineFramer.Frame]
    {
        var chunked = ATLineFramer(maximumLineLength: maximumLineLength)
        var frames: [ATLineFramer.Frame] = []
        for chunk in chunks {
            frames += chunked.feed(chunk)
            precondition(chunked.pendingByteCount <= bytes.count, "framer holds more than it was fed")
        }
        var whole = ATLineFramer(maximumLineLength: maximumLineLength)
        precondition(whole.feed(bytes) == frames, "framing depends on how the input is chunked")
        precondition(whole.pendingByteCount == chunked.pendingByteCount, "pending bytes depend on chunking")

        var accounted = whole.pendingByteCount
        for frame in frames {
            switch frame {
            case .line(let line):
                precondition(!line.isEmpty, "empty line framed")
                precondition(line.count <= maximumLineLength, "line longer than the framer's limit")
                precondition(!line.contains(0x0D) && !line.contains(0x0A), "line end inside a framed line")
                accounted += line.count
            case .overflow(let length):
                precondition(length > maximumLineLength, "overflow reported for a line within the limit")
                accounted += length
            case .prompt:
                accounted += 2
            }
        }
        precondition(accounted <= bytes.count, "framer produced more bytes than it was fed")
        precondition(chunked.reset() == whole.pendingByteCount && chunked.pendingByteCount == 0, "reset left bytes")
        return frames
    }
}

// MARK: - Parsers

enum ParserChecks {
    /// Every parser of one information line, as the driver would apply it after stripping a prefix.
    static func run(line: String) {
        let value = Substring(line.drop { $0 != ":" }.dropFirst())

        if let parsed = ATUnsolicited.parse(line) { checkUnsolicited(parsed, line: line) }
        if let name = ATUnsolicited.codeName(of: line) {
            precondition(line.hasPrefix(name) && name.count >= 2, "code name is not a prefix of its line")
        }
        _ = ATFinalResult.parse(line)
        _ = ATCommand.responsePrefix(of: line)

        // Field splitting: total, and only ever removes separators and padding.
        let fields = ATFields.split(value)
        precondition(!fields.isEmpty, "split returned no field")
        precondition(fields.reduce(0) { $0 + $1.utf8.count } <= value.utf8.count, "split invented text")
        for field in fields {
            _ = ATFields.unquote(field)
            _ = ATFields.list(field)
            let set = ATFields.integerSet(field)
            precondition(set.count <= 256 * max(1, field.utf8.count), "range list not capped")
        }

        // PDU hex as the driver reads it: what decodes re-encodes to the same digits (PDUHex ignores surrounding
        // whitespace, and a line that decodes has no other).
        if let bytes = try? PDUHex.decode(line, maximumOctets: ATLimits.maximumPDULength) {
            precondition(bytes.count <= ATLimits.maximumPDULength, "hex decoded beyond the PDU bound")
            let digits = String(String.UnicodeScalarView(line.uppercased().unicodeScalars.filter { $0.value > 0x20 }))
            precondition(PDUHex.encode(bytes) == digits, "hex round trip changed the line")
            _ = ATModem.status(nil, pdu: bytes)
            _ = ATModem.status(Int(bytes.first ?? 0), pdu: bytes)
        }

        for storages in ATResponseParser.supportedStorages(value) { _ = storages }
        precondition(ATResponseParser.supportedStorages(value).count == 3, "not three storage lists")
        for status in ATResponseParser.storageQuery(value) { _ = status.isFull }
        _ = ATResponseParser.storageCounters(value)
        _ = ATResponseParser.signalQuality(value)
        _ = ATResponseParser.registration(value)
        _ = ATResponseParser.operatorName(value)
        _ = ATResponseParser.serviceCenter(value)
        precondition(ATResponseParser.notificationSupport(value).count <= 5, "more than five +CNMI parameters")
        _ = ATResponseParser.messageReference(value)
        if let iccid = ATResponseParser.iccidFromRestrictedSIMAccess(value) { checkICCID(iccid) }
        _ = ATModem.indicatorNames(value)
        _ = PINState(parsing: value)
        _ = CMSError(parsing: value)
        _ = CMEError(parsing: value)
    }

    /// The multi-line parsers over all lines of an answer (each line as its own answer is covered too).
    static func run(lines: [String]) {
        let listed = ATResponseParser.messageList(lines)
        precondition(listed.count <= lines.count, "more listed messages than lines")
        for entry in listed {
            if let pdu = try? PDUHex.decode(entry.pduHex, maximumOctets: ATLimits.maximumPDULength) {
                precondition(pdu.count <= ATLimits.maximumPDULength)
            }
        }
        _ = ATResponseParser.message(lines)
        precondition(ATResponseParser.ownNumbers(lines).count <= lines.count, "more numbers than lines")
        if let iccid = ATResponseParser.iccid(lines) { checkICCID(iccid) }
        for line in lines.prefix(8) {
            _ = ATResponseParser.messageList([line])
            _ = ATResponseParser.message([line])
            _ = ATResponseParser.message([line, line])
        }
    }

    static func checkICCID(_ iccid: String) {
        precondition((18...20).contains(iccid.count), "ICCID of the wrong length")
        precondition(iccid.allSatisfy { $0.isASCII && $0.isNumber }, "ICCID with non-digits")
    }

    static func checkUnsolicited(_ parsed: ATUnsolicited.Parsed, line: String) {
        guard case .complete(let urc) = parsed else { return }
        switch urc {
        case .messageStored(_, let index), .statusReportStored(_, let index):
            precondition(index >= 0, "negative storage index")
        case .messageDelivered(let pdu), .statusReportDelivered(let pdu), .broadcastDelivered(let pdu):
            preconditionFailure("a single line parsed as a PDU URC (\(pdu.count) bytes)")
        case .unknown(let raw):
            precondition(raw == line, "unknown URC is not the line as received")
        default:
            break
        }
    }
}

// MARK: - State machine

enum FuzzCommands {
    /// Commands the driver really sends, with and without a prefix, and one with a PDU payload (prompt).
    static let all: [ATCommand] = [
        ATCommand("AT+CMGL=4", responsePrefix: "+CMGL"),
        ATCommand("AT+CMGR=1", responsePrefix: "+CMGR"),
        ATCommand("AT+CPMS?", responsePrefix: "+CPMS"),
        ATCommand("AT+CNUM", responsePrefix: "+CNUM"),
        ATCommand("AT+CSQ", responsePrefix: "+CSQ"),
        ATCommand("AT+COPS?", responsePrefix: "+COPS"),
        ATCommand("AT+CREG?", responsePrefix: "+CREG"),
        ATCommand("AT+CGMI"),
        ATCommand("ATI"),
        ATCommand(
            "AT+CMGS=23",
            timeout: ATCommand.sendTimeout,
            responsePrefix: "+CMGS",
            payload: Array("0011000B915155000000F00000AA0AE8329BFD4697D9EC37".utf8)
        ),
    ]

    static func pick(_ selector: UInt8) -> ATCommand { all[Int(selector) % all.count] }
}

enum StateMachineChecks {
    /// No command in flight: nothing completes, nothing is written, everything becomes an event or a trace.
    static func idle(chunks: [ArraySlice<UInt8>], whole: [UInt8]) {
        var machine = ATEngine.StateMachine()
        var actions: [ATEngine.StateMachine.Action] = []
        for chunk in chunks { actions += machine.receive(chunk) }
        for action in actions {
            switch action {
            case .write, .complete, .grantTurn, .scheduleTimeout:
                preconditionFailure("idle machine did \(action)")
            case .emit(let urc):
                checkEvent(urc)
            case .trace:
                break
            }
        }
        var again = ATEngine.StateMachine()
        precondition(again.receive(whole) == actions, "state machine depends on how the input is chunked")
    }

    /// One command in flight, then the modem output: at most one completion, a bounded answer, the payload
    /// written at most once and only for a prompt command; the machine accepts the next command afterwards.
    static func inFlight(_ command: ATCommand, chunks: [ArraySlice<UInt8>], whole: [UInt8]) {
        var machine = ATEngine.StateMachine()
        precondition(machine.requestTurn(1) == .granted, "idle machine refused a turn")
        let started = machine.begin(1, command: command, now: .zero)
        precondition(started.count == 2, "begin did not write and schedule")
        var actions: [ATEngine.StateMachine.Action] = []
        for chunk in chunks { actions += machine.receive(chunk) }

        var completions = 0
        var payloadWrites = 0
        for action in actions {
            switch action {
            case .complete(let id, let result):
                precondition(id == 1, "completed a command that was never begun")
                completions += 1
                if case .success(let response) = result {
                    precondition(response.result.isSuccess, "success with a failing final result")
                    precondition(response.lines.count <= ATLimits.maximumResponseLines, "answer beyond the line bound")
                    for line in response.lines {
                        precondition(!line.isEmpty && line.utf8.count <= ATLimits.maximumLineLength, "bad answer line")
                        precondition(ATFinalResult.parse(line) == nil, "a final result inside an answer")
                    }
                    if command.payload != nil {
                        precondition(payloadWrites == 1, "prompt command ended without its PDU")
                    }
                }
            case .write(let bytes):
                precondition(command.payload != nil, "wrote to the modem for a command without payload")
                precondition(bytes.last == 0x1A, "payload not terminated by Ctrl-Z")
                payloadWrites += 1
            case .emit(let urc):
                checkEvent(urc)
            case .scheduleTimeout(let id, let deadline):
                // A send's deadline moves (the prompt came, its answer began) but never past its whole timeout.
                precondition(command.payload != nil, "receive moved the deadline of a command without payload")
                precondition(id == 1 && deadline <= command.timeout, "a deadline past the command's timeout")
            case .grantTurn:
                preconditionFailure("receive did \(action)")
            case .trace:
                break
            }
        }
        precondition(completions <= 1 && payloadWrites <= 1, "command completed or sent its PDU twice")

        var again = ATEngine.StateMachine()
        _ = again.requestTurn(1)
        _ = again.begin(1, command: command, now: .zero)
        precondition(again.receive(whole) == actions, "state machine depends on how the input is chunked")

        // Whatever happened, the deadline then the next command must work.
        let late = machine.timeoutFired(1, now: command.timeout)
        precondition(
            late.filter { if case .complete = $0 { true } else { false } }.count == 1 - completions,
            "timeout completed a finished command, or none"
        )
        _ = machine.releaseTurn(1)
        precondition(machine.requestTurn(2) == .granted, "machine stuck after a command")
        let next = machine.begin(2, command: ATCommand("AT"), now: command.timeout)
        precondition(next.first == .write(Array("AT\r".utf8)), "next command not written")
        // A half line left by a command that ended normally becomes part of the next answer (it may even be a
        // final result such as `CONNECT`); all that must hold is that the next command completes.
        let answer = machine.receive(Array("\r\nOK\r\n".utf8))
        let recovered = answer.contains { if case .complete(2, _) = $0 { true } else { false } }
        precondition(recovered, "no recovery")
    }

    static func checkEvent(_ urc: ATUnsolicited) {
        switch urc {
        case .messageDelivered(let pdu), .statusReportDelivered(let pdu), .broadcastDelivered(let pdu):
            precondition(!pdu.isEmpty && pdu.count <= ATLimits.maximumPDULength, "PDU event beyond its bound")
        case .unknown(let line):
            precondition(
                !line.isEmpty && line.utf8.count <= ATLimits.maximumLineLength,
                "raw event beyond the line bound"
            )
        case .messageStored(_, let index), .statusReportStored(_, let index):
            precondition(index >= 0, "negative storage index")
        default:
            break
        }
    }
}
