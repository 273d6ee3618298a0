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
        guard
            let scts = try? SMSTimestamp(
                secondsSince1970: Int64(timestamp.timeIntervalSince1970),
                timeZoneQuarterHours: 0
            )
        else { return nil }
        var options = SMSEncodingOptions(concatenationReference: UInt16(reference))
        options.messageClass = messageClass.flatMap { MessageClass(rawValue: UInt8($0)) }
        if nationalLanguages == .auto { options.nationalLanguages = .auto }
        guard let pdus = try? SMSEncoder.encodeDeliver(text: text, from: originator, timestamp: scts, options: options)
        else { return nil }
        return pdus.compactMap { pdu in try? SimSubmit.splitSMSC(pdu.encoded()).tpdu }
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
