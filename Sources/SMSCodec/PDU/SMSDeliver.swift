/// SMS-DELIVER (TS 23.040 §9.2.2.1): a short message from the service centre to the mobile.
///
/// Layout: `first octet | TP-OA | TP-PID | TP-DCS | TP-SCTS | TP-UDL | TP-UD`. First octet: bits 1…0 TP-MTI
/// (00), bit 2 TP-MMS (0 = more messages waiting), bit 3 TP-LP, bit 5 TP-SRI, bit 6 TP-UDHI, bit 7 TP-RP.
/// Octets after the user data (some modems append SIM padding) are kept in ``trailingOctets``.
public struct SMSDeliver: Hashable, Sendable {
    /// The first octet as on the wire (bit 4 is unused but kept).
    public let firstOctet: UInt8
    /// TP-OA.
    public let originator: SMSAddress
    /// TP-PID (TS 23.040 §9.2.3.9).
    public let protocolIdentifier: UInt8
    /// TP-DCS.
    public let dataCodingScheme: DataCodingScheme
    /// TP-SCTS.
    public let serviceCentreTimestamp: SMSTimestamp
    /// TP-UDL and TP-UD.
    public let userData: UserData
    /// Octets after the user data, ignored for decoding and kept for exact re-serialization.
    public let trailingOctets: [UInt8]

    /// TP-MMS inverted: true when the SC has more messages waiting (bit 2 clear).
    public var moreMessagesToSend: Bool { firstOctet & 0x04 == 0 }
    /// TP-LP: loop prevention (bit 3).
    public var loopPrevention: Bool { firstOctet & 0x08 != 0 }
    /// TP-SRI: a status report will be returned to the sender (bit 5).
    public var statusReportIndication: Bool { firstOctet & 0x20 != 0 }
    /// TP-UDHI (bit 6).
    public var hasUserDataHeader: Bool { firstOctet & 0x40 != 0 }
    /// TP-RP (bit 7).
    public var replyPath: Bool { firstOctet & 0x80 != 0 }
    /// True when TP-MTI is the reserved value 11, which TS 23.040 §9.2.3.1 says to treat as SMS-DELIVER.
    public var hasReservedMessageType: Bool { firstOctet & 0x03 == 0x03 }

    /// Builds an SMS-DELIVER (the simulator's direction); flags go into the first octet.
    public init(
        originator: SMSAddress,
        protocolIdentifier: UInt8 = 0,
        dataCodingScheme: DataCodingScheme,
        serviceCentreTimestamp: SMSTimestamp,
        userData: UserData,
        moreMessagesToSend: Bool = false,
        statusReportIndication: Bool = false,
        replyPath: Bool = false
    ) {
        var first: UInt8 = 0x00
        if !moreMessagesToSend { first |= 0x04 }
        if statusReportIndication { first |= 0x20 }
        if userData.header != nil { first |= 0x40 }
        if replyPath { first |= 0x80 }
        self.init(
            firstOctet: first,
            originator: originator,
            protocolIdentifier: protocolIdentifier,
            dataCodingScheme: dataCodingScheme,
            serviceCentreTimestamp: serviceCentreTimestamp,
            userData: userData,
            trailingOctets: []
        )
    }

    // Every field is read into a local and the value is made at the end: assigned one by one between reads that
    // may throw, the fields were built in place and then copied out (a retain and a release of each array).
    init(decoding cursor: inout PDUCursor, options: PDUDecodingOptions) throws(PDUError) {
        let firstOctet = try cursor.readByte("first octet")
        let originator = try SMSAddress(decoding: &cursor, kind: .transport, field: "TP-OA")
        let protocolIdentifier = try cursor.readByte("TP-PID")
        let dataCodingScheme = DataCodingScheme(rawValue: try cursor.readByte("TP-DCS"))
        let serviceCentreTimestamp = try SMSTimestamp(decoding: &cursor, field: "TP-SCTS")
        let userData = try UserData(
            decoding: &cursor,
            dcs: dataCodingScheme,
            hasHeader: firstOctet & 0x40 != 0,
            options: options
        )
        self.init(
            firstOctet: firstOctet,
            originator: originator,
            protocolIdentifier: protocolIdentifier,
            dataCodingScheme: dataCodingScheme,
            serviceCentreTimestamp: serviceCentreTimestamp,
            userData: userData,
            trailingOctets: cursor.readTrailingOctets()
        )
    }

    private init(
        firstOctet: UInt8,
        originator: SMSAddress,
        protocolIdentifier: UInt8,
        dataCodingScheme: DataCodingScheme,
        serviceCentreTimestamp: SMSTimestamp,
        userData: UserData,
        trailingOctets: [UInt8]
    ) {
        self.firstOctet = firstOctet
        self.originator = originator
        self.protocolIdentifier = protocolIdentifier
        self.dataCodingScheme = dataCodingScheme
        self.serviceCentreTimestamp = serviceCentreTimestamp
        self.userData = userData
        self.trailingOctets = trailingOctets
    }

    /// The octets ``encode(into:)`` appends: first octet, TP-OA, TP-PID, TP-DCS, TP-SCTS, user data, trailing octets.
    var encodedCount: Int {
        3 + originator.encodedCount + SMSTimestamp.octetCount + userData.encodedCount + trailingOctets.count
    }

    func encode(into out: inout [UInt8]) {
        out.append(firstOctet)
        originator.encode(into: &out)
        out.append(protocolIdentifier)
        out.append(dataCodingScheme.rawValue)
        serviceCentreTimestamp.encode(into: &out)
        userData.encode(into: &out)
        out.append(contentsOf: trailingOctets)
    }
}
