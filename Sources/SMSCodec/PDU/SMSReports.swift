/// SMS-SUBMIT-REPORT (TS 23.040 §9.2.2.2a): the SC's answer to an SMS-SUBMIT, as some modems return it after
/// `+CMGS: <mr>,<ackpdu>` (TS 27.005 §3.5.1).
///
/// Layout (RP-ACK): `first octet | TP-PI | TP-SCTS | [TP-PID] [TP-DCS] [TP-UDL TP-UD]`;
/// RP-ERROR inserts TP-FCS after the first octet. Which one it is cannot be told from the octets, so the caller
/// says (`isError`).
public struct SMSSubmitReport: Hashable, Sendable {
    public let firstOctet: UInt8
    /// TP-FCS (§9.2.3.22), present in the RP-ERROR form only.
    public let failureCause: UInt8?
    /// TP-SCTS of the submitted message.
    public let serviceCentreTimestamp: SMSTimestamp
    /// TP-PI and the optional fields.
    public let parameters: OptionalParameters
    /// Octets after the last field, kept verbatim.
    public let trailingOctets: [UInt8]

    /// TP-UDHI (bit 6).
    public var hasUserDataHeader: Bool { firstOctet & 0x40 != 0 }

    /// Parses the TPDU (no SMSC prefix).
    public init(decoding bytes: some Collection<UInt8>, isError: Bool) throws(PDUError) {
        var cursor = PDUCursor(ArraySlice(bytes))
        try self.init(decoding: &cursor, isError: isError)
    }

    init(decoding cursor: inout PDUCursor, isError: Bool) throws(PDUError) {
        firstOctet = try cursor.readByte("first octet")
        guard firstOctet & 0x03 == 0x01 else {
            throw PDUError(
                .unexpectedMessageType,
                offset: 0,
                reason: "TP-MTI \(firstOctet & 0x03) is not SMS-SUBMIT-REPORT"
            )
        }
        failureCause = isError ? try cursor.readByte("TP-FCS") : nil
        // TP-PI (with any extension octets) precedes TP-SCTS here, unlike in the status report (§9.2.2.2a).
        let indicator = try OptionalParameters.readIndicator(&cursor)
        serviceCentreTimestamp = try SMSTimestamp(decoding: &cursor, field: "TP-SCTS")
        parameters = try OptionalParameters(indicator: indicator, decoding: &cursor, hasHeader: firstOctet & 0x40 != 0)
        trailingOctets = cursor.readTrailingOctets()
    }

    /// The TPDU octets.
    public func encoded() -> [UInt8] {
        var out = [firstOctet]
        if let failureCause { out.append(failureCause) }
        out.append(contentsOf: parameters.indicator)
        serviceCentreTimestamp.encode(into: &out)
        parameters.encodeFields(into: &out)
        out.append(contentsOf: trailingOctets)
        return out
    }
}

/// SMS-DELIVER-REPORT (TS 23.040 §9.2.2.1a): the mobile's answer to an SMS-DELIVER, sent with AT+CNMA in PDU mode
/// (TS 27.005 §3.4.4).
///
/// Layout: `first octet | [TP-FCS] | TP-PI | [TP-PID] [TP-DCS] [TP-UDL TP-UD]` (TP-FCS in the RP-ERROR form).
public struct SMSDeliverReport: Hashable, Sendable {
    public let firstOctet: UInt8
    /// TP-FCS (§9.2.3.22), present in the RP-ERROR form only.
    public let failureCause: UInt8?
    public let parameters: OptionalParameters
    public let trailingOctets: [UInt8]

    /// Builds a report: an acknowledgement, or with `failureCause` (e.g. 0xD3 "memory capacity exceeded") an error.
    public init(failureCause: UInt8? = nil, parameters: OptionalParameters = OptionalParameters()) {
        self.firstOctet = parameters.userData?.header != nil ? 0x40 : 0x00
        self.failureCause = failureCause
        self.parameters = parameters
        self.trailingOctets = []
    }

    /// Parses the TPDU (no SMSC prefix).
    public init(decoding bytes: some Collection<UInt8>, isError: Bool) throws(PDUError) {
        var cursor = PDUCursor(ArraySlice(bytes))
        firstOctet = try cursor.readByte("first octet")
        guard firstOctet & 0x03 == 0x00 else {
            throw PDUError(
                .unexpectedMessageType,
                offset: 0,
                reason: "TP-MTI \(firstOctet & 0x03) is not SMS-DELIVER-REPORT"
            )
        }
        failureCause = isError ? try cursor.readByte("TP-FCS") : nil
        parameters = try OptionalParameters(decoding: &cursor, hasHeader: firstOctet & 0x40 != 0)
        trailingOctets = cursor.readTrailingOctets()
    }

    /// The TPDU octets.
    public func encoded() -> [UInt8] {
        var out = [firstOctet]
        if let failureCause { out.append(failureCause) }
        parameters.encode(into: &out)
        out.append(contentsOf: trailingOctets)
        return out
    }
}
