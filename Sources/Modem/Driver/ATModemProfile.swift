/// Quirks of one modem family, detected from AT+CGMI/AT+CGMM (TS 27.007 §5.1, §5.2).
///
/// Every quirk names the transcript in `Tests/Fixtures/at-transcripts/` it comes from. Where the test data has
/// no transcript of a family (Quectel EC25, SIMCom, Sierra), the quirk says so and names the vendor's AT manual;
/// those are unverified here and marked as such.
public struct ATModemProfile: Hashable, Sendable, CustomStringConvertible {
    /// The families the driver knows.
    public enum Family: String, Hashable, Sendable, CaseIterable, Codable {
        case generic
        case huaweiE173
        case huaweiE3372
        case huawei
        case zteMF190
        case quectelEC25
        case simcomSIM800
        case simcomSIM7600
        case sierraMC7455
        case wavecom
        case nokia
    }

    public var family: Family
    /// ICCID commands to try first, before the generic chain (AT+CCID, AT^ICCID?, AT+QCCID, AT+ICCID, AT+CRSM).
    public var iccidCommands: [String]
    /// Whether AT+CMMS=1 is worth sending before a multi-part message.
    public var supportsConcatenationLink: Bool
    /// AT+CPIN? ends without a final OK, so a timeout after `+CPIN: READY` is success
    /// (wavecom-multiband-900e-1800.json notes: "AT+CPIN? answer has no final OK on this modem").
    public var pinQueryMayLackFinalResult: Bool
    /// Commands to send at the end of start-up (vendor indications that carry storage-full signals).
    public var extraStartupCommands: [String]
    /// Commands sent right after the family is known, before anything else of the start-up (vendor switches
    /// that change where and how much the modem talks).
    public var earlyStartupCommands: [String]
    /// Unsolicited lines (prefixes) that say the SIM and the SMS service are ready after power-on; while the SIM
    /// is busy, start-up waits for one of them instead of polling. Empty: poll.
    public var smsReadyURCs: [String]
    /// Vendor commands that tell the PIN attempts left, tried before TS 27.007 §8.65 `AT+CPINR="SIM PIN"`.
    public var pinAttemptsCommands: [String]
    /// The command that resets the modem when nothing milder revives it; `nil`: never reset (a phone).
    public var resetCommand: String?
    /// The transcripts behind the quirks.
    public var evidence: [String]

    public var description: String { family.rawValue }

    public init(
        family: Family,
        iccidCommands: [String] = [],
        supportsConcatenationLink: Bool = true,
        pinQueryMayLackFinalResult: Bool = false,
        extraStartupCommands: [String] = [],
        earlyStartupCommands: [String] = [],
        smsReadyURCs: [String] = [],
        pinAttemptsCommands: [String] = [],
        resetCommand: String? = Self.standardResetCommand,
        evidence: [String] = []
    ) {
        self.family = family
        self.iccidCommands = iccidCommands
        self.supportsConcatenationLink = supportsConcatenationLink
        self.pinQueryMayLackFinalResult = pinQueryMayLackFinalResult
        self.extraStartupCommands = extraStartupCommands
        self.earlyStartupCommands = earlyStartupCommands
        self.smsReadyURCs = smsReadyURCs
        self.pinAttemptsCommands = pinAttemptsCommands
        self.resetCommand = resetCommand
        self.evidence = evidence
    }

    /// TS 27.007 §8.2: `AT+CFUN=<fun>,1` resets the MT before setting the level. ModemManager resets Quectel and
    /// Cinterion modems this way (`src/plugins/quectel/mm-broadband-modem-quectel.c` `modem_reset`,
    /// `src/plugins/cinterion/mm-shared-cinterion.c` `modem_reset_at`); for other families it is assumed.
    public static let standardResetCommand = "AT+CFUN=1,1"

    /// The profile of a family.
    public static func profile(for family: Family) -> ATModemProfile {
        switch family {
        case .generic:
            return ATModemProfile(family: .generic, evidence: ["python-gsmmodem-generic-sms.json"])
        case .huawei, .huaweiE173, .huaweiE3372:
            // huawei-e1752.json, huawei-k3715.json: "COMMAND NOT SUPPORT" instead of ERROR (ATFinalResult maps it),
            // +CLAC lines end in CR CR LF (ATLineFramer takes CR or LF as a line end); CPMS offers ME,MT,SM,SR.
            // huawei-e3372-brovi.json: the E3372 offers only SM and ME (no SR store, so +CDSI names SM/ME).
            // ^ICCID? is Huawei's own ICCID query; ^SMMEMFULL, ^RSSI, ^BOOT arrive unasked (ATUnsolicited).
            var evidence = ["huawei-e1752.json", "huawei-k3715.json", "huawei-e160.json"]
            if family == .huaweiE3372 { evidence.append("huawei-e3372-brovi.json") }
            // ModemManager (`src/plugins/huawei/mm-broadband-modem-huawei.c`): `unsolicited_enable_sequence` sends
            // ^PORTSEL=0 so that indications go to the PCUI port (the AT port it drives, and the one udev discovery
            // picks); `modem_3gpp_disable_unsolicited_events` and `mm-plugin-huawei.c` `huawei_custom_init_step`
            // send ^CURC=0, which stops the ^RSSI/^DSFLOWRPT/^MODE status flood; `load_unlock_retries` reads the
            // PIN attempts from `^CPIN: <code>,[<times>],<puk>,<pin>,<puk2>,<pin2>`; `reset` uses AT^RESET.
            // ^SIMST: 1 (valid SIM) follows power-on, but ModemManager only ignores it
            // (`set_ignored_unsolicited_events_handlers`) and nothing shows it means "SMS ready": the driver polls a
            // busy Huawei SIM, and takes a ^SIMST: 1 as a reason to ask again at once (``allSMSReadyURCs``).
            return ATModemProfile(
                family: family,
                iccidCommands: ["AT^ICCID?"],
                earlyStartupCommands: ["AT^CURC=0", "AT^PORTSEL=0"],
                pinAttemptsCommands: ["AT^CPIN?"],
                resetCommand: "AT^RESET",
                evidence: evidence + ["ModemManager src/plugins/huawei/mm-broadband-modem-huawei.c"]
            )
        case .zteMF190:
            // zte-k3565-z.json, qualcomm-m6280-zte.json: ZTE sticks report "ZTE INCORPORATED" or "QUALCOMM
            // INCORPORATED" (M6280 chipset); +CLAC without prefix; +ZDONR/+ZPASR interleaved in the AT+CMGS answer
            // and +CMGR without <stat> (python-gsmmodem-generic-sms.json, sequences "ZTE: …").
            return ATModemProfile(
                family: .zteMF190,
                iccidCommands: ["AT+ZGETICCID"],
                evidence: ["zte-k3565-z.json", "qualcomm-m6280-zte.json", "python-gsmmodem-generic-sms.json"]
            )
        case .quectelEC25:
            // No EC25 transcript in testdata (Quectel EC2x AT manual: RDY at boot, AT+QCCID, +CIEV "SMSFULL" after
            // AT+CMER=2,0,0,2 / AT+QINDCFG="smsfull",1). quectel-m35.json: UCS-2 hex in +CUSD (passed on raw).
            return ATModemProfile(
                family: .quectelEC25,
                iccidCommands: ["AT+QCCID"],
                extraStartupCommands: ["AT+QINDCFG=\"smsfull\",1,1"],
                // Quectel EC2x AT manual: `+QIND: SMS DONE` once SMS is initialised (unverified here) and
                // AT+QPINC="SC" for the PIN/PUK counters (not used by ModemManager, which asks +CSIM).
                smsReadyURCs: ["+QIND: SMS DONE"],
                pinAttemptsCommands: ["AT+QPINC=\"SC\""],
                evidence: ["quectel-m35.json", "(no EC25 transcript: unverified, Quectel EC2x AT manual)"]
            )
        case .simcomSIM800, .simcomSIM7600:
            // No SIMCom transcript in testdata (SIM800/SIM7600 AT manuals: "Call Ready"/"SMS Ready" at boot,
            // AT+CCID on SIM800, AT+CICCID on SIM7600).
            return ATModemProfile(
                family: family,
                iccidCommands: family == .simcomSIM800 ? ["AT+CCID"] : ["AT+CICCID"],
                // SIM800 "SMS Ready", SIM7600 "SMS DONE" (SIMCom manuals; ModemManager's
                // `src/plugins/simtech/mm-broadband-modem-simtech.c` `setup_ports` ignores PB DONE and SMS DONE).
                smsReadyURCs: family == .simcomSIM800 ? ["SMS Ready"] : ["SMS DONE"],
                evidence: ["(no SIMCom transcript: unverified, SIMCom AT manuals)"]
            )
        case .sierraMC7455:
            // No Sierra transcript in testdata (MC7455 AT reference: AT!ICCID?).
            return ATModemProfile(
                family: .sierraMC7455,
                iccidCommands: ["AT!ICCID?"],
                evidence: ["(no Sierra transcript: unverified, Sierra MC74xx AT reference)"]
            )
        case .wavecom:
            // wavecom-multiband-900e-1800.json: leading spaces in +CGMI/+CGMM answers (trimmed), +CPMS=? wrapped in
            // one more pair of parentheses, AT+CPIN? without final OK, AT+CVHU=0 → ERROR.
            return ATModemProfile(
                family: .wavecom,
                pinQueryMayLackFinalResult: true,
                evidence: ["wavecom-multiband-900e-1800.json"]
            )
        case .nokia:
            // nokia-n79.json: AT+CNMI=2,1,0,2 → ERROR (the driver falls back), +CPMS=? answers (),(),() and
            // AT+CPMS? ,,,,,,,, (no storage to select; the driver keeps the phone's default).
            // A phone is never reset by the daemon.
            return ATModemProfile(
                family: .nokia,
                supportsConcatenationLink: false,
                resetCommand: nil,
                evidence: ["nokia-n79.json"]
            )
        }
    }

    /// Every family's SMS-ready lines, and Huawei's `^SIMST: 1` (SIM valid): the driver counts them whatever the
    /// profile, since the family is only known after AT+CGMI/AT+CGMM and the line may come before.
    public static let allSMSReadyURCs: [String] = {
        var lines: [String] = ["^SIMST: 1"]
        for family in Family.allCases {
            for line in profile(for: family).smsReadyURCs where !lines.contains(line) { lines.append(line) }
        }
        return lines
    }()

    /// Detects the family from the +CGMI and +CGMM answers.
    public static func detect(manufacturer: String, model: String) -> ATModemProfile {
        let maker = manufacturer.lowercased()
        let name = model.uppercased()
        let family: Family
        if maker.contains("huawei") {
            family = name.contains("E3372") ? .huaweiE3372 : name.contains("E173") ? .huaweiE173 : .huawei
        } else if maker.contains("zte")
            || (maker.contains("qualcomm") && (name.contains("M6280") || name.contains("MF")))
        {
            family = .zteMF190
        } else if maker.contains("quectel") {
            family = .quectelEC25
        } else if maker.contains("simcom") {
            family = name.contains("7600") ? .simcomSIM7600 : .simcomSIM800
        } else if maker.contains("sierra") {
            family = .sierraMC7455
        } else if maker.contains("wavecom") {
            family = .wavecom
        } else if maker.contains("nokia") {
            family = .nokia
        } else {
            family = .generic
        }
        return profile(for: family)
    }
}
