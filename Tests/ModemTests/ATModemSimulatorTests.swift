import Logging
import Modem
import ModemSimulator
import SMSCodec
import Synchronization
import TestSupport
import Testing

/// The real ATModem against the AT-speaking simulated modem (ModemSimulator), over InMemoryTransport: start-up on
/// every profile, list, read, delete, send, +CMTI, storage full, faults, unplug → disconnected once → reopen.
@Suite struct ATModemSimulatorTests {
    static let logger = Logger(label: "test.sim", factory: { _ in SwiftLogNoOpLogHandler() })

    /// One network (manual clock: no SMSC timers fire on their own), one simulated modem, one driver.
    struct Rig: Sendable {
        var network: SimulatedNetwork
        var simulated: SimulatedModem
        var modem: ATModem
        var modemSide: InMemoryTransport
    }

    static func withRig<C: Clock, R: Sendable>(
        profile: SimulatorProfile = .huaweiE3372,
        configuration: ATModemConfiguration = .init(),
        clock: C,
        configure: @Sendable (SimulatedModem) async -> Void = { _ in },
        run body: @Sendable (Rig) async throws -> R
    ) async throws -> R where C.Duration == Duration {
        let networkClock = ManualClock()
        let network = SimulatedNetwork(clock: networkClock, wallClock: networkClock.wallClock, logger: logger)
        let simulated = await network.makeModem(profile: profile)
        await configure(simulated)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, configuration: configuration, clock: clock, logger: logger)
        let rig = Rig(network: network, simulated: simulated, modem: modem, modemSide: modemSide)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await simulated.serve(modemSide) }
            group.addTask { try await modem.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(rig)
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
    static func withRig<R: Sendable>(
        profile: SimulatorProfile = .huaweiE3372,
        configuration: ATModemConfiguration = .init(),
        configure: @Sendable (SimulatedModem) async -> Void = { _ in },
        run body: @Sendable (Rig) async throws -> R
    ) async throws -> R {
        try await withRig(
            profile: profile,
            configuration: configuration,
            clock: ContinuousClock(),
            configure: configure,
            run: body
        )
    }

    static func text(of pdu: [UInt8]) -> String? {
        guard let decoded = try? SMSPDU.decode(pdu, hasSMSC: true), case .deliver(let deliver) = decoded.tpdu else {
            return nil
        }
        if case .text(let text) = deliver.userData.content { return text }
        return nil
    }

    static func next(
        _ iterator: inout AsyncStream<ModemEvent>.Iterator,
        where predicate: (ModemEvent) -> Bool
    ) async -> ModemEvent? {
        await ATModemTests.next(&iterator, where: predicate)
    }

    static let familyOfProfile: [String: ATModemProfile.Family] = [
        "huawei-e173": .huaweiE173, "huawei-e3372": .huaweiE3372, "zte-mf190": .zteMF190, "quectel-ec25": .quectelEC25,
        "simcom-sim800": .simcomSIM800, "simcom-sim7600": .simcomSIM7600, "sierra-mc7455": .sierraMC7455,
    ]

    @Test(arguments: SimulatorProfile.all)
    func startUpAndIdentityOnEveryProfile(profile: SimulatorProfile) async throws {
        try await Self.withRig(profile: profile) { rig in
            let startup = try await rig.modem.start()
            #expect(startup.profile.family == Self.familyOfProfile[profile.id])
            #expect(startup.notificationMode.count >= 2)
            #expect(startup.notificationMode[1] == 1, "new messages are stored first (+CMTI)")
            #expect(startup.incomingStorage != nil)
            #expect(!startup.storages.isEmpty)
            let identity = try await rig.modem.identity()
            #expect(identity.imsi == rig.simulated.imsi)
            #expect(identity.imei == rig.simulated.imei)
            #expect(identity.iccid == rig.simulated.iccid)
            #expect(identity.manufacturer == profile.manufacturer)
            #expect(identity.model == profile.model)
            let signal = try await rig.modem.signalQuality()
            #expect((0...31).contains(signal.rssi))
            let network = try await rig.modem.networkStatus()
            #expect(network.registration == .home)
            let settings = await rig.simulated.indicationSettings
            #expect(settings.count >= 2 && settings[1] == 1)
        }
    }

    @Test(arguments: SimulatorProfile.all)
    func incomingMessageIsStoredAnnouncedListedReadAndDeleted(profile: SimulatorProfile) async throws {
        try await Self.withRig(profile: profile) { rig in
            var events = rig.modem.events().makeAsyncIterator()
            try await rig.modem.start()
            await rig.network.injectText("hello driver", from: "+15550000042", to: rig.simulated.number)
            let event = await Self.next(&events) { if case .messageStored = $0 { true } else { false } }
            guard case .messageStored(let storage, let index) = event else {
                Issue.record("no +CMTI event: \(String(describing: event))")
                return
            }
            let message = try await rig.modem.readMessage(at: index, in: storage)
            #expect(Self.text(of: message.pdu) == "hello driver")
            let listed = try await rig.modem.listMessages(in: storage)
            #expect(listed.contains(message) || listed.contains { $0.index == index && $0.pdu == message.pdu })
            try await rig.modem.deleteMessage(at: index, in: storage)
            #expect(await rig.simulated.storedMessages(in: storage).allSatisfy { $0.index != index })
            await #expect(throws: ModemError.self) { try await rig.modem.readMessage(at: index, in: storage) }
        }
    }

    @Test func sendToTheEchoSubscriberAndReceiveTheReply() async throws {
        try await Self.withRig { rig in
            var events = rig.modem.events().makeAsyncIterator()
            try await rig.modem.start()
            let encoded = try SMSEncoder.encode(text: "hi there", to: SimulatedNetwork.echoNumber)
            let parts = encoded.parts.map { OutgoingPDU(pdu: $0.bytes, tpduLength: $0.tpduLength) }
            let references = try await rig.modem.send(parts)
            #expect(references.count == 1)
            let submissions = await rig.network.waitForSubmissions(1)
            #expect(submissions.first?.text == "hi there")
            #expect(submissions.first?.messageReference == references.first)
            let event = await Self.next(&events) { if case .messageStored = $0 { true } else { false } }
            guard case .messageStored(let storage, let index) = event else {
                Issue.record("no echo reply")
                return
            }
            #expect(Self.text(of: try await rig.modem.readMessage(at: index, in: storage).pdu) == "echo: hi there")
        }
    }

    /// A stick whose radio is off at power-on (+CFUN: 0 or 4): start() switches it on, so a send reaches the
    /// network instead of failing with +CMS ERROR: 331.
    @Test(arguments: [0, 4])
    func startUpSwitchesTheRadioOnSoThatSendsGoOut(level: Int) async throws {
        var profile = SimulatorProfile.huaweiE173
        profile.powerOnFunctionality = level
        try await Self.withRig(profile: profile) { rig in
            let startup = try await rig.modem.start()
            #expect(startup.functionality == .full)
            #expect(
                try await rig.modem.send(ATCommand("AT+CFUN?", responsePrefix: "+CFUN")).values(prefixed: "+CFUN") == [
                    "1"
                ]
            )
            #expect(try await rig.modem.networkStatus().registration == .home)
            let encoded = try SMSEncoder.encode(text: "radio on", to: "+15550000077")
            let parts = encoded.parts.map { OutgoingPDU(pdu: $0.bytes, tpduLength: $0.tpduLength) }
            let references = try await rig.modem.send(parts)
            #expect(references.count == 1)
            let submissions = await rig.network.waitForSubmissions(1)
            #expect(submissions.map(\.text) == ["radio on"])
            #expect(submissions.map(\.to) == ["+15550000077"])
        }
    }

    @Test func concatenatedSendUsesEveryPart() async throws {
        try await Self.withRig(profile: .simcomSIM800) { rig in
            try await rig.modem.start()
            let text = String(repeating: "Long message text. ", count: 20)
            let encoded = try SMSEncoder.encode(
                text: text,
                to: "+15550000077",
                options: SMSEncodingOptions(concatenationReference: 9)
            )
            #expect(encoded.parts.count == 3)
            let references = try await rig.modem.send(
                encoded.parts.map { OutgoingPDU(pdu: $0.bytes, tpduLength: $0.tpduLength) }
            )
            #expect(references.count == 3)
            #expect(Set(references).count == 3)
            let submissions = await rig.network.waitForSubmissions(3)
            #expect(submissions.map(\.messageReference) == references)
            #expect(submissions.compactMap { $0.concatenation?.sequence } == [1, 2, 3])
        }
    }

    @Test func preloadedStoresAreListedInEveryStorage() async throws {
        let pdu = try PDUHex.decode(
            "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
        )
        try await Self.withRig(
            profile: .zteMF190,
            configure: { simulated in
                _ = await simulated.preload(pdu, status: .receivedUnread, in: .sim)
                _ = await simulated.preload(pdu, status: .receivedRead, in: .phone)
                _ = await simulated.preload(pdu, status: .receivedRead, in: .phone)
            },
            run: { rig in
                try await rig.modem.start()
                // AT+CMGL=4 lists the unread message as unread and marks it read (TS 27.005 §3.4.2).
                let expectedSIM = await rig.simulated.storedMessages(in: .sim)
                let sim = try await rig.modem.listMessages(in: .sim)
                #expect(sim == expectedSIM)
                #expect(await rig.simulated.storedMessages(in: .sim).map(\.status) == [.receivedRead])
                let phone = try await rig.modem.listMessages(in: .phone)
                let expectedPhone = await rig.simulated.storedMessages(in: .phone)
                #expect(phone == expectedPhone)
                let status = try await rig.modem.storageStatus()
                #expect(status.first { $0.storage == .phone }?.used == 2)
                #expect(status.first { $0.storage == .sim }?.used == 1)
            }
        )
    }

    @Test(arguments: [SimulatorProfile.huaweiE3372, .simcomSIM800, .quectelEC25, .zteMF190])
    func fullStorageIsAnEventAndDeletingMakesRoom(profile: SimulatorProfile) async throws {
        let pdu = try PDUHex.decode(
            "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
        )
        try await Self.withRig(profile: profile) { rig in
            let events = EventCollector(rig.modem.events())
            let startup = try await rig.modem.start()
            let incoming = try #require(startup.incomingStorage)
            await rig.simulated.fill(.sim, with: pdu)
            await rig.simulated.fill(.phone, with: pdu)
            await rig.network.injectText("no room", from: "+15550000042", to: rig.simulated.number)
            // Whatever the modem's own signal is (^SMMEMFULL, +CIEV, +QIND, or only the counters), the driver
            // reports it; the counters are read by storageStatus().
            _ = try await rig.modem.storageStatus()
            let full = await events.next { if case .storageFull = $0 { true } else { false } }
            #expect(full != nil)
            // The SMSC redelivers the waiting message into the first freed slot (RP-SMMA), so free two.
            try await rig.modem.deleteMessage(at: profile.indexBase, in: incoming)
            try await rig.modem.deleteMessage(at: profile.indexBase + 1, in: incoming)
            _ = try await rig.modem.storageStatus()
            let available = await events.next { if case .storageAvailable = $0 { true } else { false } }
            #expect(available != nil, "events: \(events.all)")
        }
    }

    @Test func unplugIsReportedOnceAndTheDriverReopens() async throws {
        let clock = ManualClock()
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock, logger: Self.logger)
        let simulated = await network.makeModem(profile: .quectelEC25)
        let (driverSide, modemSide) = InMemoryTransport.makePair()
        let modem = ATModem(transport: driverSide, logger: Self.logger)
        let events = EventCollector(modem.events())
        let serve = Task { try? await simulated.serve(modemSide) }
        let reader = Task { try await modem.run() }
        try await modem.start()
        await simulated.unplug()
        try await reader.value
        await serve.value
        let event = await events.next { if case .disconnected = $0 { true } else { false } }
        #expect(event != nil)
        await #expect(throws: ModemError(.disconnected)) { try await modem.signalQuality() }

        // Replug: the SIM store survived; a message that arrived meanwhile is announced after start-up.
        await network.injectText("while away", from: "+15550000042", to: simulated.number)
        let (newDriverSide, newModemSide) = InMemoryTransport.makePair()
        await modem.reopen(transport: newDriverSide)
        let newServe = Task { try? await simulated.serve(newModemSide) }
        let newReader = Task { try await modem.run() }
        let startup = try await modem.start()
        // Delivered at power-on, before the driver chose storages: look in every store.
        var stored: [StoredMessage] = []
        for storage in startup.storages { stored += try await modem.listMessages(in: storage) }
        #expect(stored.contains { Self.text(of: $0.pdu) == "while away" })
        await modem.close()
        try await newReader.value
        // One disconnection per session: the unplug, then the close.
        _ = await events.next { if case .disconnected = $0 { true } else { false } }
        #expect(events.all.filter { if case .disconnected = $0 { true } else { false } }.count == 2)
        await newModemSide.close()
        await newServe.value
    }

    @Test func rebootIsAnEventAndTheDriverStartsAgain() async throws {
        try await Self.withRig(profile: .simcomSIM800) { rig in
            var events = rig.modem.events().makeAsyncIterator()
            try await rig.modem.start()
            await rig.simulated.reboot()
            #expect(await Self.next(&events) { $0 == .restarted } == .restarted)
            try await rig.modem.start()
            #expect(await rig.simulated.indicationSettings[1] == 1)
        }
    }

    /// Huawei sticks send no RDY: the E3372 nothing at power-on, the E173 a ^BOOT that is also its heartbeat. The
    /// ^SIMST that follows the SIM's reading is the sign; without it the lost +CNMI would go unnoticed.
    @Test(arguments: [SimulatorProfile.huaweiE3372, .huaweiE173])
    func aHuaweiRebootIsAnEventThroughSIMST(profile: SimulatorProfile) async throws {
        try await Self.withRig(profile: profile) { rig in
            var events = rig.modem.events().makeAsyncIterator()
            try await rig.modem.start()
            let routed = await rig.simulated.indicationSettings
            await rig.simulated.reboot()
            #expect(await Self.next(&events) { $0 == .restarted } == .restarted)
            #expect(await rig.simulated.indicationSettings != routed)
            try await rig.modem.start()
            #expect(await rig.simulated.indicationSettings == routed)
        }
    }

    /// A reboot puts the modem's AT+CPMS <mem1> back at SM: a delete in ME after it must select ME again, not delete
    /// the SIM's message at the same index (in the soak, a status report stored on the SIM just before a reboot
    /// was deleted unread this way while the mirror was deleting what it had imported from ME).
    @Test func aDeleteAfterARebootSelectsItsStorageAgain() async throws {
        let pdu = try PDUHex.decode(
            "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
        )
        try await Self.withRig { rig in
            try await rig.modem.start()
            // Subscribed after the start-up, whose own ^SIMST is no restart of interest here.
            var events = rig.modem.events().makeAsyncIterator()
            let onSIM = try #require(await rig.simulated.preload(pdu, status: .receivedUnread, in: .sim))
            let onPhone = try #require(await rig.simulated.preload(pdu, status: .receivedRead, in: .phone))
            #expect(onSIM == onPhone)
            #expect(try await rig.modem.listMessages(in: .phone).map(\.index) == [onPhone])
            await rig.simulated.reboot()
            #expect(await Self.next(&events) { $0 == .restarted } == .restarted)
            try await rig.modem.deleteMessage(at: onPhone, in: .phone)
            #expect(await rig.simulated.storedMessages(in: .phone).isEmpty)
            #expect(await rig.simulated.storedMessages(in: .sim).map(\.index) == [onSIM])
        }
    }

    @Test func garbageAndRandomSendErrorsDoNotStopTheDriver() async throws {
        try await Self.withRig { rig in
            try await rig.modem.start()
            await rig.simulated.injectGarbage([0xFF, 0x00, 0x41, 0x0D, 0x0A, 0x80, 0x81])
            #expect(try await rig.modem.signalQuality().rssi >= 0)
            await rig.simulated.failNextCommand("+CMGS", with: .cms(500))
            let encoded = try SMSEncoder.encode(text: "x", to: "+15550000077")
            let part = OutgoingPDU(pdu: encoded.parts[0].bytes, tpduLength: encoded.parts[0].tpduLength)
            do {
                _ = try await rig.modem.send([part])
                Issue.record("send succeeded")
            } catch let error as ModemError {
                #expect(error.code == .sendFailed(part: 0))
                #expect(error.underlying?.cmsError == .unknown)
            }
            #expect(try await rig.modem.send([part]).count == 1)
        }
    }

    @Test func aStalledModemTimesOutAndTheDriverRecoversAfterResume() async throws {
        let clock = ManualClock()
        try await Self.withRig(configuration: ATModemConfiguration(commandTimeout: .seconds(5)), clock: clock) { rig in
            try await rig.modem.start()
            await rig.simulated.stall()
            let stalled = Task { try await rig.modem.signalQuality() }
            try #require(await clock.waitForSleepers(1))  // the command's deadline
            clock.advance(by: .seconds(6))
            let error = await #expect(throws: ModemError(.commandFailed)) { try await stalled.value }
            #expect(error?.underlying?.code == .timeout)
            await rig.simulated.resume()
            #expect(try await rig.modem.signalQuality().rssi >= 0)
        }
    }

    /// After a recovery's `AT` was answered, the modem's SMS service may still hang: an operation that reaches the
    /// gate before the start-up has checked the modem fails at once (aborted), and the start-up itself gives the
    /// line back.
    @Test func operationsFailUntilTheStartUpAfterARecoveryTakesTheLine() async throws {
        try await Self.withRig { rig in
            try await rig.modem.start()
            await rig.modem.beginRecovery()
            _ = try await rig.modem.send(ATCommand("AT"), isRecoveryCommand: true)
            let refused = await #expect(throws: ModemError.self) { try await rig.modem.signalQuality() }
            #expect(refused?.underlying?.code == .aborted)
            try await rig.modem.start()
            #expect(try await rig.modem.signalQuality().rssi >= 0)
        }
    }

    @Test func pinLockedSIMIsUnlockedWithTheConfiguredPIN() async throws {
        try await Self.withRig(
            configuration: ATModemConfiguration(pin: "4321"),
            configure: { await $0.setSIMPIN("4321") },
            run: { rig in
                try await rig.modem.start()
                #expect(try await rig.modem.identity().imsi == rig.simulated.imsi)
            }
        )
        try await Self.withRig(
            configure: { await $0.setSIMPIN("4321") },
            run: { rig in
                await #expect(throws: ModemError(.pinRequired)) { try await rig.modem.start() }
            }
        )
        try await Self.withRig(
            configure: { await $0.setSIMInserted(false) },
            run: { rig in
                await #expect(throws: ModemError(.simNotInserted)) { try await rig.modem.start() }
            }
        )
    }
}
