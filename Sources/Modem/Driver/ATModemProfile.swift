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
    /// The transcripts behind the quirks.
    public var evidence: [String]

    public var description: String { family.rawValue }

    public init(
        family: Family,
        iccidCommands: [String] = [],
        supportsConcatenationLink: Bool = true,
        pinQueryMayLackFinalResult: Bool = false,
        extraStartupCommands: [String] = [],
        evidence: [String] = []
    ) {
        self.family = family
        self.iccidCommands = iccidCommands
        self.supportsConcatenationLink = supportsConcatenationLink
        self.pinQueryMayLackFinalResult = pinQueryMayLackFinalResult
        self.extraStartupCommands = extraStartupCommands
        self.evidence = evidence
    }

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
            return ATModemProfile(family: family, iccidCommands: ["AT^ICCID?"], evidence: evidence)
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
                evidence: ["quectel-m35.json", "(no EC25 transcript: unverified, Quectel EC2x AT manual)"]
            )
        case .simcomSIM800, .simcomSIM7600:
            // No SIMCom transcript in testdata (SIM800/SIM7600 AT manuals: "Call Ready"/"SMS Ready" at boot,
            // AT+CCID on SIM800, AT+CICCID on SIM7600).
            return ATModemProfile(
                family: family,
                iccidCommands: family == .simcomSIM800 ? ["AT+CCID"] : ["AT+CICCID"],
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
            return ATModemProfile(family: .nokia, supportsConcatenationLink: false, evidence: ["nokia-n79.json"])
        }
    }

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
