import Testing

@testable import MMSCodec

/// Known vectors of the WSP basic rules (WAP-230-WSP §8.4.2), both ways.
@Suite struct WSPEncodingTests {
    static func write(_ build: (inout WSPWriter) -> Void) -> [UInt8] {
        var writer = WSPWriter()
        build(&writer)
        return writer.bytes
    }

    @Test func shortAndLongIntegers() throws {
        #expect(Self.write { $0.writeShortInteger(0x12) } == [0x92])
        #expect(Self.write { $0.writeLongInteger(0) } == [0x01, 0x00])
        #expect(Self.write { $0.writeLongInteger(96857) } == [0x03, 0x01, 0x7A, 0x59])
        #expect(Self.write { $0.writeIntegerValue(127) } == [0xFF])
        #expect(Self.write { $0.writeIntegerValue(128) } == [0x01, 0x80])
        var reader = WSPReader([0x03, 0x01, 0x7A, 0x59, 0x92][...])
        #expect(try reader.readIntegerValue("test") == 96857)
        #expect(try reader.readIntegerValue("test") == 0x12)
        #expect(reader.isAtEnd)
    }

    @Test func valueLengthUsesLengthQuoteAbove30() throws {
        #expect(Self.write { $0.writeValueLength(30) } == [30])
        #expect(Self.write { $0.writeValueLength(200) } == [31, 0x81, 0x48])
        var reader = WSPReader(([31, 0x81, 0x48] + [UInt8](repeating: 0x41, count: 200))[...])
        #expect(try reader.readValueLength("test") == 200)
    }

    @Test func textStringsQuoteATopBitFirstOctet() throws {
        #expect(Self.write { $0.writeTextString("ab") } == [0x61, 0x62, 0x00])
        #expect(Self.write { $0.writeTextString("é") } == [0x7F, 0xC3, 0xA9, 0x00])
        #expect(Self.write { $0.writeQuotedString("<a>") } == [0x22, 0x3C, 0x61, 0x3E, 0x00])
        var reader = WSPReader([0x7F, 0xC3, 0xA9, 0x00, 0x22, 0x78, 0x00][...])
        #expect(try reader.readTextString("test") == "é")
        #expect(try reader.readQuotedString("test") == "x")
    }

    /// OMA-TS-MMS_ENC §7.2.9: Value-length Char-set Text-string; 0xEA is UTF-8 (MIBenum 106).
    @Test func encodedStringValueWithCharset() throws {
        let value = EncodedStringValue("Grüße")
        var writer = WSPWriter()
        value.write(to: &writer)
        #expect(writer.bytes == [0x09, 0xEA] + Array("Grüße".utf8) + [0x00])
        var reader = WSPReader(writer.bytes[...])
        let decoded = try EncodedStringValue(reading: &reader)
        #expect(decoded == value)
        #expect(decoded.text == "Grüße")
        // UCS-2 (MIBenum 1000) is a long-integer charset: 0x02 0x03 0xE8.
        var ucs2 = WSPReader([0x06, 0x02, 0x03, 0xE8, 0x00, 0x41, 0x00][...])
        let wide = try EncodedStringValue(reading: &ucs2)
        #expect(wide.charset == .ucs2)
        #expect(wide.text == "A")
    }

    /// A charset whose long-integer takes 3 or 4 octets is written with a leading zero octet, so that its length
    /// octet is not read back as the top-bit-less short-integer ISO-8859-1 (4) or US-ASCII (3) (found by FuzzMMS).
    @Test func unknownWideCharsetsStayUnambiguous() throws {
        for raw: UInt32 in [0x0001_0000, 0xFFFF_FFFF] {
            let value = EncodedStringValue(charset: Charset(rawValue: raw), octets: [0x41])
            var writer = WSPWriter()
            value.write(to: &writer)
            #expect(writer.bytes[1] == 5)
            var reader = WSPReader(writer.bytes[...])
            #expect(try EncodedStringValue(reading: &reader) == value)
        }
        var tooWide = WSPReader([0x08, 0x06, 0x29, 0x33, 0x37, 0x30, 0x37, 0x35, 0x00][...])
        #expect(throws: MMSCodecError(.lengthOutOfRange, offset: 0, reason: "")) {
            try EncodedStringValue(reading: &tooWide)
        }
    }

    @Test func charsetsDecodeTextParts() {
        #expect(Charset.iso8859_1.decode([0x47, 0xFC]) == "Gü")
        #expect(Charset.usASCII.decode([0x41, 0xC3]) == nil)
        #expect(Charset.utf16.decode([0xFF, 0xFE, 0x41, 0x00]) == "A")
        #expect(Charset.utf16.decode([0x00, 0x41]) == "A")
        #expect(Charset.ucs2.decode([0x00, 0xE9]) == "é")
        #expect(Charset(rawValue: 2026).decode([0x41]) == nil)
        #expect(Charset.ucs2.encode("😀") == nil)
        #expect(Charset.utf16LE.encode("A") == [0x41, 0x00])
    }

    /// WAP-230-WSP §8.4.2.24: the general form carries parameters; without them, a short-integer suffices.
    @Test func contentTypes() throws {
        let related = WSPContentType(
            "application/vnd.wap.multipart.related",
            parameters: [.start("<smil>"), .type("application/smil")]
        )
        var writer = WSPWriter()
        related.write(to: &writer)
        let expected: [UInt8] =
            [0x1B, 0xB3, 0x8A] + Array("<smil>".utf8) + [0x00, 0x89] + Array("application/smil".utf8) + [0x00]
        #expect(writer.bytes == expected)
        var reader = WSPReader(writer.bytes[...])
        let decoded = try WSPContentType(reading: &reader)
        #expect(decoded == related)
        #expect(decoded.isMultipart)
        #expect(decoded.parameter("start") == "<smil>")
        #expect(decoded.parameter("type") == "application/smil")

        let text = WSPContentType("text/plain", parameters: [.charset(.utf8)])
        writer = WSPWriter()
        text.write(to: &writer)
        #expect(writer.bytes == [0x03, 0x83, 0x81, 0xEA])
        #expect(WSPContentType("image/jpeg").media == .wellKnown(0x1E))
        #expect(WSPContentType("application/smil").media == .text("application/smil"))
    }

    @Test func untypedParametersAndQuotedValues() throws {
        let contentType = WSPContentType(
            media: .text("image/x-thing"),
            parameters: [
                .untyped("x-a", .quoted("q")), .untyped("x-b", .integer(300)), .typed(0x00, .integer(1000)),
                .untyped("", .text("")), .untyped("\u{05}", .quoted("\u{7F}")),
            ]
        )
        var writer = WSPWriter()
        contentType.write(to: &writer)
        var reader = WSPReader(writer.bytes[...])
        #expect(try WSPContentType(reading: &reader) == contentType)
    }

    @Test func headerCodePageShiftIsUnsupported() {
        var reader = WSPReader([0x7F, 0x02][...])
        #expect(throws: MMSCodecError(.unsupported, offset: 0, reason: "")) { try WSPHeader(reading: &reader) }
    }

    @Test func lengthsBeyondTheInputAreRejectedWithOffsets() {
        var reader = WSPReader([0x00, 0x1F, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F][...], origin: 10)
        _ = try? reader.readOctet("skip")
        do {
            _ = try reader.readValueLength("test")
            Issue.record("no error")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.offset == 11)
        }
        var long = WSPReader(([0x1E] + [UInt8](repeating: 0xFF, count: 30))[...])
        #expect(throws: MMSCodecError(.lengthOutOfRange, offset: 0, reason: "")) {
            try long.readLongInteger("test")
        }
        var badLength = WSPReader([0x00][...])
        #expect(throws: MMSCodecError(.invalidValue, offset: 0, reason: "")) { try badLength.readLongInteger("test") }
    }
}
