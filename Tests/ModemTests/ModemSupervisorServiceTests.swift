import Logging
import Modem
import ModemSimulator
import SMSCodec
import Synchronization
import TestSupport
import Testing

/// The supervisor's runner with the real driver and the simulated modem on in-memory "ttys": a device that appears
/// late, an unplug and a replug under a new name, a restart, a SIM that refuses the PIN.
@Suite struct ModemSupervisorServiceTests {
    static let logger = Logger(label: "test.supervisor", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A USB bus with one simulated stick: `path` is where it is plugged in (nil: unplugged); opening it serves the
    /// simulated modem on a fresh in-memory pair.
    final class Bench: Sendable {
        let network: SimulatedNetwork
        let simulated: SimulatedModem
        let path = Mutex<String?>(nil)
        let opened = Mutex<[String]>([])
        private let sides: AsyncStream<InMemoryTransport>.Continuation
        let stream: AsyncStream<InMemoryTransport>

        init(profile: SimulatorProfile = .huaweiE3372) async {
            let clock = ManualClock()
            network = SimulatedNetwork(
                clock: clock,
                wallClock: clock.wallClock,
                logger: ModemSupervisorServiceTests.logger
            )
            simulated = await network.makeModem(profile: profile)
            (stream, sides) = AsyncStream<InMemoryTransport>.makeStream()
        }

        var locator: @Sendable () async -> String? { { self.path.withLock { $0 } } }

        func open(_ path: String) throws -> any ByteTransport {
            guard self.path.withLock({ $0 }) == path else { throw TransportError.closed }
            let (driverSide, modemSide) = InMemoryTransport.makePair()
            opened.withLock { $0.append(path) }
            sides.yield(modemSide)
            return driverSide
        }

        /// Serves each opened tty in turn (the previous one has closed by then).
        func serve() async {
            for await side in stream { try? await simulated.serve(side) }
        }

        func unplug() async {
            path.withLock { $0 = nil }
            await simulated.unplug()
        }

        func finish() { sides.finish() }
    }

    static func withSupervisor(
        bench: Bench,
        configuration: ATModemConfiguration = .init(),
        rejectedPINs: RejectedPINMemory? = nil,
        clock: ManualClock,
        _ body: @Sendable (ModemSupervisorService) async throws -> Void
    ) async throws {
        let (placeholder, other) = InMemoryTransport.makePair()
        await other.close()
        let modem = ATModem(
            transport: placeholder,
            configuration: configuration,
            rejectedPINs: rejectedPINs,
            logger: logger
        )
        let service = ModemSupervisorService(
            modem: modem,
            locator: bench.locator,
            open: { try bench.open($0) },
            clock: clock,
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await bench.serve() }
            group.addTask { try await service.run() }
            defer {
                bench.finish()
                group.cancelAll()
            }
            try await body(service)
        }
    }

    /// How the modem of the `session`-th open of the tty (1 for the first) answers.
    typealias SessionHandler = @Sendable (_ session: Int) -> @Sendable (String) -> ScriptedModem.Reply

    /// The scripted modems a supervisor opened, in order (each open of the tty serves a fresh one).
    final class ScriptedSessions: Sendable {
        private let opened = Mutex<[ScriptedModem]>([])
        var count: Int { opened.withLock { $0.count } }
        var first: ScriptedModem? { opened.withLock { $0.first } }
        fileprivate func append(_ modem: ScriptedModem) { opened.withLock { $0.append(modem) } }
    }

    /// Runs a supervisor whose tty is always there: each open serves a new ``ScriptedModem`` answering with
    /// `handler(session)` (1 for the first open), for the duration of `body`.
    static func withScriptedSupervisor(
        configuration: ATModemConfiguration = .init(),
        clock: ManualClock,
        handler: @escaping SessionHandler,
        _ body: @Sendable (ModemSupervisorService, ScriptedSessions) async throws -> Void
    ) async throws {
        let sessions = ScriptedSessions()
        let (stream, feed) = AsyncStream<ScriptedModem>.makeStream()
        let (placeholder, other) = InMemoryTransport.makePair()
        await other.close()
        let modem = ATModem(transport: placeholder, configuration: configuration, logger: Self.logger)
        let service = ModemSupervisorService(
            modem: modem,
            locator: { "/dev/ttyUSB2" },
            open: { _ in
                let (driverSide, modemSide) = InMemoryTransport.makePair()
                let scripted = ScriptedModem(transport: modemSide, handler: handler(sessions.count + 1))
                sessions.append(scripted)
                feed.yield(scripted)
                return driverSide
            },
            clock: clock,
            logger: Self.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await scripted in stream { await scripted.run() }
            }
            group.addTask { try await service.run() }
            defer {
                feed.finish()
                group.cancelAll()
            }
            try await body(service, sessions)
        }
    }

    @Test func aModemThatAppearsLaterIsFoundStartedAndFollowedToItsNewName() async throws {
        let bench = await Bench()
        let clock = ManualClock()
        try await Self.withSupervisor(bench: bench, clock: clock) { service in
            let events = EventCollector(service.modem.events())
            // Nothing plugged in: the supervisor waits, with back-off, and does not end.
            try await eventually("no device yet") { service.status.state == .waitingForDevice(attempt: 1) }
            await #expect(throws: ModemError(.disconnected)) { try await service.modem.signalQuality() }

            bench.path.withLock { $0 = "/dev/ttyUSB2" }
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(1))
            try await eventually("ready on ttyUSB2") { service.status.isReady }
            #expect(service.status.devicePath == "/dev/ttyUSB2")
            #expect(service.status.restartCount == 0)
            #expect(service.status.profile == .huaweiE3372)
            try await eventually("started announced") { events.all.contains(.started) }

            // Unplugged; a message arrives meanwhile and the network holds it.
            await bench.unplug()
            try await eventually("looking for the device") { service.status.state == .waitingForDevice(attempt: 1) }
            #expect(service.status.lastError?.contains("disconnected") == true)
            await bench.network.injectText("while away", from: "+15550000077", to: bench.simulated.number)
            #expect(await bench.network.queuedCount(for: bench.simulated.number) == 1)

            // Back under another name.
            bench.path.withLock { $0 = "/dev/ttyUSB3" }
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: .seconds(1))
            try await eventually("ready on ttyUSB3") {
                service.status.isReady && service.status.devicePath == "/dev/ttyUSB3"
            }
            #expect(service.status.restartCount == 1)
            #expect(bench.opened.withLock { $0 } == ["/dev/ttyUSB2", "/dev/ttyUSB3"])
            try await eventually("started announced again") { events.all.filter { $0 == .started }.count == 2 }
            // The held message reached the modem once it was back.
            try await eventually("delivered after the replug") {
                await bench.network.queuedCount(for: bench.simulated.number) == 0
            }
            let listed = try await service.modem.listMessages(in: .sim) + service.modem.listMessages(in: .phone)
            #expect(listed.count == 1)
        }
    }

    @Test func aHotplugEventEndsTheWaitForTheDevice() async throws {
        let bench = await Bench()
        let clock = ManualClock()
        try await Self.withSupervisor(bench: bench, clock: clock) { service in
            try await eventually("no device yet") { service.status.state == .waitingForDevice(attempt: 1) }
            #expect(await clock.waitForSleepers(1))
            // The stick appears and udev says so: the supervisor looks at once; the clock never moves.
            bench.path.withLock { $0 = "/dev/ttyUSB2" }
            service.deviceMayHaveChanged()
            try await eventually("ready without the back-off") { service.status.isReady }
            #expect(bench.opened.withLock { $0 } == ["/dev/ttyUSB2"])
        }
    }

    @Test func aModemRestartRunsStartUpAgain() async throws {
        let bench = await Bench()
        bench.path.withLock { $0 = "/dev/ttyUSB2" }
        let clock = ManualClock()
        try await Self.withSupervisor(bench: bench, clock: clock) { service in
            try await eventually("ready") { service.status.isReady }
            await bench.simulated.emitUnsolicited(["^SYSSTART"])
            try await eventually("started again") { service.status.isReady && service.status.restartCount == 1 }
            #expect(bench.opened.withLock { $0 } == ["/dev/ttyUSB2"])
        }
    }

    @Test func aRefusedPINParksTheModemAndIsNotSentAgain() async throws {
        let bench = await Bench()
        await bench.simulated.setSIMPIN("4321")
        bench.path.withLock { $0 = "/dev/ttyUSB2" }
        let clock = ManualClock()
        let memory = RejectedPINMemory(path: nil)
        try await Self.withSupervisor(
            bench: bench,
            configuration: ATModemConfiguration(pin: "1234"),
            rejectedPINs: memory,
            clock: clock
        ) { service in
            let rejections = Mutex(0)
            let watcher = Task {
                for await status in service.statusUpdates() where status.pinState == "pinRejected" {
                    rejections.withLock { $0 += 1 }
                }
            }
            defer { watcher.cancel() }
            try await eventually("PIN rejected") { rejections.withLock { $0 } == 1 }
            #expect(memory.isRejected("1234"))
            #expect(service.status.lastError == "PIN rejected")
            #expect(service.status.pinAttemptsLeft == nil || service.status.pinAttemptsLeft == 2)
            // A restart of the modem runs start-up again, which parks it again (the driver's tests show that the
            // PIN is not sent: ATModemStartupTests).
            await bench.simulated.emitUnsolicited(["^SYSSTART"])
            try await eventually("parked again after the restart") { rejections.withLock { $0 } == 2 }
            #expect(memory.isRejected("1234"))
            #expect(bench.opened.withLock { $0.count } == 1)
        }
    }

    /// A modem that stops answering is found by the liveness command; ESC and AT do not revive this one, so its tty
    /// is reopened and start-up runs again. (The driver's deadlines are real but short; the supervisor's clock is
    /// manual.)
    @Test func aHungModemIsFoundByLivenessAndReopened() async throws {
        let hung = Mutex(false)
        let base = try ATModemTests.huaweiHandler()
        let clock = ManualClock()
        // Only the first session hangs: a reopened tty answers again.
        let handler: SessionHandler = { session in
            { command in session == 1 && hung.withLock { $0 } ? .silent : base(command) }
        }
        try await Self.withScriptedSupervisor(
            configuration: ATModemConfiguration(commandTimeout: .milliseconds(50)),
            clock: clock,
            handler: handler
        ) { service, sessions in
            try await eventually("ready") { service.status.isReady }
            hung.withLock { $0 = true }
            // The liveness command is due.
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: ModemSupervisor.Timing().livenessInterval)
            try await eventually("reopened and ready again") { service.status.isReady && sessions.count == 2 }
            #expect(service.status.restartCount == 1)
        }
    }

    /// Another SIM in the same stick (its IMSI changed): start-up runs again, on the same tty.
    @Test func aSwappedSIMRunsStartUpAgain() async throws {
        let imsi = Mutex("655010000000001")
        let answers = try ATModemTests.huaweiHandler { command in
            command == "AT+CIMI" ? .text("\r\n\(imsi.withLock { $0 })\r\nOK\r\n") : nil
        }
        let handler: SessionHandler = { _ in answers }
        let clock = ManualClock()
        try await Self.withScriptedSupervisor(clock: clock, handler: handler) { service, sessions in
            try await eventually("ready") { service.status.isReady }
            // The same SIM at the liveness check: nothing happens.
            #expect(await clock.waitForSleepers(1))
            clock.advance(by: ModemSupervisor.Timing().livenessInterval)
            #expect(await clock.waitForSleepers(1))
            #expect(service.status.restartCount == 0)
            imsi.withLock { $0 = "655010000000002" }
            clock.advance(by: ModemSupervisor.Timing().livenessInterval)
            try await eventually("started again") { service.status.isReady && service.status.restartCount == 1 }
            #expect(sessions.count == 1)
        }
    }

    /// A stick that answers `AT` but hangs on SMS commands (the simulator's `.smsService` hang): a command of the
    /// layer above timed out, so the next check counts it as a hang although `AT+CIMI` answers; the recovery (here a
    /// reopen, which re-plugs the bench's stick) brings it back. Found at the next liveness check, or at once: the
    /// command that timed out wakes the supervisor with no liveness check (the clock never moves), so a hung stick
    /// is not left hanging for up to a minute.
    @Test(arguments: [true, false])
    func aModemHungInItsSMSServiceIsFoundThroughAnotherCommandsTimeout(atTheLivenessCheck: Bool) async throws {
        let bench = await Bench()
        bench.path.withLock { $0 = "/dev/ttyUSB2" }
        let clock = ManualClock()
        var configuration = ATModemConfiguration()
        configuration.commandTimeout = .milliseconds(200)
        configuration.listTimeout = .milliseconds(200)
        try await Self.withSupervisor(bench: bench, configuration: configuration, clock: clock) { service in
            try await eventually("ready") { service.status.isReady }
            await bench.simulated.hang(.smsService)
            // The mirror's listing gets no answer.
            await #expect(throws: ModemError.self) { try await service.modem.listMessages(in: .sim) }
            if atTheLivenessCheck {
                #expect(await clock.waitForSleepers(1))
                clock.advance(by: ModemSupervisor.Timing().livenessInterval)
            }
            try await eventually("recovered", timeout: .seconds(60)) {
                service.status.isReady && service.status.restartCount >= 1
            }
            #expect(await bench.simulated.hangState == nil)
            #expect(try await service.modem.listMessages(in: .sim).isEmpty)
        }
    }

    /// The recovery of a hung stick takes the line from a send that waits for the network (AT+CMGS answered its
    /// prompt, took the PDU and says nothing more: the send's deadline is a minute): the send fails at once as
    /// aborted, instead of the recovery's `AT` waiting out that deadline, and the stick is ready again within
    /// seconds. The send is the outbox's to retry (at least once).
    @Test func aRecoveryDoesNotWaitBehindASendInFlight() async throws {
        let base = try ATModemTests.huaweiHandler()
        var configuration = ATModemConfiguration()
        configuration.listTimeout = .milliseconds(200)
        configuration.sendTimeout = .seconds(60)
        // Hung in its SMS service: the listing gets no answer, a send no answer after its PDU.
        let handler: SessionHandler = { _ in
            { command in
                if command.hasPrefix("AT+CMGL") { return .silent }
                if command.hasPrefix("AT+CMGS") { return .prompt { _ in "" } }
                return base(command)
            }
        }
        try await Self.withScriptedSupervisor(
            configuration: configuration,
            clock: ManualClock(),
            handler: handler
        ) { service, sessions in
            try await eventually("ready") { service.status.isReady }
            let started = ContinuousClock.now
            let part = try ATModemTests.onePart()
            // The listing times out and finds the hang while the send waits behind it, then takes the line.
            let listing = Task { try await service.modem.listMessages(in: .sim) }
            let hung = try #require(sessions.first)
            await hung.waitForCommand(prefix: "AT+CMGL")
            let sending = Task { try await service.modem.send([part]) }
            await #expect(throws: ModemError.self) { try await listing.value }
            let error = await #expect(throws: ModemError.self) { try await sending.value }
            #expect(error?.underlying?.code == .aborted)
            try await eventually("recovered") { service.status.isReady && service.status.restartCount >= 1 }
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    /// A stick whose SMS sending alone hangs (AT+CMGS gets no `> ` prompt, while `AT` and the whole start-up are
    /// answered): each hang takes the next recovery step instead of the same one again, so the third one reaches
    /// the reset, which cures it, and the send after it goes out (gammu resets such sticks after a timeout,
    /// `libgammu/gsmphones.c` F_RESET_AFTER_TIMEOUT).
    @Test func aSendThatHangsAfterEachRecoveryReachesTheReset() async throws {
        let base = try ATModemTests.huaweiHandler()
        let resets = Mutex(0)
        var configuration = ATModemConfiguration()
        configuration.sendTimeout = .milliseconds(300)  // bounds the wait for the prompt too
        let handler: SessionHandler = { _ in
            { command in
                if command.hasPrefix("AT^RESET") || command.hasPrefix("AT+CFUN=1,1") {
                    resets.withLock { $0 += 1 }
                    return .text("\r\nOK\r\n")
                }
                if command.hasPrefix("AT+CMGS"), resets.withLock({ $0 == 0 }) { return .silent }
                return base(command)
            }
        }
        let clock = ManualClock()
        try await Self.withScriptedSupervisor(configuration: configuration, clock: clock, handler: handler) {
            service,
            sessions in
            try await eventually("ready") { service.status.isReady }
            let part = try ATModemTests.onePart()
            let afterReset = ModemSupervisor.Timing().afterReset
            var failedSends = 0
            var sent = false
            while !sent, failedSends < 4 {
                let restarts = service.status.restartCount
                do {
                    _ = try await service.modem.send([part])
                    sent = true
                } catch {
                    failedSends += 1
                    try await eventually("ready again after a recovery step", timeout: .seconds(30)) {
                        if service.status.isReady && service.status.restartCount > restarts { return true }
                        // After the reset the supervisor waits for the stick to reboot.
                        if clock.hasSleeper(dueIn: afterReset) { clock.advance(by: afterReset) }
                        return false
                    }
                }
            }
            #expect(sent)
            #expect(failedSends == 3)  // resync, reopen, reset
            #expect(resets.withLock { $0 } == 1)
            #expect(sessions.count == 3)  // the first open, the reopen, and the open after the reset
        }
    }

    /// A stick hung on every command, on a real pty whose reopening does not re-power it: ESC/AT and the reopen do
    /// not help, the profile's reset (Huawei AT^RESET) does, and the modem is ready again.
    @Test func aModemHungUntilResetIsResetAndComesBack() async throws {
        let network = SimulatedNetwork(logger: Self.logger)
        let simulated = await network.makeModem(profile: .huaweiE3372)
        let pty = try PseudoTerminal()
        let serving = Task { try? await simulated.serve(pty) }
        defer { serving.cancel() }
        let (placeholder, other) = InMemoryTransport.makePair()
        await other.close()
        var configuration = ATModemConfiguration()
        configuration.commandTimeout = .milliseconds(200)
        configuration.listTimeout = .milliseconds(200)
        let modem = ATModem(transport: placeholder, configuration: configuration, logger: Self.logger)
        let clock = ManualClock()
        let opened = Mutex(0)
        let service = ModemSupervisorService(
            modem: modem,
            locator: { pty.slavePath },
            open: { path in
                opened.withLock { $0 += 1 }
                return try SerialPort(path: path)
            },
            clock: clock,
            logger: Self.logger
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }

        try await eventually("ready") { service.status.isReady }
        await simulated.hang(.everything)
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: ModemSupervisor.Timing().livenessInterval)
        let afterReset = ModemSupervisor.Timing().afterReset
        try await eventually("reset and ready again", timeout: .seconds(120)) {
            if service.status.isReady && service.status.restartCount >= 1 { return true }
            // After the reset the supervisor waits for the stick to reboot (unless it says it is back first).
            if clock.hasSleeper(dueIn: afterReset) { clock.advance(by: afterReset) }
            return false
        }
        #expect(await simulated.hangState == nil)
        #expect(opened.withLock { $0 } >= 3)  // first open, the reopen, and the open after the reset
    }
}
