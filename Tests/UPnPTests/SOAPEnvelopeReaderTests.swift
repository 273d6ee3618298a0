import Testing

@testable import UPnP

/// The fast reader of canonical SOAP requests: what it reads equals libxml2's reading; everything else it leaves to
/// libxml2 (`nil`), and ``SOAPActionRequest/init(parsing:limits:)`` then answers as libxml2 does.
@Suite struct SOAPEnvelopeReaderTests {
    static let declaration = #"<?xml version="1.0" encoding="utf-8"?>"#
    static let open =
        #"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" "#
        + #"s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>"#
    static let close = "</s:Body></s:Envelope>"
    static let messaging = "urn:schemas-upnp-org:service:Messaging:2"

    /// A canonical request with `inner` as the action element.
    static func envelope(_ inner: String, declaration: String = declaration) -> [UInt8] {
        Array((declaration + open + inner + close).utf8)
    }

    static let limits = SOAPActionRequest.limits(maximumBytes: 1 << 20)

    static func fast(_ bytes: [UInt8]) -> SOAPActionRequest? {
        SOAPEnvelopeReader.read(bytes, maxDepth: limits.maxDepth, maxElements: limits.maxElements)
    }

    static func libxml2(_ bytes: [UInt8]) -> Result<SOAPActionRequest, SOAPActionRequest.ParseError> {
        Result { () throws(SOAPActionRequest.ParseError) in
            try SOAPActionRequest(parsingWithLibXML2: bytes, limits: limits)
        }
    }

    struct Accepted: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var action: String
        var serviceType: String?
        var arguments: [String]
        var testDescription: String { String(decoding: bytes, as: UTF8.self) }

        init(_ bytes: [UInt8], _ action: String, _ serviceType: String?, _ arguments: [String]) {
            self.bytes = bytes
            self.action = action
            self.serviceType = serviceType
            self.arguments = arguments
        }

        init(_ text: String, _ action: String, _ serviceType: String?, _ arguments: [String]) {
            self.init(Array(text.utf8), action, serviceType, arguments)
        }
    }

    static let accepted: [Accepted] = [
        // The bench's request, as control points send it.
        Accepted(
            envelope(#"<u:ReadMessage xmlns:u="\#(messaging)"><MessageID>M000123</MessageID></u:ReadMessage>"#),
            "ReadMessage",
            messaging,
            ["MessageID=M000123"]
        ),
        // No declaration; single quotes; declaration variants (XML 1.0 §2.8).
        Accepted(
            envelope("<u:A xmlns:u='urn:x-org:service:T:1'><X>1</X><Y/></u:A>", declaration: ""),
            "A",
            "urn:x-org:service:T:1",
            ["X=1", "Y="]
        ),
        Accepted(
            envelope(
                "<u:A xmlns:u=\"urn:a:b\"/>",
                declaration: "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
            ),
            "A",
            "urn:a:b",
            []
        ),
        Accepted(
            envelope("<u:A xmlns:u=\"urn:a:b\"></u:A>", declaration: "<?xml  version = \"1.0\"\tstandalone=\"no\"?>\n"),
            "A",
            "urn:a:b",
            []
        ),
        // Whitespace between elements and inside tags, attributes in another order, declarations on Body and action
        // under other prefixes, a second prefix for the envelope namespace.
        Accepted(
            "\n<env:Envelope\n\tenv:encodingStyle = 'http://schemas.xmlsoap.org/soap/encoding/'"
                + " xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\" >\n <b:Body xmlns:b="
                + "'http://schemas.xmlsoap.org/soap/envelope/' xmlns:m=\"urn:m:1\"\t>\n\t<m:Act >\n  <One\t>a b</One >"
                + "\n  <Two/>\n  <Three x='1' m:y=\"2\" >\t</Three>\n</m:Act\n>\n</b:Body>\n</env:Envelope>\n\n",
            "Act",
            "urn:m:1",
            ["One=a b", "Two=", "Three=\t"]
        ),
        // References (XML 1.0 §4.1, §4.6), a CR by reference, non-ASCII text, markup-valued text.
        Accepted(
            envelope(
                "<u:A xmlns:u=\"urn:a:b\"><V>&lt;m&gt;&amp;&apos;&quot;&#65;&#x42;&#13;&#x10FFFF;&#xfffd;</V></u:A>"
            ),
            "A",
            "urn:a:b",
            ["V=<m>&'\"AB\r\u{10FFFF}\u{FFFD}"]
        ),
        Accepted(
            envelope("<u:A xmlns:u=\"urn:a:b\"><V>é 𝄞 \u{FFFD} \u{85} ] ]] ]> > \u{7F}</V></u:A>"),
            "A",
            "urn:a:b",
            ["V=é 𝄞 \u{FFFD} \u{85} ] ]] ]> > \u{7F}"]
        ),
        // The control point's own writer.
        Accepted(
            SOAPActionRequest.envelope(
                action: "SendMessage",
                serviceType: messaging,
                arguments: [("MessageToSend", "<message>&\"x'\r\n\t</message>"), ("Other", "")]
            ),
            "SendMessage",
            messaging,
            ["MessageToSend=<message>&\"x'\r\n\t</message>", "Other="]
        ),
        // Sixteen attributes on one element, the reader's bound.
        Accepted(
            envelope("<u:A xmlns:u=\"urn:a:b\"><X" + (0..<16).map { " a\($0)='1'" }.joined() + ">1</X></u:A>"),
            "A",
            "urn:a:b",
            ["X=1"]
        ),
        // An unprefixed action is in no namespace.
        Accepted(envelope("<A><X>1</X></A>"), "A", nil, ["X=1"]),
        // Declarations on an argument; an http namespace with a path.
        Accepted(
            envelope("<u:A xmlns:u=\"http://example.org/svc/1\"><X xmlns:p=\"urn:p\" p:q=\"r\">v</X></u:A>"),
            "A",
            "http://example.org/svc/1",
            ["X=v"]
        ),
    ]

    @Test(arguments: accepted) func readsTheCanonicalShapeAsLibXML2Does(_ sample: Accepted) throws {
        let request = try #require(Self.fast(sample.bytes))
        #expect(request.actionName == sample.action)
        #expect(request.serviceType == sample.serviceType)
        #expect(request.arguments.map { "\($0.name)=\($0.value)" } == sample.arguments)
        #expect(try Self.libxml2(sample.bytes).get() == request)
        #expect(try SOAPActionRequest(parsing: sample.bytes) == request)
        // The FuzzXML target's differential check holds on it.
        var refusal: (any Error)?
        #expect(UPnPFuzzTargets.soapRequest(sample.bytes, refusal: &refusal) && refusal == nil)
    }

    static let action = "<u:A xmlns:u=\"urn:a:b\">"

    /// Documents outside the subset, valid or not: each is left to libxml2.
    static let bailed: [String] = [
        "\u{FEFF}" + declaration + open + action + "<X>1</X></u:A>" + close,  // BOM
        " " + declaration + open + action + "</u:A>" + close,  // declaration not first
        declaration.replacing("utf-8", with: "ISO-8859-1") + open + action + "</u:A>" + close,
        declaration.replacing("1.0", with: "1.1") + open + action + "</u:A>" + close,
        "<?xml version=\"1.0\" encoding?>" + open + action + "</u:A>" + close,
        "<?xml version=\"1.0\"encoding=\"utf-8\"?>" + open + action + "</u:A>" + close,
        "<!DOCTYPE s:Envelope>" + open + action + "</u:A>" + close,
        "<!-- c -->" + open + action + "</u:A>" + close,
        "<?pi x?>" + open + action + "</u:A>" + close,
        open + action + "<X>a<!-- c -->b</X></u:A>" + close,  // comment: libxml2 reads "ab"
        open + action + "<X><![CDATA[<b>]]></X></u:A>" + close,
        open + action + "<X>a<?pi?></X></u:A>" + close,
        open + action + "<X>a\r\nb</X></u:A>" + close,  // CR: libxml2 normalises it
        open.replacing("\" s:", with: "\"\r\ns:") + action + "</u:A>" + close,
        open + action + "<X>a\u{1}</X></u:A>" + close,
        open + action + "<X>a]]>b</X></u:A>" + close,
        open + action + "<X>a&nbsp;</X></u:A>" + close,
        open + action + "<X>a&amp</X></u:A>" + close,
        open + action + "<X>&#0;</X></u:A>" + close,
        open + action + "<X>&#xFFFE;</X></u:A>" + close,
        open + action + "<X>&#xD800;</X></u:A>" + close,
        open + action + "<X>&#x110000;</X></u:A>" + close,
        open + action + "<X>&#00000065;</X></u:A>" + close,
        open + action + "<X>&#X41;</X></u:A>" + close,
        open + action + "<X>\u{FFFE}</X></u:A>" + close,
        open + action + "<X a=\"<\">1</X></u:A>" + close,
        open + action + "<X a=\"&amp;\">1</X></u:A>" + close,
        open + action + "<X a=\"1\" a='2'>1</X></u:A>" + close,
        open + action + "<X p:a=\"1\" xmlns:p=\"urn:p\" xmlns:q=\"urn:p\" q:a='2'>1</X></u:A>" + close,
        open + action + "<X xml:lang=\"en\">1</X></u:A>" + close,
        open + action + "<X a=\"1\"b=\"2\">1</X></u:A>" + close,
        open + "<u:A xmlns:u=\"urn:a:b\" xmlns:u=\"urn:a:c\"></u:A>" + close,
        open + "<u:A xmlns=\"urn:a:b\"><X>1</X></u:A>" + close,  // default namespace
        open + "<u:A xmlns:u=\"urn:a&amp;b\"></u:A>" + close,
        open + "<u:A xmlns:u=\"\"></u:A>" + close,
        open + "<u:A xmlns:u=\"relative/path\"></u:A>" + close,
        open + "<u:A xmlns:u=\"http://host:8080/x\"></u:A>" + close,
        open + "<u:A xmlns:u=\"urn:a b\"></u:A>" + close,
        open + "<u:A xmlns:u=\"urn:a\tb\"></u:A>" + close,
        open + "<u:A xmlns:u=\"urn:é\"></u:A>" + close,
        open + "<u:A xmlns:u=\"http://www.w3.org/XML/1998/namespace\"></u:A>" + close,
        open + "<u:A xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"></u:A>" + close,
        open + "<v:A xmlns:u=\"urn:a:b\"></v:A>" + close,  // undeclared prefix
        open + action + "<p:X xmlns:p=\"urn:p\">1</p:X></u:A>" + close,  // prefixed argument
        open + action + "<X>1</Y></u:A>" + close,
        open + action + "<X>1</X></u:B>" + close,
        open + action + "<Xé>1</Xé></u:A>" + close,
        open + action + "<X:Y:Z>1</X:Y:Z></u:A>" + close,
        open + action + "<X><Y>1</Y></X></u:A>" + close,  // structured argument
        open + action + "<X>1</X>text<Y/></u:A>" + close,
        open + action + "</u:A><u:B xmlns:u=\"urn:a:b\"/>" + close,  // two actions
        open + "</s:Body></s:Envelope>",  // no action
        open.replacing("<s:Body>", with: "<s:Header/><s:Body>") + action + "</u:A>" + close,
        open.replacing("<s:Body>", with: "x<s:Body>") + action + "</u:A>" + close,
        open + "x" + action + "</u:A>" + close,
        open + action + "</u:A>" + close + "x",
        open + action + "</u:A>" + close + "<!-- c -->",
        open + action + "</u:A>" + close + "<s:Envelope/>",
        open + action + "</u:A>",  // truncated
        open + action + "<X>1",
        "<Envelope><Body>" + action + "</u:A></Body></Envelope>",  // root not in the SOAP namespace
        open.replacing("Envelope ", with: "Wrapper ") + action + "</u:A></s:Body></s:Wrapper>",
        open.replacing("soap/envelope/", with: "soap/envelope") + action + "</u:A>" + close,
        open + "<u:xmlns xmlns:u=\"urn:a:b\"></u:xmlns>" + close,
        open + action + String(repeating: "<X>1</X>", count: 65) + "</u:A>" + close,  // 65 arguments
        open + action + "<X" + (0..<17).map { " a\($0)='1'" }.joined() + ">1</X></u:A>" + close,  // 17 attributes
        "",
    ]

    @Test(arguments: bailed) func leavesEverythingElseToLibXML2(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(Self.fast(bytes) == nil)
        let parsed = Result { () throws(SOAPActionRequest.ParseError) in try SOAPActionRequest(parsing: bytes) }
        #expect(parsed == Self.libxml2(bytes))
    }

    /// Bytes that are not UTF-8 (overlong, surrogate, truncated, past U+10FFFF) in text and in attribute values.
    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xFF]])
    func refusesBytesThatAreNotUTF8(_ sequence: [UInt8]) throws {
        let text = Self.envelope(Self.action + "<X>a" + "\u{0}" + "</X></u:A>")
        let attribute = Self.envelope(Self.action + "<X a='\u{0}'>a</X></u:A>")
        for template in [text, attribute] {
            let zero = try #require(template.firstIndex(of: 0))
            var bytes = template
            bytes.replaceSubrange(zero...zero, with: sequence)
            #expect(Self.fast(bytes) == nil)
            #expect(
                Result { () throws(SOAPActionRequest.ParseError) in try SOAPActionRequest(parsing: bytes) }
                    == Self.libxml2(bytes)
            )
        }
    }

    /// The parse limits hold on the fast path too: a document past them gets libxml2's error.
    @Test func keepsTheParseLimits() {
        let bytes = Self.envelope(Self.action + "<X>1</X><Y>2</Y></u:A>")
        #expect(Self.fast(bytes) != nil)
        #expect(SOAPEnvelopeReader.read(bytes, maxDepth: 3, maxElements: 1024) == nil)
        #expect(SOAPEnvelopeReader.read(bytes, maxDepth: 4, maxElements: 4) == nil)
        #expect(SOAPEnvelopeReader.read(bytes, maxDepth: 4, maxElements: 5) != nil)
        let shallow = XMLParseLimits(maxDocumentBytes: 1 << 20, maxDepth: 3, maxElements: 1024)
        #expect(throws: SOAPActionRequest.ParseError.xml(XMLParseError(.tooDeep, "elements nest deeper than 3"))) {
            try SOAPActionRequest(parsing: bytes, limits: shallow)
        }
        let small = XMLParseLimits(maxDocumentBytes: bytes.count - 1, maxDepth: 16, maxElements: 1024)
        let error = #expect(throws: SOAPActionRequest.ParseError.self) {
            try SOAPActionRequest(parsing: bytes, limits: small)
        }
        guard case .xml(let xmlError) = error else {
            Issue.record("expected an XML error, got \(String(describing: error))")
            return
        }
        #expect(xmlError.code == .documentTooLarge)
    }
}
