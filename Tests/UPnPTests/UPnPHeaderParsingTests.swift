import NIOHTTP1
import Testing

@testable import UPnP

@Suite struct UPnPHeaderParsingTests {
    @Test func soapActionQuotedAndUnquoted() throws {
        let quoted = try #require(
            UPnPHeaderParsing.soapAction("\"urn:schemas-upnp-org:service:Messaging:2#ReadMessage\"")
        )
        #expect(quoted.serviceType == "urn:schemas-upnp-org:service:Messaging:2")
        #expect(quoted.action == "ReadMessage")
        let bare = try #require(UPnPHeaderParsing.soapAction("  urn:x-org:service:T:1#Go "))
        #expect(bare.serviceType == "urn:x-org:service:T:1" && bare.action == "Go")
    }

    @Test(arguments: [
        "", "\"\"", "urn:schemas-upnp-org:service:Messaging:2", "\"urn:schemas-upnp-org:service:Messaging:2#\"",
        "urn:schemas-upnp-org:device:Messaging:2#Read", "urn:x:service:T:0#A", "urn:x:service:T:1#1A",
        "urn:x:service:T:1#A B", "urn:x:service:T:1#<A>", "http://evil#A",
        "urn:x:service:T:1#" + String(repeating: "A", count: 600),
    ])
    func soapActionRefusesMalformed(_ value: String) {
        #expect(UPnPHeaderParsing.soapAction(value) == nil)
    }

    @Test func callbackListsIPLiteralURLs() throws {
        let urls = try #require(
            UPnPHeaderParsing.callback("<http://192.168.1.5:4004/events?x=1> <http://[fe80::1]:80/e>", maximumCount: 4)
        )
        #expect(urls.count == 2)
        #expect(urls[0].host == IPAddress("192.168.1.5") && urls[0].port == 4004 && urls[0].path == "/events?x=1")
        #expect(urls[0].hostHeader == "192.168.1.5:4004")
        #expect(urls[1].host == IPAddress("fe80::1") && urls[1].hostHeader == "[fe80::1]:80")
        let noPath = try #require(UPnPHeaderParsing.callback("<http://10.0.0.1>", maximumCount: 1))
        #expect(noPath[0].port == 80 && noPath[0].path == "/")
    }

    @Test(arguments: [
        "", "http://10.0.0.1/", "<https://10.0.0.1/>", "<http://example.com/>", "<http://user@10.0.0.1/>",
        "<http://10.0.0.1:0/>", "<http://10.0.0.1:70000/>", "<http://10.0.0.1/a b>", "<http://10.0.0.1/#f>",
        "<http://10.0.0.1/>junk", "<http://10.0.0.1/", "<ftp://10.0.0.1/>",
        "<http://10.0.0.1/><http://10.0.0.2/><http://10.0.0.3/>",
    ])
    func callbackRefusesMalformedOrTooMany(_ value: String) {
        #expect(UPnPHeaderParsing.callback(value, maximumCount: 2) == nil)
    }

    @Test func timeoutForms() {
        #expect(UPnPHeaderParsing.timeout("Second-1800") == .seconds(1800))
        #expect(UPnPHeaderParsing.timeout("second-5") == .seconds(5))
        #expect(UPnPHeaderParsing.timeout("Second-infinite") == .infinite)
        #expect(UPnPHeaderParsing.timeout("Second-0") == nil)
        #expect(UPnPHeaderParsing.timeout("Second--1") == nil)
        #expect(UPnPHeaderParsing.timeout("Second-99999999999") == nil)
        #expect(UPnPHeaderParsing.timeout("1800") == nil)
    }

    @Test func hostForms() throws {
        let v4 = try #require(UPnPHeaderParsing.host("127.0.0.1:8080"))
        #expect(v4.host == "127.0.0.1" && v4.port == 8080)
        let v6 = try #require(UPnPHeaderParsing.host("[::1]:80"))
        #expect(v6.host == "::1" && v6.port == 80)
        let name = try #require(UPnPHeaderParsing.host("Pi.local"))
        #expect(name.host == "Pi.local" && name.port == nil)
        for bad in ["", ":80", "a:b", "a:1:2", "[::1", "[::1]x", "h:0", "h:65536", "a/b", "u@h"] {
            #expect(UPnPHeaderParsing.host(bad) == nil, "\(bad)")
        }
    }

    @Test func sidForms() {
        #expect(UPnPHeaderParsing.sid(" uuid:1234 ") == "uuid:1234")
        #expect(UPnPHeaderParsing.sid("1234") == nil)
        #expect(UPnPHeaderParsing.sid("uuid:") == nil)
        #expect(UPnPHeaderParsing.sid("uuid:a b") == nil)
        #expect(UPnPHeaderParsing.sid("uuid:" + String(repeating: "a", count: 200)) == nil)
    }

    @Test func contentTypeMustBeXMLInUTF8() {
        #expect(UPnPRequestRouter.isXMLUTF8("text/xml; charset=\"utf-8\""))
        #expect(UPnPRequestRouter.isXMLUTF8("TEXT/XML;charset=UTF-8"))
        #expect(UPnPRequestRouter.isXMLUTF8("text/xml"))
        #expect(!UPnPRequestRouter.isXMLUTF8("application/json"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; charset=iso-8859-1"))
        // Blanks around parts and parameters, other parameters, case: all as RFC 7231 §3.1.1.1 allows.
        #expect(UPnPRequestRouter.isXMLUTF8(" text/xml ;\tCharSet = \"Utf-8\" ; q=1"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xmlx; charset=utf-8"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; charset"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; charset=\"utf-8"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; charset=utf-16"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/x\u{0301}ml"))
        // Empty parts are skipped; a parameter needs a name and a value.
        #expect(UPnPRequestRouter.isXMLUTF8("text/xml;"))
        #expect(UPnPRequestRouter.isXMLUTF8("text/xml;;charset=utf-8"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; =utf-8"))
        #expect(!UPnPRequestRouter.isXMLUTF8("text/xml; charset="))
        #expect(!UPnPRequestRouter.isXMLUTF8(";"))
        #expect(!UPnPRequestRouter.isXMLUTF8(""))
    }

    @Test func requestFieldsAreFoundInOnePassWhateverTheirCase() {
        let fields = UPnPRequestFields(
            HTTPHeaders([
                ("HOST", "127.0.0.1:49152"), ("content-type", "text/xml"), ("Content-Type", "text/xml"),
                ("SoapAction", "\"urn:x#A\""), ("User-Agent", "first"), ("user-agent", "second"),
                ("Expect", "100-Continue"), ("X-Other", "v"), ("Content-Length", "12"),
            ])
        )
        #expect(fields.host == .once("127.0.0.1:49152"))
        // A field that must be unique and came twice is told apart from one that came once.
        #expect(fields.contentType == .repeated)
        #expect(fields.contentType.value == nil)
        #expect(fields.soapAction.value == "\"urn:x#A\"")
        #expect(fields.userAgent == "first")
        #expect(fields.expectsContinue)
        #expect(fields.contentLength == .once("12"))
        // Each name and value, plus ": " and CRLF.
        let namesAndValues = 4 + 15 + 12 + 8 + 12 + 8 + 10 + 9 + 10 + 5 + 10 + 6 + 6 + 12 + 7 + 1 + 14 + 2
        #expect(fields.headerBytes == namesAndValues + 9 * 4)
        let none = UPnPRequestFields(HTTPHeaders([("Expect", "something-else"), ("Hostx", "a")]))
        #expect(none.host == .absent && none.contentLength == .absent && !none.expectsContinue)
    }

    /// The router accepts a Host equal to hostHeader(local, port) without parsing it: the parse must agree.
    @Test(arguments: ["127.0.0.1", "192.168.1.20", "::1", "fe80::1", "2001:db8::ff00:42:8329"])
    func hostHeaderOfAnAddressParsesBackToIt(_ text: String) throws {
        let address = try #require(IPAddress(text))
        let value = UPnPRequestRouter.hostHeader(address, port: 49152)
        let (host, port) = try #require(UPnPHeaderParsing.host(value))
        #expect(IPAddress(host) == address)
        #expect(port == 49152)
        #expect(value.hasPrefix(text.contains(":") ? "[" : text))
    }

    @Test func serviceTypeVersionsAndSyntaxAreCheckedBytewise() {
        let ours = "urn:schemas-upnp-org:service:Messaging:2"
        #expect(SSDPAdvertisement.type("urn:schemas-upnp-org:service:Messaging:1", isServedBy: ours))
        #expect(SSDPAdvertisement.type(ours, isServedBy: ours))
        #expect(!SSDPAdvertisement.type("urn:schemas-upnp-org:service:Messaging:3", isServedBy: ours))
        #expect(!SSDPAdvertisement.type("urn:schemas-upnp-org:service:Messaging:", isServedBy: ours))
        #expect(!SSDPAdvertisement.type("urn:schemas-upnp-org:service:Messaging:\u{0301}1", isServedBy: ours))
        #expect(UPnPDeviceConfiguration.isValidType(ours, kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType(ours, kind: "device"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn::service:Messaging:2", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn:x:service:Messaging:0", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn:x:service:Messaging:2:3", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn:x:service:Messaging", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn:x:service::2", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urn:x:service:Messaging:", kind: "service"))
        #expect(!UPnPDeviceConfiguration.isValidType("urx:x:service:Messaging:2", kind: "service"))
        #expect(UPnPDeviceConfiguration.isValidType("urn:x:service:Messaging:12", kind: "service"))
        #expect(UPnPHeaderParsing.soapAction("\t\"\(ours)#ReadMessage\" ")?.action == "ReadMessage")
        #expect(UPnPHeaderParsing.soapAction("\"\(ours)#\"") == nil)
    }

    @Test func httpDateIsIMFFixdate() {
        #expect(HTTPDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSince1970: 1_795_449_600) == "Mon, 23 Nov 2026 16:00:00 GMT")
    }
}
