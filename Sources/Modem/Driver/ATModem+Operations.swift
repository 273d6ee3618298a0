import Logging
import SMSCodec

extension ATModem {
    // MARK: - Start-up

    /// Brings the modem into the state the driver needs (TS 27.007 / TS 27.005): echo off, numeric errors, SIM
    /// unlocked, PDU mode, storages chosen, new messages stored first and announced with +CMTI, status reports
    /// routed, SMSC read. Requires ``run()`` to be running.
    /// - Throws: ``ModemError`` (`.simNotInserted`, `.pinRequired`, `.pukRequired`, `.pinRejected`,
    ///   `.pduModeUnsupported`, `.disconnected`), ``ConfigurationError``.
    @discardableResult
    public func start() async throws -> ATModemStartup {
        try configuration.validate()
        return try await serialized {
            // Operations that waited for the gate during a recovery have failed by now; from here the start-up
            // owns the line.
            endRecovery()
            setStarting(true)
            defer { setStarting(false) }
            // A modem can be mid-line or in prompt mode from an earlier user: ESC, then AT until it answers.
            await abortPendingInput()
            try await awaitFirstAnswer()
            _ = try? await command("ATZ", timeout: .seconds(5))
            // V.250 §6.2.5/§6.2.6: result codes on (Q0) and verbose (V1), which the framer and parser expect; sent
            // one by one because some firmware rejects combined basic commands.
            _ = try? await command("ATQ0")
            _ = try? await command("ATV1")
            _ = try? await command("ATE0")
            _ = try? await command("AT+CMEE=1")

            let manufacturer = (try? await firstValue(of: "AT+CGMI", prefix: "+CGMI")) ?? ""
            let model = (try? await firstValue(of: "AT+CGMM", prefix: "+CGMM")) ?? ""
            let profile = configuration.profile ?? ATModemProfile.detect(manufacturer: manufacturer, model: model)
            log.debug("modem profile", metadata: ["modem.profile": "\(profile.family.rawValue)"])
            // A new start-up may follow a SIM swap: the identity is read again.
            cacheIdentity(nil)
            for text in profile.earlyStartupCommands { _ = try? await command(text) }

            let functionality = try await switchRadioOn()
            try await unlockSIM(profile: profile)

            do {
                _ = try await commandRetryingWhileSIMBusy("AT+CMGF=0", profile: profile)
            } catch let error as ATError {
                throw ModemError(.pduModeUnsupported, underlying: error)
            }
            let characterSet = await chooseCharacterSet()

            let (storages, incoming) = try await chooseStorages(profile: profile)
            let (mode, needsAck) = await chooseNotificationMode()
            _ = try? await command("AT+COPS=3,0")  // TS 27.007 §7.3: long alphanumeric operator names in +COPS?
            var indicatorNames: [Int: String] = [:]
            if let response = try? await command("AT+CIND=?", prefix: "+CIND") {
                indicatorNames = Self.indicatorNames(response.values(prefixed: "+CIND").first ?? "")
                // TS 27.007 §8.10: +CIEV is only sent after AT+CMER <ind>=1; "smsfull" is the storage-full signal of
                // modems that have no vendor URC for it (SIMCom). Mode 3 forwards at once, 2 where 3 is refused.
                if indicatorNames.values.contains(where: { $0.lowercased() == "smsfull" }) {
                    if (try? await command("AT+CMER=3,0,0,1")) == nil { _ = try? await command("AT+CMER=2,0,0,1") }
                }
            }
            for extra in profile.extraStartupCommands { _ = try? await command(extra) }
            var serviceCenter: String?
            if let response = try? await command("AT+CSCA?", prefix: "+CSCA"),
                let value = response.values(prefixed: "+CSCA").first
            {
                serviceCenter = ATResponseParser.serviceCenter(value)
            }
            let startup = ATModemStartup(
                profile: profile,
                storages: storages,
                incomingStorage: incoming,
                notificationMode: mode,
                needsAcknowledgement: needsAck,
                serviceCenter: serviceCenter,
                functionality: functionality,
                characterSet: characterSet
            )
            setStartup(startup, indicatorNames: indicatorNames)
            log.info(
                "modem started",
                metadata: ["modem.profile": "\(profile.family.rawValue)", "modem.storages": "\(storages)"]
            )
            // The counters tell whether a store is already full (a full store is an event, whatever the signal).
            if let response = try? await command("AT+CPMS?", prefix: "+CPMS"),
                let value = response.values(prefixed: "+CPMS").first
            {
                for status in ATResponseParser.storageQuery(value) { noteCounters(status) }
            }
            return startup
        }
    }

    /// `AT` until the modem answers at all (an error result is an answer: garbage left on the line by an earlier
    /// user). The second attempt also resynchronises the engine (`AT` until OK). A modem that answers none is hung:
    /// start-up ends at once rather than run every other command into its deadline.
    /// - Throws: ``ATError`` `.timeout` (the supervisor's recovery takes it from there), `.disconnected`.
    private func awaitFirstAnswer() async throws {
        for attempt in 1...2 {
            do {
                _ = try await send(ATCommand("AT", timeout: configuration.commandTimeout))
                return
            } catch let error as ATError where error.code == .timeout {
                if attempt == 2 { throw error }
            } catch let error as ATError where error.code != .disconnected {
                return
            }
        }
    }

    /// Deadline of AT+CFUN=1: the radio takes seconds to come up. ModemManager allows a Huawei 30 s
    /// (`src/plugins/huawei/mm-broadband-modem-huawei.c` `huawei_modem_power_up`).
    static let radioOnTimeout: Duration = .seconds(30)

    /// Reads AT+CFUN? and sets full functionality (AT+CFUN=1) when the modem is at any other level (TS 27.007
    /// §8.2: 0 minimum, 2–4 RF off, 5… the manufacturer's): some sticks power on with the radio off and then
    /// refuse every send with +CMS ERROR: 331. ModemManager does the same when it enables a modem
    /// (`src/mm-broadband-modem.c` `modem_load_power_state`, `modem_power_up`) and ignores a failing AT+CFUN=1,
    /// as this does. It runs before the SIM is queried: §8.2 leaves what minimum functionality switches off to the
    /// manufacturer, and a SIM switched off with the radio would look absent (assumed). A modem without AT+CFUN?
    /// (ERROR, or an answer that is not a level) is left as it is.
    /// - Returns: the level in force afterwards, nil when unknown.
    private func switchRadioOn() async throws -> PhoneFunctionality? {
        let found: PhoneFunctionality
        do {
            let response = try await command("AT+CFUN?", prefix: "+CFUN")
            guard let value = response.values(prefixed: "+CFUN").first,
                let level = ATResponseParser.functionality(value)
            else { return nil }
            found = level
        } catch let error as ATError where error.code != .disconnected {
            log.debug("AT+CFUN? failed", metadata: ["at.error": "\(error.code)"])
            return nil
        }
        guard found != .full else { return found }
        log.info("modem radio off: switching to full functionality", metadata: ["modem.functionality": "\(found)"])
        do {
            _ = try await command("AT+CFUN=1", timeout: Self.radioOnTimeout)
            return .full
        } catch let error as ATError where error.code != .disconnected {
            log.info("AT+CFUN=1 failed", metadata: ["at.error": "\(error.code)"])
            return found
        }
    }

    /// Pause between the attempts of a command the SIM refuses while it initialises (ModemManager: 2 s,
    /// `src/mm-iface-modem.c` `UNLOAD_REQUIRED_RETRY_TIMEOUT_SECS`).
    static let simBusyPause: Duration = .seconds(2)
    /// How long a busy SIM is left alone while the driver waits for the profile's SMS-ready line, before it asks
    /// again anyway (the line may have come before the port was open).
    static let smsReadyWait: Duration = .seconds(15)

    /// Sends `text`, waiting while the SIM is busy (``ATError/isSIMBusy``): right after power-on or after its PIN
    /// the SIM needs seconds, real Huawei sticks up to tens of seconds. Where the profile knows an SMS-ready line
    /// (``ATModemProfile/smsReadyURCs``) the driver waits for it (asking again only every ``smsReadyWait``), and
    /// polls every ``simBusyPause`` otherwise; any ready line ends a pause early. Only the pauses that ran out count against
    /// ``ATModemConfiguration/simBusyTimeout``, so the bound is never shorter than configured.
    /// - Throws: ``ModemError`` `.simBusy` when the SIM is still busy at the end; other failures as they come.
    func commandRetryingWhileSIMBusy(
        _ text: String,
        prefix: String? = nil,
        profile: ATModemProfile
    ) async throws -> ATResponse {
        var waited = Duration.zero
        while true {
            let seen = readySignalCount
            do {
                return try await command(text, prefix: prefix)
            } catch let error as ATError where error.isSIMBusy {
                guard waited < configuration.simBusyTimeout else {
                    throw ModemError(.simBusy, reason: "still busy after \(waited)", underlying: error)
                }
                if waited == .zero {
                    log.info("SIM busy: waiting", metadata: ["at.command": "\(text)"])
                }
                let pause = min(
                    profile.smsReadyURCs.isEmpty ? Self.simBusyPause : Self.smsReadyWait,
                    configuration.simBusyTimeout - waited
                )
                if !(await waitForReadySignal(after: seen, timeout: pause)) { waited += pause }
                try Task.checkCancellation()
            }
        }
    }

    /// `+CIND: ("service",(0-1)),("smsfull",(0-1)),…` → 1-based index → name (TS 27.007 §8.9).
    package static func indicatorNames(_ value: some StringProtocol) -> [Int: String] {
        var names: [Int: String] = [:]
        for (offset, field) in ATFields.split(value).enumerated() {
            if let name = ATFields.list(field).first { names[offset + 1] = ATFields.unquote(name) }
        }
        return names
    }

    /// AT+CPIN? (TS 27.007 §8.3), waiting while the SIM is busy, and the configured PIN when it asks for one.
    ///
    /// A PIN is sent at most once per value: ``RejectedPINMemory`` keeps (a hash of) it from before it is sent until
    /// the SIM is ready, so a PIN the SIM refused, or one whose answer never came, is not sent again automatically,
    /// also not after a daemon restart (three wrong PINs block the SIM). A different PIN in the configuration is
    /// tried once. A PUK is never entered.
    private func unlockSIM(profile: ATModemProfile) async throws {
        for attempt in 0..<2 {
            let state: PINState
            do {
                let response = try await commandRetryingWhileSIMBusy("AT+CPIN?", prefix: "+CPIN", profile: profile)
                guard let value = response.values(prefixed: "+CPIN").first else { return }
                state = PINState(parsing: value)
            } catch let error as ATError {
                if error.cmeError == .simNotInserted || error.cmsError == .simNotInserted {
                    throw ModemError(.simNotInserted, underlying: error)
                }
                if error.cmeError == .simPUKRequired || error.cmsError == .simPUKRequired {
                    throw ModemError(.pukRequired, underlying: error)
                }
                if error.code == .timeout, profile.pinQueryMayLackFinalResult { return }
                if error.code == .disconnected { throw ModemError(.disconnected, underlying: error) }
                // A modem without AT+CPIN (old phones) is assumed unlocked; later commands will tell.
                log.debug("AT+CPIN? failed", metadata: ["at.error": "\(error.code)"])
                return
            }
            switch state {
            case .ready:
                rejectedPINs?.forget()
                return
            case .simPUK, .simPUK2:
                throw ModemError(.pukRequired)
            case .simPIN:
                guard let pin = configuration.pin else {
                    var error = ModemError(.pinRequired)
                    error.pinAttemptsLeft = await readPINAttempts(profile: profile)
                    throw error
                }
                if attempt > 0 || rejectedPINs?.isRejected(pin) == true {
                    // The SIM still wants a PIN after this one, or refused it before: never sent again.
                    if attempt > 0 { try? rejectedPINs?.remember(rejected: pin) }
                    var error = ModemError(
                        .pinRejected,
                        reason: attempt > 0 ? "the SIM refused the PIN" : "this PIN was refused before; not sent again"
                    )
                    error.pinAttemptsLeft = await readPINAttempts(profile: profile)
                    throw error
                }
                // Remembered before it is sent: if the answer never comes (or the daemon dies meanwhile), the PIN
                // counts as refused rather than risk a second wrong attempt.
                try? rejectedPINs?.remember(rejected: pin)
                do {
                    _ = try await command("AT+CPIN=\"\(pin)\"", timeout: .seconds(20))
                } catch var error as ATError {
                    // The command line carries the PIN: keep it out of the error's description and so of every log.
                    error.command = "AT+CPIN=<pin>"
                    var failure = ModemError(.pinRejected, underlying: error)
                    failure.pinAttemptsLeft = await readPINAttempts(profile: profile)
                    throw failure
                }
            default:
                throw ModemError(.simLocked("\(state)"))
            }
        }
    }

    /// The SIM PIN attempts left, where the modem tells: the profile's vendor command (Huawei `AT^CPIN?`,
    /// Quectel `AT+QPINC="SC"`), then TS 27.007 §8.65 `AT+CPINR="SIM PIN"`; nil when none answers.
    func readPINAttempts(profile: ATModemProfile) async -> Int? {
        for text in profile.pinAttemptsCommands + ["AT+CPINR=\"SIM PIN\""] {
            guard let response = try? await command(text) else { continue }
            if let attempts = ATResponseParser.pinAttempts(response.lines) { return attempts }
        }
        return nil
    }

    /// AT+CSCS=? then the first of IRA, GSM, UCS2 it offers (TS 27.007 §5.5), so that +CNUM numbers and +COPS
    /// names arrive as text the parsers read; UCS2 answers are decoded from hex (``ATResponseParser/decodeUCS2Hex``).
    /// ModemManager likewise picks a character set at start-up (`src/mm-broadband-modem.c` `modem_setup_charset`,
    /// preferring UTF-8 and UCS2 because it shows operator names in every script; this driver needs ASCII).
    private func chooseCharacterSet() async -> String? {
        var offered = ["IRA", "GSM", "UCS2"]
        if let response = try? await command("AT+CSCS=?", prefix: "+CSCS"),
            let value = response.values(prefixed: "+CSCS").first
        {
            let list = ATFields.list(value).map { ATFields.unquote($0).uppercased() }
            if !list.isEmpty { offered = ["IRA", "GSM", "UCS2"].filter(list.contains) }
        }
        for set in offered where (try? await command("AT+CSCS=\"\(set)\"")) != nil {
            return set
        }
        return nil
    }

    /// `text` decoded when the modem speaks UCS2 (hex of UTF-16 code units) and it looks like that; as is otherwise.
    func decodedText(_ text: String) -> String {
        guard startupState?.characterSet == "UCS2" else { return text }
        return ATResponseParser.decodeUCS2Hex(text) ?? text
    }

    /// AT+CPMS=? then AT+CPMS=<mem1>,<mem2>,<mem3> (TS 27.005 §3.2.2).
    private func chooseStorages(profile: ATModemProfile) async throws -> ([MessageStorage], MessageStorage?) {
        let response: ATResponse
        do {
            response = try await commandRetryingWhileSIMBusy("AT+CPMS=?", prefix: "+CPMS", profile: profile)
        } catch let error as ModemError where error.code == .simBusy || error.code == .disconnected {
            // Not "no storages": a SIM that is still busy, or a device that went away, fails the start-up, which
            // then runs again, rather than leave a session with nothing to mirror.
            throw error
        } catch let error as ATError where error.code == .timeout {
            // No answer is not "no storages" either: a modem hung in its SMS service (gammu resets such sticks,
            // `libgammu/gsmphones.c` F_RESET_AFTER_TIMEOUT).
            throw error
        } catch {
            return ([], nil)
        }
        guard let value = response.values(prefixed: "+CPMS").first else { return ([], nil) }
        let lists = ATResponseParser.supportedStorages(value)
        let readable = lists[0].map { MessageStorage(rawValue: $0) }
        let writable = lists[1].map { MessageStorage(rawValue: $0) }
        let receivable = lists[2].map { MessageStorage(rawValue: $0) }
        // Expose each real store once: SM, ME, SR; MT is SM+ME combined and only used when nothing else exists.
        var storages = [MessageStorage.sim, .phone, .statusReports].filter(readable.contains)
        if storages.isEmpty { storages = readable.filter { $0 != .broadcast } }
        guard let first = storages.first else { return ([], nil) }
        let incoming: MessageStorage? = {
            if let wanted = configuration.incomingStorage, receivable.contains(wanted) { return wanted }
            if receivable.contains(.phone) { return .phone }
            if receivable.contains(.sim) { return .sim }
            return receivable.first
        }()
        let write = incoming.flatMap { writable.contains($0) ? $0 : nil } ?? writable.first
        var arguments = ["\"\(first.rawValue)\""]
        if let write { arguments.append("\"\(write.rawValue)\"") }
        if let incoming, write != nil { arguments.append("\"\(incoming.rawValue)\"") }
        do {
            let response = try await command("AT+CPMS=" + arguments.joined(separator: ","), prefix: "+CPMS")
            if let counters = response.values(prefixed: "+CPMS").first {
                let pairs = ATResponseParser.storageCounters(counters)
                if let pair = pairs.first {
                    noteCounters(StorageStatus(storage: first, used: pair.used, total: pair.total))
                }
                if pairs.count >= 3, let incoming {
                    noteCounters(StorageStatus(storage: incoming, used: pairs[2].used, total: pairs[2].total))
                }
            }
        } catch let error as ATError where error.code != .disconnected {
            log.debug("AT+CPMS selection failed", metadata: ["at.error": "\(error.code)"])
        }
        return (storages, incoming)
    }

    /// AT+CNMI=? then the mode that stores first (<mt>=1: +CMTI) and routes status reports (<ds>=2 stored with
    /// +CDSI, else 1: +CDS), with <bfr>=0 so that indications buffered while no one listened are flushed
    /// (TS 27.005 §3.4.1). Falls back when the modem rejects it (nokia-n79.json: AT+CNMI=2,1,0,2 → ERROR).
    private func chooseNotificationMode() async -> ([Int], Bool) {
        var candidates: [[Int]] = []
        if let response = try? await command("AT+CNMI=?", prefix: "+CNMI"),
            let value = response.values(prefixed: "+CNMI").first
        {
            let allowed = ATResponseParser.notificationSupport(value)
            func pick(_ position: Int, _ preferences: [Int]) -> Int? {
                guard position < allowed.count, !allowed[position].isEmpty else {
                    return position == 4 ? nil : preferences.first
                }
                return preferences.first(where: allowed[position].contains)
            }
            if let mode = pick(0, [2, 1, 3]), let mt = pick(1, [1, 2]) {
                let ds = pick(3, [2, 1, 0]) ?? 0
                var chosen = [mode, mt, 0, ds]
                if let bfr = pick(4, [0]) { chosen.append(bfr) }
                candidates.append(chosen)
            }
        }
        candidates += [[2, 1, 0, 2, 0], [2, 1, 0, 1, 0], [2, 1, 0, 0, 0], [1, 1, 0, 0, 0], [2, 1], [1, 1]]
        for candidate in candidates {
            let text = "AT+CNMI=" + candidate.map(String.init).joined(separator: ",")
            guard (try? await command(text)) != nil else { continue }
            let direct = candidate[1] == 2 || (candidate.count > 3 && candidate[3] == 1)
            var needsAck = false
            if direct {
                // TS 27.005 §3.2.1: with <service>=1 the TE must acknowledge +CMT/+CDS with +CNMA, which lets the
                // layer above acknowledge only after it stored the message.
                needsAck = (try? await command("AT+CSMS=1")) != nil
            }
            return (candidate, needsAck)
        }
        log.warning("modem accepted no AT+CNMI mode; new messages are found by listing only")
        return ([], false)
    }

    // MARK: - Identity and state

    public func identity() async throws -> ModemIdentity {
        if let cached = cachedIdentity { return cached }
        return try await serialized {
            let manufacturer = try await firstValue(of: "AT+CGMI", prefix: "+CGMI")
            let model = try await firstValue(of: "AT+CGMM", prefix: "+CGMM")
            let revision = (try? await firstValue(of: "AT+CGMR", prefix: "+CGMR")) ?? ""
            let imei = (try? await firstValue(of: "AT+CGSN", prefix: "+CGSN")) ?? ""
            // IMSI and ICCID key the store's mirror of this SIM: a value misread (a timeout, garbled or dropped
            // bytes) would make a SIM of its own, whose first pass imports every stored message again. So each is
            // read until two reads agree, and a read that fails other than by the modem's refusal fails the call
            // (the caller retries) instead of leaving the key empty.
            let imsi = try await confirmed("IMSI") { try await self.readIMSI() }
            var msisdn = ""
            if let response = try? await command("AT+CNUM", prefix: "+CNUM") {
                msisdn = ATResponseParser.ownNumbers(response.lines).first.map(decodedText) ?? ""
            }
            let profile = startupState?.profile ?? ATModemProfile.detect(manufacturer: manufacturer, model: model)
            let iccid = try await confirmed("ICCID") { try await self.readICCID(profile: profile) }
            let identity = ModemIdentity(
                manufacturer: manufacturer,
                model: model,
                revision: revision,
                imei: imei,
                imsi: imsi,
                msisdn: msisdn,
                iccid: iccid
            )
            cacheIdentity(identity)
            return identity
        }
    }

    /// A value read until two reads agree (at most three reads).
    /// - Throws: ``ModemError/Code/malformedResponse`` when no two of three reads agree, or the read's own error.
    private func confirmed(_ name: String, _ read: () async throws -> String) async throws -> String {
        var seen: [String] = []
        for _ in 0..<3 {
            let value = try await read()
            if seen.contains(value) { return value }
            seen.append(value)
        }
        throw ModemError(.malformedResponse, reason: "the \(name) read differently each time: \(seen)")
    }

    /// The IMSI (AT+CIMI, TS 27.007 §5.6), "" when the modem refuses the command. TS 23.003 §2.2: at most 15
    /// digits, of which the MCC and MNC are at least 5.
    private func readIMSI() async throws -> String {
        let value: String
        do {
            value = try await firstValue(of: "AT+CIMI", prefix: "+CIMI")
        } catch let error as ATError where Self.isRefusal(error) {
            return ""
        }
        guard (5...15).contains(value.utf8.count), value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ModemError(.malformedResponse, reason: "+CIMI: \(value)")
        }
        return value
    }

    /// True when the modem answered a command with an error result that is not about a SIM still getting ready: it
    /// does not offer the command. A timeout, garbled answer or SIM busy is not a refusal: asking again may work.
    private static func isRefusal(_ error: ATError) -> Bool {
        guard case .result = error.code else { return false }
        return !error.isSIMNotReady
    }

    /// The ICCID, "" when the modem refuses every way of reading it: the vendor ICCID commands, the profile's
    /// first, then AT+CRSM READ BINARY of EF_ICCID (2FE2 = 12258, TS 27.007 §8.18, TS 102 221 §13.2).
    private func readICCID(profile: ATModemProfile) async throws -> String {
        var commands = profile.iccidCommands
        for candidate in ["AT+CCID", "AT^ICCID?", "AT+QCCID", "AT+ICCID", "AT+CICCID"]
        where !commands.contains(candidate) {
            commands.append(candidate)
        }
        for text in commands {
            let response: ATResponse
            do {
                response = try await command(text)
            } catch let error as ATError where Self.isRefusal(error) {
                continue
            }
            if let iccid = ATResponseParser.iccid(response.lines) { return iccid }
        }
        let response: ATResponse
        do {
            response = try await command("AT+CRSM=176,12258,0,0,10", prefix: "+CRSM")
        } catch let error as ATError where Self.isRefusal(error) {
            return ""
        }
        return response.values(prefixed: "+CRSM").first.flatMap(ATResponseParser.iccidFromRestrictedSIMAccess) ?? ""
    }

    public func signalQuality() async throws -> SignalQuality {
        try await serialized {
            let value = try await firstValue(of: "AT+CSQ", prefix: "+CSQ")
            guard let quality = ATResponseParser.signalQuality(value) else {
                throw ModemError(.malformedResponse, reason: "+CSQ")
            }
            return quality
        }
    }

    public func networkStatus() async throws -> NetworkStatus {
        try await serialized {
            var registration = RegistrationState.unknown
            if let value = try? await firstValue(of: "AT+CREG?", prefix: "+CREG"),
                let state = ATResponseParser.registration(value)
            {
                registration = state
            }
            if registration != .home && registration != .roaming,
                let value = try? await firstValue(of: "AT+CEREG?", prefix: "+CEREG"),
                let state = ATResponseParser.registration(value), state == .home || state == .roaming
            {
                registration = state
            }
            var operatorName: String?
            if let value = try? await firstValue(of: "AT+COPS?", prefix: "+COPS") {
                operatorName = ATResponseParser.operatorName(value).map(decodedText)
            }
            return NetworkStatus(registration: registration, operatorName: operatorName)
        }
    }

    // MARK: - Storage

    /// The counters of every storage that accepts selection; a storage the modem refuses is left out (and dropped,
    /// see ``select(_:)``) rather than failing the whole answer.
    public func storageStatus() async throws -> [StorageStatus] {
        try await serialized {
            guard let storages = startupState?.storages else { throw ModemError(.notStarted) }
            var result: [StorageStatus] = []
            for storage in storages {
                do {
                    if let status = try await select(storage) { result.append(status) }
                } catch let error as ModemError where error.code == .storageUnavailable(storage) {
                    continue
                }
            }
            return result
        }
    }

    /// AT+CPMS=<storage>, before every storage-bound command: the driver keeps no idea of what is selected,
    /// because a restart line can still be on its way while a command goes out (the modem answers it from its
    /// power-on <mem1>), and one AT+CPMS per operation is cheap against a message deleted from the wrong storage.
    /// Returns the storage's counters when the modem sent them.
    ///
    /// A storage that `AT+CPMS=?` advertised but whose selection the modem refuses with an error result (Huawei
    /// sticks answer `AT+CPMS="SR"` with `+CMS ERROR: 302`) is dropped from the session's storages and logged once:
    /// it is not asked for again until the next ``start()``. ModemManager likewise goes on with the next storage
    /// when one cannot be read (`src/mm-iface-modem-messaging.c`, `load_initial_sms_parts_ready`).
    /// - Throws: ``ModemError`` `.storageUnavailable(storage)` for a storage that is not (or no longer) usable.
    @discardableResult
    private func select(_ storage: MessageStorage) async throws -> StorageStatus? {
        guard let startup = startupState else { throw ModemError(.notStarted) }
        guard startup.storages.contains(storage) else { throw ModemError(.storageUnavailable(storage)) }
        let response: ATResponse
        do {
            response = try await command("AT+CPMS=\"\(storage.rawValue)\"", prefix: "+CPMS")
        } catch let error as ATError {
            // A busy or absent SIM is transient or ends the session: the storage itself is not at fault.
            guard case .result = error.code, !error.isSIMNotReady else { throw error }
            dropStorage(storage)
            log.warning(
                "message storage refused selection; left out",
                metadata: ["modem.storage": "\(storage)", "at.error": "\(error.code)"]
            )
            throw ModemError(.storageUnavailable(storage), reason: "the modem refused AT+CPMS", underlying: error)
        }
        guard let value = response.values(prefixed: "+CPMS").first,
            let pair = ATResponseParser.storageCounters(value).first
        else {
            return nil
        }
        let status = StorageStatus(storage: storage, used: pair.used, total: pair.total)
        noteCounters(status)
        return status
    }

    /// Turns +CPMS counters into storage-full / memory-available events.
    func noteCounters(_ status: StorageStatus) {
        guard status.total > 0 else { return }
        noteFull(status.storage, isFull: status.isFull)
    }

    /// Runs `body`, a storage selection and the command that acts on the selected storage, and fails with
    /// `.restarted` when a restart line came meanwhile. AT+CMGL and AT+CMGD act on <mem1> (TS 27.005 §3.4.2,
    /// §3.5.4), which a restarted modem has set back to its power-on storage: a listing taken then may be of another
    /// storage, and the mirror would delete by its indexes in the one it asked for.
    private func withinOneModemSession<R>(_ body: () async throws -> R) async throws -> R {
        let before = restartLines
        let result = try await body()
        guard restartLines == before else {
            throw ModemError(.restarted, reason: "the modem restarted during the operation")
        }
        return result
    }

    public func listMessages(in storage: MessageStorage) async throws -> [StoredMessage] {
        try await serialized {
            try await withinOneModemSession { try await list(storage) }
        }
    }

    private func list(_ storage: MessageStorage) async throws -> [StoredMessage] {
        try await select(storage)
        let response = try await send(
            ATCommand("AT+CMGL=4", timeout: configuration.listTimeout, responsePrefix: "+CMGL")
        )
        var messages: [StoredMessage] = []
        for entry in ATResponseParser.messageList(response.lines) {
            guard let pdu = try? PDUHex.decode(entry.pduHex, maximumOctets: ATLimits.maximumPDULength) else {
                log.warning(
                    "skipped a listed message whose PDU is not hex",
                    metadata: ["sms.index": "\(entry.index)", "modem.storage": "\(storage)"]
                )
                continue
            }
            messages.append(
                StoredMessage(
                    storage: storage,
                    index: entry.index,
                    status: Self.status(entry.status, pdu: pdu),
                    pdu: pdu
                )
            )
        }
        return messages
    }

    public func readMessage(at index: Int, in storage: MessageStorage) async throws -> StoredMessage {
        try await serialized {
            try await select(storage)
            let response: ATResponse
            do {
                response = try await send(
                    ATCommand("AT+CMGR=\(index)", timeout: configuration.commandTimeout, responsePrefix: "+CMGR")
                )
            } catch let error as ATError
                where error.cmsError == .invalidIndex || error.cmeError == .invalidIndex || error.cmeError == .notFound
            {
                throw ModemError(.messageNotFound, underlying: error)
            }
            guard let entry = ATResponseParser.message(response.lines) else {
                // TS 27.005 §3.4.3 leaves an empty slot to the modem: many answer OK alone.
                throw ModemError(.messageNotFound, reason: "slot \(index) in \(storage) is empty")
            }
            guard let pdu = try? PDUHex.decode(entry.pduHex, maximumOctets: ATLimits.maximumPDULength) else {
                throw ModemError(.malformedResponse, reason: "+CMGR PDU is not hex")
            }
            return StoredMessage(storage: storage, index: index, status: Self.status(entry.status, pdu: pdu), pdu: pdu)
        }
    }

    /// A `.restarted` failure means the slot deleted may have been in the modem's power-on storage.
    public func deleteMessage(at index: Int, in storage: MessageStorage) async throws {
        try await serialized {
            do {
                try await withinOneModemSession {
                    try await select(storage)
                    _ = try await command("AT+CMGD=\(index)")
                }
            } catch let error as ATError where error.cmsError == .invalidIndex || error.cmeError == .invalidIndex {
                throw ModemError(.messageNotFound, underlying: error)
            }
            // Fresh counters: a store that was full has room now (memory available, TS 27.005 §3.2.2).
            if let response = try? await command("AT+CPMS?", prefix: "+CPMS"),
                let value = response.values(prefixed: "+CPMS").first
            {
                for status in ATResponseParser.storageQuery(value) { noteCounters(status) }
            }
        }
    }

    /// <stat> when the modem sent one; otherwise received-read for SMS-DELIVER/STATUS-REPORT and stored-sent for
    /// SUBMIT (TP-MTI, TS 23.040 §9.2.3.1, after the SMSC field).
    package static func status(_ raw: Int?, pdu: [UInt8]) -> StoredMessageStatus {
        if let raw, let status = StoredMessageStatus(rawValue: raw) { return status }
        guard let smscLength = pdu.first, Int(smscLength) + 1 < pdu.count else { return .receivedRead }
        return pdu[Int(smscLength) + 1] & 0x03 == 0x01 ? .storedSent : .receivedRead
    }

    // MARK: - Sending

    public func send(_ parts: [OutgoingPDU]) async throws -> [UInt8] {
        guard !parts.isEmpty else { return [] }
        for (number, part) in parts.enumerated() {
            // TS 27.005 §3.5.1: <length> counts the TPDU octets, i.e. everything after the SMSC field, whose first
            // octet is its own length (TS 24.011 §8.2.5.1).
            guard part.pdu.count <= ATLimits.maximumPDULength, let smscLength = part.pdu.first,
                (1...ATLimits.maximumPDULength).contains(part.tpduLength),
                part.pdu.count == 1 + Int(smscLength) + part.tpduLength
            else {
                throw ModemError(.invalidPDU, reason: "part \(number): SMSC field and TPDU length do not add up")
            }
        }
        return try await serialized {
            let link =
                parts.count > 1 && configuration.usesConcatenationLink
                && (startupState?.profile.supportsConcatenationLink ?? true)
            // TS 27.005 §3.5.6: AT+CMMS=1 keeps the relay link open until the last part or 1-5 s of silence.
            let linked = link ? (try? await command("AT+CMMS=1")) != nil : false
            var references: [UInt8] = []
            for (number, part) in parts.enumerated() {
                do {
                    let response = try await send(
                        ATCommand(
                            "AT+CMGS=\(part.tpduLength)",
                            timeout: configuration.sendTimeout,
                            responsePrefix: "+CMGS",
                            payload: Array(PDUHex.encode(part.pdu).utf8)
                        )
                    )
                    guard let value = response.values(prefixed: "+CMGS").first,
                        let reference = ATResponseParser.messageReference(value)
                    else {
                        throw ModemError(.sendFailed(part: number), reason: "no +CMGS message reference")
                    }
                    references.append(reference)
                } catch let error as ATError {
                    if linked { _ = try? await command("AT+CMMS=0") }
                    throw ModemError(.sendFailed(part: number), underlying: error)
                }
            }
            if linked { _ = try? await command("AT+CMMS=0") }
            return references
        }
    }
}
