/// A WSP Content-type value (WAP-230-WSP §8.4.2.24): a media type, well-known or text, and its parameters.
///
/// `Content-type-value = Constrained-media | Content-general-form`; `Content-general-form = Value-length
/// Media-type`; `Media-type = (Well-known-media | Extension-Media) *(Parameter)`.
public struct WSPContentType: Hashable, Sendable, CustomStringConvertible {
    /// The media type as the wire carries it.
    public enum Media: Hashable, Sendable {
        /// An assigned number (WAP-230-WSP Table 40 / OMNA content types).
        case wellKnown(UInt32)
        /// A media type as text (Extension-media).
        case text(String)
    }

    public var media: Media
    public var parameters: [WSPParameter]

    /// A content type from its wire parts.
    public init(media: Media, parameters: [WSPParameter] = []) {
        self.media = media
        self.parameters = parameters
    }

    /// A content type by name: the assigned number when the name has one, else the text.
    public init(_ name: String, parameters: [WSPParameter] = []) {
        if let code = WellKnown.contentTypeCodes[name.lowercased()] {
            self.init(media: .wellKnown(code), parameters: parameters)
        } else {
            self.init(media: .text(name), parameters: parameters)
        }
    }

    /// The media type's name ("application/vnd.wap.multipart.related"); an unassigned number reads "0x…".
    public var name: String {
        switch media {
        case .text(let text): return text
        case .wellKnown(let code): return WellKnown.contentTypes[code] ?? "0x" + String(code, radix: 16)
        }
    }

    /// The charset parameter, if any.
    public var charset: Charset? {
        for parameter in parameters {
            if case .charset(let charset) = parameter { return charset }
        }
        return nil
    }

    /// The value of the text or integer parameter named `name` (well-known or untyped).
    public func parameter(_ name: String) -> String? {
        for parameter in parameters where parameter.name == name { return parameter.valueText }
        return nil
    }

    public var description: String {
        ([name] + parameters.map { "\($0.name)=\($0.valueText)" }).joined(separator: "; ")
    }

    /// Whether the body is a WSP multipart (§8.5): application/vnd.wap.multipart.* or multipart/*.
    public var isMultipart: Bool {
        let name = name.lowercased()
        return name.hasPrefix("application/vnd.wap.multipart.") || name.hasPrefix("multipart/")
    }

    // MARK: - Wire format

    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let first = try reader.peek("content-type")
        if first & 0x80 != 0 {
            self.init(media: .wellKnown(UInt32(try reader.readShortInteger("content-type"))))
        } else if first >= 0x20 {
            self.init(media: .text(try reader.readTextString("content-type")))
        } else {
            let length = try reader.readValueLength("content-type length")
            var value = try reader.subReader(length, "content-type")
            let mediaFirst = try value.peek("media-type")
            let media: Media
            if mediaFirst >= 0x20 && mediaFirst < 0x80 || mediaFirst == 0 {
                media = .text(try value.readTextString("media-type"))
            } else {
                let start = value.offset
                guard let code = UInt32(exactly: try value.readIntegerValue("media-type")) else {
                    throw MMSCodecError(.lengthOutOfRange, offset: start, reason: "media-type number above 32 bits")
                }
                media = .wellKnown(code)
            }
            var parameters: [WSPParameter] = []
            while !value.isAtEnd {
                guard parameters.count < MMSLimits.maximumHeaders else {
                    throw value.error(.lengthOutOfRange, "more than \(MMSLimits.maximumHeaders) parameters")
                }
                parameters.append(try WSPParameter(reading: &value))
            }
            self.init(media: media, parameters: parameters)
        }
    }

    func write(to writer: inout WSPWriter) {
        if parameters.isEmpty {
            switch media {
            case .wellKnown(let code) where code < 0x80:
                writer.writeShortInteger(UInt8(code))
                return
            case .text(let text) where !text.isEmpty:
                writer.writeTextString(text)
                return
            case .wellKnown, .text: break
            }
        }
        writer.writeWithValueLength { inner in
            switch media {
            case .wellKnown(let code): inner.writeIntegerValue(UInt64(code))
            case .text(let text): inner.writeTextString(text)
            }
            for parameter in parameters { parameter.write(to: &inner) }
        }
    }
}

/// A content-type parameter (WAP-230-WSP §8.4.2.4): typed by an assigned number, or untyped with a text name.
public enum WSPParameter: Hashable, Sendable {
    /// Charset (0x01): Well-known-charset.
    case charset(Charset)
    /// Any other well-known parameter: its number and value (integer or text).
    case typed(UInt8, WSPParameterValue)
    /// `Untyped-parameter = Token-text Untyped-value`.
    case untyped(String, WSPParameterValue)

    /// The multipart/related `type` parameter (0x09 in WSP 1.3, Constrained-encoding), as text.
    public static func type(_ value: String) -> WSPParameter { .typed(0x09, .text(value)) }
    /// The multipart/related `start` parameter (0x0A in WSP 1.3, Text-string).
    public static func start(_ value: String) -> WSPParameter { .typed(0x0A, .text(value)) }
    /// The `name` parameter (0x05 in WSP 1.3, Text-string).
    public static func name(_ value: String) -> WSPParameter { .typed(0x05, .text(value)) }

    /// The parameter's name ("charset", "type", "start", …).
    public var name: String {
        switch self {
        case .charset: return "charset"
        case .typed(let code, _): return WellKnown.parameters[code] ?? "0x" + String(code, radix: 16)
        case .untyped(let name, _): return name
        }
    }

    /// The value as text (numbers in decimal; a content type number by its name for `type`).
    public var valueText: String {
        switch self {
        case .charset(let charset): return charset.description
        case .typed(let code, let value):
            if code == 0x09 || code == 0x03, case .integer(let number) = value, let number = UInt32(exactly: number),
                let name = WellKnown.contentTypes[number]
            {
                return name
            }
            return value.text
        case .untyped(_, let value): return value.text
        }
    }

    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let first = try reader.peek("parameter")
        if first >= 0x20 && first < 0x80 {
            let name = try reader.readTextString("parameter name")
            self = .untyped(name, try WSPParameterValue(reading: &reader))
            return
        }
        let start = reader.offset
        guard let code = UInt8(exactly: try reader.readIntegerValue("parameter")) else {
            throw MMSCodecError(.unsupported, offset: start, reason: "parameter number above 255")
        }
        if code == 0x01 {
            // Well-known-charset = Any-charset (0x80) | Integer-value (§8.4.2.8).
            let at = reader.offset
            guard let mib = UInt32(exactly: try reader.readIntegerValue("charset")) else {
                throw MMSCodecError(.lengthOutOfRange, offset: at, reason: "charset above 32 bits")
            }
            self = .charset(Charset(rawValue: mib))
        } else if code == 0x00 {
            // Q-value is a uintvar (§8.4.2.3), the only parameter value that is neither integer nor text.
            self = .typed(code, .integer(UInt64(try reader.readUIntVar("q-value"))))
        } else {
            self = .typed(code, try WSPParameterValue(reading: &reader))
        }
    }

    func write(to writer: inout WSPWriter) {
        switch self {
        case .charset(let charset):
            writer.writeShortInteger(0x01)
            writer.writeIntegerValue(UInt64(charset.rawValue))
        case .typed(let code, let value):
            writer.writeIntegerValue(UInt64(code))
            if code == 0x00, case .integer(let q) = value {
                writer.writeUIntVar(UInt32(clamping: q))
            } else {
                value.write(to: &writer)
            }
        case .untyped(let name, let value):
            // An empty Token-text as a bare NUL would read back as a typed parameter; Quote it (§8.4.2.1).
            if name.isEmpty { writer.append(0x7F) }
            writer.writeTextString(name)
            value.write(to: &writer)
        }
    }
}

/// A parameter value: `Integer-value | Text-value` (WAP-230-WSP §8.4.2.4; Date and Delta-seconds are integers).
public enum WSPParameterValue: Hashable, Sendable {
    case integer(UInt64)
    /// Token-text, or No-value (empty).
    case text(String)
    /// Quoted-string (the text without its quotes).
    case quoted(String)

    public var text: String {
        switch self {
        case .integer(let value): return String(value)
        case .text(let text), .quoted(let text): return text
        }
    }

    init(reading reader: inout WSPReader) throws(MMSCodecError) {
        let first = try reader.peek("parameter value")
        switch first {
        case 0x80...: self = .integer(UInt64(try reader.readShortInteger("parameter value")))
        case 0x01...0x1E: self = .integer(try reader.readLongInteger("parameter value"))
        case 0x22: self = .quoted(try reader.readQuotedString("parameter value"))
        case 0x00, 0x20...0x7F: self = .text(try reader.readTextString("parameter value"))
        default: throw reader.error(.invalidValue, "parameter value starts with 0x\(hex(first))")
        }
    }

    func write(to writer: inout WSPWriter) {
        switch self {
        case .integer(let value): writer.writeIntegerValue(value)
        case .text(let text) where text.utf8.first == 0x22:
            // A text starting with a quote would read back as a quoted-string; Quote it (§8.4.2.1).
            writer.append(0x7F)
            writer.writeTextString(text)
        case .text(let text): writer.writeTextString(text)
        case .quoted(let text): writer.writeQuotedString(text)
        }
    }
}
