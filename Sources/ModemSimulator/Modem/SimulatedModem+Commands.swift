import Foundation
import Logging
import Modem
import SMSCodec

// The command table of the simulated modem: V.250 basic commands, TS 27.007 identity/network/SIM commands and
// TS 27.005 SMS commands in PDU mode.
extension SimulatedModem {
    /// Commands that need an unlocked SIM (TS 27.007 §8.3: +CME ERROR 11 / TS 27.005: +CMS ERROR 311 otherwise).
    static let simCommands: Set<String> = [
        "+CIMI", "+CNUM", "+CPMS", "+CMGL", "+CMGR", "+CMGD", "+CMGS", "+CMGW", "+CMSS", "+CSCA", "+CNMA", "+CRSM",
        "^ICCID", "+ZGETICCID", "+QCCID", "+CCID", "+CICCID", "!ICCID", "+COPS",
    ]
    static let smsCommands: Set<String> = [
        "+CPMS", "+CMGL", "+CMGR", "+CMGD", "+CMGS", "+CMGW", "+CMSS", "+CSCA", "+CNMA",
    ]

    /// Commands a hung SMS service never answers (``SimulatedModem/Hang/smsService``).
    static let smsServiceCommands: Set<String> = smsCommands.union([
        "+CNMI", "+CSMS", "+CMGF", "+CMMS", "+CSDH", "+CSMP",
    ])

    /// True when `command` goes unanswered while the modem is hung this way.
    func hangs(on command: ATCommand, _ hang: Hang) -> Bool {
        switch hang {
        case .everything: true
        case .smsService: Self.smsServiceCommands.contains(command.name)
        }
    }

    /// AT+CFUN=<fun>,1 (TS 27.007 §8.2) or the profile's vendor reset.
    func isReset(_ command: ATCommand) -> Bool {
        if command.name == "+CFUN", case .set(let arg) = command.form, let args = ATArguments.split(arg),
            args.count > 1, args[1] == "1"
        {
            return true
        }
        return command.form == .action && profile.vendorResetCommands.contains(command.name)
    }

    func execute(_ command: ATCommand) async -> Outcome {
        let name = command.name
        if Self.simCommands.contains(name) || name == "+CPIN" && command.form != .test {
            let sms = Self.smsCommands.contains(name)
            if !isSIMInserted { return .failure(sms ? .cms(310) : .cme(10)) }
            // SIM busy after power-on (SimulatorProfile.simBusyDuration): TS 27.007 §9.2.1 14, TS 27.005 §3.2.5 314.
            if !isSIMReady { return .failure(sms ? .cms(314) : .cme(14)) }
            if !settings.pinUnlocked && name != "+CPIN" {
                if pinAttemptsLeft == 0 { return .failure(sms ? .cms(316) : .cme(12)) }
                return .failure(sms ? .cms(311) : .cme(11))
            }
        }
        switch (name, command.form) {
        // MARK: V.250 basic commands
        case ("E", _): return flag(command) { self.settings.echo = $0 }
        case ("V", _): return flag(command) { self.settings.verbose = $0 }
        case ("Q", _): return flag(command) { self.settings.quiet = $0 }
        case ("Z", _), ("&F", _):
            resetSettings()
            return .success([])
        case ("I", _): return .success(profile.atiLines.map { $0.replacingOccurrences(of: "%IMEI%", with: imei) })
        case ("X", _), ("L", _), ("M", _), ("&C", _), ("&D", _), ("&W", _), ("&K", _), ("&S", _):
            return .success([])
        case (let s, _) where s.hasPrefix("S") && s.dropFirst().allSatisfy(\.isNumber) && s.count > 1:
            if command.form == .read { return .success([s == "S3" ? "013" : s == "S4" ? "010" : "000"]) }
            return .success([])
        case ("D", _), ("A", _): return .success(["NO CARRIER"])
        case ("H", _): return .success([])

        // MARK: Identity (TS 27.007 §5)
        case ("+CGMI", .action), ("+GMI", .action): return .success([profile.manufacturer])
        case ("+CGMM", .action), ("+GMM", .action): return .success([profile.model])
        case ("+CGMR", .action), ("+GMR", .action): return .success([profile.revision])
        case ("+CGSN", .action), ("+GSN", .action): return .success([imei])
        case ("+CIMI", .action): return .success([imsi])
        case ("+CNUM", .action): return .success([#"+CNUM: "","\#(number)",\#(number.hasPrefix("+") ? 145 : 129)"#])
        case ("+GCAP", .action): return .success(["+GCAP: +CGSM,+DS,+ES"])
        case ("^ICCID", .read) where profile.iccidCommand == .huawei: return .success(["^ICCID: \(iccid)"])
        case ("+ZGETICCID", .action) where profile.iccidCommand == .zte: return .success(["+ZGETICCID: \(iccid)"])
        case ("+QCCID", .action) where profile.iccidCommand == .quectel: return .success(["+QCCID: \(iccid)"])
        case ("+CCID", .action) where profile.iccidCommand == .simcom(prefixed: false): return .success([iccid])
        case ("+CICCID", .action) where profile.iccidCommand == .simcom(prefixed: true):
            return .success(["+ICCID: \(iccid)"])
        case ("!ICCID", .read) where profile.iccidCommand == .sierra: return .success(["!ICCID: \(iccid)"])
        case ("+CRSM", .set(let arg)): return restrictedSIMAccess(arg)
        case ("+CLAC", .action):
            let names = [
                "+CGMI", "+CGMM", "+CGMR", "+CGSN", "+CIMI", "+CNUM", "+CMEE", "+CPIN", "+CSQ", "+CREG", "+COPS",
                "+CSCS", "+CSMS", "+CMGF", "+CSCA", "+CPMS", "+CNMI", "+CMGL", "+CMGR", "+CMGS", "+CMSS",
                "+CMGW", "+CMGD", "+CNMA", "+CMMS", "+CFUN", "+CRSM",
            ]
            return .raw(Array(("\r\n" + names.map { $0 + profile.clacLineEnd }.joined()).utf8))

        // MARK: Control and errors (TS 27.007 §8, §9)
        case ("+CMEE", .set(let arg)):
            guard let v = ATArguments.integer(arg, in: 0...2) else { return .failure(.error) }
            settings.cmee = v
            return .success([])
        case ("+CMEE", .read): return .success(["+CMEE: \(settings.cmee)"])
        case ("+CMEE", .test): return .success(["+CMEE: (0-2)"])
        case ("+CFUN", .read): return .success(["+CFUN: \(settings.functionality)"])
        case ("+CFUN", .test): return .success(["+CFUN: (0-1,4),(0-1)"])
        case ("+CFUN", .set(let arg)): return await setFunctionality(arg)
        case ("+CSCS", .read): return .success([#"+CSCS: "\#(settings.cscs)""#])
        case ("+CSCS", .test): return .success([#"+CSCS: ("IRA","GSM","UCS2")"#])
        case ("+CSCS", .set(let arg)):
            guard let v = ATArguments.split(arg)?.first, ["IRA", "GSM", "UCS2"].contains(v) else {
                return .failure(.cme(4))
            }
            settings.cscs = v
            return .success([])
        case ("+CPAS", .action): return .success(["+CPAS: 0"])
        case ("+QINDCFG", .set) where profile.iccidCommand == .quectel: return .success([])
        // ^CURC and ^PORTSEL are in the AT+CLAC list of huawei-e1752.json; gammu sends both to Huawei modems
        // (`libgammu/phone/at/atgen.c` `ATGEN_PostConnect`), ModemManager too (`src/plugins/huawei/
        // mm-broadband-modem-huawei.c` `unsolicited_enable_sequence`, `modem_3gpp_disable_unsolicited_events`).
        case ("^CURC", .set(let arg)) where profile.iccidCommand == .huawei:
            // ^CURC=<mode>[,<mask>…] on newer firmware: only <mode> matters here.
            guard let first = ATArguments.split(arg)?.first, let v = ATArguments.integer(first, in: 0...2) else {
                return .failure(.cme(4))
            }
            settings.curc = v
            return .success([])
        case ("^CURC", .read) where profile.iccidCommand == .huawei: return .success(["^CURC: \(settings.curc)"])
        case ("^PORTSEL", .set(let arg)) where profile.iccidCommand == .huawei:
            guard let v = ATArguments.integer(arg, in: 0...1) else { return .failure(.cme(4)) }
            settings.portSelection = v
            return .success([])
        case ("^PORTSEL", .read) where profile.iccidCommand == .huawei:
            return .success(["^PORTSEL: \(settings.portSelection)"])
        case (let reset, .action) where profile.vendorResetCommands.contains(reset):
            // The answer comes, then the restart (as AT+CFUN=1,1).
            rebootAfterCommand = true
            return .success([])

        // MARK: SIM (TS 27.007 §8.3)
        case ("+CPIN", .read):
            if !isSIMInserted { return .failure(.cme(10)) }
            if settings.pinUnlocked { return .success(["+CPIN: READY"]) }
            return .success([pinAttemptsLeft == 0 ? "+CPIN: SIM PUK" : "+CPIN: SIM PIN"])
        case ("+CPIN", .set(let arg)): return enterPIN(arg)
        case ("+CPIN", .test): return .success([])

        // MARK: Network (TS 27.007 §7, §8.5)
        case ("+CSQ", .action): return .success(["+CSQ: \(settings.functionality == 1 ? rssi : 99),99"])
        case ("+CSQ", .test): return .success(["+CSQ: (0-31,99),(0-7,99)"])
        case ("+CREG", .read): return .success([registrationLine("+CREG", n: settings.cregN)])
        case ("+CREG", .test): return .success(["+CREG: (0-2)"])
        case ("+CREG", .set(let arg)):
            guard let v = ATArguments.integer(arg, in: 0...2) else { return .failure(.cme(4)) }
            settings.cregN = v
            return .success([])
        case ("+CGREG", .read): return .success([registrationLine("+CGREG", n: 0)])
        case ("+CGREG", .set): return .success([])
        case ("+CEREG", .read) where profile.supportsCEREG:
            return .success([registrationLine("+CEREG", n: settings.ceregN)])
        case ("+CEREG", .test) where profile.supportsCEREG: return .success(["+CEREG: (0-2)"])
        case ("+CEREG", .set(let arg)) where profile.supportsCEREG:
            guard let v = ATArguments.integer(arg, in: 0...2) else { return .failure(.cme(4)) }
            settings.ceregN = v
            return .success([])
        case ("+COPS", .read):
            guard registration == .home || registration == .roaming, settings.functionality == 1 else {
                return .success(["+COPS: 0"])
            }
            return .success([#"+COPS: 0,0,"\#(profile.operatorName)",\#(profile.supportsCEREG ? 7 : 2)"#])
        case ("+COPS", .test):
            return .success([
                #"+COPS: (2,"\#(profile.operatorName)","SimTel","00101",\#(profile.supportsCEREG ? 7 : 2)),,(0-4),(0-2)"#
            ])
        case ("+COPS", .set): return .success([])

        // MARK: SMS settings (TS 27.005 §3.2, §3.3)
        case ("+CSMS", .read): return .success(["+CSMS: \(settings.csms),1,1,1"])
        case ("+CSMS", .test): return .success(["+CSMS: (0,1)"])
        case ("+CSMS", .set(let arg)):
            guard let v = ATArguments.integer(arg, in: 0...1) else { return .failure(.cms(302)) }
            settings.csms = v
            return .success(["+CSMS: 1,1,1"])
        case ("+CMGF", .read): return .success(["+CMGF: \(settings.cmgf)"])
        case ("+CMGF", .test): return .success(["+CMGF: (0)"])
        case ("+CMGF", .set(let arg)):
            // PDU mode only: text mode is refused like on modems without it (TS 27.005 §3.2.3 lists (0) then).
            guard ATArguments.integer(arg, in: 0...0) != nil else { return .failure(.error) }
            settings.cmgf = 0
            return .success([])
        case ("+CSCA", .read):
            return .success([#"+CSCA: "\#(smscAddress)",\#(smscAddress.hasPrefix("+") ? 145 : 129)"#])
        case ("+CSCA", .set(let arg)):
            guard let v = ATArguments.split(arg)?.first, !v.isEmpty, v.count <= SimAddress.maximumDigits + 1 else {
                return .failure(.cms(304))
            }
            smscAddress = v
            return .success([])
        case ("+CSMP", .read): return .success(["+CSMP: 17,167,0,0"])
        case ("+CSMP", .set), ("+CSDH", .set), ("+CSCB", .set), ("+CGEREP", .set): return .success([])
        // Indicators (TS 27.007 §8.9, §8.10): "smsfull" is the storage-full indicator.
        case ("+CIND", .test):
            return .success([
                Self.indicators.map { #"("\#($0.name)",\#($0.range))"# }.joined(separator: ",").prefixed("+CIND: ")
            ])
        case ("+CIND", .read):
            let full = backing(settings.mem3).contains { storages[$0.name]?.isFull == true } ? 1 : 0
            let service = registration == .home || registration == .roaming ? 1 : 0
            return .success(["+CIND: 5,\(min(5, rssi / 6)),\(service),0,0,\(registration == .roaming ? 1 : 0),\(full)"])
        case ("+CMER", .read):
            return .success(["+CMER: \(settings.cmerMode),0,0,\(settings.cmerInd),0"])
        case ("+CMER", .test): return .success(["+CMER: (0-3),(0),(0),(0-2),(0-1)"])
        case ("+CMER", .set(let arg)):
            guard let args = ATArguments.split(arg), let mode = ATArguments.integer(args[0], in: 0...3) else {
                return .failure(.cme(4))
            }
            let ind = args.count > 3 ? ATArguments.integer(args[3], in: 0...2) : 0
            guard let ind else { return .failure(.cme(4)) }
            settings.cmerMode = mode
            settings.cmerInd = ind
            return .success([])
        case ("+CSDH", .read): return .success(["+CSDH: 0"])
        case ("+CMMS", .read) where profile.supportsCMMS: return .success(["+CMMS: \(settings.cmms)"])
        case ("+CMMS", .test) where profile.supportsCMMS: return .success(["+CMMS: (0-2)"])
        case ("+CMMS", .set(let arg)) where profile.supportsCMMS:
            guard let v = ATArguments.integer(arg, in: 0...2) else { return .failure(.cms(302)) }
            settings.cmms = v
            return .success([])
        case ("+CPMS", .test): return .success(["+CPMS: \(profile.cpmsTestAnswer)"])
        case ("+CPMS", .read):
            let parts = [settings.mem1, settings.mem2, settings.mem3].map { mem in
                let (used, total) = counters(mem)
                return #""\#(mem)",\#(used),\#(total)"#
            }
            return .success(["+CPMS: " + parts.joined(separator: ",")])
        case ("+CPMS", .set(let arg)): return selectStorages(arg)
        case ("+CNMI", .test): return .success(["+CNMI: \(profile.cnmiTestAnswer)"])
        case ("+CNMI", .read): return .success(["+CNMI: " + settings.cnmi.map(String.init).joined(separator: ",")])
        case ("+CNMI", .set(let arg)): return await setIndications(arg)

        // MARK: Messages (TS 27.005 §3.4, §3.5)
        case ("+CMGL", .test): return .success(["+CMGL: (0-4)"])
        case ("+CMGL", .action): return list(status: 0)
        case ("+CMGL", .set(let arg)):
            guard let stat = ATArguments.integer(arg, in: 0...4) else { return .failure(.cms(302)) }
            return list(status: stat)
        case ("+CMGR", .set(let arg)): return read(arg)
        case ("+CMGD", .test):
            let indices = entries(in: settings.mem1).map { String($0.external) }.joined(separator: ",")
            return .success(["+CMGD: (\(indices)),(0-4)"])
        case ("+CMGD", .set(let arg)): return await delete(arg)
        case ("+CMGS", .test), ("+CMGW", .test), ("+CMSS", .test), ("+CNMA", .test): return .success([])
        case ("+CMGS", .set(let arg)):
            guard let length = ATArguments.integer(arg, in: 1...Self.maximumTPDULength) else {
                return .failure(.cms(304))
            }
            return .prompt(.send(length: length))
        case ("+CMGW", .set(let arg)):
            guard let args = ATArguments.split(arg),
                let length = ATArguments.integer(args[0], in: 1...Self.maximumTPDULength)
            else { return .failure(.cms(304)) }
            var status = StoredMessageStatus.storedUnsent
            if args.count > 1, !args[1].isEmpty {
                guard let v = ATArguments.integer(args[1], in: 0...3), let s = StoredMessageStatus(rawValue: v) else {
                    return .failure(.cms(304))
                }
                status = s
            }
            return .prompt(.write(length: length, status: status))
        case ("+CMSS", .set(let arg)): return await sendFromStorage(arg)
        case ("+CNMA", .action), ("+CNMA", .set): return await acknowledge(command.argument)

        default:
            logger.debug("simulated modem does not know a command", metadata: ["at.command": "\(name)"])
            return .failure(.unknownCommand)
        }
    }

    /// The indicators of AT+CIND=? in order; +CIEV numbers them from 1.
    static let indicators: [(name: String, range: String)] = [
        ("battchg", "(0-5)"), ("signal", "(0-5)"), ("service", "(0-1)"), ("message", "(0-1)"), ("call", "(0-1)"),
        ("roam", "(0-1)"), ("smsfull", "(0-1)"),
    ]

    /// `+CIEV: <ind>,<value>` for "smsfull" when the client enabled indicator events with AT+CMER.
    func indicateStorageFull(_ full: Bool) {
        guard settings.cmerMode != 0, settings.cmerInd != 0,
            let index = Self.indicators.firstIndex(where: { $0.name == "smsfull" })
        else { return }
        emitURC(["+CIEV: \(index + 1),\(full ? 1 : 0)"])
    }

    func flag(_ command: ATCommand, _ apply: (Bool) -> Void) -> Outcome {
        switch command.form {
        case .action: apply(false)
        case .set(let v):
            guard let n = ATArguments.integer(v, in: 0...1) else { return .failure(.error) }
            apply(n == 1)
        default: return .failure(.error)
        }
        return .success([])
    }

    func resetSettings() {
        let unlocked = settings.pinUnlocked
        let functionality = settings.functionality
        settings = Settings(cnmi: profile.defaultCNMI, pinUnlocked: unlocked)
        // ATZ restores V.250 and TS 27.005 settings; the radio stays as AT+CFUN left it (assumed).
        settings.functionality = functionality
    }

    func setFunctionality(_ arg: String) async -> Outcome {
        guard let args = ATArguments.split(arg), let fun = ATArguments.integer(args[0], in: 0...7),
            [0, 1, 4].contains(fun)
        else { return .failure(.cme(4)) }
        if args.count > 1, args[1] == "1" {
            // +CFUN=<fun>,1 resets the MT (TS 27.007 §8.2): the answer comes, then the reboot.
            rebootAfterCommand = true
            return .success([])
        }
        let wasOn = settings.functionality == 1
        settings.functionality = fun
        if wasOn != (fun == 1) {
            // The radio came on (or went off): registration changes, announced as AT+CREG/AT+CEREG asked
            // (TS 27.007 §7.2); the network retries what it held for this subscriber once the radio is on.
            announceRegistration()
            if fun == 1 {
                let network = self.network
                let number = self.number
                // Asynchronous so that the AT+CFUN answer is not held up by redelivery.
                Task { await network?.modemBecameAvailable(number) }
            }
        }
        return .success([])
    }

    func enterPIN(_ arg: String) -> Outcome {
        guard let args = ATArguments.split(arg), !args[0].isEmpty, args[0].count <= 16 else { return .failure(.cme(4)) }
        if settings.pinUnlocked { return .success([]) }
        pinEntries += 1
        if pinAttemptsLeft == 0 {
            // SIM PUK: AT+CPIN=<puk>,<newpin> (TS 27.007 §8.3).
            guard args.count == 2, args[0] == simPUK, !args[1].isEmpty else { return .failure(.cme(16)) }
            simPIN = args[1]
            pinAttemptsLeft = 3
            settings.pinUnlocked = true
            return .success([])
        }
        if args[0] == simPIN {
            pinAttemptsLeft = 3
            settings.pinUnlocked = true
            return .success([])
        }
        pinAttemptsLeft -= 1
        return .failure(.cme(pinAttemptsLeft == 0 ? 12 : 16))
    }

    /// The +CREG?/+CEREG? answer, or with `unsolicited` the URC form without <n> (TS 27.007 §7.2).
    func registrationLine(_ prefix: String, n: Int, unsolicited: Bool = false) -> String {
        // Any <fun> but full functionality leaves the receiver or transmitter off: not registered, not searching.
        let stat = settings.functionality == 1 ? registration.rawValue : 0
        let head = unsolicited ? "\(prefix): " : "\(prefix): \(n),"
        guard n == 2, stat == 1 || stat == 5 else { return "\(head)\(stat)" }
        // <lac>,<ci> as two- and four-octet hex; some Huawei firmware leaves the quotes off
        // (huawei-unknown-model.json: "+CREG: 2,1,4CA,81DE445").
        let lac = "00A1"
        let ci = "0001B2C3"
        if profile.quotesLocationInCREG { return #"\#(head)\#(stat),"\#(lac)","\#(ci)""# }
        return "\(head)\(stat),\(lac),\(ci)"
    }

    /// AT+CRSM=176,12258,… reads EF_ICCID (TS 27.007 §8.18, TS 51.011 §10.1.1: BCD with swapped nibbles).
    func restrictedSIMAccess(_ arg: String) -> Outcome {
        guard let args = ATArguments.split(arg), args.count >= 2 else { return .failure(.cme(4)) }
        guard args[0] == "176", args[1] == "12258" else { return .success(["+CRSM: 106,130"]) }
        var digits = Array(iccid.utf8)
        if digits.count % 2 == 1 { digits.append(UInt8(ascii: "F")) }
        var swapped = [UInt8]()
        var i = 0
        while i + 1 < digits.count {
            swapped.append(digits[i + 1])
            swapped.append(digits[i])
            i += 2
        }
        return .success([#"+CRSM: 144,0,"\#(String(decoding: swapped, as: UTF8.self))""#])
    }

    // MARK: - Storages

    /// Used and total slots of a storage; MT counts SM and ME together (TS 27.005 §3.2.2).
    func counters(_ mem: String) -> (Int, Int) {
        if mem == "MT" {
            let sm = storages["SM"]
            let me = storages["ME"]
            return ((sm?.used ?? 0) + (me?.used ?? 0), (sm?.capacity ?? 0) + (me?.capacity ?? 0))
        }
        guard let store = storages[mem] else { return (0, 0) }
        return (store.used, store.capacity)
    }

    /// The underlying stores of a storage name (MT = SM then ME) with the index offset of each.
    func backing(_ mem: String) -> [(name: String, offset: Int)] {
        if mem == "MT" { return [("SM", 0), ("ME", storages["SM"]?.capacity ?? 0)] }
        return storages[mem] == nil ? [] : [(mem, 0)]
    }

    struct Located {
        var external: Int
        var store: String
        var index: Int
        var entry: SlotStore.Entry
    }

    func entries(in mem: String) -> [Located] {
        backing(mem).flatMap { b in
            (storages[b.name]?.entries ?? []).map {
                Located(
                    external: $0.index - 1 + profile.indexBase + b.offset,
                    store: b.name,
                    index: $0.index,
                    entry: $0.entry
                )
            }
        }
    }

    /// Maps an index as the client sees it to a store and slot; nil when out of range.
    func locate(_ mem: String, _ external: Int) -> (store: String, index: Int)? {
        for b in backing(mem) {
            guard let store = storages[b.name] else { continue }
            let local = external - profile.indexBase - b.offset + 1
            if (1...store.capacity).contains(local) { return (b.name, local) }
        }
        return nil
    }

    func externalIndex(store: String, local: Int, as mem: String) -> Int {
        let offset = backing(mem).first { $0.name == store }?.offset ?? 0
        return local - 1 + profile.indexBase + offset
    }

    /// Stores a PDU in `mem` (MT: SM first, then ME). Returns the store and slot, nil when full.
    func store(_ pdu: [UInt8], status: StoredMessageStatus, in mem: String) -> (store: String, index: Int)? {
        for b in backing(mem) {
            if let index = storages[b.name]?.store(pdu, status: status) {
                dirty()
                return (b.name, index)
            }
        }
        return nil
    }

    func dirty() { network?.noteStoresChanged() }

    func selectStorages(_ arg: String) -> Outcome {
        guard let args = ATArguments.split(arg), (1...3).contains(args.count) else { return .failure(.cms(302)) }
        var chosen = [settings.mem1, settings.mem2, settings.mem3]
        for (i, mem) in args.enumerated() where !mem.isEmpty {
            guard profile.supportedStorages.contains(mem), !profile.refusedStorages.contains(mem),
                !backing(mem).isEmpty || mem == "SR" && storages["SR"] != nil
            else { return .failure(.cms(302)) }
            chosen[i] = mem
        }
        settings.mem1 = chosen[0]
        settings.mem2 = chosen[1]
        settings.mem3 = chosen[2]
        let counts = chosen.map { counters($0) }.map { "\($0.0),\($0.1)" }.joined(separator: ",")
        return .success(["+CPMS: " + counts])
    }

    func setIndications(_ arg: String) async -> Outcome {
        guard let args = ATArguments.split(arg), (1...5).contains(args.count) else { return .failure(.cms(303)) }
        var values = settings.cnmi
        for (i, v) in args.enumerated() where !v.isEmpty {
            guard let n = ATArguments.integer(v, in: 0...3) else { return .failure(.cms(303)) }
            values[i] = n
        }
        guard profile.cnmiMT.contains(values[1]), profile.cnmiDS.contains(values[3]), values[0] <= 3 else {
            return .failure(.cms(303))
        }
        settings.cnmi = values
        // <bfr>=0: indications buffered under <mode>=0 are flushed once a mode 1–3 is entered (TS 27.005 §3.4.1).
        if values[0] != 0 {
            if values[4] == 0 { heldURCs += bufferedIndications }
            bufferedIndications = []
        }
        return .success([])
    }

    // MARK: - Messages

    static func tpduLength(_ pdu: [UInt8]) -> Int {
        guard let smsc = pdu.first else { return 0 }
        return max(0, pdu.count - Int(smsc) - 1)
    }

    func list(status: Int) -> Outcome {
        var lines: [String] = []
        for located in entries(in: settings.mem1) where status == 4 || located.entry.status.rawValue == status {
            let pdu = located.entry.pdu
            lines.append("+CMGL: \(located.external),\(located.entry.status.rawValue),,\(Self.tpduLength(pdu))")
            lines.append(PDUHex.encode(pdu))
            // Listing a received unread message makes it read (TS 27.005 §3.4.2).
            storages[located.store]?.markRead(at: located.index)
        }
        if !lines.isEmpty { dirty() }
        return .success(lines)
    }

    func read(_ arg: String) -> Outcome {
        guard let external = ATArguments.integer(arg, in: 0...9999), let slot = locate(settings.mem1, external) else {
            return .failure(.cms(321))
        }
        guard let entry = storages[slot.store]?.entry(at: slot.index) else {
            // An empty slot within range: OK with no information text.
            return .success([])
        }
        storages[slot.store]?.markRead(at: slot.index)
        dirty()
        return .success(["+CMGR: \(entry.status.rawValue),,\(Self.tpduLength(entry.pdu))", PDUHex.encode(entry.pdu)])
    }

    func delete(_ arg: String) async -> Outcome {
        guard let args = ATArguments.split(arg), (1...2).contains(args.count),
            let external = ATArguments.integer(args[0], in: 0...9999)
        else { return .failure(.cms(321)) }
        let flag = args.count == 2 && !args[1].isEmpty ? ATArguments.integer(args[1], in: 0...4) : 0
        guard let flag else { return .failure(.cms(302)) }
        let before = backing(settings.mem1).map { storages[$0.name]?.isFull ?? false }
        if flag == 0 {
            guard let slot = locate(settings.mem1, external) else { return .failure(.cms(321)) }
            storages[slot.store]?.delete(at: slot.index)
        } else {
            // <delflag> 1: read; 2: read+sent; 3: read+sent+unsent; 4: all (TS 27.005 §3.5.4).
            let doomed: Set<StoredMessageStatus> =
                switch flag {
                case 1: [.receivedRead]
                case 2: [.receivedRead, .storedSent]
                case 3: [.receivedRead, .storedSent, .storedUnsent]
                default: [.receivedRead, .storedSent, .storedUnsent, .receivedUnread]
                }
            for located in entries(in: settings.mem1) where doomed.contains(located.entry.status) {
                storages[located.store]?.delete(at: located.index)
            }
        }
        dirty()
        let after = backing(settings.mem1).map { storages[$0.name]?.isFull ?? false }
        if zip(before, after).contains(where: { $0 && !$1 }) { await memoryBecameAvailable() }
        return .success([])
    }

    /// Room again after a full store: tell the client (where the profile does) and the network, which then
    /// retries what it holds (TS 24.011 §7.3.2 RP-SMMA).
    func memoryBecameAvailable() async {
        for mem in backing(settings.mem1).map(\.name) where reportedFull.contains(mem) {
            reportedFull.remove(mem)
            for line in profile.storageAvailableURCs { emitURC([line.replacingOccurrences(of: "%MEM%", with: mem)]) }
            indicateStorageFull(false)
        }
        let network = self.network
        let number = self.number
        // Delivery is asynchronous so that the AT+CMGD answer is not held up by redelivery.
        Task { await network?.modemBecameAvailable(number) }
    }

    func completePrompt(_ kind: PromptKind, hex: [UInt8]) async -> Outcome {
        guard hex.count <= Self.maximumPDUHexLength, let pdu = try? PDUHex.decode(String(decoding: hex, as: UTF8.self))
        else { return .failure(.cms(304)) }
        switch kind {
        case .send(let length):
            let outcome = await submit(pdu: pdu, length: length).map { ["+CMGS: \($0)"] }
            if case .success = outcome, !profile.urcsDuringSend.isEmpty {
                // Unsolicited lines before the answer, as this modem sends them (not held back like other URCs).
                await send(Array(profile.urcsDuringSend.map { "\r\n\($0)\r\n" }.joined().utf8))
            }
            return outcome
        case .write(let length, let status):
            guard let smsc = pdu.first, pdu.count == Int(smsc) + 1 + length else { return .failure(.cms(304)) }
            guard let slot = store(pdu, status: status, in: settings.mem2) else {
                reportFull(settings.mem2)
                return .failure(.cms(322))
            }
            return .success(["+CMGW: \(externalIndex(store: slot.store, local: slot.index, as: settings.mem2))"])
        }
    }

    /// Hands an SMS-SUBMIT to the network; returns the TP-MR the modem assigned.
    func submit(pdu: [UInt8], length: Int) async -> Result<Int, ATFailure> {
        let split: (smsc: [UInt8], tpdu: [UInt8])
        do {
            split = try SimSubmit.splitSMSC(pdu)
        } catch {
            return .failure(.cms(304))
        }
        guard split.tpdu.count == length else { return .failure(.cms(304)) }
        var tpdu = split.tpdu
        let submit: SimSubmit
        do {
            submit = try SimSubmit(tpdu: tpdu)
        } catch {
            return .failure(.cms(304))
        }
        if let failure = faults.randomSendFailure() { return .failure(failure) }
        guard settings.functionality == 1, registration == .home || registration == .roaming, let network else {
            return .failure(.cms(331))
        }
        // The MS assigns TP-MR (TS 23.040 §9.2.3.6); real modems overwrite what the TE put there.
        let mr = nextMessageReference
        nextMessageReference &+= 1
        tpdu[1] = mr
        var routed = submit
        routed.messageReference = mr
        await network.submit(from: number, tpdu: tpdu, submit: routed)
        return .success(Int(mr))
    }

    func sendFromStorage(_ arg: String) async -> Outcome {
        guard let args = ATArguments.split(arg), let external = ATArguments.integer(args[0], in: 0...9999),
            let slot = locate(settings.mem2, external)
        else { return .failure(.cms(321)) }
        guard let entry = storages[slot.store]?.entry(at: slot.index) else { return .failure(.cms(321)) }
        let result = await submit(pdu: entry.pdu, length: Self.tpduLength(entry.pdu))
        switch result {
        case .success(let mr):
            if entry.status == .storedUnsent {
                storages[slot.store]?.setStatus(.storedSent, at: slot.index)
                dirty()
            }
            return .success(["+CMSS: \(mr)"])
        case .failure(let failure): return .failure(failure)
        }
    }

    func acknowledge(_ arg: String) async -> Outcome {
        guard let pending = pendingAcknowledgement else { return .failure(.cms(340)) }
        let negative = ATArguments.split(arg)?.first == "2"
        pending.timer?.cancel()
        pendingAcknowledgement = nil
        await network?.deliveryResult(pending.deliveryID, to: number, accepted: !negative)
        return .success([])
    }

    func reportFull(_ mem: String) {
        for name in backing(mem).map(\.name) where storages[name]?.isFull == true && !reportedFull.contains(name) {
            reportedFull.insert(name)
            for line in profile.storageFullURCs { emitURC([line.replacingOccurrences(of: "%MEM%", with: name)]) }
            indicateStorageFull(true)
        }
    }
}

extension Result where Failure == ATFailure, Success == Int {
    fileprivate func map(_ lines: (Int) -> [String]) -> SimulatedModem.Outcome {
        switch self {
        case .success(let v): .success(lines(v))
        case .failure(let f): .failure(f)
        }
    }
}

extension String {
    fileprivate func prefixed(_ prefix: String) -> String { prefix + self }
}
