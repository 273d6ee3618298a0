/// The JSON view of a decoded PDU: the schema of `testdata/README.md` and DESIGN.md ("modemctl pdu … --json").
/// Field names are a contract: add fields, never rename them.
///
/// The schema is written once, as events for any ``JSONSink``: ``json`` builds the tree, and the batch path of
/// `modemctl pdu decode -` writes the same document as bytes with no tree in between.
extension SMSPDU {
    package var json: JSONValue { JSONTreeBuilder.build { writeJSON(to: &$0) } }

    /// Writes the JSON object of this PDU as compact bytes. A caller in another module that called
    /// ``writeJSON(to:)`` with the byte writer would run the generic schema unspecialized (a witness-table call per
    /// key and value); here the compiler specializes it for the byte writer.
    package func writeCompactJSON(to writer: inout JSONByteWriter) { writeJSON(to: &writer) }

    /// Sends the JSON object of this PDU to `sink`.
    package func writeJSON(to sink: inout some JSONSink & ~Copyable) {
        sink.beginObject()
        tpdu.writeJSONMembers(serviceCentre: serviceCentre, to: &sink)
        sink.endObject()
    }

    /// The member every TPDU ends with when octets follow its last field.
    fileprivate static func writeTrailingJSON(_ trailing: [UInt8], to sink: inout some JSONSink & ~Copyable) {
        if !trailing.isEmpty {
            sink.key("trailing_octets")
            sink.hexString(trailing)
        }
    }
}

extension TPDU {
    /// The members of the PDU's object: the head every TPDU starts with, then the message's own.
    ///
    /// A method of the TPDU that switches over itself, given what the head needs: a `switch` over the stored TPDU
    /// of a borrowed PDU, or a method of the PDU called inside it, copied the message out (a retain and a release
    /// of every array it holds), and the batch path writes hundreds of thousands of these.
    fileprivate func writeJSONMembers(serviceCentre: SMSAddress?, to sink: inout some JSONSink & ~Copyable) {
        let type = staticTypeName
        switch self {
        case .deliver(let m):
            Self.writeHeadJSON(type, serviceCentre, tpduLength: m.encodedCount, firstOctet: m.firstOctet, to: &sink)
            sink.key("originator")
            m.originator.writeJSON(to: &sink)
            sink.member("pid", .int(Int(m.protocolIdentifier)))
            m.dataCodingScheme.writeJSONMembers(to: &sink)
            sink.member("udhi", .bool(m.hasUserDataHeader))
            sink.member("rp", .bool(m.replyPath))
            sink.member("scts", m.serviceCentreTimestamp)
            sink.member("scts_yy", .int(m.serviceCentreTimestamp.twoDigitYear))
            sink.member("more_messages_to_send", .bool(m.moreMessagesToSend))
            sink.member("sri", .bool(m.statusReportIndication))
            sink.member("lp", .bool(m.loopPrevention))
            m.userData.writeJSONMembers(to: &sink)
            SMSPDU.writeTrailingJSON(m.trailingOctets, to: &sink)
        case .submit(let m):
            Self.writeHeadJSON(type, serviceCentre, tpduLength: m.encodedCount, firstOctet: m.firstOctet, to: &sink)
            sink.key("destination")
            m.destination.writeJSON(to: &sink)
            sink.member("mr", .int(Int(m.messageReference)))
            sink.member("pid", .int(Int(m.protocolIdentifier)))
            m.dataCodingScheme.writeJSONMembers(to: &sink)
            sink.member("udhi", .bool(m.hasUserDataHeader))
            sink.member("rp", .bool(m.replyPath))
            sink.member("srr", .bool(m.statusReportRequest))
            sink.member("rd", .bool(m.rejectDuplicates))
            sink.key("vp")
            if let vp = m.validityPeriod { vp.writeJSON(to: &sink) } else { sink.value(.null) }
            m.userData.writeJSONMembers(to: &sink)
            SMSPDU.writeTrailingJSON(m.trailingOctets, to: &sink)
        case .statusReport(let m):
            Self.writeHeadJSON(type, serviceCentre, tpduLength: m.encodedCount, firstOctet: m.firstOctet, to: &sink)
            sink.key("recipient")
            m.recipient.writeJSON(to: &sink)
            sink.member("mr", .int(Int(m.messageReference)))
            sink.member("scts", m.serviceCentreTimestamp)
            sink.member("discharge_time", m.dischargeTime)
            sink.member("status", .int(Int(m.status.rawValue)))
            sink.member("status_hex", hex: m.status.rawValue)
            sink.member("status_meaning", .string(m.status.meaning))
            sink.member("status_category", .string(m.status.category.rawValue))
            sink.member("more_messages_to_send", .bool(m.moreMessagesToSend))
            sink.member("srq", .bool(m.isCommandReport))
            if let parameters = m.parameters {
                if let pid = parameters.protocolIdentifier { sink.member("pid", .int(Int(pid))) }
                if let dcs = parameters.dataCodingScheme { dcs.writeJSONMembers(to: &sink) }
                if let userData = parameters.userData { userData.writeJSONMembers(to: &sink) }
            }
            SMSPDU.writeTrailingJSON(m.trailingOctets, to: &sink)
        }
    }

    /// The members every TPDU starts with: type, SMSC prefix, TPDU length, first octet.
    private static func writeHeadJSON(
        _ type: StaticString,
        _ serviceCentre: SMSAddress?,
        tpduLength: Int,
        firstOctet: UInt8,
        to sink: inout some JSONSink & ~Copyable
    ) {
        sink.member("type", plain: type)
        if let serviceCentre {
            sink.key("smsc")
            if serviceCentre.lengthField == 0 { sink.value(.null) } else { serviceCentre.writeJSON(to: &sink) }
        }
        sink.member("tpdu_length", .int(tpduLength))
        sink.member("first_octet", hex: firstOctet)
    }
}

extension JSONSink where Self: ~Copyable {
    /// `key` and the ISO 8601 text of `timestamp`, written without a String.
    fileprivate mutating func member(_ key: StaticString, _ timestamp: SMSTimestamp) {
        self.key(key)
        asciiString(capacity: SMSTimestamp.iso8601Capacity) { timestamp.writeISO8601(into: $0) }
    }
}

extension SMSAddress {
    package var json: JSONValue { JSONTreeBuilder.build { writeJSON(to: &$0) } }

    /// Sends the JSON of this address to `sink`: `null` when it has no Type-of-Address.
    func writeJSON(to sink: inout some JSONSink & ~Copyable) {
        guard let toa = typeOfAddress else { return sink.value(.null) }
        sink.beginObject()
        sink.member("toa", hex: toa.rawValue)
        if toa.isWellFormed {
            sink.member("ton", plain: toa.typeOfNumber.staticName)
            if let npi = toa.numberingPlan.staticName {
                sink.member("npi", plain: npi)
            } else {
                sink.member("npi", .string(toa.numberingPlan.name))
            }
            sink.key("number")
            if toa.typeOfNumber == .alphanumeric {
                sink.value(number.map(JSONValue.string) ?? .null)
            } else {
                // ``number`` of BCD digits, which need no escaping.
                let withPlus = toa.typeOfNumber == .international
                sink.asciiString(capacity: bcdDigitCount + 1) { writeBCDDigits(withPlus: withPlus, into: $0) }
            }
        } else {
            sink.member("ton", .null)
            sink.member("npi", .null)
            sink.member("number", .null)
            sink.key("raw")
            sink.hexString(valueOctets)
            sink.member("length", .int(Int(lengthField)))
            sink.member("malformed", .bool(true))
        }
        sink.endObject()
    }
}

extension DataCodingScheme {
    /// Sends the DCS members of the enclosing object to `sink`.
    func writeJSONMembers(to sink: inout some JSONSink & ~Copyable) {
        sink.member("dcs", .int(Int(rawValue)))
        sink.member("dcs_hex", hex: rawValue)
        sink.member("alphabet", alphabet.map { .string($0.rawValue) } ?? .null)
        sink.member("class", messageClass.map { .int(Int($0.rawValue)) } ?? .null)
        sink.member("dcs_group", plain: group.staticName)
        if isCompressed { sink.member("compressed", .bool(true)) }
        if let mwi = messageWaiting {
            sink.key("mwi")
            sink.beginObject()
            sink.member("active", .bool(mwi.isActive))
            sink.member("kind", .string("\(mwi.kind)"))
            sink.member("store", .bool(mwi.storage != .discard))
            sink.endObject()
        }
    }
}

extension ValidityPeriod {
    /// Sends the JSON object of this validity period to `sink`.
    func writeJSON(to sink: inout some JSONSink & ~Copyable) {
        sink.beginObject()
        switch self {
        case .relative(let v):
            sink.member("format", .string("relative"))
            sink.member("value", .int(Int(v)))
            sink.member("minutes", .int(ValidityPeriod.minutes(relative: v)))
        case .absolute(let t):
            sink.member("format", .string("absolute"))
            sink.member("value", t)
        case .enhanced(let e):
            sink.member("format", .string("enhanced"))
            sink.key("value")
            sink.hexString(e.octets)
        }
        sink.endObject()
    }
}

extension UserData {
    /// Sends the user data members of the enclosing object to `sink`.
    func writeJSONMembers(to sink: inout some JSONSink & ~Copyable) {
        sink.member("udl", .int(Int(length)))
        if missingOctets > 0 { sink.member("missing_octets", .int(missingOctets)) }
        if let header {
            sink.key("udh")
            header.writeJSON(to: &sink)
        }
        switch content {
        case .text(let text): sink.member("text", .string(text))
        case .data(let data):
            sink.key("data_hex")
            sink.hexString(data)
        case .unsupported(let u):
            sink.key("data_hex")
            sink.hexString(u.octets)
            sink.member("unsupported", .string(u.reason.rawValue))
        }
    }
}

extension UserDataHeader {
    package var json: JSONValue { JSONTreeBuilder.build { writeJSON(to: &$0) } }

    /// Sends the JSON object of this header to `sink`.
    func writeJSON(to sink: inout some JSONSink & ~Copyable) {
        sink.beginObject()
        sink.member("udhl", .int(length))
        sink.key("ies")
        Self.writeElements(elements, to: &sink)
        if let c = concatenation {
            sink.key("concat")
            sink.beginObject()
            sink.member("ref", .int(Int(c.reference)))
            sink.member("total", .int(Int(c.total)))
            sink.member("seq", .int(Int(c.sequence)))
            sink.member("ref_bits", .int(c.referenceBits))
            if let problem = c.problem { sink.member("problem", .string(problem.rawValue)) }
            sink.endObject()
        }
        if let p = ports {
            sink.key("ports")
            sink.beginObject()
            sink.member("dst", .int(Int(p.destination)))
            sink.member("src", .int(Int(p.source)))
            sink.member("bits", .int(p.bits))
            sink.endObject()
        }
        if let single = nationalLanguageSingleShift { sink.member("national_single_shift", .int(Int(single))) }
        if let locking = nationalLanguageLockingShift { sink.member("national_locking_shift", .int(Int(locking))) }
        // Filtered in place rather than into arrays: most PDUs with a header have one or two elements.
        let isEMS = { (element: InformationElement) in
            element.identifier == InformationElement.Identifier.emsTextFormatting
        }
        if elements.contains(where: isEMS) {
            sink.key("ems_text_format")
            sink.beginArray()
            for element in elements where isEMS(element) { sink.hexString(element.data) }
            sink.endArray()
        }
        if elements.contains(where: { !Self.hasNamedMember($0.identifier) }) {
            sink.key("other_ies")
            Self.writeElements(elements, to: &sink) { !Self.hasNamedMember($0.identifier) }
        }
        sink.endObject()
    }

    /// Whether an element with this identifier has its own member in the JSON (`concat`, `ports`, the national
    /// shifts, `ems_text_format`) or is the special SMS indication; the others are listed in `other_ies`.
    private static func hasNamedMember(_ identifier: UInt8) -> Bool {
        switch identifier {
        case 0x00, 0x01, 0x04, 0x05, 0x08, 0x0A, 0x24, 0x25: true
        default: false
        }
    }

    /// `[{"iei": …, "data": hex}, …]` of the elements `included` accepts.
    private static func writeElements(
        _ elements: [InformationElement],
        to sink: inout some JSONSink & ~Copyable,
        where included: (InformationElement) -> Bool = { _ in true }
    ) {
        sink.beginArray()
        for element in elements where included(element) {
            sink.beginObject()
            sink.member("iei", .int(Int(element.identifier)))
            sink.key("data")
            sink.hexString(element.data)
            sink.endObject()
        }
        sink.endArray()
    }
}
