import CoreMetrics
import Logging
import SMSCodec
import Synchronization
import TestSupport
import Testing

@testable import Modem

/// ATModem end to end over InMemoryTransport against ScriptedModem, a fake modem answering with transcript
/// responses (huawei-e1752.json, python-gsmmodem-generic-sms.json). The driver is the real one.
@Suite struct ATModemTests {
    static let logger = Logger(label: "test.atmodem", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Huawei E1752 answers plus the SMS dialogue of python-gsmmodem's generic modem.
    static func huaweiHandler(
        extra: @escaping @Sendable (String) -> ScriptedModem.Reply? = { _ in nil }
    ) throws
        -> @Sendable (String) -> ScriptedModem.Reply
    {
        let sms = try Transcripts.commands("python-gsmmodem-generic-sms.json")
        let base = try ScriptedModem.transcriptHandler(
            "huawei-e1752.json",
            overrides: [
                "AT+CNMI=?": "+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)\r\nOK\r\n",
                "AT+CPMS=\"SM\",\"ME\",\"ME\"": "+CPMS: 3,50,0,255,0,255\r\nOK\r\n",
                "AT+CPMS=\"SM\"": "+CPMS: 3,50,0,255,0,255\r\nOK\r\n",
                "AT+CPMS=\"ME\"": "+CPMS: 0,255,0,255,0,255\r\nOK\r\n",
                "AT+CPMS=\"SR\"": "+CPMS: 0,10,0,255,0,255\r\nOK\r\n",
                "AT+CPMS?": "+CPMS: \"SM\",3,50,\"ME\",0,255,\"ME\",0,255\r\nOK\r\n",
                "AT+CMGL=4": sms["AT+CMGL=4\r"] ?? "",
                "AT+CMGR=0": sms["AT+CMGR=0\r"] ?? "",
                "AT+CMGR=9": "OK\r\n",
                "AT+CMGD=5": "+CMS ERROR: 321\r\n",
                "AT^ICCID?": "^ICCID: 98441000301641313004\r\nOK\r\n",
                "AT+CSCA?": "+CSCA: \"+27831000015\",145\r\nOK\r\n",
                "AT+CSQ": "+CSQ: 17,99\r\nOK\r\n",
                "AT+CREG?": "+CREG: 0,5\r\nOK\r\n",
                "AT+COPS?": "+COPS: 0,0,\"Vodacom\",2\r\nOK\r\n",
                "AT+CNUM": "+CNUM: ,\"+27820001234\",145\r\nOK\r\n",
            ]
        )
        let references = Mutex<UInt8>(183)
        return { command in
            if let reply = extra(command) { return reply }
            if command.hasPrefix("AT+CMGS=") {
                return .prompt { _ in
                    let reference = references.withLock { value in
                        defer { value &+= 1 }
                        return value
                    }
                    return "+CMGS: \(reference)\r\n\r\nOK\r\n"
                }
            }
            return base(command)
        }
    }

    /// A restart sign read in the same bytes as a command's answer is heard before the caller goes on, so that an
    /// operation can tell the modem restarted under it: a deletion answered together with ^SIMST fails as
    /// `.restarted` (the slot it deleted may have been in the power-on storage), and the command after it is not
    /// aborted. Run many times, because without the ordering the driver loses this race only now and then.
    @Test func aRestartSignReadWithAnAnswerIsHeardBeforeTheCallerGoesOn() async throws {
        let handler = try Self.huaweiHandler { command in
            command.hasPrefix("AT+CMGD=") ? .text("\r\nOK\r\n\r\n^SIMST:1\r\n") : nil
        }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            for index in 10..<30 {
                await #expect(throws: ModemError(.restarted)) { try await modem.deleteMessage(at: index, in: .phone) }
                #expect(try await modem.signalQuality().rssi == 17)
            }
        }
    }

    /// Runs a driver and a scripted modem on an in-memory pair for the duration of `body`.
    @discardableResult
    static func withScripted<C: Clock, R: Sendable>(
        echo: Bool = false,
        configuration: ATModemConfiguration = .init(),
        clock: C,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        handler: @escaping @Sendable (String) -> ScriptedModem.Reply,
        _ body: @Sendable (ATModem, ScriptedModem) async throws -> R
    ) async throws -> R where C.Duration == Duration {
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let scripted = ScriptedModem(transport: modemSide, echo: echo, handler: handler)
        let modem = ATModem(
            transport: driverSide,
            configuration: configuration,
            clock: clock,
            logger: logger,
            metricsFactory: metricsFactory
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await scripted.run() }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(modem, scripted)
                await modem.close()
                await modemSide.close()
                return result
            } catch {
                await modem.close()
                await modemSide.close()
                throw error
            }
        }
    }

    @discardableResult
    static func withScripted<R: Sendable>(
        echo: Bool = false,
        configuration: ATModemConfiguration = .init(),
        handler: @escaping @Sendable (String) -> ScriptedModem.Reply,
        _ body: @Sendable (ATModem, ScriptedModem) async throws -> R
    ) async throws -> R {
        try await withScripted(
            echo: echo,
            configuration: configuration,
            clock: ContinuousClock(),
            handler: handler,
            body
        )
    }

    /// Every event but raw lines (late answers under load, vendor noise), which tests of typed events skip.
    static func isTyped(_ event: ModemEvent) -> Bool {
        if case .unrecognized = event { return false }
        return true
    }

    /// Takes events until `predicate` matches one (bounded by the events the test caused).
    static func next(
        _ iterator: inout AsyncStream<ModemEvent>.Iterator,
        where predicate: (ModemEvent) -> Bool
    ) async -> ModemEvent? {
        for _ in 0..<32 {
            guard let event = await iterator.next() else { return nil }
            if predicate(event) { return event }
        }
        return nil
    }

    @Test(arguments: [false, true])
    func startUpDetectsTheProfileAndConfiguresStorageAndNotifications(echo: Bool) async throws {
        try await Self.withScripted(echo: echo, handler: try Self.huaweiHandler()) { modem, scripted in
            let startup = try await modem.start()
            #expect(startup.profile.family == .huawei)
            #expect(startup.storages == [.sim, .phone, .statusReports])
            #expect(startup.incomingStorage == .phone)
            #expect(startup.notificationMode == [2, 1, 0, 2, 0])
            #expect(!startup.needsAcknowledgement)
            #expect(startup.serviceCenter == "+27831000015")
            let commands = scripted.commands
            for expected in [
                "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CPMS=?", "AT+CPMS=\"SM\",\"ME\",\"ME\"",
                "AT+CNMI=2,1,0,2,0",
            ] {
                #expect(commands.contains(expected), "\(expected) in \(commands)")
            }
            let firstCMGF = try #require(commands.firstIndex(of: "AT+CMGF=0"))
            let cpin = try #require(commands.firstIndex(of: "AT+CPIN?"))
            #expect(cpin < firstCMGF)

            let identity = try await modem.identity()
            #expect(
                identity
                    == ModemIdentity(
                        manufacturer: "huawei",
                        model: "E1752",
                        revision: "11.126.13.00.00",
                        imei: "111111111111111",
                        imsi: "111111111111111",
                        msisdn: "+27820001234",
                        iccid: "98441000301641313004"
                    )
            )
            #expect(try await modem.signalQuality() == SignalQuality(rssi: 17, ber: 99))
            #expect(try await modem.networkStatus() == NetworkStatus(registration: .roaming, operatorName: "Vodacom"))
        }
    }

    /// A misread IMSI or ICCID would key a second mirror of the same SIM, which imports every stored message again:
    /// the identity takes a value only when two reads agree.
    @Test func aGarbledIMSIOrICCIDReadIsReadAgainUntilTwoReadsAgree() async throws {
        let reads = Mutex<[String: Int]>([:])
        let handler = try Self.huaweiHandler { command in
            guard command == "AT+CIMI" || command == "AT^ICCID?" else { return nil }
            let read = reads.withLock { reads in
                reads[command, default: 0] += 1
                return reads[command]!
            }
            switch (command, read) {
            case ("AT+CIMI", 1): return .text("11111111111111\r\nOK\r\n")  // a digit dropped on the line
            case ("AT+CIMI", _): return .text("111111111111111\r\nOK\r\n")
            case (_, 1): return .text("^ICCID: 9844100030164131300\r\nOK\r\n")
            default: return .text("^ICCID: 98441000301641313004\r\nOK\r\n")
            }
        }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            let identity = try await modem.identity()
            #expect(identity.imsi == "111111111111111")
            #expect(identity.iccid == "98441000301641313004")
            #expect(reads.withLock { $0 } == ["AT+CIMI": 3, "AT^ICCID?": 3])
        }
    }

    /// A SIM still busy, or an answer that is not an IMSI, fails the identity rather than leaving the key empty; it
    /// is not cached, so the next call reads it again.
    @Test(arguments: ["+CME ERROR: 14\r\n", "+CSQ: 17,99\r\nOK\r\n"])
    func anIdentityWithoutAnIMSIIsAnErrorAndNotKept(firstAnswer: String) async throws {
        let reads = Mutex(0)
        let handler = try Self.huaweiHandler { command in
            guard command == "AT+CIMI" else { return nil }
            let read = reads.withLock { reads in
                reads += 1
                return reads
            }
            return .text(read == 1 ? firstAnswer : "111111111111111\r\nOK\r\n")
        }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            await #expect(throws: (any Error).self) { try await modem.identity() }
            #expect(try await modem.identity().imsi == "111111111111111")
        }
    }

    /// A modem that refuses AT+CIMI (an error result) has no IMSI to offer: the identity goes on without it.
    @Test func aRefusedIMSIIsEmpty() async throws {
        let handler = try Self.huaweiHandler { $0 == "AT+CIMI" ? .text("ERROR\r\n") : nil }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            let identity = try await modem.identity()
            #expect(identity.imsi == "")
            #expect(identity.iccid == "98441000301641313004")
        }
    }

    @Test func listReadAndDelete() async throws {
        try await Self.withScripted(handler: try Self.huaweiHandler()) { modem, scripted in
            try await modem.start()
            let messages = try await modem.listMessages(in: .sim)
            #expect(messages.map(\.index) == [0, 1, 2])
            #expect(messages.map(\.status) == [.receivedUnread, .receivedRead, .receivedRead])
            let first = try PDUHex.decode(
                "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
            )
            #expect(messages.first?.pdu == first)
            #expect(messages.allSatisfy { $0.storage == .sim })

            let message = try await modem.readMessage(at: 0, in: .sim)
            #expect(message == messages.first)
            await #expect(throws: ModemError(.messageNotFound)) { try await modem.readMessage(at: 9, in: .sim) }
            await #expect(throws: ModemError(.messageNotFound)) { try await modem.deleteMessage(at: 5, in: .sim) }
            try await modem.deleteMessage(at: 1, in: .sim)
            #expect(scripted.commands.contains("AT+CMGD=1"))

            let status = try await modem.storageStatus()
            #expect(
                status == [
                    StorageStatus(storage: .sim, used: 3, total: 50),
                    StorageStatus(storage: .phone, used: 0, total: 255),
                    StorageStatus(storage: .statusReports, used: 0, total: 10),
                ]
            )
            // Storage is selected with AT+CPMS before the storage-bound commands.
            let commands = scripted.commands
            let list = try #require(commands.firstIndex(of: "AT+CMGL=4"))
            #expect(
                commands[..<list].contains("AT+CPMS=\"SM\"")
                    || commands[..<list].contains("AT+CPMS=\"SM\",\"ME\",\"ME\"")
            )
            await #expect(throws: ModemError(.storageUnavailable(.broadcast))) {
                try await modem.listMessages(in: .broadcast)
            }
        }
    }

    @Test func sendsEveryPartWithCMMSAndReturnsEachReference() async throws {
        try await Self.withScripted(handler: try Self.huaweiHandler()) { modem, scripted in
            try await modem.start()
            let parts = [
                OutgoingPDU(pdu: try PDUHex.decode("0041000B915121551532F400000A0BC8329BFD06"), tpduLength: 19),
                OutgoingPDU(pdu: try PDUHex.decode("0041010B915121551532F400000A0BC8329BFD07"), tpduLength: 19),
            ]
            let bad = OutgoingPDU(pdu: parts[0].pdu, tpduLength: 18)
            await #expect(throws: ModemError(.invalidPDU)) { try await modem.send([parts[0], bad]) }
            #expect(!scripted.commands.contains { $0.hasPrefix("AT+CMGS") })
            let references = try await modem.send(parts)
            #expect(references == [183, 184])
            let commands = scripted.commands
            let sending = commands.drop { $0 != "AT+CMMS=1" }
            #expect(
                Array(sending.prefix(6)) == [
                    "AT+CMMS=1", "AT+CMGS=19", "PDU:0041000B915121551532F400000A0BC8329BFD06", "AT+CMGS=19",
                    "PDU:0041010B915121551532F400000A0BC8329BFD07", "AT+CMMS=0",
                ]
            )
        }
    }

    @Test func sendFailureNamesThePartAndTheCMSError() async throws {
        let handler = try Self.huaweiHandler { command in
            command.hasPrefix("AT+CMGS=") ? .prompt { _ in "+CMS ERROR: 331\r\n" } : nil
        }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            let part = OutgoingPDU(pdu: try PDUHex.decode("0041000B915121551532F400000A0BC8329BFD06"), tpduLength: 19)
            do {
                _ = try await modem.send([part])
                Issue.record("send succeeded")
            } catch let error as ModemError {
                #expect(error.code == .sendFailed(part: 0))
                #expect(error.underlying?.cmsError == .noNetworkService)
            }
        }
    }

    /// The one-part SMS-SUBMIT the send tests hand the driver (19 TPDU octets after an empty SMSC field).
    static func onePart() throws -> OutgoingPDU {
        OutgoingPDU(pdu: try PDUHex.decode("0041000B915121551532F400000A0BC8329BFD06"), tpduLength: 19)
    }

    /// One lost byte eats the `OK` after `+CMGS: <mr>`: the send succeeds with its reference seconds later (the
    /// engine's timers follow the deadline the machine moves), not at the 90 s send deadline, and the next command
    /// probes the modem with `AT` first. The same with the reference line lost too: the send fails as
    /// ``ATError/Code/answerLost`` for the outbox to send again.
    @Test(arguments: [true, false])
    func aSendWhoseFinalResultWasLostEndsWithinSeconds(keepsTheReference: Bool) async throws {
        let clock = ManualClock()
        let answer = keepsTheReference ? "+CMGS: 77\r\n\r\nO" : "GS: 77\r\n\r\nO"
        let handler = try Self.huaweiHandler { command in
            command.hasPrefix("AT+CMGS=") ? .prompt { _ in answer } : nil
        }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            try await modem.start()
            let sending = Task { try await modem.send([try Self.onePart()]) }
            await scripted.waitForCommand(prefix: "PDU:")
            // The prompt's deadline, the network's, and the cut answer's.
            try #require(await clock.waitForSleepers(3))
            clock.advance(by: ATEngine.StateMachine.answerCompletionTimeout)
            if keepsTheReference {
                #expect(try await sending.value == [77])
            } else {
                let error = await #expect(throws: ModemError.self) { try await sending.value }
                #expect(error?.underlying?.code == .answerLost)
            }
            #expect(try await modem.signalQuality() == SignalQuality(rssi: 17, ber: 99))
            let commands = scripted.commands
            #expect(commands[commands.count - 2] == "AT")
        }
    }

    /// The `> ` prompt lost on the line (here: never sent): after 10 s, not the send deadline, the driver gives up
    /// (with ESC, TS 27.005 §3.5.1, which the state machine's tests show) and the send fails as a timeout, having
    /// sent nothing; the timeout is what tells the supervisor of a hang.
    @Test func aLostPromptIsGivenUpAfterTenSeconds() async throws {
        let clock = ManualClock()
        let handler = try Self.huaweiHandler { command in command.hasPrefix("AT+CMGS=") ? .silent : nil }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            try await modem.start()
            let sending = Task { try await modem.send([try Self.onePart()]) }
            await scripted.waitForCommand(prefix: "AT+CMGS")
            try #require(await clock.waitForSleepers(1))
            clock.advance(by: ATEngine.StateMachine.promptTimeout)
            let error = await #expect(throws: ModemError.self) { try await sending.value }
            #expect(error?.underlying?.code == .timeout)
            #expect(modem.commandTimeouts == 1)
            #expect(!scripted.commands.contains { $0.hasPrefix("PDU:") })
        }
    }

    @Test func unsolicitedCodesBecomeEvents() async throws {
        try await Self.withScripted(handler: try Self.huaweiHandler()) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            try await modem.start()
            try await scripted.inject("\r\n+CMTI: \"ME\",7\r\n")
            #expect(
                await Self.next(&events) { if case .messageStored = $0 { true } else { false } }
                    == .messageStored(.phone, index: 7)
            )
            try await scripted.inject("\r\n+CDSI: \"SR\",2\r\n")
            #expect(
                await Self.next(&events) { if case .messageStored = $0 { true } else { false } }
                    == .messageStored(.statusReports, index: 2)
            )
            try await scripted.inject(
                "\r\n+CMT: ,23\r\n07918497483252F0840B918496445078F700007121320144744004D4F29C0E\r\n"
            )
            let delivered = await Self.next(&events) { if case .messageDelivered = $0 { true } else { false } }
            guard case .messageDelivered(let pdu, let token) = delivered else {
                Issue.record("no delivery: \(String(describing: delivered))")
                return
            }
            #expect(pdu.count == 31)
            try await modem.acknowledge(token)  // CSMS 0: the modem acknowledged it itself
            #expect(!scripted.commands.contains("AT+CNMA"))
            await #expect(throws: ModemError(.unknownDeliveryToken)) {
                try await modem.acknowledge(DeliveryToken(id: 999))
            }
            try await scripted.inject("\r\n+CREG: 1\r\n^SYSSTART\r\n+ZZNEW: 1\r\n")
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .registrationChanged(.home))
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .restarted)
            #expect(
                await Self.next(&events) {
                    if case .unrecognized(let line) = $0 { line.hasPrefix("+ZZ") } else { false }
                } == .unrecognized(line: "+ZZNEW: 1")
            )
        }
    }

    /// TS 27.005 §3.5.4: AT+CMGD deletes in <mem1>, which a restarted modem has set back to its power-on storage.
    /// Each deletion selects its storage first, even right after a listing of the same storage: otherwise a restart
    /// line still on its way would let it delete, at the same index, a message nobody has read.
    @Test func aDeletionSelectsItsStorageEvenWhenItIsSelectedAlready() async throws {
        try await Self.withScripted(handler: try Self.huaweiHandler()) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            try await modem.start()
            _ = try await modem.listMessages(in: .phone)
            try await scripted.inject("\r\nRDY\r\n")
            #expect(await Self.next(&events) { $0 == .restarted } == .restarted)
            let before = scripted.commands.count
            try await modem.deleteMessage(at: 0, in: .phone)
            #expect(Array(scripted.commands[before...].prefix(2)) == ["AT+CPMS=\"ME\"", "AT+CMGD=0"])
            let again = scripted.commands.count
            try await modem.deleteMessage(at: 1, in: .phone)
            #expect(Array(scripted.commands[again...].prefix(2)) == ["AT+CPMS=\"ME\"", "AT+CMGD=1"])
        }
    }

    /// A listing during which the modem restarted may be of its power-on storage, not the one asked for: it is
    /// refused, so that nothing is imported or deleted by its indexes.
    @Test func aListingSpanningARestartIsRefused() async throws {
        let handler = try Self.huaweiHandler { command in
            command == "AT+CMGL=4" ? .text("\r\nRDY\r\n\r\nOK\r\n") : nil
        }
        try await Self.withScripted(handler: handler) { modem, _ in
            try await modem.start()
            await #expect(throws: ModemError(.restarted)) { try await modem.listMessages(in: .sim) }
        }
    }

    @Test func directDeliveryIsAcknowledgedOnlyThroughAcknowledge() async throws {
        let handler = try Self.huaweiHandler { command in
            command == "AT+CNMI=?" ? .text("\r\n+CNMI: (1,2),(0,2),(0),(0,1),(0,1)\r\nOK\r\n") : nil
        }
        try await Self.withScripted(handler: handler) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            let startup = try await modem.start()
            #expect(startup.notificationMode == [2, 2, 0, 1, 0])
            #expect(startup.needsAcknowledgement)
            #expect(scripted.commands.contains("AT+CSMS=1"))
            try await scripted.inject(
                "\r\n+CDS: 25\r\n07914875215652F006360B914892347527F3817003018104808170030181448000\r\n"
            )
            let report = await Self.next(&events) { if case .statusReportDelivered = $0 { true } else { false } }
            guard case .statusReportDelivered(_, let token) = report else {
                Issue.record("no status report")
                return
            }
            #expect(!scripted.commands.contains("AT+CNMA"))
            try await modem.acknowledge(token)
            #expect(scripted.commands.last == "AT+CNMA")
            await #expect(throws: ModemError(.unknownDeliveryToken)) { try await modem.acknowledge(token) }
        }
    }

    @Test func storageFullFromCMSErrorAndHuaweiURCAndAvailableAfterDelete() async throws {
        let handler = try Self.huaweiHandler { command in
            switch command {
            case "AT+CMGD=2": .text("\r\n+CMS ERROR: 322\r\n")
            case "AT+CPMS=\"ME\"": .text("\r\n+CPMS: 255,255,255,255,255,255\r\nOK\r\n")
            default: nil
            }
        }
        try await Self.withScripted(handler: handler) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            try await modem.start()
            let error = await #expect(throws: ModemError(.commandFailed)) {
                try await modem.deleteMessage(at: 2, in: .sim)
            }
            #expect(error?.underlying?.cmsError == .memoryFull)
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .storageFull(.phone))
            // The same store reported full again (Huawei ^SMMEMFULL, counters) is one transition, not two events.
            try await scripted.inject("\r\n^SMMEMFULL: \"ME\"\r\n")
            _ = try await modem.storageStatus()
            try await scripted.inject("\r\n^SMMEMFULL: \"SM\"\r\n")
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .storageFull(.sim))
            try await modem.deleteMessage(at: 1, in: .sim)  // AT+CPMS? then shows room in SM and ME
            let available = [
                await Self.next(&events) { ATModemTests.isTyped($0) },
                await Self.next(&events) { ATModemTests.isTyped($0) },
            ]
            #expect(Set(available.compactMap { $0 }) == [.storageAvailable(.sim), .storageAvailable(.phone)])
            try await scripted.inject("\r\n+CIEV: \"SMSFULL\",1\r\n")
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .storageFull(nil))
        }
    }

    @Test func numberedSMSFullIndicatorIsResolvedThroughCIND() async throws {
        let handler = try Self.huaweiHandler { command in
            command == "AT+CIND=?"
                ? .text("\r\n+CIND: (\"battchg\",(0-5)),(\"signal\",(0-5)),(\"smsfull\",(0-1))\r\nOK\r\n") : nil
        }
        try await Self.withScripted(handler: handler) { modem, scripted in
            var events = modem.events().makeAsyncIterator()
            try await modem.start()
            #expect(scripted.commands.contains("AT+CMER=3,0,0,1"))
            try await scripted.inject("\r\n+CIEV: 2,4\r\n+CIEV: 3,1\r\n")
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .storageFull(nil))
            try await scripted.inject("\r\n+CIEV: 3,0\r\n")
            #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .storageAvailable(nil))
        }
    }

    @Test func busySIMIsWaitedFor() async throws {
        let clock = ManualClock()
        let busy = Mutex(2)
        let handler = try Self.huaweiHandler { command in
            guard command == "AT+CMGF=0" else { return nil }
            let isBusy = busy.withLock { value in
                defer { value -= 1 }
                return value > 0
            }
            return isBusy ? .text("\r\n+CME ERROR: 14\r\n") : nil
        }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            let started = Task { try await modem.start() }
            for attempt in 1...2 {
                // The pause after the attempt-th busy answer (not the 1 s deadline of the start-up "AT").
                try await eventually("busy answer \(attempt) and its pause") {
                    scripted.commands.filter { $0 == "AT+CMGF=0" }.count == attempt
                        && clock.hasSleeper(dueIn: ATModem.simBusyPause)
                }
                clock.advance(by: ATModem.simBusyPause)
            }
            let startup = try await started.value
            #expect(startup.profile.family == .huawei)
            #expect(scripted.commands.filter { $0 == "AT+CMGF=0" }.count == 3)
        }
    }

    @Test func aCommandWithNoAnswerTimesOutAndTheEngineRecovers() async throws {
        let clock = ManualClock()
        let answered = Mutex(false)
        let handler = try Self.huaweiHandler { command in
            guard command == "AT+CSQ" else { return nil }
            let first = answered.withLock { value in
                defer { value = true }
                return !value
            }
            return first ? .text("\r\n+CSQ: 1") : nil  // half a line, then a stall
        }
        try await Self.withScripted(clock: clock, handler: handler) { modem, scripted in
            try await modem.start()
            let stalled = Task { try await modem.signalQuality() }
            await scripted.waitForCommand(prefix: "AT+CSQ")
            try #require(await clock.waitForSleepers(1))  // the command's deadline
            clock.advance(by: .seconds(6))
            let error = await #expect(throws: ModemError(.commandFailed)) { try await stalled.value }
            #expect(error?.underlying?.code == .timeout)
            // The next command resynchronises first (AT until OK), then works.
            #expect(try await modem.signalQuality() == SignalQuality(rssi: 17, ber: 99))
            let commands = scripted.commands
            let last = try #require(commands.lastIndex(of: "AT+CSQ"))
            #expect(commands[last - 1] == "AT")
        }
    }

    @Test(arguments: [
        ("+CPIN: SIM PUK\r\nOK\r\n", ModemError.Code.pukRequired),
        ("+CME ERROR: 10\r\n", .simNotInserted),
        ("+CME ERROR: SIM not inserted\r\n", .simNotInserted),
        ("+CPIN: SIM PIN\r\nOK\r\n", .pinRequired),
        ("+CPIN: PH-SIM PIN\r\nOK\r\n", .simLocked("phoneSIMPIN")),
    ])
    func simProblemsAreClearTypedErrors(answer: String, code: ModemError.Code) async throws {
        let handler = try Self.huaweiHandler { $0 == "AT+CPIN?" ? .text("\r\n" + answer) : nil }
        try await Self.withScripted(handler: handler) { modem, _ in
            await #expect(throws: ModemError(code)) { try await modem.start() }
        }
    }

    /// AT+CFUN? decides whether start-up sends AT+CFUN=1: only for a level other than full functionality. A modem
    /// that refuses AT+CFUN? (huawei-e1752.json: COMMAND NOT SUPPORT), answers with its range (zte-k3565-z.json)
    /// or refuses AT+CFUN=1 still starts.
    @Test(
        arguments: [
            ("+CFUN: 1\r\nOK\r\n", nil, PhoneFunctionality.full),
            ("+CFUN: 4\r\nOK\r\n", "OK\r\n", .full),
            ("+CFUN: 0,0\r\nOK\r\n", "OK\r\n", .full),
            ("+CFUN: 4\r\nOK\r\n", "+CME ERROR: 4\r\n", .radioOff),
            ("ERROR\r\n", nil, nil),
            ("COMMAND NOT SUPPORT\r\n", nil, nil),
            ("+CFUN: (0-1,4-7),(0-1)\r\nOK\r\n", nil, nil),
        ] as [(String, String?, PhoneFunctionality?)]
    )
    func radioIsSwitchedOnOnlyWhenItIsOff(
        query: String,
        setAnswer: String?,
        expected: PhoneFunctionality?
    )
        async throws
    {
        let handler = try Self.huaweiHandler { command in
            switch command {
            case "AT+CFUN?": .text("\r\n" + query)
            case "AT+CFUN=1": .text("\r\n" + (setAnswer ?? "ERROR\r\n"))
            default: nil
            }
        }
        try await Self.withScripted(handler: handler) { modem, scripted in
            let startup = try await modem.start()
            #expect(startup.functionality == expected)
            let commands = scripted.commands
            #expect(commands.contains("AT+CFUN=1") == (setAnswer != nil))
            // The radio goes on before the SIM is asked, in case minimum functionality switched the SIM off too.
            if let set = commands.firstIndex(of: "AT+CFUN=1") {
                #expect(set < (commands.firstIndex(of: "AT+CPIN?") ?? 0))
            }
        }
    }

    @Test func pinFromConfigurationIsEntered() async throws {
        let unlocked = Mutex(false)
        let handler = try Self.huaweiHandler { command in
            switch command {
            case "AT+CPIN?":
                return .text(unlocked.withLock { $0 } ? "\r\n+CPIN: READY\r\nOK\r\n" : "\r\n+CPIN: SIM PIN\r\nOK\r\n")
            case "AT+CPIN=\"1234\"":
                unlocked.withLock { $0 = true }
                return .text("\r\nOK\r\n")
            default:
                return nil
            }
        }
        try await Self.withScripted(configuration: ATModemConfiguration(pin: "1234"), handler: handler) {
            modem,
            scripted in
            try await modem.start()
            #expect(
                scripted.commands.filter { $0.hasPrefix("AT+CPIN") } == ["AT+CPIN?", "AT+CPIN=\"1234\"", "AT+CPIN?"]
            )
        }
        #expect(throws: ConfigurationError.self) { try ATModemConfiguration(pin: "12").validate() }
    }

    @Test func vanishedDeviceIsReportedOnceAndTheDriverReopens() async throws {
        let handler = try Self.huaweiHandler()
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let scripted = ScriptedModem(transport: modemSide, handler: handler)
        let modem = ATModem(transport: driverSide, logger: Self.logger)
        var events = modem.events().makeAsyncIterator()
        let scriptTask = Task { await scripted.run() }
        let reader = Task { try await modem.run() }
        try await modem.start()
        await modemSide.close()  // unplug
        try await reader.value
        #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .disconnected(reason: "transport closed"))
        await #expect(throws: ModemError(.disconnected)) { try await modem.signalQuality() }
        await scriptTask.value

        let (newDriverSide, newModemSide) = InMemoryTransport.makePair()
        let replugged = ScriptedModem(transport: newModemSide, handler: handler)
        await modem.reopen(transport: newDriverSide)
        let newScript = Task { await replugged.run() }
        let newReader = Task { try await modem.run() }
        try await modem.start()
        try await replugged.inject("\r\n+CMTI: \"SM\",1\r\n")
        // Exactly one disconnection was reported before the new session's events.
        #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .messageStored(.sim, index: 1))
        await modem.close()
        try await newReader.value
        #expect(await Self.next(&events) { ATModemTests.isTyped($0) } == .disconnected(reason: "transport closed"))
        await newModemSide.close()
        await newScript.value
    }
}
