import Foundation
import Logging
import MMSCodec

/// The simulated network's MMS relay/server (OMA-TS-MMS_ARCH §6, OMA-TS-MMS_CTR §7): what it answers to each HTTP
/// exchange, without any I/O, so that it is tested as a value. ``SimulatedMMSCServer`` puts it on loopback HTTP.
///
/// - A POSTed m-send-req is answered with m-send-conf (Response-Status Ok, a Message-ID); its content is kept under
///   a URL per recipient, and each recipient that is a simulated modem is sent an m-notification-ind as a WAP push
///   (SMS to port 2948) through ``SimulatedNetwork``. A GET of that URL returns m-retrieve-conf.
/// - m-notifyresp-ind and m-acknowledge-ind are recorded; the one that says the message was retrieved (X-Mms-Status
///   Retrieved, or an m-acknowledge-ind) sends the originator an m-delivery-ind when the m-send-req asked for one
///   (X-Mms-Delivery-Report: Yes, OMA-TS-MMS_ENC §7.3.13; without it no report is due).
/// - The echo subscriber (``SimulatedNetwork/echoNumber``) answers an MMS with an MMS carrying the same parts, "echo: "
///   before each text part.
/// - A request in absolute form (`GET http://host/path`, RFC 9112 §3.2.2) is a request to the MMSC acting as the
///   operator's WAP/HTTP proxy: it is served from the same store (the proxy of a real APN forwards to the MMSC).
///
/// Faults (``Faults``) change the answers at run time: content gone (404, or 410 for expired), a slow MMSC, a
/// truncated body, a proxy that refuses.
public actor SimulatedMMSC {
    /// A request as the HTTP front end read it.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// The request target: origin form (`/path`) or absolute form (`http://host:port/path`, through a proxy).
        public var target: String
        public var body: [UInt8]

        public init(method: String, target: String, body: [UInt8] = []) {
            self.method = method
            self.target = target
            self.body = body
        }

        /// Whether the request came in absolute form, i.e. through the proxy (RFC 9112 §3.2.2).
        public var isProxied: Bool { target.lowercased().hasPrefix("http://") }

        /// The path of the target (the part after the authority of an absolute-form target).
        public var path: String {
            guard isProxied else { return target }
            let afterScheme = target.dropFirst("http://".count)
            guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
            return String(afterScheme[slash...])
        }
    }

    /// What the front end does with a request.
    public struct Response: Sendable, Hashable {
        public enum Action: Sendable, Hashable {
            /// An HTTP answer; with `truncatedTo`, the full Content-Length is announced but only that many octets of
            /// the body are sent before the connection is closed.
            case answer(status: Int, body: [UInt8], truncatedTo: Int?)
            /// The connection is closed without an answer (a proxy that hangs up).
            case close
        }
        public var action: Action
        /// Time to wait before acting (a slow MMSC).
        public var delay: Duration

        public static func answer(_ status: Int, _ body: [UInt8] = [], truncatedTo: Int? = nil) -> Response {
            Response(action: .answer(status: status, body: body, truncatedTo: truncatedTo), delay: .zero)
        }

        /// The HTTP status, nil when the connection is closed without one.
        public var status: Int? {
            if case .answer(let status, _, _) = action { return status }
            return nil
        }

        /// The body as it would be complete.
        public var body: [UInt8] {
            if case .answer(_, let body, _) = action { return body }
            return []
        }
    }

    /// Faults switched on and off at run time.
    public struct Faults: Sendable, Hashable {
        /// Every GET of content is answered with this status (404 Not Found, 410 Gone for expired content).
        public var contentStatus: Int?
        /// Every answer waits this long (a slow MMSC).
        public var delayMilliseconds: Int
        /// Bodies of GETs are cut to half their length (the full Content-Length is announced).
        public var truncateContent: Bool
        /// Requests through the proxy (absolute form) are refused with this status…
        public var proxyRefusalStatus: Int?
        /// …or the proxy closes the connection without an answer.
        public var proxyClosesConnection: Bool

        public init(
            contentStatus: Int? = nil,
            delayMilliseconds: Int = 0,
            truncateContent: Bool = false,
            proxyRefusalStatus: Int? = nil,
            proxyClosesConnection: Bool = false
        ) {
            self.contentStatus = contentStatus
            self.delayMilliseconds = delayMilliseconds
            self.truncateContent = truncateContent
            self.proxyRefusalStatus = proxyRefusalStatus
            self.proxyClosesConnection = proxyClosesConnection
        }
    }

    /// A message kept for one recipient.
    public struct StoredMessage: Sendable, Hashable {
        public var id: String
        public var messageID: String
        public var transactionID: String
        public var sender: String
        public var recipient: String
        public var retrieveConf: MMSRetrieveConf
        public var deliveryReportRequested: Bool
        public var retrieved = false
    }

    /// A PDU the MMSC received from a client (m-notifyresp-ind, m-acknowledge-ind), for inspection.
    public struct Report: Sendable, Hashable {
        public var message: MMSMessage
        public var time: Date
    }

    /// The X-Wap-Application-Id push port of the MMS user agent (WAP-259-WDP Table 3: 2948 WAP push connectionless
    /// session service) and the WAP push source port (9200, WAP connectionless session service).
    public static let pushPort: UInt16 = 2948
    public static let pushSourcePort: UInt16 = 9200
    /// Most messages kept (oldest dropped first), so a long run stays bounded.
    public static let maximumStoredMessages = 1000
    /// Largest m-send-req accepted (a real MMSC refuses above its limit; 300 KB is the common operator limit).
    public static let maximumSendSize = 600 * 1024
    /// Relative expiry given in notifications: 7 days (OMA-TS-MMS_ENC §7.3.20 allows relative values).
    public static let expirySeconds: UInt64 = 7 * 24 * 3600

    let network: SimulatedNetwork
    let logger: Logger
    /// The URL prefix content is served under (`http://127.0.0.1:<port>`), set when the front end is bound.
    public private(set) var baseURL = "http://127.0.0.1"
    public private(set) var faults = Faults()
    public private(set) var messages: [String: StoredMessage] = [:]
    var messageOrder: [String] = []
    /// Every m-send-req accepted, in order (bounded like the messages).
    public private(set) var sent: [MMSSendReq] = []
    /// m-notifyresp-ind and m-acknowledge-ind received, in order (bounded).
    public private(set) var reports: [Report] = []
    var nextID = 0
    var nextPushTID: UInt8 = 0

    public init(network: SimulatedNetwork, logger: Logger = Logger(label: "ModemSimulator.MMSC")) {
        self.network = network
        self.logger = logger
    }

    public func setBaseURL(_ url: String) { baseURL = url }
    public func setFaults(_ faults: Faults) { self.faults = faults }
    public func updateFaults(_ change: @Sendable (inout Faults) -> Void) { change(&faults) }

    /// The MMSC URL a modem posts to: the number in the path says who sends when m-send-req's From is the
    /// Insert-address-token (§7.3.21), as a real operator's gateway knows the subscriber from the bearer.
    public func url(forModem number: String) -> String { baseURL + "/mms/" + SimulatedNetwork.key(number) }

    // MARK: - Requests

    /// The method and target of the latest requests (oldest dropped first), to see what came through the proxy.
    public private(set) var requestLines: [String] = []

    /// Answers one HTTP request.
    public func handle(_ request: Request) async -> Response {
        requestLines.append("\(request.method) \(request.target)")
        if requestLines.count > Self.maximumStoredMessages { requestLines.removeFirst() }
        var response = await answer(request)
        response.delay = .milliseconds(max(0, faults.delayMilliseconds))
        return response
    }

    func answer(_ request: Request) async -> Response {
        if request.isProxied {
            if faults.proxyClosesConnection { return Response(action: .close, delay: .zero) }
            if let status = faults.proxyRefusalStatus { return .answer(status) }
        }
        // Routing ignores the query (`/mms/15550000001?x=1`).
        let path = String(request.path.prefix { $0 != "?" })
        switch request.method {
        case "GET" where path.hasPrefix("/content/"):
            return retrieve(id: String(path.dropFirst("/content/".count)))
        case "POST" where path == "/mms" || path.hasPrefix("/mms/"):
            let number = path.count > "/mms/".count ? String(path.dropFirst("/mms/".count)) : nil
            return await post(request.body, poster: number)
        default:
            return .answer(404)
        }
    }

    func retrieve(id: String) -> Response {
        if let status = faults.contentStatus { return .answer(status) }
        guard let message = messages[id] else { return .answer(404) }
        let body = message.retrieveConf.pdu.encoded()
        return .answer(200, body, truncatedTo: faults.truncateContent ? body.count / 2 : nil)
    }

    func post(_ body: [UInt8], poster: String?) async -> Response {
        guard body.count <= Self.maximumSendSize else { return .answer(413) }
        let message: MMSMessage
        do {
            message = try MMSMessage(decoding: body)
        } catch {
            logger.info("simulated MMSC: undecodable PDU", metadata: ["error": "\(error)"])
            return .answer(400)
        }
        switch message {
        case .sendReq(let request):
            return .answer(200, await accept(request, poster: poster).pdu.encoded())
        case .notifyRespInd(let response):
            record(message)
            if response.status == MMSNotifyRespInd.statusRetrieved {
                await acknowledged(transactionID: response.transactionID)
            }
            return .answer(200)
        case .acknowledgeInd(let acknowledgement):
            record(message)
            await acknowledged(transactionID: acknowledgement.transactionID)
            return .answer(200)
        default:
            return .answer(400)
        }
    }

    func record(_ message: MMSMessage) {
        reports.append(Report(message: message, time: network.wallClock()))
        if reports.count > Self.maximumStoredMessages { reports.removeFirst() }
    }

    /// Accepts an m-send-req: a Message-ID, one stored copy and push per simulated recipient, the echo's answer.
    func accept(_ request: MMSSendReq, poster: String?) async -> MMSSendConf {
        // Response-Status 0x83 Error-sending-address-unresolved without a sender (OMA-TS-MMS_ENC §7.3.48).
        guard let sender = request.from.map({ Self.number(of: $0.text) }) ?? poster.map({ "+" + $0 }) else {
            return MMSSendConf(transactionID: request.transactionID, version: request.version, responseStatus: 0x03)
        }
        sent.append(request)
        if sent.count > Self.maximumStoredMessages { sent.removeFirst() }
        nextID += 1
        let messageID = "sim-\(nextID)"
        for recipient in (request.to + request.cc + request.bcc).map({ Self.number(of: $0.text) }) {
            if SimulatedNetwork.key(recipient) == SimulatedNetwork.key(SimulatedNetwork.echoNumber) {
                await echo(request, to: sender)
            } else if await network.modem(number: recipient) != nil {
                let conf = MMSRetrieveConf(
                    transactionID: nil,
                    version: request.version,
                    messageID: messageID,
                    date: request.date ?? UInt64(network.wallClock().timeIntervalSince1970),
                    from: EncodedStringValue(sender + "/TYPE=PLMN"),
                    to: request.to,
                    cc: request.cc,
                    subject: request.subject,
                    messageClass: request.messageClass,
                    priority: request.priority,
                    deliveryReport: request.deliveryReport,
                    readReport: request.readReport,
                    content: request.content
                )
                await store(
                    conf,
                    messageID: messageID,
                    from: sender,
                    to: recipient,
                    deliveryReport: request.deliveryReport == true
                )
            }
        }
        return MMSSendConf(
            transactionID: request.transactionID,
            version: request.version,
            responseStatus: MMSSendConf.statusOK,
            messageID: messageID
        )
    }

    /// Keeps `conf` for `recipient` under a new URL and pushes the notification to the recipient's modem.
    func store(
        _ conf: MMSRetrieveConf,
        messageID: String,
        from sender: String,
        to recipient: String,
        deliveryReport: Bool
    )
        async
    {
        nextID += 1
        let id = "m\(nextID)"
        let transactionID = "sim-t\(nextID)"
        var conf = conf
        conf.transactionID = transactionID
        let message = StoredMessage(
            id: id,
            messageID: messageID,
            transactionID: transactionID,
            sender: sender,
            recipient: recipient,
            retrieveConf: conf,
            deliveryReportRequested: deliveryReport
        )
        messages[id] = message
        messageOrder.append(id)
        if messageOrder.count > Self.maximumStoredMessages { messages[messageOrder.removeFirst()] = nil }
        let notification = MMSNotificationInd(
            transactionID: transactionID,
            version: conf.version,
            from: conf.from,
            subject: conf.subject,
            messageClass: conf.messageClass ?? .personal,
            messageSize: UInt64(conf.pdu.encoded().count),
            expiry: .relative(Self.expirySeconds),
            contentLocation: baseURL + "/content/" + id,
            deliveryReport: deliveryReport ? true : nil
        )
        await push(notification.pdu.encoded(), from: sender, to: recipient)
    }

    /// The echo subscriber's answer: the same parts, "echo: " before each text part, back to the sender.
    func echo(_ request: MMSSendReq, to sender: String) async {
        nextID += 1
        let parts = request.content.parts.map { part -> WSPPart in
            guard part.isText, let text = part.text else { return part }
            var echoed = part
            echoed.data = Array(("echo: " + text).utf8)
            // The text is re-encoded in UTF-8, so the part says so (charset 106, RFC 2046 §4.1.2).
            echoed.contentType.parameters.removeAll { $0.name == "charset" }
            echoed.contentType.parameters.append(.charset(.utf8))
            return echoed
        }
        let content: MMSContent
        if case .multipart = request.content.body {
            content = MMSContent(contentType: request.content.contentType, body: .multipart(parts))
        } else {
            content =
                parts.first.map { MMSContent(contentType: $0.contentType, body: .single($0.data)) } ?? request.content
        }
        let conf = MMSRetrieveConf(
            version: request.version,
            messageID: "sim-\(nextID)",
            date: UInt64(network.wallClock().timeIntervalSince1970),
            from: EncodedStringValue(SimulatedNetwork.echoNumber + "/TYPE=PLMN"),
            to: [EncodedStringValue(sender + "/TYPE=PLMN")],
            subject: request.subject,
            content: content
        )
        await store(
            conf,
            messageID: "sim-\(nextID)",
            from: SimulatedNetwork.echoNumber,
            to: sender,
            deliveryReport: false
        )
    }

    /// The recipient has the message: an m-delivery-ind to the originator when it asked for one (§6.6).
    func acknowledged(transactionID: String) async {
        guard let id = messages.first(where: { $0.value.transactionID == transactionID })?.key,
            var message = messages[id], !message.retrieved
        else { return }
        message.retrieved = true
        messages[id] = message
        guard message.deliveryReportRequested, await network.modem(number: message.sender) != nil else { return }
        let report = MMSDeliveryInd(
            version: message.retrieveConf.version,
            messageID: message.messageID,
            to: EncodedStringValue(message.recipient + "/TYPE=PLMN"),
            date: UInt64(network.wallClock().timeIntervalSince1970),
            status: 0x01  // Retrieved (§7.3.54)
        )
        await push(report.pdu.encoded(), from: message.recipient, to: message.sender)
    }

    /// A WAP push (WAP-230-WSP §8.2.4.1) carrying `pdu` to `recipient`'s modem, as 8-bit SMS to port 2948.
    func push(_ pdu: [UInt8], from sender: String, to recipient: String) async {
        nextPushTID &+= 1
        let push = WSPPush.mms(transactionID: nextPushTID, pdu: pdu).encoded()
        let delivered = await network.deliverData(
            push,
            from: sender,
            to: recipient,
            destinationPort: Self.pushPort,
            sourcePort: Self.pushSourcePort
        )
        if !delivered {
            logger.warning("simulated MMSC: the WAP push could not be encoded", metadata: ["to": "\(recipient)"])
        }
    }

    /// The number of an MMS address (`+1555…/TYPE=PLMN`, OMA-TS-MMS_ENC §8.4).
    static func number(of address: String) -> String {
        String(address.split(separator: "/", maxSplits: 1).first ?? "")
    }
}

extension SimulatedNetwork {
    /// Delivers 8-bit `data` to application port `destinationPort` of `number` as SMS-DELIVER parts (concatenated
    /// when needed), stored and announced (+CMTI/+CMT) like any SMS.
    /// - Returns: false when SMSCodec could not encode it (e.g. the sender is not a number).
    @discardableResult
    public func deliverData(
        _ data: [UInt8],
        from sender: String,
        to number: String,
        destinationPort: UInt16,
        sourcePort: UInt16
    ) async -> Bool {
        nextReference &+= 1
        guard
            let tpdus = SMSCodecBridge.deliverDataTPDUs(
                data,
                from: sender,
                destinationPort: destinationPort,
                sourcePort: sourcePort,
                timestamp: wallClock(),
                reference: nextReference
            )
        else { return false }
        for tpdu in tpdus { await enqueue(tpdu, kind: .deliver, to: Self.key(number), report: nil) }
        return true
    }
}
