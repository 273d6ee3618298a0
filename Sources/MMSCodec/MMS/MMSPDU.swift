/// The X-Mms-Message-Type values (OMA-TS-MMS_ENC §7.3.30).
public enum MMSMessageType: UInt8, Hashable, Sendable {
    case sendReq = 0x00
    case sendConf = 0x01
    case notificationInd = 0x02
    case notifyRespInd = 0x03
    case retrieveConf = 0x04
    case acknowledgeInd = 0x05
    case deliveryInd = 0x06
    case readRecInd = 0x07
    case readOrigInd = 0x08
}

/// The body of an MMS PDU: none, a WSP multipart (multipart/related or multipart/mixed, WAP-230-WSP §8.5), or
/// the octets of a single-part content type.
public enum MMSBody: Hashable, Sendable {
    case none
    case multipart([WSPPart])
    case single([UInt8])
}

/// An MMS PDU on the wire (OMA-TS-MMS_ENC §6–§7): its headers in order, then, after Content-Type (always the
/// last header, §7.2), its body. The typed PDUs (``MMSMessage``) are built from this.
public struct MMSPDU: Hashable, Sendable {
    public var headers: [MMSHeader]
    public var body: MMSBody

    public init(headers: [MMSHeader], body: MMSBody = .none) {
        self.headers = headers
        self.body = body
    }

    /// The first value of `field`.
    public subscript(field: MMSField) -> MMSHeader.Value? {
        headers.first { $0.field == field }?.value
    }

    /// The message type (the first header, §6).
    public var messageType: MMSMessageType? {
        guard case .token(let raw) = self[.messageType] else { return nil }
        return MMSMessageType(rawValue: raw & 0x7F)
    }

    /// The Content-Type header's value.
    public var contentType: WSPContentType? {
        guard case .contentType(let contentType) = self[.contentType] else { return nil }
        return contentType
    }

    // MARK: - Wire format

    /// Decodes an MMS PDU (an HTTP body from the MMSC, or the data of a WAP push).
    /// - Throws: ``MMSCodecError`` with the offset of the offending octet; never traps.
    public init(decoding bytes: [UInt8]) throws(MMSCodecError) {
        guard bytes.count <= MMSLimits.maximumPDUSize else {
            throw MMSCodecError(.lengthOutOfRange, offset: 0, reason: "PDU of \(bytes.count) octets")
        }
        var reader = WSPReader(bytes[...])
        var headers: [MMSHeader] = []
        var contentType: WSPContentType?
        while !reader.isAtEnd {
            guard headers.count < MMSLimits.maximumHeaders else {
                throw reader.error(.lengthOutOfRange, "more than \(MMSLimits.maximumHeaders) headers")
            }
            let header = try MMSHeader(reading: &reader)
            headers.append(header)
            if case .contentType(let value) = header.value {
                contentType = value
                break
            }
        }
        guard let first = headers.first, first.field == .messageType else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "the first header is not X-Mms-Message-Type")
        }
        let bodyOffset = reader.offset
        let rest = reader.readRest()
        if let contentType, contentType.isMultipart {
            self.init(headers: headers, body: .multipart(try WSPMultipart.decode(rest, origin: bodyOffset)))
        } else if contentType != nil {
            self.init(headers: headers, body: .single(Array(rest)))
        } else {
            self.init(headers: headers)
        }
    }

    /// Encodes the PDU, the inverse of ``init(decoding:)``.
    public func encoded() -> [UInt8] {
        var writer = WSPWriter()
        for header in headers { header.write(to: &writer) }
        switch body {
        case .none: break
        case .multipart(let parts): writer.append(contentsOf: WSPMultipart.encode(parts))
        case .single(let octets): writer.append(contentsOf: octets)
        }
        return writer.bytes
    }
}
