import Foundation
import SMSCodec

/// The network's use of the project codec (SMSCodec): text → SMS-DELIVER parts for the echo subscriber and
/// injected messages, and SMS-SUBMIT → text for the submission log. The private ``SimUserData`` transcoder stays
/// as the fallback for what SMSCodec refuses (e.g. an alphanumeric sender longer than 11 characters), so that the
/// simulated network never drops a message because of an encoding limit.
enum SMSCodecBridge {
    /// SMS-DELIVER TPDUs (no SMSC field) carrying `text` from `originator`, segmented and concatenated by SMSCodec.
    static func deliverTPDUs(
        text: String,
        from originator: String,
        timestamp: Date,
        messageClass: Int?,
        reference: UInt8,
        nationalLanguages: SimulatedNetwork.NationalTables = .none
    ) -> [[UInt8]]? {
        guard let scts = serviceCentreTimestamp(timestamp) else { return nil }
        var options = SMSEncodingOptions(concatenationReference: UInt16(reference))
        options.messageClass = messageClass.flatMap { MessageClass(rawValue: UInt8($0)) }
        if nationalLanguages == .auto { options.nationalLanguages = .auto }
        guard let pdus = try? SMSEncoder.encodeDeliver(text: text, from: originator, timestamp: scts, options: options)
        else { return nil }
        return pdus.compactMap { pdu in try? SimSubmit.splitSMSC(pdu.encoded()).tpdu }
    }

    /// SMS-DELIVER TPDUs (no SMSC field) carrying 8-bit `data` from `originator` to application port
    /// `destinationPort`: a WAP push goes to port 2948 from 9200 (WAP-259-WDP §6.5, Table 3), 16-bit port addressing
    /// (TS 23.040 §9.2.3.24.4), concatenated when it needs more than one part (§9.2.3.24.1). SMSCodec segments and
    /// builds the SUBMITs; their user data is moved into DELIVERs as ``SMSEncoder/encodeDeliver`` does for text.
    static func deliverDataTPDUs(
        _ data: [UInt8],
        from originator: String,
        destinationPort: UInt16,
        sourcePort: UInt16,
        timestamp: Date,
        reference: UInt8
    ) -> [[UInt8]]? {
        guard let scts = serviceCentreTimestamp(timestamp), let address = try? SMSAddress(number: originator) else {
            return nil
        }
        let options = SMSEncodingOptions(
            concatenationReference: UInt16(reference),
            ports: ApplicationPorts(destination: destinationPort, source: sourcePort, bits: 16)
        )
        guard let submits = try? SMSEncoder.encode(data: data, to: "0", options: options) else { return nil }
        return submits.parts.enumerated().compactMap { index, part in
            guard case .submit(let submit) = part.pdu.tpdu else { return nil }
            let deliver = SMSDeliver(
                originator: address,
                dataCodingScheme: submit.dataCodingScheme,
                serviceCentreTimestamp: scts,
                userData: submit.userData,
                moreMessagesToSend: index + 1 < submits.parts.count
            )
            return try? SimSubmit.splitSMSC(
                SMSPDU(serviceCentre: part.pdu.serviceCentre, tpdu: .deliver(deliver)).encoded()
            )
            .tpdu
        }
    }

    /// TP-SCTS of `date` in UTC (TS 23.040 §9.2.3.11).
    static func serviceCentreTimestamp(_ date: Date) -> SMSTimestamp? {
        try? SMSTimestamp(secondsSince1970: Int64(date.timeIntervalSince1970), timeZoneQuarterHours: 0)
    }

    /// TP-MR and TP-RA of an SMS-STATUS-REPORT as a modem stores it (SMSC field first), decoded by SMSCodec.
    static func statusReportReference(pdu: [UInt8]) -> (reference: Int, recipient: String)? {
        guard let decoded = try? SMSPDU.decode(pdu, hasSMSC: true), case .statusReport(let report) = decoded.tpdu
        else { return nil }
        return (Int(report.messageReference), report.recipient.number ?? report.recipient.digits)
    }

    /// Text and concatenation of an SMS-SUBMIT TPDU, decoded by SMSCodec (nil when it refuses the PDU).
    static func submissionText(tpdu: [UInt8]) -> (text: String, concat: SimUserData.Concat?)? {
        guard let pdu = try? SMSPDU.decode(tpdu, hasSMSC: false), case .submit(let submit) = pdu.tpdu,
            let text = submit.userData.content.text
        else { return nil }
        let concat = submit.userData.header?.concatenation.map {
            SimUserData.Concat(reference: Int($0.reference), total: Int($0.total), sequence: Int($0.sequence))
        }
        return (text, concat)
    }
}
