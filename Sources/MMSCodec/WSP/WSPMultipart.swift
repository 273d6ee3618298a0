/// One entry of a WSP multipart body (WAP-230-WSP §8.5.3): content type, headers and data.
public struct WSPPart: Hashable, Sendable {
    public var contentType: WSPContentType
    public var headers: [WSPHeader]
    /// The data as octets; for a nested multipart see ``nested``.
    public var data: [UInt8]

    public init(contentType: WSPContentType, headers: [WSPHeader] = [], data: [UInt8]) {
        self.contentType = contentType
        self.headers = headers
        self.data = data
    }

    /// A text part in `charset` (UTF-8 unless given), with the charset parameter set (OMA-TS-MMS_CONF: text parts
    /// name their charset).
    /// - Returns: `nil` when `charset` cannot represent `text` or is unknown.
    public static func text(
        _ text: String,
        contentType: String = "text/plain",
        charset: Charset = .utf8,
        headers: [WSPHeader] = []
    ) -> WSPPart? {
        guard let octets = charset.encode(text) else { return nil }
        return WSPPart(
            contentType: WSPContentType(contentType, parameters: [.charset(charset)]),
            headers: headers,
            data: octets
        )
    }

    /// Content-Location (0x0E) of the part, the name SMIL refers to.
    public var contentLocation: String? { headers.first { $0.name == .wellKnown(0x0E) }?.textValue }

    /// Content-ID (0x40) of the part, with its angle brackets if the sender wrote them.
    public var contentID: String? { headers.first { $0.name == .wellKnown(0x40) }?.textValue }

    /// The name of the part: the content type's `name` parameter, else its Content-Location.
    public var fileName: String? { contentType.parameter("name") ?? contentLocation }

    /// Whether the part is text (text/*) such as text/plain or SMIL (application/smil is not text/*).
    public var isText: Bool { contentType.name.lowercased().hasPrefix("text/") }

    /// The text of a text part, decoded in its charset (US-ASCII when none is named, read leniently).
    /// `nil` when the charset is not one this codec knows or the octets are invalid in it.
    public var text: String? {
        guard let charset = contentType.charset else { return Charset.decodeLenient(data) }
        return charset.decode(data)
    }

    /// The parts of a nested multipart part; `nil` when this part is not multipart.
    /// - Throws: ``MMSCodecError`` when the nested body is malformed.
    public func nested() throws(MMSCodecError) -> [WSPPart]? {
        guard contentType.isMultipart else { return nil }
        return try WSPMultipart.decode(data)
    }
}

/// The WSP multipart body (WAP-230-WSP §8.5): how MMS carries multipart/related and multipart/mixed.
///
/// ```
/// nEntries     uintvar
/// per entry:   HeadersLen uintvar, DataLen uintvar, ContentType, Headers (HeadersLen − ContentType), Data
/// ```
public enum WSPMultipart {
    /// Decodes a multipart body.
    /// - Throws: ``MMSCodecError``. Nested multipart parts stay octets (see ``WSPPart/nested()``), so hostile nesting
    ///   costs no stack.
    public static func decode(_ bytes: [UInt8]) throws(MMSCodecError) -> [WSPPart] {
        try decode(bytes[...], origin: 0)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, origin: Int) throws(MMSCodecError) -> [WSPPart] {
        var reader = WSPReader(bytes, origin: origin)
        let countOffset = reader.offset
        let count = Int(try reader.readUIntVar("nEntries"))
        // Each entry takes at least three octets (two uintvars and a content type), so a count beyond that is a lie.
        guard count <= MMSLimits.maximumParts, count <= reader.remaining / 3 + 1 else {
            throw MMSCodecError(
                .lengthOutOfRange,
                offset: countOffset,
                reason: "nEntries \(count) for \(reader.remaining) octets"
            )
        }
        var parts: [WSPPart] = []
        for _ in 0..<count {
            let headersLength = try reader.readUIntVarLength("HeadersLen")
            let dataLength = try reader.readUIntVar("DataLen")
            var headers = try reader.subReader(headersLength, "part headers")
            let data = try reader.readBytes(Int(dataLength), "part data")
            let contentType = try WSPContentType(reading: &headers)
            // A nested multipart stays octets until ``WSPPart/nested()`` is asked: decoding never recurses.
            parts.append(WSPPart(contentType: contentType, headers: try WSPHeader.readAll(&headers), data: Array(data)))
        }
        // Trailing octets after the last entry are ignored, as receivers do (they carry nothing addressable).
        return parts
    }

    /// Encodes `parts` as a multipart body, the inverse of ``decode(_:)``.
    public static func encode(_ parts: [WSPPart]) -> [UInt8] {
        var writer = WSPWriter()
        writer.writeUIntVar(UInt32(clamping: parts.count))
        for part in parts {
            var headers = WSPWriter()
            part.contentType.write(to: &headers)
            for header in part.headers { header.write(to: &headers) }
            writer.writeUIntVar(UInt32(clamping: headers.bytes.count))
            writer.writeUIntVar(UInt32(clamping: part.data.count))
            writer.append(contentsOf: headers.bytes)
            writer.append(contentsOf: part.data)
        }
        return writer.bytes
    }
}
