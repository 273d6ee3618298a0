/// A WSP Push or ConfirmedPush PDU (WAP-230-WSP §8.2.4.1), as a WAP push arrives in the reassembled 8-bit user data
/// of SMS to port 2948 (WAP-259-WDP; reassembly is SMSCodec's).
///
/// ```
/// TID          uint8    (connectionless WSP, WAP-230-WSP §8.2.1)
/// PDU type     uint8    0x06 Push, 0x07 ConfirmedPush (Table 34)
/// HeadersLen   uintvar  length of ContentType and Headers together
/// ContentType  multiple
/// Headers      HeadersLen − length of ContentType
/// Data         the rest: for MMS, the m-notification-ind (OMA-TS-MMS_ENC §6.2)
/// ```
public struct WSPPush: Hashable, Sendable {
    /// The PDU types a push may have (Table 34).
    public enum PDUType: UInt8, Hashable, Sendable {
        case push = 0x06
        case confirmedPush = 0x07
    }

    /// The transaction id.
    public var transactionID: UInt8
    public var pduType: PDUType
    public var contentType: WSPContentType
    public var headers: [WSPHeader]
    public var data: [UInt8]

    public init(
        transactionID: UInt8,
        pduType: PDUType = .push,
        contentType: WSPContentType,
        headers: [WSPHeader] = [],
        data: [UInt8]
    ) {
        self.transactionID = transactionID
        self.pduType = pduType
        self.contentType = contentType
        self.headers = headers
        self.data = data
    }

    /// A push carrying an MMS PDU to the MMS user agent: content type application/vnd.wap.mms-message (0x3E),
    /// X-Wap-Application-Id x-wap-application:mms.ua (0x04), as OMA-TS-MMS_ENC §6.2 / WAP-230-WSP describe.
    public static func mms(transactionID: UInt8, pdu: [UInt8]) -> WSPPush {
        WSPPush(
            transactionID: transactionID,
            contentType: WSPContentType(media: .wellKnown(0x3E)),
            headers: [WSPHeader(name: .wellKnown(0x2F), value: .shortInteger(0x04))],
            data: pdu
        )
    }

    /// The X-Wap-Application-Id (header 0x2F) as a URI: an assigned code by its OMNA name, or the text.
    public var applicationID: String? {
        for header in headers
        where header.name == .wellKnown(0x2F)
            || header.fieldName.lowercased()
                == "x-wap-application-id"
        {
            switch header.value {
            case .shortInteger(let code):
                return WellKnown.applicationIDs[UInt32(code)] ?? "0x" + String(code, radix: 16)
            case .text(let text): return text
            case .lengthPrefixed(let octets):
                var value = 0 as UInt64
                for octet in octets.prefix(MMSLimits.maximumLongIntegerOctets) { value = value << 8 | UInt64(octet) }
                return UInt32(exactly: value).flatMap { WellKnown.applicationIDs[$0] } ?? "0x"
                    + String(value, radix: 16)
            }
        }
        return nil
    }

    /// Whether this push carries an MMS PDU (content type application/vnd.wap.mms-message).
    public var isMMS: Bool { contentType.name == "application/vnd.wap.mms-message" }

    // MARK: - Wire format

    /// Decodes a push PDU from the reassembled WDP datagram (connectionless: the TID comes first).
    /// - Throws: ``MMSCodecError`` with the offset of the offending octet; never traps.
    public init(decoding bytes: [UInt8]) throws(MMSCodecError) {
        guard bytes.count <= MMSLimits.maximumPDUSize else {
            throw MMSCodecError(.lengthOutOfRange, offset: 0, reason: "push of \(bytes.count) octets")
        }
        var reader = WSPReader(bytes[...])
        let tid = try reader.readOctet("TID")
        let typeOffset = reader.offset
        let rawType = try reader.readOctet("PDU type")
        guard let pduType = PDUType(rawValue: rawType) else {
            throw MMSCodecError(
                .unsupported,
                offset: typeOffset,
                reason: "WSP PDU type 0x\(hex(rawType)) is not a push"
            )
        }
        let headersLength = try reader.readUIntVarLength("HeadersLen")
        var headerReader = try reader.subReader(headersLength, "headers")
        let contentType = try WSPContentType(reading: &headerReader)
        let headers = try WSPHeader.readAll(&headerReader)
        self.init(
            transactionID: tid,
            pduType: pduType,
            contentType: contentType,
            headers: headers,
            data: Array(reader.readRest())
        )
    }

    /// Encodes the push PDU, the inverse of ``init(decoding:)``.
    public func encoded() -> [UInt8] {
        var headerWriter = WSPWriter()
        contentType.write(to: &headerWriter)
        for header in headers { header.write(to: &headerWriter) }
        var writer = WSPWriter()
        writer.append(transactionID)
        writer.append(pduType.rawValue)
        writer.writeUIntVar(UInt32(clamping: headerWriter.bytes.count))
        writer.append(contentsOf: headerWriter.bytes)
        writer.append(contentsOf: data)
        return writer.bytes
    }
}
