import Testing

@testable import MMSCodec

/// The eight PDUs round-trip; hand-built vectors follow OMA-TS-MMS_ENC §6–§7; hostile inputs fail with typed errors.
@Suite struct MMSMessageTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0xFF, 0xD9]
    static let smil = """
        <smil><body><par dur="5000ms"><img src="picture.jpg"/><text src="text.txt"/></par></body></smil>
        """

    static func content() throws -> MMSContent {
        let smilPart = WSPPart(
            contentType: WSPContentType("application/smil"),
            headers: [.contentID("<smil>"), .contentLocation("smil.xml")],
            data: Array(smil.utf8)
        )
        let text = try #require(WSPPart.text("Grüße aus Köln", headers: [.contentLocation("text.txt")]))
        let image = WSPPart(
            contentType: WSPContentType("image/jpeg", parameters: [.name("picture.jpg")]),
            headers: [.contentLocation("picture.jpg")],
            data: jpeg
        )
        return .multipart([smilPart, text, image], smilStart: "<smil>")
    }

    static func messages() throws -> [MMSMessage] {
        let content = try content()
        return [
            .sendReq(
                MMSSendReq(
                    transactionID: "T1",
                    to: [EncodedStringValue("+15550000099/TYPE=PLMN")],
                    subject: EncodedStringValue("Bild"),
                    messageClass: .personal,
                    expiry: .relative(86400),
                    deliveryReport: true,
                    readReport: false,
                    content: content
                )
            ),
            .sendConf(MMSSendConf(transactionID: "T1", responseStatus: MMSSendConf.statusOK, messageID: "M-1")),
            .notificationInd(
                MMSNotificationInd(
                    transactionID: "T2",
                    from: EncodedStringValue("+15550000099/TYPE=PLMN"),
                    subject: EncodedStringValue("Ça va"),
                    messageSize: 1234,
                    expiry: .absolute(1_800_000_000),
                    contentLocation: "http://mmsc.example/m/1"
                )
            ),
            .notifyRespInd(MMSNotifyRespInd(transactionID: "T2", status: MMSNotifyRespInd.statusDeferred)),
            .retrieveConf(
                MMSRetrieveConf(
                    transactionID: "T3",
                    messageID: "M-2",
                    date: 1_700_000_000,
                    from: EncodedStringValue("+15550000099/TYPE=PLMN"),
                    to: [EncodedStringValue("+15550000001/TYPE=PLMN"), EncodedStringValue("a@example.org")],
                    cc: [EncodedStringValue("b@example.org")],
                    subject: EncodedStringValue("echo"),
                    content: content
                )
            ),
            .acknowledgeInd(MMSAcknowledgeInd(transactionID: "T3", reportAllowed: true)),
            .deliveryInd(
                MMSDeliveryInd(
                    messageID: "M-1",
                    to: EncodedStringValue("+15550000099/TYPE=PLMN"),
                    date: 1_700_000_100,
                    status: 0x01
                )
            ),
            .readOrigInd(
                MMSReadOrigInd(
                    messageID: "M-1",
                    to: EncodedStringValue("+15550000001/TYPE=PLMN"),
                    from: EncodedStringValue("+15550000099/TYPE=PLMN"),
                    date: 1_700_000_200,
                    readStatus: 0x00
                )
            ),
        ]
    }

    @Test func everyPDURoundTrips() throws {
        for message in try Self.messages() {
            let bytes = message.encoded()
            let decoded = try MMSMessage(decoding: bytes)
            #expect(decoded == message)
            #expect(decoded.encoded() == bytes)
            #expect(try MMSPDU(decoding: bytes).encoded() == bytes)
        }
    }

    /// m-notifyresp-ind (§6.2): Message-Type 0x83, Transaction-Id, MMS-Version 1.2, X-Mms-Status Retrieved.
    @Test func notifyRespVector() throws {
        let message = MMSMessage.notifyRespInd(MMSNotifyRespInd(transactionID: "abc", status: 0x01))
        let bytes: [UInt8] = [0x8C, 0x83, 0x98, 0x61, 0x62, 0x63, 0x00, 0x8D, 0x92, 0x95, 0x81]
        #expect(message.encoded() == bytes)
        #expect(try MMSMessage(decoding: bytes) == message)
    }

    /// m-acknowledge-ind (§6.4) with X-Mms-Report-Allowed Yes (0x80).
    @Test func acknowledgeVector() throws {
        let bytes: [UInt8] = [0x8C, 0x85, 0x98, 0x31, 0x00, 0x8D, 0x92, 0x91, 0x80]
        #expect(
            try MMSMessage(decoding: bytes)
                == .acknowledgeInd(MMSAcknowledgeInd(transactionID: "1", reportAllowed: true))
        )
    }

    /// m-send-req starts with Message-Type, Transaction-Id, MMS-Version (§6.1.1) and, without a sender, carries
    /// From as Insert-address-token (§7.3.21: 0x89 0x01 0x81); Content-Type is last and the body follows it.
    @Test func sendReqLayout() throws {
        let message = try Self.messages()[0]
        let bytes = message.encoded()
        #expect(Array(bytes.prefix(7)) == [0x8C, 0x80, 0x98, 0x54, 0x31, 0x00, 0x8D])
        let pdu = try MMSPDU(decoding: bytes)
        #expect(pdu[.from] == .from(nil))
        #expect(bytes.contains([0x89, 0x01, 0x81]))
        #expect(pdu.headers.last?.field == .contentType)
        #expect(pdu.contentType?.name == "application/vnd.wap.multipart.related")
    }

    @Test func multipartPartsKeepTheirCharsetsAndMedia() throws {
        guard case .retrieveConf(let conf) = try MMSMessage(decoding: try Self.messages()[4].encoded()) else {
            Issue.record("not a retrieve-conf")
            return
        }
        let parts = conf.content.parts
        #expect(parts.count == 3)
        #expect(parts[0].contentID == "<smil>")
        #expect(parts[0].text == Self.smil)
        #expect(parts[1].isText)
        #expect(parts[1].contentType.charset == .utf8)
        #expect(parts[1].text == "Grüße aus Köln")
        #expect(parts[2].data == Self.jpeg)
        #expect(parts[2].fileName == "picture.jpg")
        #expect(conf.content.contentType.parameter("start") == "<smil>")
        #expect(conf.to.map(\.text) == ["+15550000001/TYPE=PLMN", "a@example.org"])
    }

    @Test func textPartsInOtherCharsets() throws {
        let latin1 = try #require(WSPPart.text("Größe", charset: .iso8859_1))
        #expect(latin1.data == [0x47, 0x72, 0xF6, 0xDF, 0x65])
        let utf16 = WSPPart(
            contentType: WSPContentType("text/plain", parameters: [.charset(.utf16)]),
            data: [0xFE, 0xFF, 0x00, 0x48, 0x00, 0x69]
        )
        let ascii = try #require(WSPPart.text("plain", charset: .usASCII))
        let body = WSPMultipart.encode([latin1, utf16, ascii])
        let parts = try WSPMultipart.decode(body)
        #expect(parts.map(\.text) == ["Größe", "Hi", "plain"])
        #expect(parts[1].contentType.charset?.rawValue == 1015)
        #expect(WSPPart.text("😀", charset: .usASCII) == nil)
    }

    @Test func pushOfAnMMSPDURoundTrips() throws {
        let pdu = try Self.messages()[2].encoded()
        let push = WSPPush.mms(transactionID: 7, pdu: pdu)
        let bytes = push.encoded()
        #expect(Array(bytes.prefix(6)) == [0x07, 0x06, 0x03, 0xBE, 0xAF, 0x84])
        let decoded = try WSPPush(decoding: bytes)
        #expect(decoded == push)
        #expect(decoded.applicationID == "x-wap-application:mms.ua")
    }

    // MARK: - Hostile input

    @Test func pushWithAnotherPDUTypeIsUnsupported() {
        do {
            _ = try WSPPush(decoding: [0x01, 0x04, 0x00])
            Issue.record("no error")
        } catch {
            #expect(error.code == .unsupported)
            #expect(error.offset == 1)
        }
    }

    @Test func hugeLengthsAreRejected() {
        // HeadersLen of 2^32−1 in a 9-octet push.
        #expect(throws: MMSCodecError(.truncated, offset: 0, reason: "")) {
            try WSPPush(decoding: [0x01, 0x06, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0xBE, 0x00])
        }
        // nEntries far beyond what the octets can hold.
        #expect(throws: MMSCodecError(.lengthOutOfRange, offset: 0, reason: "")) {
            try WSPMultipart.decode([0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0x00])
        }
        // A part whose DataLen runs past the end.
        #expect(throws: MMSCodecError(.truncated, offset: 0, reason: "")) {
            try WSPMultipart.decode([0x01, 0x01, 0x8F, 0x7F, 0x83, 0x41])
        }
        // A uintvar of six octets.
        #expect(throws: MMSCodecError(.lengthOutOfRange, offset: 0, reason: "")) {
            try WSPMultipart.decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        }
    }

    @Test func missingMandatoryHeadersAreNamed() {
        // m-notification-ind without Content-Location.
        let bytes: [UInt8] = [0x8C, 0x82, 0x98, 0x31, 0x00, 0x8D, 0x92, 0x8E, 0x01, 0x10, 0x88, 0x03, 0x81, 0x01, 0x10]
        #expect(throws: MMSCodecError(.missingHeader, offset: 0, reason: "")) { try MMSMessage(decoding: bytes) }
        // Headers without Message-Type first.
        #expect(throws: MMSCodecError(.missingHeader, offset: 0, reason: "")) {
            try MMSPDU(decoding: [0x98, 0x31, 0x00, 0x8C, 0x82])
        }
    }

    /// Multipart inside multipart, 2 000 levels deep: decoding never recurses, and one level opens on request.
    @Test func deepNestingCostsNoStack() throws {
        var body = WSPMultipart.encode([WSPPart(contentType: WSPContentType("text/plain"), data: [0x41])])
        for _ in 0..<2000 {
            body = WSPMultipart.encode([WSPPart(contentType: WSPContentType(media: .wellKnown(0x23)), data: body)])
        }
        let parts = try WSPMultipart.decode(body)
        #expect(parts.count == 1)
        let inner = try #require(try parts[0].nested())
        #expect(inner.count == 1)
        #expect(inner[0].contentType.isMultipart)
    }

    /// A header in a form its clause does not give (Priority with a value-length), repeated, and an unassigned
    /// Message-Class token stay in `otherHeaders`: the typed value survives encode → decode unchanged (found by
    /// FuzzMMS).
    @Test func headersInAnotherFormStayInOtherHeaders() throws {
        let bytes = hex(
            "8C82983100" + "8D90" + "8F0186" + "8A84" + "8E024000" + "88048102F480" + "8378"
                + "00" + "8F0186" + "8F81"
        )
        let message = try MMSMessage(decoding: bytes)
        guard case .notificationInd(let notification) = message else {
            Issue.record("not a notification")
            return
        }
        #expect(notification.priority == 0x01)
        #expect(notification.messageClass == .unassigned(0x04))
        #expect(notification.otherHeaders.count == 2)
        #expect(try MMSMessage(decoding: message.encoded()) == message)
    }

    /// Insert-address-token outside m-send-req stays a header of its own, and is written once (found by FuzzMMS).
    @Test func insertAddressOutsideSendReqIsKeptOnce() throws {
        let original = MMSMessage.readOrigInd(
            MMSReadOrigInd(messageID: "M", to: EncodedStringValue("+1"), from: nil, date: 1, readStatus: 0)
        )
        let bytes = original.encoded()
        #expect(!bytes.contains([0x89, 0x01, 0x81]))
        let withInsert = try MMSMessage(decoding: bytes + [0x89, 0x01, 0x81])
        let again = try MMSMessage(decoding: withInsert.encoded())
        #expect(again == withInsert)
        #expect(again.encoded().count == bytes.count + 3)
    }

    /// The input FuzzMMS first stopped on: decode → encode → decode must give the same typed value.
    @Test func fuzzFindingIsStable() throws {
        let bytes = hex(
            "8c82984f67514b010101010101010101010101010101014b42008d9089088045726f446563008f0186818a807073008a84"
                + "8e0240008805810303f48083577474703a2f2f657073332e64652f4f2f5a39495a86818a808e03017a598805810303f4"
                + "808368747470a0a0a0a0a0a0a000ff008f0186818a808e4f00"
        )
        let message = try MMSMessage(decoding: bytes)
        #expect(try MMSMessage(decoding: message.encoded()) == message)
    }

    func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    /// Pseudo-random octets through every decoder: a decoded value re-encodes to octets that decode to it again.
    @Test func randomInputIsStable() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let seeds = (try? Self.messages().map { $0.encoded() }) ?? []
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0, !seeds.isEmpty {
                bytes = seeds[round / 2 % seeds.count]
                for _ in 0..<(1 + Int(next() % 4)) {
                    bytes[Int(next()) % bytes.count] = next()
                }
            } else {
                bytes = (0..<Int(next() % 64)).map { _ in next() }
            }
            if let pdu = try? MMSPDU(decoding: bytes) {
                #expect((try? MMSPDU(decoding: pdu.encoded())) == pdu)
            }
            if let message = try? MMSMessage(decoding: bytes) {
                #expect((try? MMSMessage(decoding: message.encoded())) == message)
            }
            if let push = try? WSPPush(decoding: bytes) {
                #expect((try? WSPPush(decoding: push.encoded())) == push)
            }
            if let parts = try? WSPMultipart.decode(bytes) {
                #expect((try? WSPMultipart.decode(WSPMultipart.encode(parts))) == parts)
            }
        }
    }
}
