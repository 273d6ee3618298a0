/// SMS-STATUS-REPORT (TS 23.040 §9.2.2.3): the service centre's report on a message the mobile submitted.
///
/// Layout: `first octet | TP-MR | TP-RA | TP-SCTS | TP-DT | TP-ST | [TP-PI | TP-PID | TP-DCS | TP-UDL | TP-UD]`.
/// First octet: bits 1…0 TP-MTI (10), bit 2 TP-MMS, bit 3 TP-LP, bit 5 TP-SRQ, bit 6 TP-UDHI.
///
/// Everything after TP-ST is kept raw in ``trailingOctets`` (modems often pad stored reports with 0xFF);
/// ``parameters`` is the TP-PI view of those octets when they parse, `nil` when absent or not parseable.
public struct SMSStatusReport: Hashable, Sendable {
    public let firstOctet: UInt8
    /// TP-MR of the SMS-SUBMIT this report is about.
    public let messageReference: UInt8
    /// TP-RA: the recipient of that message.
    public let recipient: SMSAddress
    /// TP-SCTS: when the SC received the submitted message.
    public let serviceCentreTimestamp: SMSTimestamp
    /// TP-DT: when the status below was reached (delivered, or the last attempt).
    public let dischargeTime: SMSTimestamp
    /// TP-ST.
    public let status: TPStatus
    /// All octets after TP-ST, verbatim.
    public let trailingOctets: [UInt8]
    /// The optional parameters, when ``trailingOctets`` parse as TP-PI and what it announces.
    public let parameters: OptionalParameters?

    /// TP-MMS inverted: more messages waiting at the SC (bit 2 clear).
    public var moreMessagesToSend: Bool { firstOctet & 0x04 == 0 }
    /// TP-LP (bit 3).
    public var loopPrevention: Bool { firstOctet & 0x08 != 0 }
    /// TP-SRQ: this report answers an SMS-COMMAND (true) or an SMS-SUBMIT (false) (bit 5).
    public var isCommandReport: Bool { firstOctet & 0x20 != 0 }
    /// TP-UDHI (bit 6).
    public var hasUserDataHeader: Bool { firstOctet & 0x40 != 0 }

    /// Builds a status report (the simulator's direction).
    public init(
        messageReference: UInt8,
        recipient: SMSAddress,
        serviceCentreTimestamp: SMSTimestamp,
        dischargeTime: SMSTimestamp,
        status: TPStatus,
        parameters: OptionalParameters? = nil,
        moreMessagesToSend: Bool = false
    ) {
        var first: UInt8 = 0x02
        if !moreMessagesToSend { first |= 0x04 }
        if parameters?.userData?.header != nil { first |= 0x40 }
        self.firstOctet = first
        self.messageReference = messageReference
        self.recipient = recipient
        self.serviceCentreTimestamp = serviceCentreTimestamp
        self.dischargeTime = dischargeTime
        self.status = status
        self.parameters = parameters
        var trailing = [UInt8]()
        parameters?.encode(into: &trailing)
        self.trailingOctets = trailing
    }

    init(decoding cursor: inout PDUCursor) throws(PDUError) {
        firstOctet = try cursor.readByte("first octet")
        messageReference = try cursor.readByte("TP-MR")
        recipient = try SMSAddress(decoding: &cursor, kind: .transport, field: "TP-RA")
        serviceCentreTimestamp = try SMSTimestamp(decoding: &cursor, field: "TP-SCTS")
        dischargeTime = try SMSTimestamp(decoding: &cursor, field: "TP-DT")
        status = TPStatus(rawValue: try cursor.readByte("TP-ST"))
        let rest = cursor.readRest()
        trailingOctets = Array(rest)
        if rest.isEmpty {
            parameters = nil
        } else {
            var optional = PDUCursor(rest)
            parameters = try? OptionalParameters(decoding: &optional, hasHeader: firstOctet & 0x40 != 0)
        }
    }

    /// The octets ``encode(into:)`` appends: first octet, TP-MR, TP-RA, TP-SCTS, TP-DT, TP-ST, trailing octets
    /// (the optional parameters among them).
    var encodedCount: Int { 3 + recipient.encodedCount + 2 * SMSTimestamp.octetCount + trailingOctets.count }

    func encode(into out: inout [UInt8]) {
        out.append(firstOctet)
        out.append(messageReference)
        recipient.encode(into: &out)
        serviceCentreTimestamp.encode(into: &out)
        dischargeTime.encode(into: &out)
        out.append(status.rawValue)
        out.append(contentsOf: trailingOctets)
    }
}
