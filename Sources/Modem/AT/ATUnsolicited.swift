/// An unsolicited result code, typed (TS 27.005 §3.4.1 +CNMI indications, TS 27.007 §7.2/§8.9/§7.15, and vendor
/// codes). Codes no table knows are passed on as ``unknown(_:)``, never dropped and never fatal.
public enum ATUnsolicited: Hashable, Sendable {
    /// `+CMTI: <mem>,<index>`: a message was stored (TS 27.005 §3.4.1, <mt>=1).
    case messageStored(MessageStorage, index: Int)
    /// `+CDSI: <mem>,<index>`: a status report was stored (<ds>=2).
    case statusReportStored(MessageStorage, index: Int)
    /// `+CMT: [<alpha>],<length><CR><LF><pdu>`: a message delivered directly (<mt>=2); needs +CNMA.
    case messageDelivered(pdu: [UInt8])
    /// `+CDS: <length><CR><LF><pdu>`: a status report delivered directly (<ds>=1); needs +CNMA.
    case statusReportDelivered(pdu: [UInt8])
    /// `+CBM: <length><CR><LF><pdu>`: a cell broadcast page.
    case broadcastDelivered(pdu: [UInt8])
    /// `RING` / `+CRING: <type>`: an incoming call (V.250 §6.3, TS 27.007 §6.11).
    case ring
    /// `+CREG`/`+CGREG`/`+CEREG: <stat>[,…]`: registration changed (TS 27.007 §7.2, §10.1.19, §10.1.22).
    case registration(RegistrationState, domain: String)
    /// `+CUSD: <m>[,<str>,<dcs>]` (TS 27.007 §7.15). The string is as the modem sent it (maybe hex).
    case ussd(status: Int, message: String?, dcs: Int?)
    /// Huawei `^RSSI: <rssi>` (the +CSQ scale, 0…31, 99).
    case signal(rssi: Int)
    /// Huawei `^BOOT:…`, a periodic keep-alive, not a reboot.
    case heartbeat
    /// A start-up line: Quectel `RDY`, Cinterion `^SYSSTART`, SIMCom `Call Ready`/`SMS Ready`, `+PBREADY`.
    case ready(String)
    /// Storage full: Huawei `^SMMEMFULL: <mem>`, Quectel `+QIND: "smsfull",<mem>`, `+CIEV: "SMSFULL",1`.
    case storageFull(MessageStorage?)
    /// Storage has room again: `+CIEV: "SMSFULL",0`.
    case storageAvailable(MessageStorage?)
    /// `+CIEV: <ind>,<value>` for any other indicator (numeric indices are resolved with AT+CIND=? above).
    case indicator(name: String, value: Int)
    /// A known vendor or call-progress code with no typed meaning here (^MODE, ^DSFLOWRPT, +CLIP, …).
    case vendor(name: String, value: String)
    /// A line no table knows, as received.
    case unknown(String)
}

extension ATUnsolicited {
    /// The kind of PDU line that follows a two-line URC header.
    package enum PDUKind: Hashable, Sendable {
        case deliver
        case statusReport
        case broadcast
    }

    /// What a line is, seen as a URC.
    package enum Parsed: Hashable, Sendable {
        /// A complete URC.
        case complete(ATUnsolicited)
        /// The header of a two-line URC; the next line is the PDU.
        case header(PDUKind)
    }

    /// Vendor and call-progress codes recognised by name (passed on as ``vendor(name:value:)``).
    static let vendorPrefixes: Set<String> = [
        "^MODE", "^DSFLOWRPT", "^SRVST", "^SIMST", "^CEND", "^ORIG", "^CONF", "^CONN", "^HCSQ", "^SYSINFOEX",
        "^NDISSTAT", "^RFSWITCH", "^STIN", "+CLIP", "+CPIN", "+CFUN", "+QIND", "+QUSIM", "+ZDONR", "+ZPASR",
        "+CGEV", "+CTZV", "+CTZE", "+NITZ", "*PSUTTZ", "DST", "+SIMREADY", "+CSQN", "+CMGRMI",
    ]

    /// The name of a `+XXX:`/`^XXX:` line (`+CMTI`), or nil.
    package static func codeName(of line: String) -> String? {
        guard let first = line.first, first == "+" || first == "^" || first == "*" else { return nil }
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon]
        guard name.count >= 2, name.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return nil
        }
        return String(name)
    }

    /// Classifies a line as a known URC, or returns nil when no table knows it.
    package static func parse(_ line: String) -> Parsed? {
        switch line {
        case "RING": return .complete(.ring)
        case "RDY", "^SYSSTART", "Call Ready", "SMS Ready", "+PBREADY", "PB DONE", "SMS DONE":
            return .complete(.ready(line))
        default: break
        }
        if line.hasPrefix("^BOOT") { return .complete(.heartbeat) }
        guard let name = codeName(of: line) else { return nil }
        let value = line.dropFirst(name.count + 1).trimmingSpaces()
        let fields = ATFields.split(value)
        switch name {
        case "+CMTI", "+CDSI":
            guard fields.count >= 2, let index = Int(fields[1]), index >= 0 else { return .complete(.unknown(line)) }
            let storage = MessageStorage(rawValue: ATFields.unquote(fields[0]))
            return .complete(
                name == "+CMTI" ? .messageStored(storage, index: index) : .statusReportStored(storage, index: index)
            )
        case "+CMT": return .header(.deliver)
        case "+CDS": return .header(.statusReport)
        case "+CBM": return .header(.broadcast)
        case "+CRING": return .complete(.ring)
        case "+CREG", "+CGREG", "+CEREG", "+C5GREG":
            guard let stat = Int(fields[0]), let state = RegistrationState(rawValue: stat) else {
                return .complete(.unknown(line))
            }
            return .complete(.registration(state, domain: String(name.dropFirst())))
        case "+CUSD":
            guard let status = Int(fields[0]) else { return .complete(.unknown(line)) }
            let message = fields.count > 1 ? ATFields.unquote(fields[1]) : nil
            let dcs = fields.count > 2 ? Int(fields[2]) : nil
            return .complete(.ussd(status: status, message: message, dcs: dcs))
        case "^RSSI":
            guard let rssi = Int(fields[0]) else { return .complete(.unknown(line)) }
            return .complete(.signal(rssi: rssi))
        case "^SMMEMFULL":
            let storage = fields[0].isEmpty ? nil : MessageStorage(rawValue: ATFields.unquote(fields[0]))
            return .complete(.storageFull(storage))
        case "+QIND" where fields.count >= 2 && ATFields.unquote(fields[0]).lowercased() == "smsfull":
            // Quectel EC2x: +QIND: "smsfull",<storage> after AT+QINDCFG="smsfull",1 (no transcript: EC2x manual).
            return .complete(.storageFull(MessageStorage(rawValue: ATFields.unquote(fields[1]))))
        case "+CIEV":
            guard fields.count >= 2, let level = Int(fields[1]) else { return .complete(.unknown(line)) }
            let indicator = ATFields.unquote(fields[0])
            if indicator.lowercased() == "smsfull" {
                return .complete(level == 0 ? .storageAvailable(nil) : .storageFull(nil))
            }
            return .complete(.indicator(name: indicator, value: level))
        default:
            if vendorPrefixes.contains(name) { return .complete(.vendor(name: name, value: value)) }
            return nil
        }
    }
}
