import Testing

@testable import Modem

@Suite struct ATEngineStateMachineTests {
    typealias Machine = ATEngine.StateMachine
    typealias Action = Machine.Action

    /// Drives one machine; collects URCs and completions.
    struct Harness {
        var machine = Machine()
        var now: Duration = .zero
        var nextID: UInt64 = 0

        mutating func begin(_ command: ATCommand) -> (UInt64, [Action]) {
            nextID += 1
            #expect(machine.requestTurn(nextID) == .granted)
            return (nextID, machine.begin(nextID, command: command, now: now))
        }

        mutating func feed(_ text: String, byteAtATime: Bool = false) -> [Action] {
            let bytes = Array(text.utf8)
            if byteAtATime { return bytes.flatMap { machine.receive([$0], now: now) } }
            return machine.receive(bytes, now: now)
        }

        mutating func finish(_ id: UInt64) { _ = machine.releaseTurn(id) }
    }

    static func completion(_ actions: [Action]) -> Result<ATResponse, ATError>? {
        for case .complete(_, let result) in actions { return result }
        return nil
    }

    static func emitted(_ actions: [Action]) -> [ATUnsolicited] {
        actions.compactMap { if case .emit(let urc) = $0 { urc } else { nil } }
    }

    static func writes(_ actions: [Action]) -> [[UInt8]] {
        actions.compactMap { if case .write(let bytes) = $0 { bytes } else { nil } }
    }

    static func prefix(of command: String) -> String? {
        let body = command.dropFirst(2)
        guard let first = body.first, first == "+" || first == "^" else { return nil }
        return String(body.prefix { $0 != "=" && $0 != "?" && $0 != "\r" })
    }

    @Test func commandIsWrittenWithCRAndArmsItsDeadline() {
        var harness = Harness()
        harness.now = .seconds(10)
        let (id, actions) = harness.begin(ATCommand("AT+CGMI", timeout: .seconds(5)))
        #expect(actions == [.write(Array("AT+CGMI\r".utf8)), .scheduleTimeout(id, deadline: .seconds(15))])
        let done = harness.feed("\r\nhuawei\r\n\r\nOK\r\n")
        #expect(Self.completion(done) == .success(ATResponse(lines: ["huawei"], result: .ok)))
    }

    @Test(arguments: [false, true])
    func urcsBetweenResponseLinesGoToTheStreamNotTheResponse(byteAtATime: Bool) throws {
        var harness = Harness()
        _ = harness.begin(ATCommand("AT+CMGL=4", responsePrefix: "+CMGL"))
        let actions = harness.feed(
            "\r\n+CMGL: 0,1,,5\r\n+CMTI: \"SM\",5\r\n0011223344AA\r\nRING\r\n+CMT: ,5\r\n00AABBCCDDEE\r\n"
                + "^RSSI:17\r\n+CMGL: 1,0,,5\r\n+CREG: 1\r\n00FFEEDDCCBB\r\n^SMMEMFULL: \"SM\"\r\n+CIEV: \"SMSFULL\",1\r\nOK\r\n",
            byteAtATime: byteAtATime
        )
        let response = try #require(try Self.completion(actions)?.get())
        #expect(response.lines == ["+CMGL: 0,1,,5", "0011223344AA", "+CMGL: 1,0,,5", "00FFEEDDCCBB"])
        #expect(
            Self.emitted(actions) == [
                .messageStored(.sim, index: 5), .ring, .messageDelivered(pdu: [0x00, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE]),
                .signal(rssi: 17), .registration(.home, domain: "CREG"), .storageFull(.sim), .storageFull(nil),
            ]
        )
    }

    @Test func twoLineURCWithCROnlyFromGammu() {
        var harness = Harness()
        // gammu-smsd-urc-sequences.json smsd-incoming-cds.c
        let actions = harness.feed("+CDS:25\r07914875215652F006360B914892347527F3817003018104808170030181448000\r")
        let urcs = Self.emitted(actions)
        #expect(urcs.count == 1)
        if case .statusReportDelivered(let pdu) = urcs.first {
            #expect(pdu.count == 33)
        } else {
            Issue.record("\(urcs)")
        }
    }

    @Test func brokenTwoLineURCIsPassedOnRawAndTheStreamGoesOn() {
        var harness = Harness()
        // gammu-smsd-urc-sequences.json incoming-sms.c: "+CDS:25\rBAD\r"
        let actions = harness.feed("+CDS:25\rBAD\r+CMTI: \"ME\",1\r\n")
        #expect(Self.emitted(actions) == [.unknown("+CDS:25"), .unknown("BAD"), .messageStored(.phone, index: 1)])
    }

    @Test func pduLineLongerThanThePDUBoundIsPassedOnRaw() {
        var harness = Harness()
        let longest = String(repeating: "00", count: ATLimits.maximumPDULength)
        let accepted = harness.feed("+CMT: ,199\r\n\(longest)\r\n")
        let zeros = [UInt8](repeating: 0, count: ATLimits.maximumPDULength)
        #expect(Self.emitted(accepted) == [.messageDelivered(pdu: zeros)])
        let tooLong = longest + "00"
        let refused = harness.feed("+CMT: ,200\r\n\(tooLong)\r\n")
        #expect(Self.emitted(refused) == [.unknown("+CMT: ,200"), .unknown(tooLong)])
    }

    @Test func nonHexLineAfterAPDUHeaderIsHandledOnItsOwn() {
        var harness = Harness()
        let actions = harness.feed("+CMT: ,5\r\n+CMTI: \"SM\",3\r\n")
        #expect(Self.emitted(actions) == [.unknown("+CMT: ,5"), .messageStored(.sim, index: 3)])
    }

    @Test func echoIsSkipped() throws {
        var harness = Harness()
        _ = harness.begin(ATCommand("AT+CGMM"))
        // wavecom-multiband-900e-1800.json tests/at-model/06.dump
        let actions = harness.feed("AT+CGMM\r\r\n MULTIBAND  900E  1800 \r\n\r\nOK\r\n")
        #expect(try Self.completion(actions)?.get().lines == ["MULTIBAND  900E  1800"])
    }

    @Test func garbageLinesAreDroppedAndLogged() throws {
        var harness = Harness()
        _ = harness.begin(ATCommand("AT+CSQ", responsePrefix: "+CSQ"))
        var actions = harness.machine.receive([0xFF, 0xFE, 0x00, 0x13, 0x0D, 0x0A, 0xC3, 0x28, 0x0D, 0x0A])
        actions += harness.feed("+CSQ: 17,99\r\nOK\r\n")
        #expect(try Self.completion(actions)?.get().lines == ["+CSQ: 17,99"])
        #expect(actions.filter { if case .trace = $0 { true } else { false } }.count == 2)
        #expect(Self.emitted(actions).isEmpty)
    }

    @Test func timeoutFailsTheCommandAndAskForResyncAndALateAnswerIsDropped() {
        var harness = Harness()
        let (id, _) = harness.begin(ATCommand("AT+CSQ", timeout: .seconds(2)))
        _ = harness.feed("+CSQ: 1")  // half line, then the modem stalls
        let actions = harness.machine.timeoutFired(id, now: .seconds(2))
        #expect(Self.completion(actions) == .failure(ATError(.timeout, command: "AT+CSQ")))
        #expect(harness.machine.needsResync)
        #expect(Self.writes(actions).isEmpty)  // no prompt to abort
        harness.finish(id)
        let late = harness.feed("7,99\r\nOK\r\n")
        #expect(Self.completion(late) == nil)
        #expect(Self.emitted(late) == [.unknown("7,99"), .unknown("OK")])
        // The next command works; a stale timer of the old one does nothing.
        let (next, _) = harness.begin(ATCommand("AT"))
        #expect(harness.machine.timeoutFired(id, now: .seconds(3)).isEmpty)
        #expect(Self.completion(harness.feed("OK\r\n")) == .success(ATResponse(lines: [], result: .ok)))
        harness.finish(next)
        harness.machine.resynchronised()
        #expect(!harness.machine.needsResync)
    }

    @Test func promptThenPDUAndCtrlZThenURCsBeforeTheResult() throws {
        var harness = Harness()
        let payload = Array("0011000B916407281553F80000AA0AE8329BFD4697D9EC37".utf8)
        _ = harness.begin(ATCommand("AT+CMGS=23", responsePrefix: "+CMGS", payload: payload))
        let prompt = harness.feed("\r\n> ")
        #expect(Self.writes(prompt) == [payload + [0x1A]])
        // python-gsmmodem-generic-sms.json "send SMS on a ZTE modem with interleaved unsolicited +ZDONR/+ZPASR"
        let actions = harness.feed(
            "+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"\r\n+ZPASR: \"UMTS\"\r\n+CMGS: 0\r\nOK\r\n"
        )
        #expect(try Self.completion(actions)?.get().lines == ["+CMGS: 0"])
        #expect(Self.emitted(actions).count == 2)
    }

    @Test func promptTimeoutSendsESC() {
        var harness = Harness()
        let (id, _) = harness.begin(ATCommand("AT+CMGS=23", payload: Array("00".utf8)))
        let actions = harness.machine.timeoutFired(id, now: .seconds(100))
        #expect(Self.writes(actions) == [[0x1B]])
        #expect(Self.completion(actions) == .failure(ATError(.timeout, command: "")))
    }

    static func deadlines(_ actions: [Action]) -> [Duration] {
        actions.compactMap { if case .scheduleTimeout(_, let deadline) = $0 { deadline } else { nil } }
    }

    /// The prompt comes from the TA without the network (TS 27.005 §3.5.1): its deadline is 10 s (ModemManager's),
    /// and once the PDU is written the network's whole deadline counts from then; the earlier timer does nothing.
    @Test func thePromptHasItsOwnShortDeadlineAndThePDUTheWholeOne() {
        var harness = Harness()
        let payload = Array("00".utf8)
        let (id, begun) = harness.begin(
            ATCommand("AT+CMGS=1", timeout: .seconds(90), responsePrefix: "+CMGS", payload: payload)
        )
        #expect(Self.deadlines(begun) == [.seconds(10)])
        harness.now = .seconds(4)
        let prompt = harness.feed("\r\n> ")
        #expect(Self.writes(prompt) == [payload + [0x1A]])
        #expect(Self.deadlines(prompt) == [.seconds(94)])
        #expect(harness.machine.timeoutFired(id, now: .seconds(10)).isEmpty)
        // A URC while the network works moves nothing.
        harness.now = .seconds(30)
        let urc = harness.feed("+CREG: 1\r\n")
        #expect(Self.deadlines(urc).isEmpty)
        #expect(Self.completion(harness.feed("+CMGS: 9\r\n\r\nOK\r\n")) != nil)
    }

    /// A send that fails before its prompt came never wrote its PDU (TS 27.005 §3.5.1): nothing reached the network,
    /// and the error says so. After the prompt the PDU went out, and a failure leaves the outcome unknown.
    @Test(arguments: [false, true])
    func aSendsFailureSaysWhetherItsPDUWasWritten(promptCame: Bool) throws {
        var harness = Harness()
        let (id, _) = harness.begin(
            ATCommand("AT+CMGS=1", timeout: .seconds(90), responsePrefix: "+CMGS", payload: Array("00".utf8))
        )
        if promptCame { _ = harness.feed("\r\n> ") }
        let actions = harness.machine.timeoutFired(id, now: .seconds(200))
        guard case .failure(let error) = try #require(Self.completion(actions)) else {
            Issue.record("the send succeeded")
            return
        }
        #expect(error.code == .timeout)
        #expect(error.payloadWritten == promptCame)
    }

    /// One lost byte can eat a send's final result (`OK` → `K`, or `O` with no line end). The answer has begun, so
    /// its end is due within seconds, not at the send's 90 s deadline: with the `+CMGS: <mr>` line the network took
    /// the message (the line comes only on success, TS 27.005 §3.5.1); without it the outcome is unknown. Either
    /// way the next command resynchronises first.
    @Test(arguments: [
        ("\r\n+CMGS: 12\r\n\r\nO", true), ("\r\n+CMGS: 12\r\n\r\nK\r\n", true), ("\r\nGS: 12\r\n\r\nOK", false),
        ("\r\n2\r\n\r\nK\r\n", false), ("\r\n\u{7F}K\r\n", false),
    ])
    func aSendWhoseFinalResultWasLostEndsSoon(answer: String, isSent: Bool) throws {
        var harness = Harness()
        let (id, _) = harness.begin(
            ATCommand("AT+CMGS=1", timeout: .seconds(90), responsePrefix: "+CMGS", payload: Array("00".utf8))
        )
        harness.now = .seconds(1)
        _ = harness.feed("\r\n> ")
        harness.now = .seconds(20)
        let cut = harness.feed(answer)
        #expect(Self.completion(cut) == nil)
        #expect(Self.deadlines(cut) == [.seconds(23)])
        #expect(harness.machine.timeoutFired(id, now: .seconds(22)).isEmpty)
        let actions = harness.machine.timeoutFired(id, now: .seconds(23))
        if isSent {
            #expect(try Self.completion(actions)?.get().values(prefixed: "+CMGS") == ["12"])
        } else {
            #expect(Self.completion(actions) == .failure(ATError(.answerLost, command: "")))
        }
        #expect(harness.machine.needsResync)
    }

    /// Whoever recovers a hung modem takes the line: the send in flight fails as aborted, with ESC to end its
    /// prompt or PDU (TS 27.005 §3.5.1), and the next command resynchronises first.
    @Test func abortingEndsTheCommandInFlight() {
        var harness = Harness()
        let (id, _) = harness.begin(ATCommand("AT+CMGS=1", payload: Array("00".utf8)))
        let actions = harness.machine.abortCurrent()
        #expect(Self.writes(actions) == [[0x1B]])
        #expect(Self.completion(actions) == .failure(ATError(.aborted, command: "")))
        #expect(harness.machine.needsResync)
        #expect(harness.machine.timeoutFired(id, now: .seconds(100)).isEmpty)
        #expect(harness.machine.abortCurrent().isEmpty)
    }

    @Test func errorInsteadOfPromptFailsTheCommand() {
        var harness = Harness()
        _ = harness.begin(ATCommand("AT+CMGS=23", payload: Array("00".utf8)))
        let actions = harness.feed("\r\n+CMS ERROR: 322\r\n")
        #expect(Self.writes(actions).isEmpty)
        let error = try? Self.completion(actions)?.get()
        #expect(error == nil)
        if case .failure(let failure) = Self.completion(actions) { #expect(failure.cmsError == .memoryFull) }
    }

    /// Found by FuzzAT (input `CONNECT ` with AT+CMGS in flight): a success result before the `> ` prompt used
    /// to complete the command successfully although the PDU was never written.
    @Test(arguments: ["\r\nOK\r\n", "\r\n+CMGS: 12\r\n\r\nOK\r\n", "CONNECT \n"])
    func successBeforePromptFailsWithNoPrompt(answer: String) {
        var harness = Harness()
        _ = harness.begin(ATCommand("AT+CMGS=23", responsePrefix: "+CMGS", payload: Array("00".utf8)))
        let actions = harness.feed(answer)
        #expect(Self.writes(actions).isEmpty)
        guard case .failure(let failure) = Self.completion(actions) else {
            Issue.record("a send that never got its prompt completed successfully")
            return
        }
        #expect(failure.code == .noPrompt)
    }

    @Test func idleLinesAreURCsAndUnknownOnesPassRaw() {
        var harness = Harness()
        let actions = harness.feed("RDY\r\n+QIND: SMS DONE\r\n^BOOT:123,0,0,0,72\r\nsomething new\r\nNO CARRIER\r\n")
        #expect(
            Self.emitted(actions) == [
                .ready("RDY"), .vendor(name: "+QIND", value: "SMS DONE"), .heartbeat, .unknown("something new"),
                .unknown("NO CARRIER"),
            ]
        )
    }

    @Test func oneCommandInFlightOthersWaitTheirTurnBounded() {
        var machine = Machine()
        #expect(machine.requestTurn(1) == .granted)
        #expect(machine.requestTurn(2) == .wait)
        #expect(machine.requestTurn(3) == .wait)
        #expect(machine.begin(2, command: ATCommand("AT"), now: .zero).count == 1)  // not the owner: rejected
        #expect(machine.releaseTurn(1) == [.grantTurn(2)])
        #expect(machine.cancel(3) == [])
        #expect(machine.releaseTurn(2) == [])
        for id in 10..<(10 + UInt64(ATLimits.maximumQueuedCommands) + 1) { _ = machine.requestTurn(id) }
        #expect(machine.requestTurn(999) == .rejected(.queueFull))
    }

    @Test func transportEndFailsTheCommandAndRejectsLaterOnes() {
        var harness = Harness()
        let (id, _) = harness.begin(ATCommand("AT"))
        let actions = harness.machine.transportEnded()
        #expect(Self.completion(actions) == .failure(ATError(.disconnected, command: "AT")))
        harness.finish(id)
        #expect(harness.machine.requestTurn(99) == .rejected(.disconnected))
    }

    @Test func commandsWithLineEndsAreRejected() {
        var harness = Harness()
        let (_, actions) = harness.begin(ATCommand("AT\rATD123"))
        #expect(Self.completion(actions) == .failure(ATError(.invalidCommand, command: "")))
    }

    /// The exchanges of every transcript but those whose command is a placeholder (AT+CMGS=<tpdu_length>).
    static let transcriptExchanges = Transcripts.allExchanges().filter { !$0.command.contains("<") }

    @Test func everyTranscriptIsRead() throws {
        #expect(Transcripts.fileNames.count == 20, "\(Transcripts.fileNames)")
        for file in Transcripts.fileNames { _ = try Transcripts.load(file) }
        #expect(Self.transcriptExchanges.count >= 130)
    }

    /// Every response string of every transcript goes through the real machine, whole and byte by byte: it ends
    /// the command iff it holds a final result code, and no known URC ends up in the response.
    @Test(arguments: transcriptExchanges)
    func transcriptResponses(exchange: Transcripts.Exchange) throws {
        let command = exchange.command.trimmingCharacters(in: ["\r", "\n"])
        for byteAtATime in [false, true] {
            var harness = Harness()
            _ = harness.begin(ATCommand(command, responsePrefix: Self.prefix(of: command)))
            let actions = harness.feed(exchange.response, byteAtATime: byteAtATime)
            var framer = ATLineFramer()
            let lines = framer.feed(Array((exchange.response + "\r\n").utf8)).compactMap { frame -> String? in
                if case .line(let bytes) = frame { return String(decoding: bytes, as: UTF8.self).trimmingSpaces() }
                return nil
            }
            let hasFinal = lines.contains { ATFinalResult.parse($0) != nil }
            let completion = Self.completion(actions)
            #expect((completion != nil) == hasFinal, "\(exchange.testDescription)")
            if case .success(let response) = completion {
                for line in response.lines {
                    if case .complete = ATUnsolicited.parse(line) {
                        #expect(line.hasPrefix(Self.prefix(of: command) ?? "\u{0}"), "URC \(line) in a response")
                    }
                }
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var text = Substring(self)
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        return String(text)
    }
}

@Suite struct ATCommandTests {
    @Test(arguments: [
        ("AT+CREG?", "+CREG"), ("at+cmgl=4", "+CMGL"), ("AT^ICCID?", "^ICCID"), ("AT+CSQ", "+CSQ"),
    ])
    func extendedCommandsHaveAPrefix(text: String, prefix: String) {
        #expect(ATCommand.responsePrefix(of: text) == prefix)
    }

    @Test(arguments: ["ATZ", "ATI", "AT", "AT+", "hello"])
    func basicCommandsHaveNone(text: String) {
        #expect(ATCommand.responsePrefix(of: text) == nil)
    }
}
