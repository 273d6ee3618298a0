import SMSCodec

/// A message header and PDU from +CMGL/+CMGR in PDU mode (TS 27.005 §3.4.2, §3.4.3).
package struct ListedPDU: Hashable, Sendable {
    /// The storage index (+CMGL), or -1 for +CMGR, which has none.
    package var index: Int
    /// <stat> (0…3), nil when the modem left it empty (ZTE, python-gsmmodem-generic-sms.json).
    package var status: Int?
    /// <length>: TPDU octets, nil when absent.
    package var length: Int?
    /// The PDU hex exactly as sent (may be truncated or odd; the caller decides).
    package var pduHex: String
}

/// SIM PIN state (TS 27.007 §8.3 +CPIN?).
public enum PINState: Hashable, Sendable {
    case ready
    case simPIN
    case simPUK
    case simPIN2
    case simPUK2
    case phoneSIMPIN
    case other(String)

    package init(parsing value: some StringProtocol) {
        switch ATFields.unquote(value).uppercased() {
        case "READY": self = .ready
        case "SIM PIN": self = .simPIN
        case "SIM PUK": self = .simPUK
        case "SIM PIN2": self = .simPIN2
        case "SIM PUK2": self = .simPUK2
        case "PH-SIM PIN": self = .phoneSIMPIN
        default: self = .other(ATFields.unquote(value))
        }
    }
}

/// Pure parsers for the information lines of the commands ATModem sends. Each takes the lines of an ``ATResponse``
/// (or one value after the prefix) and never throws: unusable lines are skipped, the caller checks the result.
package enum ATResponseParser {
    /// Splits `+CMGL: 1,,147 0791…` (header and PDU on one line, ModemManager test_cmgr_response_generic) into the
    /// header fields and the inline PDU.
    private static func splitInlinePDU(_ value: Substring) -> (header: Substring, pdu: String?) {
        guard let space = value.lastIndex(of: " ") else { return (value, nil) }
        let head = value[..<space].trimmingSpaces()
        let tail = value[value.index(after: space)...]
        guard tail.count >= 4, PDUHex.isHexDigits(tail), let last = head.last, last != "," else { return (value, nil) }
        return (value[..<space], String(tail))
    }

    /// The messages of an AT+CMGL=4 answer: `+CMGL: <index>,<stat>,[<alpha>],<length>` then the PDU line. Also
    /// accepts the three-field form `<index>,<stat>,<length>` (Pantech, ModemManager test_cmgl_response_pantech)
    /// and a truncated last PDU (returned as sent).
    package static func messageList(_ lines: [String]) -> [ListedPDU] {
        var result: [ListedPDU] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard line.hasPrefix("+CMGL:") else { continue }
            let (header, inline) = splitInlinePDU(line.dropFirst(6))
            let fields = ATFields.split(header)
            guard let slot = Int(fields[0]) else { continue }
            let status = fields.count >= 2 ? Int(fields[1]) : nil
            let length = fields.count >= 3 ? Int(fields[fields.count - 1]) : nil
            var pdu = inline ?? ""
            if inline == nil, index < lines.count, !lines[index].hasPrefix("+CMGL:") {
                pdu = lines[index].trimmingSpaces()
                index += 1
            }
            result.append(ListedPDU(index: slot, status: status, length: length, pduHex: pdu))
        }
        return result
    }

    /// The message of an AT+CMGR answer: `+CMGR: <stat>,[<alpha>],<length>` then the PDU. Variants seen in
    /// gammu-cmgr-pdu-dumps.json: `<stat>,<length>`, `<length>` alone, `<index>,<stat>,,<length>`, empty <stat>.
    package static func message(_ lines: [String]) -> ListedPDU? {
        guard let headerIndex = lines.firstIndex(where: { $0.hasPrefix("+CMGR:") }) else { return nil }
        let (header, inline) = splitInlinePDU(lines[headerIndex].dropFirst(6))
        let fields = ATFields.split(header)
        var status: Int?
        switch fields.count {
        case 0, 1: status = nil
        case 2, 3: status = Int(fields[0])
        default: status = Int(fields[1])
        }
        let length = Int(fields[fields.count - 1])
        var pdu = inline ?? ""
        if inline == nil, headerIndex + 1 < lines.count { pdu = lines[headerIndex + 1].trimmingSpaces() }
        return ListedPDU(index: -1, status: status, length: length, pduHex: pdu)
    }

    /// The subscriber numbers of an AT+CNUM answer (TS 27.007 §7.1: `+CNUM: [<alpha>],<number>,<type>`).
    package static func ownNumbers(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard line.hasPrefix("+CNUM:") else { return nil }
            let fields = ATFields.split(line.dropFirst(6))
            guard fields.count >= 2 else { return nil }
            let number = ATFields.unquote(fields[1])
            return number.isEmpty ? nil : number
        }
    }

    /// The SIM PIN attempts left from the first answer line that tells them:
    /// - TS 27.007 §8.65 `+CPINR: <code>,<retries>[,<default_retries>]` with <code> `SIM PIN`;
    /// - Huawei `^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>` (ModemManager
    ///   `src/plugins/huawei/mm-broadband-modem-huawei.c` `load_unlock_retries_finish`);
    /// - Quectel `+QPINC: "SC",<pincounter>,<pukcounter>` (Quectel EC2x AT manual; unverified here).
    /// Values above 10 are not attempt counters (ModemManager rejects them too) and give nil.
    package static func pinAttempts(_ lines: [String]) -> Int? {
        for line in lines {
            let field: String?
            if line.hasPrefix("+CPINR:") {
                let fields = ATFields.split(line.dropFirst(7))
                guard fields.count >= 2, ATFields.unquote(fields[0]).uppercased() == "SIM PIN" else { continue }
                field = fields[1]
            } else if line.hasPrefix("^CPIN:") {
                let fields = ATFields.split(line.dropFirst(6))
                field = fields.count >= 4 ? fields[3] : nil
            } else if line.hasPrefix("+QPINC:") {
                let fields = ATFields.split(line.dropFirst(7))
                guard fields.count >= 2, ATFields.unquote(fields[0]).uppercased() == "SC" else { continue }
                field = fields[1]
            } else {
                continue
            }
            if let field, let attempts = Int(field.trimmingSpaces()), (0...10).contains(attempts) { return attempts }
        }
        return nil
    }

    /// A string in the UCS2 character set (TS 27.007 §5.5: hex of 16-bit code units, as `+CNUM`/`+COPS` give it
    /// after `AT+CSCS="UCS2"`) as text; nil when `text` is not such hex (Huawei sends +COPS in ASCII whatever
    /// the character set, ModemManager `src/mm-modem-helpers.c` `mm_3gpp_normalize_operator`).
    package static func decodeUCS2Hex(_ text: String) -> String? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 4 == 0, digits.count <= ATLimits.maximumLineLength else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(digits.count / 4)
        var index = 0
        while index < digits.count {
            var unit: UInt16 = 0
            for digit in digits[index..<index + 4] {
                guard let value = Self.hexValue(digit) else { return nil }
                unit = unit << 4 | UInt16(value)
            }
            units.append(unit)
            index += 4
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The storages AT+CPMS=? offers for <mem1>, <mem2>, <mem3> (TS 27.005 §3.2.2). Accepts lists, bare strings,
    /// empty fields, spaces anywhere (ModemManager test_cpms_response_*), and the Wavecom form wrapped in one more
    /// pair of parentheses (wavecom-multiband-900e-1800.json).
    package static func supportedStorages(_ value: some StringProtocol) -> [[String]] {
        var fields = ATFields.split(value)
        if fields.count == 1, let only = fields.first, only.hasPrefix("("), only.hasSuffix(")") {
            let inner = only.dropFirst().dropLast().trimmingSpaces()
            if inner.hasPrefix("(") { fields = ATFields.split(inner) }
        }
        var lists = fields.prefix(3).map { ATFields.list($0).filter { !$0.isEmpty } }
        while lists.count < 3 { lists.append([]) }
        return lists
    }

    /// The storages and counters of an AT+CPMS? answer: `<mem1>,<used1>,<total1>,<mem2>,…` (TS 27.005 §3.2.2).
    /// A storage with an empty name (Nokia: `+CPMS: ,,,,,,,,`) is left out.
    package static func storageQuery(_ value: some StringProtocol) -> [StorageStatus] {
        let fields = ATFields.split(value)
        var result: [StorageStatus] = []
        var index = 0
        while index + 2 < fields.count {
            let name = ATFields.unquote(fields[index])
            if !name.isEmpty, let used = Int(fields[index + 1]), let total = Int(fields[index + 2]) {
                result.append(StorageStatus(storage: MessageStorage(rawValue: name), used: used, total: total))
            }
            index += 3
        }
        return result
    }

    /// The counters of an AT+CPMS=<mem1>,… answer: `<used1>,<total1>,<used2>,<total2>[,<used3>,<total3>]`.
    package static func storageCounters(_ value: some StringProtocol) -> [(used: Int, total: Int)] {
        let numbers = ATFields.split(value).map { Int($0) }
        var result: [(used: Int, total: Int)] = []
        var index = 0
        while index + 1 < numbers.count {
            if let used = numbers[index], let total = numbers[index + 1] { result.append((used, total)) }
            index += 2
        }
        return result
    }

    /// `+CSQ: <rssi>,<ber>` (TS 27.007 §8.5).
    package static func signalQuality(_ value: some StringProtocol) -> SignalQuality? {
        let fields = ATFields.split(value)
        guard fields.count >= 2, let rssi = Int(fields[0]), let ber = Int(fields[1]) else { return nil }
        return SignalQuality(rssi: rssi, ber: ber)
    }

    /// The <stat> of an AT+CREG?/AT+CEREG? answer `<n>,<stat>[,<lac>,<ci>[,<AcT>]]` (TS 27.007 §7.2), including
    /// unquoted hex LAC/CI (huawei-unknown-model.json) and AcT (telit.json).
    package static func registration(_ value: some StringProtocol) -> RegistrationState? {
        let fields = ATFields.split(value)
        guard fields.count >= 2, let stat = Int(fields[1]) else { return nil }
        return RegistrationState(rawValue: stat)
    }

    /// The <fun> of `+CFUN: <fun>[,<rst>]` (TS 27.007 §8.2); nil for anything else, such as the range that
    /// zte-k3565-z.json answers to AT+CFUN? (`+CFUN: (0-1,4-7),(0-1)`).
    package static func functionality(_ value: some StringProtocol) -> PhoneFunctionality? {
        guard let fun = Int(ATFields.split(value)[0]) else { return nil }
        return PhoneFunctionality(rawValue: fun)
    }

    /// The operator of `+COPS: <mode>[,<format>,<oper>[,<AcT>]]` (TS 27.007 §7.3); nil when not registered.
    package static func operatorName(_ value: some StringProtocol) -> String? {
        let fields = ATFields.split(value)
        guard fields.count >= 3 else { return nil }
        let name = ATFields.unquote(fields[2])
        return name.isEmpty ? nil : name
    }

    /// `+CSCA: <sca>,<tosca>` (TS 27.005 §3.3.1); nil when empty.
    package static func serviceCenter(_ value: some StringProtocol) -> String? {
        let fields = ATFields.split(value)
        let number = ATFields.unquote(fields[0])
        return number.isEmpty ? nil : number
    }

    /// The values AT+CNMI=? allows for <mode>,<mt>,<bm>,<ds>,<bfr> (TS 27.005 §3.4.1).
    package static func notificationSupport(_ value: some StringProtocol) -> [Set<Int>] {
        ATFields.split(value).prefix(5).map { ATFields.integerSet($0) }
    }

    /// The TP-MR of `+CMGS: <mr>[,<scts>]` (TS 27.005 §3.5.1).
    package static func messageReference(_ value: some StringProtocol) -> UInt8? {
        guard let mr = Int(ATFields.split(value)[0]) else { return nil }
        return UInt8(exactly: mr)
    }

    /// The ICCID from any vendor answer: `+CCID: "8944…"`, `^ICCID: 8944…`, `+QCCID: 8944…`, `+ICCID: …` or a
    /// bare line. ICCIDs are 18–20 digits, sometimes with a trailing F (TS 102 221 §13.2, EF_ICCID).
    package static func iccid(_ lines: [String]) -> String? {
        for line in lines {
            var value = Substring(line)
            if let colon = value.firstIndex(of: ":") { value = value[value.index(after: colon)...] }
            let candidate = ATFields.unquote(ATFields.split(value)[0])
            let digits = candidate.hasSuffix("F") || candidate.hasSuffix("f") ? String(candidate.dropLast()) : candidate
            if (18...20).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return digits }
        }
        return nil
    }

    /// The ICCID from `+CRSM: <sw1>,<sw2>,"<hex>"` reading EF_ICCID (TS 27.007 §8.18): BCD with swapped nibbles.
    package static func iccidFromRestrictedSIMAccess(_ value: some StringProtocol) -> String? {
        let fields = ATFields.split(value)
        guard fields.count >= 3, fields[0] == "144" else { return nil }
        let hex = Array(ATFields.unquote(fields[2]).utf8)
        guard hex.count % 2 == 0, hex.count <= 40 else { return nil }
        var digits = ""
        var index = 0
        while index < hex.count {
            for nibble in [hex[index + 1], hex[index]] {
                let c = Character(Unicode.Scalar(nibble))
                if c.isNumber { digits.append(c) } else if c == "F" || c == "f" { continue } else { return nil }
            }
            index += 2
        }
        return (18...20).contains(digits.count) ? digits : nil
    }
}
