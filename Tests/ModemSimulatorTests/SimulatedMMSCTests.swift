import Foundation
import MMSCodec
import SMSCodec
import Testing

@testable import ModemSimulator

/// The simulated MMSC as a value: requests in, answers and WAP pushes (read from the network's queue) out.
@Suite struct SimulatedMMSCTests {
    static let picture: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    static func sendReq(
        from: String? = nil,
        to recipients: [String],
        text: String = "hello",
        subject: String = "holiday",
        deliveryReport: Bool? = nil
    ) -> MMSSendReq {
        MMSSendReq(
            transactionID: "tx-1",
            from: from.map { EncodedStringValue($0 + "/TYPE=PLMN") },
            to: recipients.map { EncodedStringValue($0 + "/TYPE=PLMN") },
            subject: EncodedStringValue(subject),
            deliveryReport: deliveryReport,
            content: .multipart([
                WSPPart(
                    contentType: WSPContentType("text/plain", parameters: [.charset(.utf8)]),
                    data: Array(text.utf8)
                ),
                WSPPart(contentType: WSPContentType("image/jpeg", parameters: [.name("p.jpg")]), data: picture),
            ])
        )
    }

    /// The WAP pushes queued for `number`: SMS parts to port 2948, reassembled by concatenation reference, decoded.
    static func pushes(for number: String, in network: SimulatedNetwork) async throws -> [WSPPush] {
        let queued = await network.queues[SimulatedNetwork.key(number)] ?? []
        var groups: [Int: [(Int, [UInt8])]] = [:]
        var order: [Int] = []
        for (index, entry) in queued.enumerated() {
            let pdu = try SMSPDU.decode(entry.delivery.pdu, hasSMSC: true)
            guard case .deliver(let deliver) = pdu.tpdu, let header = deliver.userData.header,
                case .data(let octets) = deliver.userData.content
            else { continue }
            #expect(header.ports?.destination == SimulatedMMSC.pushPort)
            // A single-part push has no reference of its own: a key no concatenated one has.
            let reference = header.concatenation.map { Int($0.reference) } ?? -1 - index
            if groups[reference] == nil { order.append(reference) }
            groups[reference, default: []].append((Int(header.concatenation?.sequence ?? 1), octets))
        }
        return try order.map { reference in
            let data = (groups[reference] ?? []).sorted { $0.0 < $1.0 }.flatMap(\.1)
            return try WSPPush(decoding: data)
        }
    }

    static func notification(_ push: WSPPush) throws -> MMSNotificationInd {
        #expect(push.isMMS)
        #expect(push.applicationID == "x-wap-application:mms.ua")
        guard case .notificationInd(let notification) = try MMSMessage(decoding: push.data) else {
            Issue.record("not an m-notification-ind")
            throw CancellationError()
        }
        return notification
    }

    static func path(of location: String) -> String {
        String(location.dropFirst("http://127.0.0.1".count))
    }

    @Test func aSendReqIsConfirmedPushedAndRetrievable() async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let mmsc = SimulatedMMSC(network: network)
        let request = Self.sendReq(to: ["+15550000002"])
        let answer = await mmsc.handle(.init(method: "POST", target: "/mms/15550000001", body: request.pdu.encoded()))
        #expect(answer.status == 200)
        guard case .sendConf(let conf) = try MMSMessage(decoding: answer.body) else {
            Issue.record("not an m-send-conf")
            return
        }
        #expect(conf.responseStatus == MMSSendConf.statusOK)
        #expect(conf.transactionID == "tx-1")
        let messageID = try #require(conf.messageID)

        // The notification reaches modem 2 as concatenated 8-bit SMS to port 2948.
        #expect(await network.queuedCount(for: "+15550000002") >= 1)
        let pushes = try await Self.pushes(for: "+15550000002", in: network)
        let notification = try Self.notification(try #require(pushes.first))
        #expect(notification.from?.text == "+15550000001/TYPE=PLMN")
        #expect(notification.subject?.text == "holiday")
        #expect(notification.contentLocation.hasPrefix("http://127.0.0.1/content/"))

        let fetched = await mmsc.handle(.init(method: "GET", target: Self.path(of: notification.contentLocation)))
        #expect(fetched.status == 200)
        #expect(notification.messageSize == UInt64(fetched.body.count))
        guard case .retrieveConf(let retrieved) = try MMSMessage(decoding: fetched.body) else {
            Issue.record("not an m-retrieve-conf")
            return
        }
        #expect(retrieved.messageID == messageID)
        #expect(retrieved.transactionID == notification.transactionID)
        #expect(retrieved.from?.text == "+15550000001/TYPE=PLMN")
        #expect(retrieved.content.parts.map(\.data) == request.content.parts.map(\.data))
        #expect(await network.queuedCount(for: "+15550000001") == 0)
    }

    @Test func theSenderComesFromFromOrThePathAndIsRequired() async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let mmsc = SimulatedMMSC(network: network)
        let withFrom = Self.sendReq(from: "+15550000002", to: ["+15550000001"]).pdu.encoded()
        #expect(await mmsc.handle(.init(method: "POST", target: "/mms", body: withFrom)).status == 200)
        let notification = try Self.notification(
            try #require(try await Self.pushes(for: "+15550000001", in: network).first)
        )
        #expect(notification.from?.text == "+15550000002/TYPE=PLMN")
        // Insert-address-token and no number in the path: Error-sending-address-unresolved (0x83).
        let anonymous = Self.sendReq(to: ["+15550000001"]).pdu.encoded()
        let answer = await mmsc.handle(.init(method: "POST", target: "/mms", body: anonymous))
        guard case .sendConf(let conf) = try MMSMessage(decoding: answer.body) else {
            Issue.record("not an m-send-conf")
            return
        }
        #expect(conf.responseStatus == 0x03)
        #expect(await mmsc.handle(.init(method: "POST", target: "/mms", body: [0x8C, 0x80])).status == 400)
        #expect(await mmsc.handle(.init(method: "GET", target: "/content/none")).status == 404)
        #expect(await mmsc.handle(.init(method: "PUT", target: "/mms")).status == 404)
    }

    @Test func theEchoSubscriberAnswersWithTheSamePartsAndEchoText() async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        let mmsc = SimulatedMMSC(network: network)
        let request = Self.sendReq(to: [SimulatedNetwork.echoNumber], text: "look")
        _ = await mmsc.handle(.init(method: "POST", target: "/mms/15550000001", body: request.pdu.encoded()))
        let notification = try Self.notification(
            try #require(try await Self.pushes(for: "+15550000001", in: network).first)
        )
        #expect(notification.from?.text == SimulatedNetwork.echoNumber + "/TYPE=PLMN")
        let fetched = await mmsc.handle(.init(method: "GET", target: Self.path(of: notification.contentLocation)))
        guard case .retrieveConf(let echo) = try MMSMessage(decoding: fetched.body) else {
            Issue.record("not an m-retrieve-conf")
            return
        }
        #expect(echo.content.parts.count == 2)
        #expect(echo.content.parts[0].text == "echo: look")
        #expect(echo.content.parts[1].data == Self.picture)
        #expect(echo.content.parts[1].contentType.name == "image/jpeg")
        #expect(echo.subject?.text == "holiday")
    }

    @Test func anAcknowledgementSendsADeliveryReportWhenOneWasAsked() async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let mmsc = SimulatedMMSC(network: network)
        for deliveryReport in [false, true] {
            let request = Self.sendReq(to: ["+15550000002"], deliveryReport: deliveryReport).pdu.encoded()
            _ = await mmsc.handle(.init(method: "POST", target: "/mms/15550000001", body: request))
        }
        let notifications = try await Self.pushes(for: "+15550000002", in: network).map(Self.notification)
        #expect(notifications.count == 2)
        for (index, notification) in notifications.enumerated() {
            let acknowledgement: MMSMessage =
                index == 0
                ? .acknowledgeInd(MMSAcknowledgeInd(transactionID: notification.transactionID))
                : .notifyRespInd(
                    MMSNotifyRespInd(
                        transactionID: notification.transactionID,
                        status: MMSNotifyRespInd.statusRetrieved
                    )
                )
            let answer = await mmsc.handle(
                .init(method: "POST", target: "/mms/15550000002", body: acknowledgement.encoded())
            )
            #expect(answer.status == 200)
        }
        #expect(await mmsc.reports.map(\.message).count == 2)
        // Only the second message asked for a report (X-Mms-Delivery-Report: Yes).
        let reports = try await Self.pushes(for: "+15550000001", in: network)
        #expect(reports.count == 1)
        guard case .deliveryInd(let report) = try MMSMessage(decoding: try #require(reports.first).data) else {
            Issue.record("not an m-delivery-ind")
            return
        }
        #expect(report.status == 0x01)
        #expect(report.to.text == "+15550000002/TYPE=PLMN")
        let sent = await mmsc.sent
        #expect(sent.count == 2)
        let messageIDs = await mmsc.messages.values.map(\.messageID)
        #expect(messageIDs.contains(report.messageID))
    }

    @Test func theRecipientsModemStoresThePushAndAnnouncesItWithCMTI() async throws {
        let one = try await DialogueHarness.start(profile: .quectelEC25)
        let two = try await one.addModem(profile: .quectelEC25)
        try await two.setUpLikeADriver()
        #expect(try await two.command("AT+CNMI=2,1,0,0,0") == "\r\nOK\r\n")
        let mmsc = SimulatedMMSC(network: one.network)
        let subject = String(repeating: "a long subject ", count: 8)
        let request = Self.sendReq(to: ["+15550000002"], subject: subject).pdu.encoded()
        _ = await mmsc.handle(.init(method: "POST", target: "/mms/15550000001", body: request))
        // With a long Subject the notification needs two SMS (133 octets each with the port header), each stored
        // and announced.
        _ = try await two.read(until: "+CMTI: \"SM\",1\r\n")
        var data: [UInt8] = []
        for index in 0...1 {
            let stored = try #require(listedPDUs(try await two.command("AT+CMGR=\(index)")).first).pdu
            guard case .deliver(let deliver) = try SMSPDU.decode(stored, hasSMSC: true).tpdu,
                case .data(let octets) = deliver.userData.content
            else {
                Issue.record("part \(index) is not 8-bit data")
                return
            }
            #expect(deliver.userData.header?.ports == ApplicationPorts(destination: 2948, source: 9200, bits: 16))
            #expect(deliver.userData.header?.concatenation?.total == 2)
            #expect(deliver.originator.number == "+15550000001")
            data += octets
        }
        let notification = try Self.notification(try WSPPush(decoding: data))
        #expect(notification.contentLocation.hasSuffix("/content/m2"))
        #expect(notification.subject?.text == subject)
        await one.stop()
        await two.stop()
    }

    @Test func faultsChangeTheAnswers() async throws {
        let network = SimulatedNetwork()
        _ = await network.makeModem()
        _ = await network.makeModem()
        let mmsc = SimulatedMMSC(network: network)
        _ = await mmsc.handle(
            .init(method: "POST", target: "/mms/15550000001", body: Self.sendReq(to: ["+15550000002"]).pdu.encoded())
        )
        let notification = try Self.notification(
            try #require(try await Self.pushes(for: "+15550000002", in: network).first)
        )
        let path = Self.path(of: notification.contentLocation)
        let proxied = SimulatedMMSC.Request(method: "GET", target: notification.contentLocation)
        #expect(proxied.isProxied && proxied.path == path)
        let full = await mmsc.handle(.init(method: "GET", target: path))
        #expect(await mmsc.handle(proxied) == full)

        await mmsc.setFaults(.init(contentStatus: 410))
        #expect(await mmsc.handle(.init(method: "GET", target: path)).status == 410)
        await mmsc.setFaults(.init(delayMilliseconds: 1500))
        #expect(await mmsc.handle(.init(method: "GET", target: path)).delay == .milliseconds(1500))
        await mmsc.setFaults(.init(truncateContent: true))
        let truncated = await mmsc.handle(.init(method: "GET", target: path))
        #expect(truncated.action == .answer(status: 200, body: full.body, truncatedTo: full.body.count / 2))
        await mmsc.setFaults(.init(proxyRefusalStatus: 403))
        #expect(await mmsc.handle(proxied).status == 403)
        #expect(await mmsc.handle(.init(method: "GET", target: path)).status == 200)
        await mmsc.setFaults(.init(proxyClosesConnection: true))
        #expect(await mmsc.handle(proxied).action == .close)
        await mmsc.setFaults(.init())
        #expect(await mmsc.handle(proxied) == full)
    }
}
