/// TP-PI and the optional TP-PID, TP-DCS, TP-UDL/TP-UD it announces (TS 23.040 §9.2.3.27), as they end an
/// SMS-STATUS-REPORT, SMS-SUBMIT-REPORT or SMS-DELIVER-REPORT.
///
/// TP-PI: bit 0 TP-PID present, bit 1 TP-DCS present, bit 2 TP-UDL present, bits 6…3 reserved, bit 7 another
/// TP-PI octet follows. Reserved bits are ignored; extension octets are kept raw.
public struct OptionalParameters: Hashable, Sendable {
    /// At most this many TP-PI octets are read; no extension bits are defined, so more is garbage.
    public static let maximumIndicatorOctets = 4

    /// The TP-PI octets as on the wire.
    public let indicator: [UInt8]
    public let protocolIdentifier: UInt8?
    public let dataCodingScheme: DataCodingScheme?
    public let userData: UserData?

    /// Builds the parameters; TP-PI follows from what is present.
    public init(protocolIdentifier: UInt8? = nil, dataCodingScheme: DataCodingScheme? = nil, userData: UserData? = nil)
    {
        var pi: UInt8 = 0
        if protocolIdentifier != nil { pi |= 0x01 }
        if dataCodingScheme != nil { pi |= 0x02 }
        if userData != nil { pi |= 0x04 }
        self.indicator = [pi]
        self.protocolIdentifier = protocolIdentifier
        self.dataCodingScheme = dataCodingScheme
        self.userData = userData
    }

    init(decoding cursor: inout PDUCursor, hasHeader: Bool) throws(PDUError) {
        let indicator = try Self.readIndicator(&cursor)
        try self.init(indicator: indicator, decoding: &cursor, hasHeader: hasHeader)
    }

    /// Reads TP-PI and its extension octets.
    static func readIndicator(_ cursor: inout PDUCursor) throws(PDUError) -> [UInt8] {
        var indicator = [try cursor.readByte("TP-PI")]
        while let last = indicator.last, last & 0x80 != 0 {
            guard indicator.count < Self.maximumIndicatorOctets else {
                throw PDUError(
                    .lengthOutOfRange,
                    offset: cursor.offset,
                    reason: "more than \(Self.maximumIndicatorOctets) TP-PI octets"
                )
            }
            indicator.append(try cursor.readByte("TP-PI extension"))
        }
        return indicator
    }

    /// Reads the fields `indicator` announces.
    init(indicator: [UInt8], decoding cursor: inout PDUCursor, hasHeader: Bool) throws(PDUError) {
        self.indicator = indicator
        let pi = indicator.first ?? 0
        protocolIdentifier = pi & 0x01 != 0 ? try cursor.readByte("TP-PID") : nil
        let dcs = pi & 0x02 != 0 ? DataCodingScheme(rawValue: try cursor.readByte("TP-DCS")) : nil
        dataCodingScheme = dcs
        // §9.2.3.27: without TP-DCS the default (0x00, GSM 7-bit) applies to the user data.
        userData = pi & 0x04 != 0 ? try UserData(decoding: &cursor, dcs: dcs ?? .gsm7, hasHeader: hasHeader) : nil
    }

    /// Appends the fields after TP-PI.
    func encodeFields(into out: inout [UInt8]) {
        if let protocolIdentifier { out.append(protocolIdentifier) }
        if let dataCodingScheme { out.append(dataCodingScheme.rawValue) }
        userData?.encode(into: &out)
    }

    func encode(into out: inout [UInt8]) {
        out.append(contentsOf: indicator)
        encodeFields(into: &out)
    }
}
