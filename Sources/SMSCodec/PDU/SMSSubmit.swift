/// SMS-SUBMIT (TS 23.040 §9.2.2.2): a short message from the mobile to the service centre (what AT+CMGS sends
/// and what AT+CMGR returns for stored outgoing messages).
///
/// Layout: `first octet | TP-MR | TP-DA | TP-PID | TP-DCS | TP-VP (0, 1 or 7 octets) | TP-UDL | TP-UD`.
/// First octet: bits 1…0 TP-MTI (01), bit 2 TP-RD, bits 4…3 TP-VPF, bit 5 TP-SRR, bit 6 TP-UDHI, bit 7 TP-RP.
public struct SMSSubmit: Hashable, Sendable {
    /// The first octet as on the wire.
    public let firstOctet: UInt8
    /// TP-MR (TS 23.040 §9.2.3.6), 0…255.
    public let messageReference: UInt8
    /// TP-DA.
    public let destination: SMSAddress
    /// TP-PID.
    public let protocolIdentifier: UInt8
    /// TP-DCS.
    public let dataCodingScheme: DataCodingScheme
    /// TP-VP in the format TP-VPF selects; `nil` for VPF 00.
    public let validityPeriod: ValidityPeriod?
    /// TP-UDL and TP-UD.
    public let userData: UserData
    /// Octets after the user data, kept for exact re-serialization.
    public let trailingOctets: [UInt8]

    /// TP-RD: reject duplicates (bit 2).
    public var rejectDuplicates: Bool { firstOctet & 0x04 != 0 }
    /// TP-SRR: status report requested (bit 5).
    public var statusReportRequest: Bool { firstOctet & 0x20 != 0 }
    /// TP-UDHI (bit 6).
    public var hasUserDataHeader: Bool { firstOctet & 0x40 != 0 }
    /// TP-RP (bit 7).
    public var replyPath: Bool { firstOctet & 0x80 != 0 }

    /// Builds an SMS-SUBMIT; flags go into the first octet, TP-VPF follows `validityPeriod`.
    public init(
        messageReference: UInt8,
        destination: SMSAddress,
        protocolIdentifier: UInt8 = 0,
        dataCodingScheme: DataCodingScheme,
        validityPeriod: ValidityPeriod?,
        userData: UserData,
        statusReportRequest: Bool = false,
        rejectDuplicates: Bool = false,
        replyPath: Bool = false
    ) {
        var first: UInt8 = 0x01
        if rejectDuplicates { first |= 0x04 }
        if let validityPeriod { first |= validityPeriod.formatBits }
        if statusReportRequest { first |= 0x20 }
        if userData.header != nil { first |= 0x40 }
        if replyPath { first |= 0x80 }
        self.init(
            firstOctet: first,
            messageReference: messageReference,
            destination: destination,
            protocolIdentifier: protocolIdentifier,
            dataCodingScheme: dataCodingScheme,
            validityPeriod: validityPeriod,
            userData: userData,
            trailingOctets: []
        )
    }

    // Fields are read into locals and the value made at the end, as in ``SMSDeliver/init(decoding:options:)``.
    init(decoding cursor: inout PDUCursor, options: PDUDecodingOptions) throws(PDUError) {
        let firstOctet = try cursor.readByte("first octet")
        let messageReference = try cursor.readByte("TP-MR")
        let destination = try SMSAddress(decoding: &cursor, kind: .transport, field: "TP-DA")
        let protocolIdentifier = try cursor.readByte("TP-PID")
        let dataCodingScheme = DataCodingScheme(rawValue: try cursor.readByte("TP-DCS"))
        let validityPeriod = try ValidityPeriod.decode(format: firstOctet >> 3, from: &cursor)
        let userData = try UserData(
            decoding: &cursor,
            dcs: dataCodingScheme,
            hasHeader: firstOctet & 0x40 != 0,
            options: options
        )
        self.init(
            firstOctet: firstOctet,
            messageReference: messageReference,
            destination: destination,
            protocolIdentifier: protocolIdentifier,
            dataCodingScheme: dataCodingScheme,
            validityPeriod: validityPeriod,
            userData: userData,
            trailingOctets: cursor.readTrailingOctets()
        )
    }

    private init(
        firstOctet: UInt8,
        messageReference: UInt8,
        destination: SMSAddress,
        protocolIdentifier: UInt8,
        dataCodingScheme: DataCodingScheme,
        validityPeriod: ValidityPeriod?,
        userData: UserData,
        trailingOctets: [UInt8]
    ) {
        self.firstOctet = firstOctet
        self.messageReference = messageReference
        self.destination = destination
        self.protocolIdentifier = protocolIdentifier
        self.dataCodingScheme = dataCodingScheme
        self.validityPeriod = validityPeriod
        self.userData = userData
        self.trailingOctets = trailingOctets
    }

    /// The octets ``encode(into:)`` appends: first octet, TP-MR, TP-DA, TP-PID, TP-DCS, TP-VP, user data, trailing
    /// octets.
    var encodedCount: Int {
        4 + destination.encodedCount + (validityPeriod?.encodedCount ?? 0) + userData.encodedCount
            + trailingOctets.count
    }

    func encode(into out: inout [UInt8]) {
        out.append(firstOctet)
        out.append(messageReference)
        destination.encode(into: &out)
        out.append(protocolIdentifier)
        out.append(dataCodingScheme.rawValue)
        validityPeriod?.encode(into: &out)
        userData.encode(into: &out)
        out.append(contentsOf: trailingOctets)
    }
}
