import NIOHTTP1
import Testing

@testable import UPnP

/// The control point's parsers of what devices send: URLs, search answers, descriptions, SOAP answers and faults,
/// event bodies, SUBSCRIBE answers — each with what the device stack writes (round trip) and with hostile input.
@Suite struct ClientParsingTests {
    // MARK: - URLs

    @Test func httpURLsParseAndResolveAsDescriptionsUseThem() throws {
        let base = try #require(HTTPURL("http://192.168.1.10:49152/dev/description.xml"))
        #expect(base.host == "192.168.1.10" && base.port == 49152 && base.path == "/dev/description.xml")
        #expect(base.resolving("/upnp/control")?.description == "http://192.168.1.10:49152/upnp/control")
        #expect(base.resolving("scpd.xml")?.path == "/dev/scpd.xml")
        #expect(base.resolving("./a/../b/c.xml")?.path == "/dev/b/c.xml")
        #expect(base.resolving("../../../x")?.path == "/x")
        #expect(base.resolving("http://10.0.0.2/e")?.description == "http://10.0.0.2/e")
        #expect(HTTPURL("HTTP://[fe80::1]:8080")?.hostHeader == "[fe80::1]:8080")
        #expect(HTTPURL("http://host")?.path == "/")
        #expect(HTTPURL("http://host?q=1")?.path == "/?q=1")
    }

    @Test(arguments: [
        "https://host/", "ftp://host/", "http://user@evil/", "http://host/a b", "http://host/#frag", "http://",
        "http://host:0/", "http://host:99999/", "http://ho\u{7}st/", "javascript:alert(1)", "",
        "http://host/" + String(repeating: "a", count: 3000),
    ])
    func hostileURLsAreRefused(_ text: String) {
        #expect(HTTPURL(text) == nil)
    }

    @Test(arguments: ["javascript:alert(1)", "//evil.example/x", "file:///etc/passwd", "https://host/", "", "a#b"])
    func hostileReferencesDoNotResolve(_ reference: String) throws {
        let base = try #require(HTTPURL("http://127.0.0.1:1/description.xml"))
        #expect(base.resolving(reference) == nil)
    }

    // MARK: - SSDP

    static let advertisement = SSDPAdvertisement(
        udn: "uuid:11111111-2222-3333-4444-555555555555",
        deviceType: "urn:schemas-upnp-org:device:TelephonyServer:2",
        serviceTypes: ["urn:schemas-upnp-org:service:Messaging:2"],
        maxAge: 1800,
        server: "Linux/6 UPnP/1.1 messagingd/1",
        bootID: 9,
        configID: 3,
        multicastHost: "239.255.255.250:1900"
    )

    @Test func aDevicesSearchAnswerReadsBack() throws {
        let target = Self.advertisement.allTargets[2]
        let bytes = Self.advertisement.searchResponse(
            target,
            location: "http://127.0.0.1:4000/description.xml",
            date: "Sun, 06 Dec 2026 18:00:00 GMT"
        )
        let response = try #require(SSDPSearchResponse(parsing: bytes))
        #expect(response.location == HTTPURL("http://127.0.0.1:4000/description.xml"))
        #expect(response.searchTarget == "urn:schemas-upnp-org:device:TelephonyServer:2")
        #expect(response.udn == "uuid:11111111-2222-3333-4444-555555555555")
        #expect(response.usn == "\(response.udn)::\(response.searchTarget)")
        #expect(response.maximumAge == 1800 && response.bootID == 9)
        #expect(response.server == "Linux/6 UPnP/1.1 messagingd/1")
    }

    @Test func theControlPointsSearchIsOneTheDeviceAccepts() throws {
        let search = SSDPSearch(searchTarget: "urn:schemas-upnp-org:device:TelephonyServer:2", maximumWait: 9)
        let bytes = search.request(multicastHost: "239.255.255.250:1900", userAgent: "Linux UPnP/1.1 telcp/1")
        let parsed = try #require(SSDPSearch(try SSDPMessage(parsing: bytes), multicastHost: "239.255.255.250:1900"))
        #expect(parsed == SSDPSearch(searchTarget: search.searchTarget, maximumWait: 5))
        #expect(try SSDPMessage(parsing: bytes)["USER-AGENT"] == "Linux UPnP/1.1 telcp/1")
    }

    @Test(arguments: [
        // Not a 200 answer.
        "HTTP/1.1 404 Not Found\r\nLOCATION: http://1.2.3.4/d.xml\r\nST: x\r\nUSN: uuid:a::x\r\n\r\n",
        // A NOTIFY, not an answer.
        "NOTIFY * HTTP/1.1\r\nLOCATION: http://1.2.3.4/d.xml\r\nNT: x\r\nUSN: uuid:a::x\r\n\r\n",
        // No LOCATION; a LOCATION that is not http; no USN; a USN without uuid:; an empty ST.
        "HTTP/1.1 200 OK\r\nST: x\r\nUSN: uuid:a::x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\nST: x\r\nUSN: uuid:a::x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/d.xml\r\nST: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/d.xml\r\nST: x\r\nUSN: evil\r\n\r\n",
        "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/d.xml\r\nST:\r\nUSN: uuid:a::x\r\n\r\n",
        // Control characters and binary.
        "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/d.xml\u{0}\r\nST: x\r\nUSN: uuid:a::x\r\n\r\n",
        "\u{1}\u{2}\u{3}",
    ])
    func hostileSearchAnswersAreDropped(_ text: String) {
        #expect(SSDPSearchResponse(parsing: Array(text.utf8)) == nil)
    }

    @Test func oversizedAndInvalidUTF8AnswersAreDropped() {
        let big = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n"
        #expect(SSDPSearchResponse(parsing: Array(big.utf8)) == nil)
        #expect(SSDPSearchResponse(parsing: [0x48, 0xFF, 0xFE, 0x0D, 0x0A]) == nil)
    }

    @Test func maxAgeIsReadAmongOtherDirectives() {
        #expect(SSDPSearchResponse.maximumAge(in: "no-cache, max-age = 120") == 120)
        #expect(SSDPSearchResponse.maximumAge(in: "max-age=99999999999") == nil)
        #expect(SSDPSearchResponse.maximumAge(in: "private") == nil)
    }

    // MARK: - Descriptions

    @Test func theDevicesOwnDescriptionReadsBackWithResolvedURLs() throws {
        let configuration = UPnPDeviceConfiguration.test(services: [TestService()])
        let paths = DeviceDescription.paths(forServiceIDs: [TestService.id])
        let bytes = DeviceDescription.document(configuration, paths: paths)
        let location = try #require(HTTPURL("http://127.0.0.1:4321/description.xml"))
        let description = try RemoteDeviceDescription(parsing: bytes, location: location)
        #expect(description.root.friendlyName == "Test <Device> & Co")
        #expect(description.root.udn == configuration.udn)
        #expect(description.root.deviceType == "urn:schemas-example-org:device:TestDevice:3")
        #expect(description.configID == 42)
        let (device, service) = try #require(
            description.service(compatibleWith: "urn:schemas-example-org:service:Test:1")
        )
        #expect(device.udn == configuration.udn)
        #expect(service.controlURL.description == "http://127.0.0.1:4321\(paths[0].control)")
        #expect(service.eventSubURL.description == "http://127.0.0.1:4321\(paths[0].event)")
        #expect(service.scpdURL.description == "http://127.0.0.1:4321\(paths[0].scpd)")
        #expect(description.service(compatibleWith: "urn:schemas-example-org:service:Test:3") == nil)
    }

    static func description(services: String, extra: String = "", urlBase: String = "") -> [UInt8] {
        Array(
            """
            <?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">\(urlBase)
            <device><deviceType>urn:a:device:Root:1</deviceType><friendlyName>Root</friendlyName>
            <UDN>uuid:root</UDN><serviceList>\(services)</serviceList>\(extra)</device></root>
            """.utf8
        )
    }

    static func service(_ type: String, control: String = "c") -> String {
        "<service><serviceType>\(type)</serviceType><serviceId>urn:a:serviceId:S</serviceId>"
            + "<SCPDURL>s.xml</SCPDURL><controlURL>\(control)</controlURL><eventSubURL>e</eventSubURL></service>"
    }

    @Test func urlBaseAndEmbeddedDevicesAreFollowed() throws {
        let embedded = """
            <deviceList><device><deviceType>urn:a:device:Child:1</deviceType><UDN>uuid:child</UDN>
            <serviceList>\(Self.service("urn:a:service:Inner:2"))</serviceList></device></deviceList>
            """
        let bytes = Self.description(
            services: Self.service("urn:a:service:Outer:1"),
            extra: embedded,
            urlBase: "<URLBase>http://10.0.0.9:80/base/</URLBase>"
        )
        let location = try #require(HTTPURL("http://127.0.0.1:1/d.xml"))
        let description = try RemoteDeviceDescription(parsing: bytes, location: location)
        #expect(description.devices.map(\.udn) == ["uuid:root", "uuid:child"])
        let (device, service) = try #require(description.service(compatibleWith: "urn:a:service:Inner:1"))
        #expect(device.udn == "uuid:child")
        #expect(service.controlURL.description == "http://10.0.0.9/base/c")
    }

    @Test(arguments: [
        // DOCTYPE with an entity (XXE, billion laughs): refused before the subset is read.
        Array(
            "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><root>&x;</root>".utf8
        ),
        Array("<root xmlns=\"urn:schemas-upnp-org:device-1-0\"></root>".utf8),  // No device.
        Array("<scpd/>".utf8),  // Wrong root.
        Array("<root><device><UDN>uuid:a</UDN></device></root>".utf8),  // No deviceType.
        description(services: service("urn:a:service:S:1", control: "javascript:alert(1)")),  // A scheme we refuse.
        description(services: service("urn:a:service:S:1", control: "//evil.example/c")),  // Another host by stealth.
        description(services: "<service><controlURL>c</controlURL></service>"),  // No serviceType.
        Array("not xml at all".utf8),
        Array(("<root>" + String(repeating: "<a>", count: 100) + "</root>").utf8),  // Too deep.
        Array(("<root>" + String(repeating: " ", count: 300_000) + "</root>").utf8),  // Too large.
    ])
    func hostileDescriptionsAreRefused(_ bytes: [UInt8]) throws {
        let location = try #require(HTTPURL("http://127.0.0.1:1/d.xml"))
        #expect(throws: UPnPClientError(.malformedResponse, "")) {
            try RemoteDeviceDescription(parsing: bytes, location: location)
        }
    }

    // MARK: - SOAP answers and faults

    @Test func aDevicesAnswerAndFaultReadBack() throws {
        let answer = SOAPResponseWriter.response(
            action: "Add",
            serviceType: TestService.type,
            arguments: [("Sum", "3"), ("Note", "<a>&amp;</a>")]
        )
        let arguments = try SOAPActionResponse.outArguments(answer, action: "Add")
        #expect(arguments.map(\.name) == ["Sum", "Note"])
        #expect(arguments.map(\.value) == ["3", "<a>&amp;</a>"])
        #expect(throws: UPnPClientError(.malformedResponse, "")) {
            try SOAPActionResponse.outArguments(answer, action: "Echo")
        }

        let fault = try SOAPActionResponse.fault(
            SOAPResponseWriter.fault(UPnPActionError(code: 701, description: "Invalid <ID>"))
        )
        #expect(fault.error.code == 701 && fault.error.description == "Invalid <ID>")
        #expect(fault.faultCode == "s:Client" && fault.faultString == "UPnPError")
    }

    @Test func theControlPointsEnvelopeIsOneTheDeviceReads() throws {
        let bytes = SOAPActionRequest.envelope(
            action: "SendMessage",
            serviceType: "urn:schemas-upnp-org:service:Messaging:2",
            arguments: [("MessageToSend", "<message>&</message>"), ("Other", "")]
        )
        let request = try SOAPActionRequest(parsing: bytes)
        #expect(request.actionName == "SendMessage")
        #expect(request.serviceType == "urn:schemas-upnp-org:service:Messaging:2")
        #expect(request.arguments.map(\.value) == ["<message>&</message>", ""])
    }

    /// The request is read off libxml2's tree: the same rules as the XMLElement view of it.
    @Test func aRequestIsReadAsItsXMLElementTreeReadsIt() throws {
        let envelope = #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">"#
        let request = try SOAPActionRequest(
            parsing: Array(
                (envelope + #"<s:Header/><s:Body><u:A xmlns:u="urn:x-org:service:T:1"><X>a<!-- c --><![CDATA[<b>]]>"#
                    + "&amp;<?pi x?>&#233;</X><Y/>\n</u:A></s:Body></s:Envelope>").utf8
            )
        )
        #expect(request.actionName == "A" && request.serviceType == "urn:x-org:service:T:1")
        #expect(request.arguments.map(\.name) == ["X", "Y"] && request.arguments.map(\.value) == ["a<b>&é", ""])
        let refused: [(String, SOAPActionRequest.ParseError)] = [
            ("<Envelope><Body><A/></Body></Envelope>", .notAnEnvelope("root is not a SOAP 1.1 Envelope")),
            (envelope + "<Body><A/></Body></s:Envelope>", .notAnEnvelope("no Body")),
            (
                envelope + "<s:Body><A/><B/></s:Body></s:Envelope>",
                .notAnEnvelope("Body must hold exactly one action element")
            ),
            (envelope + "<s:Body><A><X><y/></X></A></s:Body></s:Envelope>", .structuredArgument("X")),
        ]
        for (text, expected) in refused {
            #expect(throws: expected) { try SOAPActionRequest(parsing: Array(text.utf8)) }
        }
        #expect(throws: SOAPActionRequest.ParseError.self) { try SOAPActionRequest(parsing: Array("<a/".utf8)) }
    }

    @Test(arguments: [
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail>"
            + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>7o1</errorCode></UPnPError>"
            + "</detail></s:Fault></s:Body></s:Envelope>",  // Not an integer.
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail>"
            + "<UPnPError><errorCode>701</errorCode></UPnPError>"
            + "</detail></s:Fault></s:Body></s:Envelope>",  // UPnPError in no namespace.
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail>"
            + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>99999999999</errorCode></UPnPError>"
            + "</detail></s:Fault></s:Body></s:Envelope>",  // Absurdly long code.
        "<Envelope><Body><Fault/></Body></Envelope>",  // Not SOAP's namespace.
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"c\">]><a>&b;</a>",
        "",
    ])
    func hostileFaultsAreRefused(_ text: String) {
        #expect(throws: UPnPClientError(.malformedResponse, "")) { try SOAPActionResponse.fault(Array(text.utf8)) }
    }

    @Test func anOutArgumentWithElementsIsRefused() {
        let body =
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:ReadResponse xmlns:u=\"x\">"
            + "<Result><injected/></Result></u:ReadResponse></s:Body></s:Envelope>"
        #expect(throws: UPnPClientError(.malformedResponse, "")) {
            try SOAPActionResponse.outArguments(Array(body.utf8), action: "Read")
        }
    }

    // MARK: - Events

    @Test func aDevicesEventBodyReadsBack() throws {
        let body = PropertySet.body([("NewMessages", "<newMessages>&amp;</newMessages>"), ("Counter", "")])
        let properties = try PropertySet.parse(body)
        #expect(properties.map(\.name) == ["NewMessages", "Counter"])
        #expect(properties.map(\.value) == ["<newMessages>&amp;</newMessages>", ""])
    }

    @Test(arguments: [
        "<propertyset><property><A>1</A></property></propertyset>",  // No GENA namespace.
        "<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\"><e:property><A><b/></A></e:property>"
            + "</e:propertyset>",  // Unescaped XML value.
        "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x \"y\">]><e>&x;</e>",
        "<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">",  // Truncated.
        "<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">"
            + String(repeating: "<e:property><A>1</A></e:property>", count: 600) + "</e:propertyset>",  // Too many.
    ])
    func hostileEventBodiesAreRefused(_ text: String) {
        #expect(throws: UPnPClientError(.malformedResponse, "")) { try PropertySet.parse(Array(text.utf8)) }
    }

    @Test func onlyWellFormedNotifiesAreEventMessages() {
        func notification(_ headers: [(String, String)], method: String = "NOTIFY") -> GENANotification {
            GENANotification(method: method, path: "/", headers: HTTPHeaders(headers), body: "")
        }
        let good = [("NT", "upnp:event"), ("NTS", "upnp:propchange"), ("SID", "uuid:1"), ("SEQ", "0")]
        #expect(notification(good).isEventMessage)
        #expect(!notification(good, method: "POST").isEventMessage)
        #expect(!notification(Array(good.dropLast())).isEventMessage)
        #expect(!notification([("NT", "upnp:event"), ("NTS", "x"), ("SID", "uuid:1"), ("SEQ", "0")]).isEventMessage)
        #expect(
            !notification([("NT", "upnp:event"), ("NTS", "upnp:propchange"), ("SID", "1"), ("SEQ", "0")]).isEventMessage
        )
        #expect(
            !notification([("NT", "upnp:event"), ("NTS", "upnp:propchange"), ("SID", "uuid:1"), ("SEQ", "-1")])
                .isEventMessage
        )
    }

    // MARK: - SUBSCRIBE answers

    static func subscribeAnswer(_ status: HTTPResponseStatus, _ headers: [(String, String)]) -> UPnPHTTPClient.Response
    {
        UPnPHTTPClient.Response(status: status, headers: HTTPHeaders(headers), body: [], localAddress: nil)
    }

    @Test func subscribeAnswersAreReadAndChecked() throws {
        let url = try #require(HTTPURL("http://127.0.0.1:1/e"))
        let granted = try GENASubscriber.subscription(
            Self.subscribeAnswer(.ok, [("SID", "uuid:abc"), ("TIMEOUT", "Second-1800")]),
            eventURL: url,
            expectedSID: nil
        )
        #expect(granted.sid == "uuid:abc" && granted.grantedSeconds == 1800 && granted.renewalDelay == .seconds(900))
        let infinite = try GENASubscriber.subscription(
            Self.subscribeAnswer(.ok, [("SID", "uuid:abc"), ("TIMEOUT", "Second-infinite")]),
            eventURL: url,
            expectedSID: "uuid:abc"
        )
        #expect(infinite.grantedSeconds == GENASubscriber.infiniteSeconds)
        let refusals: [(HTTPResponseStatus, [(String, String)], String?)] = [
            (.preconditionFailed, [], nil),
            (.ok, [("TIMEOUT", "Second-1800")], nil),  // No SID.
            (.ok, [("SID", "uuid:other"), ("TIMEOUT", "Second-1800")], "uuid:abc"),  // A renewal changed the SID.
            (.ok, [("SID", "uuid:abc"), ("TIMEOUT", "Second-0")], nil),
            (.ok, [("SID", "uuid:abc"), ("TIMEOUT", "1800")], nil),
            (.ok, [("SID", "x\u{7}"), ("TIMEOUT", "Second-1")], nil),
        ]
        for (status, headers, expected) in refusals {
            #expect(throws: UPnPClientError.self) {
                try GENASubscriber.subscription(
                    Self.subscribeAnswer(status, headers),
                    eventURL: url,
                    expectedSID: expected
                )
            }
        }
        #expect(GENASubscription(eventURL: url, sid: "uuid:a", grantedSeconds: 1).renewalDelay == .seconds(1))
    }
}
