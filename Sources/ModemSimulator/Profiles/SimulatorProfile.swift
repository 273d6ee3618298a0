/// What makes one simulated modem model answer like the real one: identity strings, storages, the vendor
/// unsolicited result codes (URCs) and the quirks of its AT dialogue.
///
/// Each quirk states where it comes from: a transcript in `Tests/Fixtures/at-transcripts/` (named), a peer's code
/// (ModemManager or gammu, with file and function), a vendor manual, or "assumed"; a value with no note (ranges,
/// slot counts, identity strings of models without a transcript) is assumed. ModemManager is
/// linux-mobile-broadband/ModemManager at 9a2d586; gammu is gammu/gammu at 78fd6a9 (the commits the fixtures were
/// taken from). The quirks that make a stick hard to drive (``simBusyDuration``, ``powerOnFunctionality``,
/// ``refusedStorages``, ``statusURCInterval``, ``indicationPortSelection``) are off in every built-in profile, so
/// that a test or `modemctl simulate` turns on exactly the ones it means to exercise.
public struct SimulatorProfile: Sendable, Hashable {
    /// The name `modemctl simulate --profile` takes (e.g. `huawei-e3372`).
    public var id: String
    public var manufacturer: String
    public var model: String
    public var revision: String
    /// First eight digits of the IMEI (type allocation code).
    public var imeiTAC: String

    /// How the ICCID is read besides the standard AT+CRSM read of EF_ICCID, and the prefix of its answer.
    public enum ICCIDCommand: Sendable, Hashable {
        /// `AT^ICCID?` → `^ICCID: <iccid>` (Huawei).
        case huawei
        /// `AT+ZGETICCID` → `+ZGETICCID: <iccid>` (ZTE).
        case zte
        /// `AT+QCCID` → `+QCCID: <iccid>` (Quectel).
        case quectel
        /// `AT+CCID` → `<iccid>` (SIMCom SIM800) or `+ICCID: <iccid>` (SIM7600 `AT+CICCID`).
        case simcom(prefixed: Bool)
        /// `AT!ICCID?` → `!ICCID: <iccid>` (Sierra Wireless).
        case sierra
        /// Only AT+CRSM.
        case none
    }
    public var iccidCommand: ICCIDCommand

    /// Lines sent once the modem has powered up (before any command).
    public var startupURCs: [String]
    /// Lines sent periodically as noise (e.g. Huawei `^RSSI`, `^DSFLOWRPT`) when noise is enabled.
    public var noiseURCs: [String]

    /// The final result for a command the modem does not know. TS 27.007 says ERROR; Huawei says otherwise.
    public var unknownCommandResult: String
    /// The `+CPMS=?` answer's parameter text.
    public var cpmsTestAnswer: String
    /// The storages the modem accepts in AT+CPMS.
    public var supportedStorages: [String]
    /// The `+CNMI=?` answer's parameter text.
    public var cnmiTestAnswer: String
    /// Allowed <mt> values of AT+CNMI.
    public var cnmiMT: Set<Int>
    /// Allowed <ds> values of AT+CNMI.
    public var cnmiDS: Set<Int>
    /// The storage in which status reports are stored when +CNMI <ds>=2 (SR, or SM on modems without SR).
    public var statusReportStorage: String
    /// Index of the first slot: 0 on modems that count from zero, 1 per TS 27.005's examples.
    public var indexBase: Int
    /// Slots in the SIM (SM), phone (ME) and status report (SR) storages.
    public var simSlots: Int
    public var phoneSlots: Int
    public var statusReportSlots: Int
    /// Lines announcing a full storage, with `%MEM%` replaced by the storage name (^SMMEMFULL, +CIEV, +QIND).
    public var storageFullURCs: [String]
    /// Lines announcing that a full storage has room again (empty when the modem says nothing).
    public var storageAvailableURCs: [String]
    /// True when AT+CMMS is supported.
    public var supportsCMMS: Bool
    /// AT+CREG? <n>=2 answer style: quoted hex LAC/CI per TS 27.007, or the unquoted hex some Huawei send.
    public var quotesLocationInCREG: Bool
    /// True when AT+CEREG is known (LTE modems).
    public var supportsCEREG: Bool
    /// The line end after each AT+CLAC entry (`\r\n`; Huawei `\r\r\n`) and whether entries are one per line.
    public var clacLineEnd: String
    /// The +COPS? operator name in long alphanumeric format.
    public var operatorName: String
    /// ATI answer lines.
    public var atiLines: [String]
    /// AT+CNMI values at power-on (<mode>,<mt>,<bm>,<ds>,<bfr>); TS 27.005 leaves them manufacturer specific.
    public var defaultCNMI: [Int] = [0, 0, 0, 0, 0]
    /// URCs the modem puts between the PDU and the +CMGS answer (ZTE: +ZDONR/+ZPASR).
    public var urcsDuringSend: [String] = []
    /// AT+CFUN <fun> at power-on (TS 27.007 §8.2): 1 (full functionality) on every built-in profile. 0 (minimum)
    /// or 4 (radio off) imitates a stick whose radio stays off until AT+CFUN=1: not registered, and AT+CMGS fails
    /// with +CMS ERROR: 331. No transcript in `Tests/Fixtures/at-transcripts/` shows a modem powering on like this
    /// (the huawei-e1752.json and huawei-k3715.json AT+CLAC lists only name +CFUN; zte-k3565-z.json answers
    /// AT+CFUN? with its range); it follows field reports of Huawei sticks and ModemManager, which reads AT+CFUN?
    /// and sends AT+CFUN=1 when enabling any modem (`src/mm-broadband-modem.c` `modem_load_power_state`,
    /// `modem_power_up`) and treats a Huawei at 0 as in low-power mode
    /// (`src/plugins/huawei/mm-broadband-modem-huawei.c` `parent_load_power_state_ready`). Assumed: ATZ keeps <fun>.
    public var powerOnFunctionality = 1
    /// Storages that `AT+CPMS=?` advertises but `AT+CPMS` refuses with `+CMS ERROR: 302` (operation not allowed),
    /// as Huawei sticks are reported to do with SR. gammu knows such phones (`include/gammu-info.h` F_SMS_NO_SR:
    /// "Phone does not have a SR memory even if it reports so"); no transcript shows the +CMS ERROR: 302 itself
    /// (the code is assumed). Related: wavecom-multiband-900e-1800.json refuses `AT+CPMS="SM","SM","SR"` with
    /// ERROR (its AT+CPMS=? offers SR for <mem1> only), and ModemManager skips a storage it cannot read
    /// (`src/mm-iface-modem-messaging.c` `load_initial_sms_parts_ready`: logged, then the next storage).
    public var refusedStorages: Set<String> = []
    /// Lines the modem sends once its SIM and SMS service are ready: at the end of ``simBusyDuration``, or right
    /// after ``startupURCs`` when there is no busy window. Drivers wait for them before the first SMS command where
    /// the vendor has one (Quectel `+QIND: SMS DONE`, SIMCom `SMS Ready`/`SMS DONE`, Huawei `^SIMST`).
    public var smsReadyURCs: [String] = []
    /// How long the SIM stays busy after power-on, on the simulator's clock (the `Clock` of
    /// ``SimulatedNetwork/init(clock:wallClock:delay:state:logger:)``). Meanwhile SIM commands (AT+CPIN?, AT+CIMI,
    /// AT+CNUM, AT+CRSM, the ICCID commands, AT+COPS) answer `+CME ERROR: 14` (SIM busy, TS 27.007 §9.2.1) and SMS
    /// commands (AT+CPMS, AT+CMGL, AT+CMGR, AT+CMGD, AT+CMGS, AT+CMGW, AT+CMSS, AT+CSCA, AT+CNMA) answer
    /// `+CMS ERROR: 314` (SIM busy, TS 27.005 §3.2.5); the network holds incoming messages until the window ends,
    /// then ``smsReadyURCs`` are sent. Zero (every built-in profile): ready at once.
    /// Sources: the codes are the ones the python-gsmmodem fake modems give for SIM busy (huawei-e1752.json notes:
    /// "SIM busy is +CME ERROR: 14"); ModemManager retries on SIM busy after power-on (`src/mm-broadband-modem.c`
    /// `parse_caps_cpin`, `modem_load_own_numbers_continue_on_sim_busy`) and knows 314 as "SIM busy"
    /// (`src/mm-error-helpers.c`, `MM_MESSAGE_ERROR_SIM_BUSY`). Which commands are refused, and for how long, is
    /// assumed (no transcript records a busy window).
    public var simBusyDuration: Duration = .zero
    /// Reset commands of the vendor (action form, e.g. `^RESET`), besides AT+CFUN=1,1 (TS 27.007 §8.2), which
    /// every profile accepts: the answer is OK, then the modem restarts as after ``SimulatedModem/reboot()``.
    public var vendorResetCommands: Set<String> = []
    /// Interval at which the modem sends its status URCs (``noiseURCs``, e.g. Huawei `^RSSI`, `^DSFLOWRPT`,
    /// `^MODE`, `^BOOT`) from power-on until the client turns them off with `AT^CURC=0` (Huawei; no switch on the
    /// other profiles). nil (every built-in profile): no flood. ModemManager turns the flood off with `^CURC=0`
    /// (`src/plugins/huawei/mm-broadband-modem-huawei.c` `modem_3gpp_disable_unsolicited_events`) and ignores
    /// `^BOOT`, `^DSFLOWRPT` and others on every port (same file, `set_ignored_unsolicited_events_handlers`);
    /// gammu sends `AT^CURC=0` to every Huawei (`libgammu/phone/at/atgen.c` `ATGEN_PostConnect`, "Disable Huawei
    /// specific unsolicited codes"). The rate is the caller's choice (real sticks: about every few seconds, assumed).
    public var statusURCInterval: Duration?
    /// The `AT^PORTSEL` value that sends SMS indications (+CMTI, +CDSI, +CMT, +CDS) to the port this modem is served
    /// on; at power-on `^PORTSEL` is 0, so with any other value here the indications go to the stick's other port
    /// until the client sends `AT^PORTSEL=<value>`. The message is still stored (a +CMT/+CDS the client cannot see
    /// is stored instead: assumed), so a listing finds it. nil (every built-in profile): indications always
    /// reach this port. Sources: ModemManager sends `^PORTSEL=0` ("whether we want the PCUI port (0) or the modem
    /// port (1) to receive the unsolicited messages", `src/plugins/huawei/mm-broadband-modem-huawei.c`
    /// `unsolicited_enable_sequence`); gammu sends `AT^PORTSEL=1` ("Tell device that this is modem port",
    /// `libgammu/phone/at/atgen.c` `ATGEN_PostConnect`). The power-on value 0 and that ^PORTSEL is lost on a
    /// restart are assumed.
    public var indicationPortSelection: Int?

    // MARK: - Profiles

    /// Huawei E173 (3G stick, 2011). No E173 transcript exists; values follow the Huawei 3G family transcripts
    /// huawei-e1752.json and huawei-k3715.json (same firmware line, 11.xxx).
    public static let huaweiE173 = SimulatorProfile(
        id: "huawei-e173",
        manufacturer: "huawei",  // huawei-e1752.json: AT+CGMI → "huawei"
        model: "E173",
        revision: "11.126.85.00.209",  // huawei-e1752.json: 11.126.13.00.00 (same family numbering)
        imeiTAC: "35273104",
        iccidCommand: .huawei,  // ^ICCID is listed in huawei-e1752.json AT+CLAC
        // ^BOOT, ^RSSI and ^DSFLOWRPT are commands in the AT+CLAC list of huawei-e1752.json, not URCs; the URC
        // forms follow the patterns ModemManager expects (`src/plugins/huawei/mm-broadband-modem-huawei.c`
        // `mm_broadband_modem_huawei_init`: "\^BOOT:.+", "\^RSSI:\s*(\d+)", "\^MODE:\s*(\d*),?(\d*)",
        // "\^DSFLOWRPT:(.+)", "\^SIMST:.+"). The field values are assumed. ^BOOT comes at power-on (assumed).
        startupURCs: ["^BOOT:12345678,0,0,0,75"],
        noiseURCs: [
            "^RSSI:18", "^DSFLOWRPT:00000002,00000000,00000000,0000000000000000,0000000000000000,0000000,0000000",
            "^MODE:5,4", "^BOOT:12345678,0,0,0,75",
        ],
        unknownCommandResult: "COMMAND NOT SUPPORT",  // huawei-e1752.json notes
        cpmsTestAnswer: #"("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")"#,  // huawei-e1752.json
        supportedStorages: ["ME", "MT", "SM", "SR"],
        cnmiTestAnswer: "(0-2),(0-3),(0,2),(0-2),(0-1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "SR",
        // gammu marks the E173 and the other Huawei E1xx sticks F_SMS_LOCATION_0 (slots from 0;
        // `libgammu/gsmphones.c`, the phone table).
        indexBase: 0,
        simSlots: 30,
        phoneSlots: 255,
        statusReportSlots: 20,
        // ^SMMEMFULL: Huawei's storage-full URC (vendor manual, not in any transcript or peer code here: assumed).
        storageFullURCs: [#"^SMMEMFULL: "%MEM%""#],
        storageAvailableURCs: [],
        supportsCMMS: true,  // +CMMS in huawei-e1752.json AT+CLAC
        quotesLocationInCREG: false,  // huawei-unknown-model.json: +CREG: 2,1,4CA,81DE445
        supportsCEREG: false,
        clacLineEnd: "\r\r\n",  // huawei-e1752.json notes
        operatorName: "Simulated Telecom",
        atiLines: [
            "Manufacturer: huawei", "Model: E173", "Revision: 11.126.85.00.209", "IMEI: %IMEI%", "+GCAP: +CGSM,+DS,+ES",
        ],
        // ^SIMST (SIM state, 1 = valid SIM) once the SIM is read, then the first ^RSSI once the stick has
        // registered, which needs the SIM. ModemManager's pattern (see startupURCs); value and order assumed.
        smsReadyURCs: ["^SIMST:1", "^RSSI:18"],
        // ModemManager resets Huawei modems with AT^RESET (`src/plugins/huawei/mm-broadband-modem-huawei.c`
        // `reset`); gammu resets with AT+CFUN=1,1 after a timeout on the E173 (`libgammu/gsmphones.c`
        // F_RESET_AFTER_TIMEOUT, `libgammu/gsmstate.c` `GSM_WaitFor`, `libgammu/phone/at/atgen.c` `ATGEN_Reset`).
        vendorResetCommands: ["^RESET"]
    )

    /// Huawei E3372 (LTE stick in "stick" firmware). AT+CPMS=? follows huawei-e3372-brovi.json (Brovi E3372-325);
    /// identity strings are assumed (no E3372 transcript has them).
    public static let huaweiE3372 = SimulatorProfile(
        id: "huawei-e3372",
        manufacturer: "huawei",
        model: "E3372",
        revision: "21.180.01.00.00",
        imeiTAC: "86307303",
        iccidCommand: .huawei,
        // No power-on line: no transcript or peer code shows one for Huawei LTE sticks (^SYSSTART, used here
        // before, is a Cinterion code: ModemManager `src/plugins/cinterion/mm-broadband-modem-cinterion.c`
        // `mm_broadband_modem_cinterion_init`). ^SIMST and ^RSSI come once the SIM is ready (see smsReadyURCs).
        startupURCs: [],
        // ^RSSI and ^HCSQ follow ModemManager's patterns (`src/plugins/huawei/mm-broadband-modem-huawei.c`
        // `mm_broadband_modem_huawei_init`); the values are assumed.
        noiseURCs: ["^RSSI:20", "^HCSQ:\"LTE\",55,40,160,28"],
        unknownCommandResult: "COMMAND NOT SUPPORT",  // huawei-e1752.json (Huawei family)
        cpmsTestAnswer: #"("SM","ME"),("SM","ME"),("SM","ME")"#,  // huawei-e3372-brovi.json
        supportedStorages: ["SM", "ME"],
        cnmiTestAnswer: "(0-2),(0-3),(0,2),(0-2),(0-1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        // No SR storage in the Brovi AT+CPMS=? answer, so stored reports go to SM.
        statusReportStorage: "SM",
        indexBase: 0,  // as the E173 (gammu F_SMS_LOCATION_0); assumed for the E3372
        simSlots: 50,
        phoneSlots: 255,
        statusReportSlots: 0,
        storageFullURCs: [#"^SMMEMFULL: "%MEM%""#],  // as the E173 (assumed)
        storageAvailableURCs: [],
        supportsCMMS: true,
        quotesLocationInCREG: false,  // huawei-unknown-model.json
        supportsCEREG: true,
        clacLineEnd: "\r\r\n",
        operatorName: "Simulated Telecom",
        atiLines: [
            "Manufacturer: huawei", "Model: E3372", "Revision: 21.180.01.00.00", "IMEI: %IMEI%", "+GCAP: +CGSM,+DS,+ES",
        ],
        // As on the E173 (ModemManager's ^SIMST pattern; value and order assumed).
        smsReadyURCs: ["^SIMST:1", "^RSSI:20"],
        // ModemManager `src/plugins/huawei/mm-broadband-modem-huawei.c` `reset`.
        vendorResetCommands: ["^RESET"]
    )

    /// ZTE MF190. No MF190 transcript exists; follows zte-k3565-z.json and qualcomm-m6280-zte.json (ZTE on
    /// Qualcomm), and the ZTE +ZPASR/+ZDONR noise of python-gsmmodem-generic-sms.json.
    public static let zteMF190 = SimulatorProfile(
        id: "zte-mf190",
        manufacturer: "ZTE INCORPORATED",  // zte-k3565-z.json
        model: "MF190",
        revision: "BD_MF190V1.0.0B05",  // zte-k3565-z.json: BD_P673A2V1.0.0B09 (same scheme)
        imeiTAC: "35489104",
        iccidCommand: .zte,
        // +ZUSIMR:2 floods ZTE sticks after the SIM unlock (ModemManager `src/plugins/zte/mm-broadband-modem-zte.c`
        // `after_sim_unlock_wait_cb`); +ZPASR as in python-gsmmodem-generic-sms.json.
        startupURCs: ["+ZUSIMR:2", #"+ZPASR: "UMTS""#],
        // python-gsmmodem-generic-sms.json
        noiseURCs: [#"+ZPASR: "UMTS""#, #"+ZDONR: "SIMTEL",272,3,"CS_PS","ROAM_OFF""#],
        unknownCommandResult: "ERROR",  // zte-k3565-z.json: AT+WIND? → ERROR
        cpmsTestAnswer: #"("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")"#,  // zte-k3565-z.json
        supportedStorages: ["ME", "MT", "SM", "SR"],
        cnmiTestAnswer: "(0-3),(0-3),(0-3),(0-2),(0-1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "SR",
        indexBase: 0,
        simSlots: 40,
        phoneSlots: 100,
        statusReportSlots: 20,
        storageFullURCs: [],  // assumed: ZTE signals a full storage only by +CMS ERROR 322 and the +CPMS counters
        storageAvailableURCs: [],
        supportsCMMS: true,  // +CMMS in zte-k3565-z.json AT+CLAC
        quotesLocationInCREG: true,
        supportsCEREG: false,
        clacLineEnd: "\r\n",  // zte-k3565-z.json: one command per line, no +CLAC: prefix
        operatorName: "Simulated Telecom",
        atiLines: ["Manufacturer: ZTE INCORPORATED", "Model: MF190", "Revision: BD_MF190V1.0.0B05", "IMEI: %IMEI%"],
        // python-gsmmodem-generic-sms.json "send SMS on a ZTE modem with interleaved unsolicited +ZDONR/+ZPASR".
        urcsDuringSend: [
            #"+ZDONR: "METEOR",272,3,"CS_ONLY","ROAM_OFF""#, #"+ZPASR: "UMTS""#,
            #"+ZDONR: "METEOR",272,3,"CS_PS","ROAM_OFF""#, #"+ZPASR: "UMTS""#,
        ]
    )

    /// Quectel EC25 (LTE module). No EC25 transcript exists; the only Quectel transcript is quectel-m35.json
    /// (USSD only), so the start-up URCs and +QIND follow the vendor's manual (Quectel EC25 AT commands manual:
    /// `RDY`, `+QIND: SMS DONE`, `+QIND: "smsfull"`; not checked against a transcript) and ModemManager.
    public static let quectelEC25 = SimulatorProfile(
        id: "quectel-ec25",
        manufacturer: "Quectel",
        model: "EC25",
        revision: "EC25EFAR06A06M4G",
        imeiTAC: "86967303",
        iccidCommand: .quectel,
        startupURCs: ["RDY"],
        noiseURCs: [#"+QIND: "csq",20,99"#],
        unknownCommandResult: "ERROR",
        cpmsTestAnswer: #"("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")"#,
        supportedStorages: ["SM", "ME", "MT"],
        cnmiTestAnswer: "(0-2),(0-3),(0,2),(0-2),(0,1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "ME",
        indexBase: 0,
        simSlots: 50,
        phoneSlots: 255,
        statusReportSlots: 0,
        storageFullURCs: [#"+QIND: "smsfull","%MEM%""#],
        storageAvailableURCs: [],
        supportsCMMS: true,
        quotesLocationInCREG: true,
        supportsCEREG: true,
        clacLineEnd: "\r\n",
        operatorName: "Simulated Telecom",
        atiLines: ["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"],
        // +QUSIM: 1 once the USIM is initialised (ModemManager `src/plugins/quectel/mm-shared-quectel.c`
        // `mm_shared_quectel_setup_sim_hot_swap`); +QIND: SMS DONE / PB DONE: vendor manual (see above).
        smsReadyURCs: ["+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"]
    )

    /// SIMCom SIM800 (2G module). No SIMCom transcript exists; follows TS 27.005 defaults (1-based indices as in
    /// wavecom-multiband-900e-1800.json, the closest 2G module transcript) and the start-up URCs of SIMCom's
    /// SIM800 AT commands manual (`RDY`, `+CFUN: 1`, `+CPIN: READY`, `Call Ready`, `SMS Ready`; vendor manual,
    /// not checked against a transcript).
    public static let simcomSIM800 = SimulatorProfile(
        id: "simcom-sim800",
        manufacturer: "SIMCOM_Ltd",
        model: "SIMCOM_SIM800",
        revision: "Revision:1418B04SIM800L24",
        imeiTAC: "86241303",
        iccidCommand: .simcom(prefixed: false),
        startupURCs: ["RDY", "+CFUN: 1"],
        noiseURCs: [],
        unknownCommandResult: "ERROR",
        cpmsTestAnswer:
            #"("SM","ME","SM_P","ME_P","MT"),("SM","ME","SM_P","ME_P","MT"),("SM","ME","SM_P","ME_P","MT")"#,
        supportedStorages: ["SM", "ME", "MT", "SM_P", "ME_P"],
        cnmiTestAnswer: "(0-3),(0-3),(0,2),(0-2),(0,1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "SM",
        indexBase: 1,
        simSlots: 30,
        phoneSlots: 50,
        statusReportSlots: 0,
        // The "smsfull" indicator of AT+CIND (as in ModemManager `src/tests/test-modem-helpers.c`); SIMCom's
        // unsolicited form is assumed.
        storageFullURCs: [#"+CIEV: "SMSFULL",1"#],
        storageAvailableURCs: [#"+CIEV: "SMSFULL",0"#],
        supportsCMMS: true,
        quotesLocationInCREG: true,
        supportsCEREG: false,
        clacLineEnd: "\r\n",
        operatorName: "Simulated Telecom",
        atiLines: ["SIM800 R14.18"],
        defaultCNMI: [2, 1, 0, 0, 0],
        smsReadyURCs: ["+CPIN: READY", "Call Ready", "SMS Ready"]
    )

    /// SIMCom SIM7600 (LTE module). Same family notes as ``simcomSIM800``; its ready lines are `SMS DONE` and
    /// `PB DONE`, which ModemManager's SIMCom plugin expects (`src/plugins/simtech/mm-broadband-modem-simtech.c`
    /// `mm_broadband_modem_simtech_init`, ignored in `setup_ports`).
    public static let simcomSIM7600 = SimulatorProfile(
        id: "simcom-sim7600",
        manufacturer: "SIMCOM INCORPORATED",
        model: "SIMCOM_SIM7600E-H",
        revision: "+CGMR: LE20B04SIM7600M22",
        imeiTAC: "86214704",
        iccidCommand: .simcom(prefixed: true),
        startupURCs: ["RDY"],
        noiseURCs: [],
        unknownCommandResult: "ERROR",
        cpmsTestAnswer: #"("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")"#,
        supportedStorages: ["ME", "MT", "SM", "SR"],
        cnmiTestAnswer: "(0-2),(0-3),(0,2),(0-2),(0-1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "SR",
        indexBase: 0,
        simSlots: 40,
        phoneSlots: 255,
        statusReportSlots: 20,
        storageFullURCs: [#"+CIEV: "SMSFULL",1"#],
        storageAvailableURCs: [#"+CIEV: "SMSFULL",0"#],
        supportsCMMS: true,
        quotesLocationInCREG: true,
        supportsCEREG: true,
        clacLineEnd: "\r\n",
        operatorName: "Simulated Telecom",
        atiLines: [
            "Manufacturer: SIMCOM INCORPORATED", "Model: SIMCOM_SIM7600E-H", "Revision: LE20B04SIM7600M22",
            "IMEI: %IMEI%", "+GCAP: +CGSM",
        ],
        smsReadyURCs: ["+CPIN: READY", "SMS DONE", "PB DONE"],
        // ModemManager `src/plugins/simtech/mm-broadband-modem-simtech.c` `reset`.
        vendorResetCommands: ["+CRESET"]
    )

    /// Sierra Wireless MC7455 (LTE M.2 module). No Sierra transcript exists; TS 27.005 behaviour with Sierra's
    /// `!ICCID?` (vendor manual, not checked against a transcript) and the reset ModemManager sends.
    public static let sierraMC7455 = SimulatorProfile(
        id: "sierra-mc7455",
        manufacturer: "Sierra Wireless, Incorporated",
        model: "MC7455",
        revision: "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09",
        imeiTAC: "35907206",
        iccidCommand: .sierra,
        startupURCs: [],
        noiseURCs: [],
        unknownCommandResult: "ERROR",
        cpmsTestAnswer: #"("SM","ME","MT","SR"),("SM","ME","MT","SR"),("SM","ME","MT","SR")"#,
        supportedStorages: ["SM", "ME", "MT", "SR"],
        cnmiTestAnswer: "(0-2),(0-3),(0,2),(0-2),(0-1)",
        cnmiMT: [0, 1, 2, 3],
        cnmiDS: [0, 1, 2],
        statusReportStorage: "SR",
        indexBase: 0,
        simSlots: 30,
        phoneSlots: 255,
        statusReportSlots: 20,
        storageFullURCs: [],
        storageAvailableURCs: [],
        supportsCMMS: true,
        quotesLocationInCREG: true,
        supportsCEREG: true,
        clacLineEnd: "\r\n",
        operatorName: "Simulated Telecom",
        atiLines: [
            "Manufacturer: Sierra Wireless, Incorporated", "Model: MC7455",
            "Revision: SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09", "IMEI: %IMEI%",
            "IMEI SV: 18", "FSN: LQ71234567890", "+GCAP: +CGSM",
        ],
        // ModemManager `src/plugins/sierra/mm-broadband-modem-sierra.c` `modem_reset`.
        vendorResetCommands: ["!RESET"]
    )

    /// Every built-in profile.
    public static let all: [SimulatorProfile] = [
        huaweiE173, huaweiE3372, zteMF190, quectelEC25, simcomSIM800, simcomSIM7600, sierraMC7455,
    ]

    /// The built-in profile named `id`.
    public static func named(_ id: String) -> SimulatorProfile? { all.first { $0.id == id } }
}

/// The earlier name of ``SimulatorProfile``, kept for code written against it (`ModemSimulator.ModemProfile`).
/// Qualify it: the driver's `Modem.ModemProfile` is a different type.
public typealias ModemProfile = SimulatorProfile
