/// The JSON view of a decoded PDU: the schema of `testdata/README.md` and DESIGN.md ("modemctl pdu … --json").
/// Field names are a contract: add fields, never rename them.
extension SMSPDU {
    package var json: JSONValue {
        var members: [(String, JSONValue)] = []
        // The largest object (a DELIVER with a header and a message-waiting DCS) has about 30 members.
        members.reserveCapacity(32)
        members.append(("type", .string(tpdu.typeName)))
        if let serviceCentre {
            members.append(("smsc", serviceCentre.lengthField == 0 ? .null : serviceCentre.json))
        }
        members.append(("tpdu_length", .int(tpduLength)))
        members.append(("first_octet", .string(PDUHex.encode([tpdu.firstOctet]))))
        switch tpdu {
        case .deliver(let m):
            members.append(("originator", m.originator.json))
            members.append(("pid", .int(Int(m.protocolIdentifier))))
            members += m.dataCodingScheme.jsonMembers
            members.append(("udhi", .bool(m.hasUserDataHeader)))
            members.append(("rp", .bool(m.replyPath)))
            members.append(("scts", .string(m.serviceCentreTimestamp.iso8601())))
            members.append(("scts_yy", .int(m.serviceCentreTimestamp.twoDigitYear)))
            members.append(("more_messages_to_send", .bool(m.moreMessagesToSend)))
            members.append(("sri", .bool(m.statusReportIndication)))
            members.append(("lp", .bool(m.loopPrevention)))
            members += m.userData.jsonMembers
        case .submit(let m):
            members.append(("destination", m.destination.json))
            members.append(("mr", .int(Int(m.messageReference))))
            members.append(("pid", .int(Int(m.protocolIdentifier))))
            members += m.dataCodingScheme.jsonMembers
            members.append(("udhi", .bool(m.hasUserDataHeader)))
            members.append(("rp", .bool(m.replyPath)))
            members.append(("srr", .bool(m.statusReportRequest)))
            members.append(("rd", .bool(m.rejectDuplicates)))
            members.append(("vp", m.validityPeriod.map(\.json) ?? .null))
            members += m.userData.jsonMembers
        case .statusReport(let m):
            members.append(("recipient", m.recipient.json))
            members.append(("mr", .int(Int(m.messageReference))))
            members.append(("scts", .string(m.serviceCentreTimestamp.iso8601())))
            members.append(("discharge_time", .string(m.dischargeTime.iso8601())))
            members.append(("status", .int(Int(m.status.rawValue))))
            members.append(("status_hex", .string(PDUHex.encode([m.status.rawValue]))))
            members.append(("status_meaning", .string(m.status.meaning)))
            members.append(("status_category", .string(m.status.category.rawValue)))
            members.append(("more_messages_to_send", .bool(m.moreMessagesToSend)))
            members.append(("srq", .bool(m.isCommandReport)))
            if let parameters = m.parameters {
                if let pid = parameters.protocolIdentifier { members.append(("pid", .int(Int(pid)))) }
                if let dcs = parameters.dataCodingScheme { members += dcs.jsonMembers }
                if let userData = parameters.userData { members += userData.jsonMembers }
            }
        }
        if !tpdu.trailingOctets.isEmpty {
            members.append(("trailing_octets", .string(PDUHex.encode(tpdu.trailingOctets))))
        }
        return .object(members)
    }
}

extension SMSAddress {
    package var json: JSONValue {
        guard let toa = typeOfAddress else { return .null }
        guard toa.isWellFormed else {
            return .object([
                ("toa", .string(PDUHex.encode([toa.rawValue]))), ("ton", .null), ("npi", .null), ("number", .null),
                ("raw", .string(PDUHex.encode(valueOctets))), ("length", .int(Int(lengthField))),
                ("malformed", .bool(true)),
            ])
        }
        return .object([
            ("toa", .string(PDUHex.encode([toa.rawValue]))),
            ("ton", .string(toa.typeOfNumber.name)),
            ("npi", .string(toa.numberingPlan.name)),
            ("number", number.map(JSONValue.string) ?? .null),
        ])
    }
}

extension DataCodingScheme {
    var jsonMembers: [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("dcs", .int(Int(rawValue))),
            ("dcs_hex", .string(PDUHex.encode([rawValue]))),
            ("alphabet", alphabet.map { .string($0.rawValue) } ?? .null),
            ("class", messageClass.map { .int(Int($0.rawValue)) } ?? .null),
            ("dcs_group", .string(group.name)),
        ]
        if isCompressed { members.append(("compressed", .bool(true))) }
        if let mwi = messageWaiting {
            members.append(
                (
                    "mwi",
                    .object([
                        ("active", .bool(mwi.isActive)),
                        ("kind", .string("\(mwi.kind)")),
                        ("store", .bool(mwi.storage != .discard)),
                    ])
                )
            )
        }
        return members
    }
}

extension ValidityPeriod {
    var json: JSONValue {
        switch self {
        case .relative(let v):
            .object([
                ("format", .string("relative")), ("value", .int(Int(v))),
                ("minutes", .int(ValidityPeriod.minutes(relative: v))),
            ])
        case .absolute(let t): .object([("format", .string("absolute")), ("value", .string(t.iso8601()))])
        case .enhanced(let e): .object([("format", .string("enhanced")), ("value", .string(PDUHex.encode(e.octets)))])
        }
    }
}

extension UserData {
    var jsonMembers: [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("udl", .int(Int(length)))]
        if missingOctets > 0 { members.append(("missing_octets", .int(missingOctets))) }
        if let header { members.append(("udh", header.json)) }
        switch content {
        case .text(let text): members.append(("text", .string(text)))
        case .data(let data): members.append(("data_hex", .string(PDUHex.encode(data))))
        case .unsupported(let u):
            members.append(("data_hex", .string(PDUHex.encode(u.octets))))
            members.append(("unsupported", .string(u.reason.rawValue)))
        }
        return members
    }
}

extension UserDataHeader {
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("udhl", .int(length)),
            (
                "ies",
                .array(
                    elements.map {
                        .object([("iei", .int(Int($0.identifier))), ("data", .string(PDUHex.encode($0.data)))])
                    }
                )
            ),
        ]
        if let c = concatenation {
            var concat: [(String, JSONValue)] = [
                ("ref", .int(Int(c.reference))), ("total", .int(Int(c.total))), ("seq", .int(Int(c.sequence))),
                ("ref_bits", .int(c.referenceBits)),
            ]
            if let problem = c.problem { concat.append(("problem", .string(problem.rawValue))) }
            members.append(("concat", .object(concat)))
        }
        if let p = ports {
            members.append(
                (
                    "ports",
                    .object([("dst", .int(Int(p.destination))), ("src", .int(Int(p.source))), ("bits", .int(p.bits))])
                )
            )
        }
        if let single = nationalLanguageSingleShift { members.append(("national_single_shift", .int(Int(single)))) }
        if let locking = nationalLanguageLockingShift { members.append(("national_locking_shift", .int(Int(locking)))) }
        let ems = elements.filter { $0.identifier == InformationElement.Identifier.emsTextFormatting }
        if !ems.isEmpty { members.append(("ems_text_format", .array(ems.map { .string(PDUHex.encode($0.data)) }))) }
        let known: Set<UInt8> = [0x00, 0x01, 0x04, 0x05, 0x08, 0x0A, 0x24, 0x25]
        let other = elements.filter { !known.contains($0.identifier) }
        if !other.isEmpty {
            members.append(
                (
                    "other_ies",
                    .array(
                        other.map {
                            .object([("iei", .int(Int($0.identifier))), ("data", .string(PDUHex.encode($0.data)))])
                        }
                    )
                )
            )
        }
        return .object(members)
    }
}
