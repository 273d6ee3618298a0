/// m-notification-ind (OMA-TS-MMS_ENC §6.2): the MMSC tells the client that a message waits at `contentLocation`.
public struct MMSNotificationInd: Hashable, Sendable {
    public var transactionID: String
    public var version: MMSVersion
    /// The sender, or `nil` when hidden or not given.
    public var from: EncodedStringValue?
    public var subject: EncodedStringValue?
    public var messageClass: MMSMessageClass
    /// The size of the message in octets.
    public var messageSize: UInt64
    public var expiry: MMSTime
    public var contentLocation: String
    public var priority: UInt8?
    public var deliveryReport: Bool?
    public var otherHeaders: [MMSHeader]

    public init(
        transactionID: String,
        version: MMSVersion = .v1_2,
        from: EncodedStringValue? = nil,
        subject: EncodedStringValue? = nil,
        messageClass: MMSMessageClass = .personal,
        messageSize: UInt64,
        expiry: MMSTime,
        contentLocation: String,
        priority: UInt8? = nil,
        deliveryReport: Bool? = nil,
        otherHeaders: [MMSHeader] = []
    ) {
        self.transactionID = transactionID
        self.version = version
        self.from = from
        self.subject = subject
        self.messageClass = messageClass
        self.messageSize = messageSize
        self.expiry = expiry
        self.contentLocation = contentLocation
        self.priority = priority
        self.deliveryReport = deliveryReport
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        transactionID = try fields.requireText(.transactionID, "X-Mms-Transaction-ID")
        version = try fields.version()
        from = fields.fromAddress()
        subject = fields.string(.subject)
        messageClass = fields.messageClass() ?? .personal
        guard let size = fields.integer(.messageSize) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "X-Mms-Message-Size is missing")
        }
        messageSize = size
        guard let expiry = fields.time(.expiry) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "X-Mms-Expiry is missing")
        }
        self.expiry = expiry
        contentLocation = try fields.requireText(.contentLocation, "X-Mms-Content-Location")
        priority = fields.token(.priority)
        deliveryReport = fields.yesNo(.deliveryReport)
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.notificationInd)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(.from, from.map { .from($0) })
        builder.add(.subject, string: subject)
        builder.add(.priority, token: priority)
        builder.add(yesNo: .deliveryReport, deliveryReport)
        builder.add(messageClass: messageClass)
        builder.add(.messageSize, integer: messageSize)
        builder.add(.expiry, time: expiry)
        builder.add(.contentLocation, text: contentLocation)
        return builder.pdu(other: otherHeaders)
    }
}

/// m-notifyresp-ind (§6.2): the client's answer to a notification; X-Mms-Status 0x80 Expired, 0x81 Retrieved,
/// 0x82 Rejected, 0x83 Deferred, 0x84 Unrecognised (§7.3.54), kept as the token without its top bit.
public struct MMSNotifyRespInd: Hashable, Sendable {
    public var transactionID: String
    public var version: MMSVersion
    public var status: UInt8
    public var reportAllowed: Bool?
    public var otherHeaders: [MMSHeader]

    public static let statusExpired: UInt8 = 0x00
    public static let statusRetrieved: UInt8 = 0x01
    public static let statusRejected: UInt8 = 0x02
    public static let statusDeferred: UInt8 = 0x03
    public static let statusUnrecognised: UInt8 = 0x04

    public init(
        transactionID: String,
        version: MMSVersion = .v1_2,
        status: UInt8,
        reportAllowed: Bool? = nil,
        otherHeaders: [MMSHeader] = []
    ) {
        self.transactionID = transactionID
        self.version = version
        self.status = status
        self.reportAllowed = reportAllowed
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        transactionID = try fields.requireText(.transactionID, "X-Mms-Transaction-ID")
        version = try fields.version()
        status = try fields.require(.status, "X-Mms-Status") { if case .token(let token) = $0 { token } else { nil } }
        reportAllowed = fields.yesNo(.reportAllowed)
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.notifyRespInd)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(.status, token: status)
        builder.add(yesNo: .reportAllowed, reportAllowed)
        return builder.pdu(other: otherHeaders)
    }
}

/// m-acknowledge-ind (§6.4): the client confirms a delivered m-retrieve-conf.
public struct MMSAcknowledgeInd: Hashable, Sendable {
    public var transactionID: String
    public var version: MMSVersion
    public var reportAllowed: Bool?
    public var otherHeaders: [MMSHeader]

    public init(
        transactionID: String,
        version: MMSVersion = .v1_2,
        reportAllowed: Bool? = nil,
        otherHeaders: [MMSHeader] = []
    ) {
        self.transactionID = transactionID
        self.version = version
        self.reportAllowed = reportAllowed
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        transactionID = try fields.requireText(.transactionID, "X-Mms-Transaction-ID")
        version = try fields.version()
        reportAllowed = fields.yesNo(.reportAllowed)
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.acknowledgeInd)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(yesNo: .reportAllowed, reportAllowed)
        return builder.pdu(other: otherHeaders)
    }
}

/// The content of a message: its Content-Type and body (multipart/related with SMIL, multipart/mixed, or one part).
public struct MMSContent: Hashable, Sendable {
    public var contentType: WSPContentType
    public var body: MMSBody

    public init(contentType: WSPContentType, body: MMSBody) {
        self.contentType = contentType
        self.body = body
    }

    /// multipart/related (application/vnd.wap.multipart.related, 0x33) with the SMIL part as `start` and `type`
    /// application/smil (OMA-TS-MMS_CONF §8.1), or multipart/mixed (0x23) without SMIL.
    public static func multipart(_ parts: [WSPPart], smilStart: String? = nil) -> MMSContent {
        guard let smilStart else {
            return MMSContent(contentType: WSPContentType(media: .wellKnown(0x23)), body: .multipart(parts))
        }
        return MMSContent(
            contentType: WSPContentType(
                media: .wellKnown(0x33),
                parameters: [.start(smilStart), .type("application/smil")]
            ),
            body: .multipart(parts)
        )
    }

    /// The parts (one pseudo-part for a single-part body).
    public var parts: [WSPPart] {
        switch body {
        case .none: return []
        case .multipart(let parts): return parts
        case .single(let octets): return [WSPPart(contentType: contentType, data: octets)]
        }
    }
}

/// m-retrieve-conf (§6.3): the message as the MMSC returns it to the GET of the notification's location.
public struct MMSRetrieveConf: Hashable, Sendable {
    public var transactionID: String?
    public var version: MMSVersion
    public var messageID: String?
    /// Seconds since 1970-01-01 UTC.
    public var date: UInt64
    public var from: EncodedStringValue?
    public var to: [EncodedStringValue]
    public var cc: [EncodedStringValue]
    public var subject: EncodedStringValue?
    public var messageClass: MMSMessageClass?
    public var priority: UInt8?
    public var deliveryReport: Bool?
    public var readReport: Bool?
    public var retrieveStatus: UInt8?
    public var retrieveText: EncodedStringValue?
    public var otherHeaders: [MMSHeader]
    public var content: MMSContent

    public init(
        transactionID: String? = nil,
        version: MMSVersion = .v1_2,
        messageID: String? = nil,
        date: UInt64,
        from: EncodedStringValue? = nil,
        to: [EncodedStringValue] = [],
        cc: [EncodedStringValue] = [],
        subject: EncodedStringValue? = nil,
        messageClass: MMSMessageClass? = nil,
        priority: UInt8? = nil,
        deliveryReport: Bool? = nil,
        readReport: Bool? = nil,
        retrieveStatus: UInt8? = nil,
        retrieveText: EncodedStringValue? = nil,
        otherHeaders: [MMSHeader] = [],
        content: MMSContent
    ) {
        self.transactionID = transactionID
        self.version = version
        self.messageID = messageID
        self.date = date
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.messageClass = messageClass
        self.priority = priority
        self.deliveryReport = deliveryReport
        self.readReport = readReport
        self.retrieveStatus = retrieveStatus
        self.retrieveText = retrieveText
        self.otherHeaders = otherHeaders
        self.content = content
    }

    init(_ fields: inout HeaderFields, body: MMSBody) throws(MMSCodecError) {
        transactionID = fields.text(.transactionID)
        version = try fields.version()
        messageID = fields.text(.messageID)
        guard let date = fields.integer(.date) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "Date is missing")
        }
        self.date = date
        from = fields.fromAddress()
        to = fields.strings(.to)
        cc = fields.strings(.cc)
        subject = fields.string(.subject)
        messageClass = fields.messageClass()
        priority = fields.token(.priority)
        deliveryReport = fields.yesNo(.deliveryReport)
        readReport = fields.yesNo(.readReport)
        retrieveStatus = fields.token(.retrieveStatus)
        retrieveText = fields.string(.retrieveText)
        let contentType = try fields.contentType()
        otherHeaders = fields.rest
        content = MMSContent(contentType: contentType, body: body)
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.retrieveConf)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(.messageID, text: messageID)
        builder.add(.date, integer: date)
        builder.add(.from, from.map { .from($0) })
        builder.add(.to, strings: to)
        builder.add(.cc, strings: cc)
        builder.add(.subject, string: subject)
        builder.add(messageClass: messageClass)
        builder.add(.priority, token: priority)
        builder.add(yesNo: .deliveryReport, deliveryReport)
        builder.add(yesNo: .readReport, readReport)
        builder.add(.retrieveStatus, token: retrieveStatus)
        builder.add(.retrieveText, string: retrieveText)
        return builder.pdu(other: otherHeaders, body: content.body, contentType: content.contentType)
    }
}

/// m-send-req (§6.1.1): a message the client posts to the MMSC. Without `from` the MMSC inserts the sender
/// (Insert-address-token, §7.3.21).
public struct MMSSendReq: Hashable, Sendable {
    public var transactionID: String
    public var version: MMSVersion
    public var date: UInt64?
    public var from: EncodedStringValue?
    public var to: [EncodedStringValue]
    public var cc: [EncodedStringValue]
    public var bcc: [EncodedStringValue]
    public var subject: EncodedStringValue?
    public var messageClass: MMSMessageClass?
    public var expiry: MMSTime?
    public var priority: UInt8?
    public var deliveryReport: Bool?
    public var readReport: Bool?
    public var otherHeaders: [MMSHeader]
    public var content: MMSContent

    public init(
        transactionID: String,
        version: MMSVersion = .v1_2,
        date: UInt64? = nil,
        from: EncodedStringValue? = nil,
        to: [EncodedStringValue],
        cc: [EncodedStringValue] = [],
        bcc: [EncodedStringValue] = [],
        subject: EncodedStringValue? = nil,
        messageClass: MMSMessageClass? = nil,
        expiry: MMSTime? = nil,
        priority: UInt8? = nil,
        deliveryReport: Bool? = nil,
        readReport: Bool? = nil,
        otherHeaders: [MMSHeader] = [],
        content: MMSContent
    ) {
        self.transactionID = transactionID
        self.version = version
        self.date = date
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.messageClass = messageClass
        self.expiry = expiry
        self.priority = priority
        self.deliveryReport = deliveryReport
        self.readReport = readReport
        self.otherHeaders = otherHeaders
        self.content = content
    }

    init(_ fields: inout HeaderFields, body: MMSBody) throws(MMSCodecError) {
        transactionID = try fields.requireText(.transactionID, "X-Mms-Transaction-ID")
        version = try fields.version()
        date = fields.integer(.date)
        from = try fields.requireFrom()
        to = fields.strings(.to)
        cc = fields.strings(.cc)
        bcc = fields.strings(.bcc)
        subject = fields.string(.subject)
        messageClass = fields.messageClass()
        expiry = fields.time(.expiry)
        priority = fields.token(.priority)
        deliveryReport = fields.yesNo(.deliveryReport)
        readReport = fields.yesNo(.readReport)
        let contentType = try fields.contentType()
        otherHeaders = fields.rest
        content = MMSContent(contentType: contentType, body: body)
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.sendReq)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(.date, integer: date)
        builder.add(.from, .from(from))
        builder.add(.to, strings: to)
        builder.add(.cc, strings: cc)
        builder.add(.bcc, strings: bcc)
        builder.add(.subject, string: subject)
        builder.add(messageClass: messageClass)
        builder.add(.expiry, time: expiry)
        builder.add(.priority, token: priority)
        builder.add(yesNo: .deliveryReport, deliveryReport)
        builder.add(yesNo: .readReport, readReport)
        return builder.pdu(other: otherHeaders, body: content.body, contentType: content.contentType)
    }
}

/// m-send-conf (§6.1.2): the MMSC's answer to m-send-req; X-Mms-Response-Status 0x80 is Ok (§7.3.48), kept as the
/// token without its top bit (0x00).
public struct MMSSendConf: Hashable, Sendable {
    public var transactionID: String
    public var version: MMSVersion
    public var responseStatus: UInt8
    public var responseText: EncodedStringValue?
    public var messageID: String?
    public var otherHeaders: [MMSHeader]

    public static let statusOK: UInt8 = 0x00

    public init(
        transactionID: String,
        version: MMSVersion = .v1_2,
        responseStatus: UInt8,
        responseText: EncodedStringValue? = nil,
        messageID: String? = nil,
        otherHeaders: [MMSHeader] = []
    ) {
        self.transactionID = transactionID
        self.version = version
        self.responseStatus = responseStatus
        self.responseText = responseText
        self.messageID = messageID
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        transactionID = try fields.requireText(.transactionID, "X-Mms-Transaction-ID")
        version = try fields.version()
        guard let status = fields.token(.responseStatus) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "X-Mms-Response-Status is missing")
        }
        responseStatus = status
        responseText = fields.string(.responseText)
        messageID = fields.text(.messageID)
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.sendConf)
        builder.add(.transactionID, text: transactionID)
        builder.add(version: version)
        builder.add(.responseStatus, token: responseStatus)
        builder.add(.responseText, string: responseText)
        builder.add(.messageID, text: messageID)
        return builder.pdu(other: otherHeaders)
    }
}

/// m-delivery-ind (§6.6): the delivery report of one recipient; X-Mms-Status (§7.3.54) without its top bit
/// (0x00 Expired, 0x01 Retrieved, 0x02 Rejected, 0x03 Deferred, 0x04 Unrecognised, …).
public struct MMSDeliveryInd: Hashable, Sendable {
    public var version: MMSVersion
    public var messageID: String
    public var to: EncodedStringValue
    public var date: UInt64
    public var status: UInt8
    public var otherHeaders: [MMSHeader]

    public init(
        version: MMSVersion = .v1_2,
        messageID: String,
        to: EncodedStringValue,
        date: UInt64,
        status: UInt8,
        otherHeaders: [MMSHeader] = []
    ) {
        self.version = version
        self.messageID = messageID
        self.to = to
        self.date = date
        self.status = status
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        version = try fields.version()
        messageID = try fields.requireText(.messageID, "Message-ID")
        guard let to = fields.string(.to), let date = fields.integer(.date), let status = fields.token(.status) else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "To, Date or X-Mms-Status is missing")
        }
        self.to = to
        self.date = date
        self.status = status
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.deliveryInd)
        builder.add(version: version)
        builder.add(.messageID, text: messageID)
        builder.add(.to, string: to)
        builder.add(.date, integer: date)
        builder.add(.status, token: status)
        return builder.pdu(other: otherHeaders)
    }
}

/// m-read-orig-ind (§6.7.2): a read report the MMSC forwards; X-Mms-Read-Status 0x80 Read, 0x81 Deleted without
/// being read (§7.3.49), kept without the top bit.
public struct MMSReadOrigInd: Hashable, Sendable {
    public var version: MMSVersion
    public var messageID: String
    public var to: EncodedStringValue
    public var from: EncodedStringValue?
    public var date: UInt64
    public var readStatus: UInt8
    public var otherHeaders: [MMSHeader]

    public init(
        version: MMSVersion = .v1_2,
        messageID: String,
        to: EncodedStringValue,
        from: EncodedStringValue?,
        date: UInt64,
        readStatus: UInt8,
        otherHeaders: [MMSHeader] = []
    ) {
        self.version = version
        self.messageID = messageID
        self.to = to
        self.from = from
        self.date = date
        self.readStatus = readStatus
        self.otherHeaders = otherHeaders
    }

    init(_ fields: inout HeaderFields) throws(MMSCodecError) {
        version = try fields.version()
        messageID = try fields.requireText(.messageID, "Message-ID")
        guard let to = fields.string(.to), let date = fields.integer(.date),
            let readStatus = fields.token(.readStatus)
        else {
            throw MMSCodecError(.missingHeader, offset: 0, reason: "To, Date or X-Mms-Read-Status is missing")
        }
        from = fields.fromAddress()
        self.to = to
        self.date = date
        self.readStatus = readStatus
        otherHeaders = fields.rest
    }

    public var pdu: MMSPDU {
        var builder = HeaderBuilder(.readOrigInd)
        builder.add(version: version)
        builder.add(.messageID, text: messageID)
        builder.add(.to, string: to)
        builder.add(.from, from.map { .from($0) })
        builder.add(.date, integer: date)
        builder.add(.readStatus, token: readStatus)
        return builder.pdu(other: otherHeaders)
    }
}
