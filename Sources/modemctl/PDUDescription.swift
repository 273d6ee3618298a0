import SMSCodec

/// The readable summary `modemctl pdu decode` prints: like `gammu decodepdu`, with every field named.
enum PDUDescription {
    static func describe(_ pdu: SMSPDU) -> String {
        var lines: [(String, String)] = []
        switch pdu.tpdu {
        case .deliver: lines.append(("Type", "SMS-DELIVER (received message)"))
        case .submit: lines.append(("Type", "SMS-SUBMIT (outgoing message)"))
        case .statusReport: lines.append(("Type", "SMS-STATUS-REPORT"))
        }
        if let smsc = pdu.serviceCentre {
            lines.append(("SMSC", smsc.lengthField == 0 ? "(none: the modem's default)" : address(smsc)))
        }
        lines.append(
            ("TPDU length", "\(pdu.tpduLength) octets (first octet 0x\(PDUHex.encode([pdu.tpdu.firstOctet])))")
        )
        switch pdu.tpdu {
        case .deliver(let m):
            lines.append(("From", address(m.originator)))
            lines.append(("Sent", timestamp(m.serviceCentreTimestamp)))
            lines.append(("PID", "0x" + PDUHex.encode([m.protocolIdentifier])))
            lines.append(("Coding", coding(m.dataCodingScheme)))
            lines.append(
                (
                    "Flags",
                    flags([
                        ("more messages waiting", m.moreMessagesToSend),
                        ("status report to sender", m.statusReportIndication),
                        ("reply path", m.replyPath), ("loop prevention", m.loopPrevention),
                    ])
                )
            )
            lines += userData(m.userData)
        case .submit(let m):
            lines.append(("To", address(m.destination)))
            lines.append(("Reference", "TP-MR \(m.messageReference)"))
            lines.append(("PID", "0x" + PDUHex.encode([m.protocolIdentifier])))
            lines.append(("Coding", coding(m.dataCodingScheme)))
            lines.append(("Validity", validity(m.validityPeriod)))
            lines.append(
                (
                    "Flags",
                    flags([
                        ("status report requested", m.statusReportRequest), ("reject duplicates", m.rejectDuplicates),
                        ("reply path", m.replyPath),
                    ])
                )
            )
            lines += userData(m.userData)
        case .statusReport(let m):
            lines.append(("Recipient", address(m.recipient)))
            lines.append(("Reference", "TP-MR \(m.messageReference)"))
            lines.append(("Status", "0x\(PDUHex.encode([m.status.rawValue])) \(m.status.meaning)"))
            lines.append(("Submitted", timestamp(m.serviceCentreTimestamp)))
            lines.append(("Discharged", timestamp(m.dischargeTime)))
            if let userData = m.parameters?.userData { lines += self.userData(userData) }
        }
        if !pdu.tpdu.trailingOctets.isEmpty {
            lines.append(("Ignored", "\(pdu.tpdu.trailingOctets.count) octets after the last field"))
        }
        let width = (lines.map(\.0.count).max() ?? 0) + 1
        return lines.map { label, value in
            let pad = String(repeating: " ", count: max(1, width - label.count))
            let indented = value.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: width + 1))
            return label + ":" + pad + indented
        }.joined(separator: "\n")
    }

    static func address(_ a: SMSAddress) -> String {
        guard let toa = a.typeOfAddress else { return "(empty)" }
        guard toa.isWellFormed else {
            return "malformed (TOA 0x\(PDUHex.encode([toa.rawValue])), raw \(PDUHex.encode(a.valueOctets)))"
        }
        let number = a.number.map { $0.isEmpty ? "(empty)" : $0 } ?? "?"
        return
            "\(number)  [\(toa.typeOfNumber.name), \(toa.numberingPlan.name); TOA 0x\(PDUHex.encode([toa.rawValue]))]"
    }

    static func timestamp(_ t: SMSTimestamp) -> String {
        t.isValid ? t.iso8601() : "invalid (\(PDUHex.encode(t.octets)))"
    }

    static func coding(_ dcs: DataCodingScheme) -> String {
        let alphabet: String
        switch dcs.coding {
        case .alphabet(.gsm7): alphabet = "GSM 7-bit"
        case .alphabet(.ucs2): alphabet = "UCS-2"
        case .alphabet(.eightBit): alphabet = "8-bit data"
        case .compressed: alphabet = "compressed (not supported)"
        case .reservedAlphabet, .reservedGroup: alphabet = "reserved coding (not supported)"
        }
        var text = alphabet
        if let messageClass = dcs.messageClass { text += ", class \(messageClass.rawValue)" }
        if let mwi = dcs.messageWaiting {
            text += ", \(mwi.kind) waiting indication \(mwi.isActive ? "on" : "off")"
        }
        return text + " (DCS 0x\(PDUHex.encode([dcs.rawValue])), \(dcs.group.name))"
    }

    static func validity(_ vp: ValidityPeriod?) -> String {
        switch vp {
        case nil: "none"
        case .relative(let v): "relative, \(ValidityPeriod.minutes(relative: v)) minutes (TP-VP \(v))"
        case .absolute(let t): "until \(timestamp(t))"
        case .enhanced(let e): "enhanced \(e.format)"
        }
    }

    static func flags(_ flags: [(String, Bool)]) -> String {
        let set = flags.filter(\.1).map(\.0)
        return set.isEmpty ? "none" : set.joined(separator: ", ")
    }

    static func userData(_ ud: UserData) -> [(String, String)] {
        var lines: [(String, String)] = []
        var length = "TP-UDL \(ud.length)"
        if ud.missingOctets > 0 { length += ", \(ud.missingOctets) octets missing (truncated PDU)" }
        lines.append(("User data", length))
        if let header = ud.header {
            var parts: [String] = []
            if let c = header.concatenation {
                var text = "part \(c.sequence) of \(c.total), reference \(c.reference) (\(c.referenceBits)-bit)"
                if let problem = c.problem { text += " INVALID: \(problem.rawValue)" }
                parts.append(text)
            }
            if let p = header.ports { parts.append("ports \(p.source) → \(p.destination) (\(p.bits)-bit)") }
            if let l = header.nationalLanguageLockingShift { parts.append("national locking shift \(l)") }
            if let s = header.nationalLanguageSingleShift { parts.append("national single shift \(s)") }
            let known: Set<UInt8> = [0x00, 0x04, 0x05, 0x08, 0x24, 0x25]
            for element in header.elements where !known.contains(element.identifier) {
                parts.append("IE 0x\(PDUHex.encode([element.identifier])): \(PDUHex.encode(element.data))")
            }
            lines.append(("Header", parts.isEmpty ? "(empty)" : parts.joined(separator: "\n")))
        }
        switch ud.content {
        case .text(let text): lines.append(("Text", text))
        case .data(let data): lines.append(("Data", "\(data.count) octets: \(PDUHex.encode(data))"))
        case .unsupported(let u):
            lines.append(("Data", "\(u.reason.rawValue), \(u.octets.count) octets: \(PDUHex.encode(u.octets))"))
        }
        return lines
    }
}
