import Foundation
import Testing

@testable import UPnP

@Suite struct XMLDocumentParserTests {
    // MARK: - Hostile input

    @Test func rejectsExternalEntityToAFile() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <r>&x;</r>
            """
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xxe) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func rejectsExternalDTDReference() {
        let xml = #"<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>"#
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func rejectsParameterEntityXXE() {
        let xml = """
            <!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><r/>
            """
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func rejectsBillionLaughs() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        xml += "]>\n<lolz a=\"&lol9;\">&lol9;</lolz>"
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func undeclaredEntityIsMalformed() {
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse("<r>&x;</r>") }
        #expect(error?.code == .malformed)
    }

    @Test func rejectsDepthBomb() {
        let depth = 100_000
        let xml = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == .tooDeep)
    }

    @Test func depthLimitIsExact() throws {
        let limits = XMLParseLimits(maxDepth: 4)
        let four = "<a><b><c><d/></c></b></a>"
        let five = "<a><b><c><d><e/></d></c></b></a>"
        #expect(try XMLDocumentParser.parse(four, limits: limits).name == "a")
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(five, limits: limits) }
        #expect(error?.code == .tooDeep)
    }

    @Test func libxml2DepthCeilingIsReportedAsTooDeep() {
        // Our limit above libxml2's own (256): libxml2 stops first, and that is still `.tooDeep`.
        let limits = XMLParseLimits(maxDepth: 1000)
        #expect(limits.maxDepth == XMLParseLimits.absoluteMaxDepth)
        let xml = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml, limits: limits) }
        #expect(error?.code == .tooDeep)
    }

    @Test func rejectsHugeBodyBeforeParsing() {
        let body = [UInt8](repeating: UInt8(ascii: " "), count: 10 << 20)
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(body) }
        #expect(error?.code == .documentTooLarge)
    }

    @Test func rejectsTooManyElements() throws {
        let limits = XMLParseLimits(maxElements: 100)
        let ok = "<r>" + String(repeating: "<a/>", count: 99) + "</r>"
        let tooMany = "<r>" + String(repeating: "<a/>", count: 100) + "</r>"
        #expect(try XMLDocumentParser.parse(ok, limits: limits).elements.count == 99)
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(tooMany, limits: limits) }
        #expect(error?.code == .tooManyElements)
    }

    @Test func defaultElementLimitStopsAFlatFlood() {
        let xml = "<r>" + String(repeating: "<a/>", count: XMLParseLimits.defaultMaxElements) + "</r>"
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == .tooManyElements)
    }

    @Test(arguments: [
        "",
        "not xml",
        "<a>",
        "<a></b>",
        "<a x='1' x='2'/>",
        "<a><b></a></b>",
        "<a/><b/>",
        "<p:a/>",
        "<a>\u{01}</a>",
        "<?xml version=\"1.0\" encoding=\"no-such-encoding\"?><a/>",
        "<a>&#0;</a>",
        "<a b=<c/>",
    ])
    func rejectsMalformed(xml: String) {
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xml) }
        #expect(error?.code == (xml.isEmpty ? .empty : .malformed))
        #expect(error?.reason.isEmpty == false)
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = Array("<a>".utf8) + [0xC3, 0x28] + Array("</a>".utf8)
        let error = #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(bytes) }
        #expect(error?.code == .malformed)
    }

    @Test func truncatedPrefixesOfAValidDocumentNeverCrash() throws {
        let bytes = Array(try SpecFiles.bytes("examples/message-sent-mms.xml"))
        let end = try #require(bytes.lastIndex(of: UInt8(ascii: ">")))
        for length in 0...end {
            #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(bytes[..<length]) }
        }
        #expect(try XMLDocumentParser.parse(bytes).name == "message")
    }

    // MARK: - Tree

    @Test func resolvesNamespacesAndKeepsLocalNames() throws {
        let xml = """
            <?xml version="1.0"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="enc">
              <s:Body><u:Act xmlns:u="urn:x:service:1"><Arg plain="1">v</Arg></u:Act></s:Body>
            </s:Envelope>
            """
        let root = try XMLDocumentParser.parse(xml)
        #expect(root.name == "Envelope")
        #expect(root.namespaceURI == "http://schemas.xmlsoap.org/soap/envelope/")
        #expect(root.attribute("encodingStyle", namespaceURI: "http://schemas.xmlsoap.org/soap/envelope/") == "enc")
        #expect(root.attribute("encodingStyle") == nil)
        let body = try #require(root.firstElement(named: "Body"))
        let action = try #require(body.elements.first)
        #expect(action.name == "Act")
        #expect(action.namespaceURI == "urn:x:service:1")
        let argument = try #require(action.firstElement(named: "Arg", namespaceURI: .some(nil)))
        #expect(argument.namespaceURI == nil)
        #expect(argument.attribute("plain") == "1")
        #expect(argument.text == "v")
        #expect(action.firstElement(named: "Arg", namespaceURI: "urn:other") == nil)
    }

    @Test func defaultNamespaceAppliesToChildren() throws {
        let root = try XMLDocumentParser.parse(#"<a xmlns="urn:d"><b/><c xmlns=""/></a>"#)
        #expect(root.namespaceURI == "urn:d")
        #expect(root.elements.map(\.namespaceURI) == ["urn:d", nil])
    }

    @Test func decodesPredefinedAndCharacterReferencesAndCDATA() throws {
        let root = try XMLDocumentParser.parse("<a t='&lt;&#x41;'>x &amp; y<![CDATA[<z>]]>&#128690;</a>")
        #expect(root.attribute("t") == "<A")
        #expect(root.text == "x & y<z>🚲")
        #expect(root.children.count == 1)
    }

    @Test func dropsCommentsAndProcessingInstructions() throws {
        let root = try XMLDocumentParser.parse("<a><!-- c --><?pi x?><b>t</b></a>")
        #expect(root.children == [.element(XMLElement(name: "b", children: [.text("t")]))])
    }

    @Test func readsUTF16WithByteOrderMark() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<a>é</a>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let root = try XMLDocumentParser.parse(bytes)
        #expect(root.text == "é")
    }

    @Test func parsesEscapedFragmentOfAnArgument() throws {
        // The SOAP body carries the fragment as text; parsing the text again gives the fragment (UDA §3.2.1).
        let envelope = try XMLDocumentParser.parse(try SpecFiles.bytes("examples/soap/ReadMessage-response.xml"))
        let argument = try #require(
            envelope.firstElement(named: "Body")?.elements.first?.firstElement(named: "MessageRequested")
        )
        #expect(!argument.hasElementChildren)
        let fragment = try XMLDocumentParser.parse(argument.text)
        #expect(fragment.name == "message")
        #expect(fragment.namespaceURI == "urn:schemas-upnp-org:phone:messaging")
        #expect(fragment.firstElement(named: "messageID")?.text == "M000123")
    }

    static func errorCode(_ body: () throws(XMLParseError) -> Void) -> XMLParseError.Code? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func concurrentParsesKeepTheirOwnErrors() async throws {
        let good = "<a><b>ok</b></a>"
        let bad = "<a><b></a>"
        let doctype = "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for task in 0..<8 {
                group.addTask {
                    var correct = 0
                    for round in 0..<200 {
                        switch (task + round) % 3 {
                        case 0:
                            if (try? XMLDocumentParser.parse(good))?.firstElement(named: "b")?.text == "ok" {
                                correct += 1
                            }
                        case 1:
                            if Self.errorCode({ () throws(XMLParseError) in _ = try XMLDocumentParser.parse(bad) })
                                == .malformed
                            {
                                correct += 1
                            }
                        default:
                            if Self.errorCode({ () throws(XMLParseError) in _ = try XMLDocumentParser.parse(doctype) })
                                == .doctypeForbidden
                            {
                                correct += 1
                            }
                        }
                    }
                    return (task, correct == 200)
                }
            }
            var all: [Int: Bool] = [:]
            for await (task, ok) in group { all[task] = ok }
            return all
        }
        #expect(results.count == 8)
        #expect(results.values.allSatisfy { $0 })
    }

    /// Parser contexts are reused: a parse that a hook stopped, that failed, or that interned many names leaves
    /// nothing behind for the next document on the same thread.
    @Test func aParseAfterAStoppedOrFailedOneStartsClean() throws {
        let valid = #"<s:a xmlns:s="urn:x"><b>ok</b></s:a>"#
        let limits = XMLParseLimits(maxDepth: 3, maxElements: 700)
        let manyNames = "<r>" + (0..<600).map { "<n\($0)/>" }.joined() + "</r>"
        let hostile: [(String, XMLParseError.Code?)] = [
            ("<a><b><c><d/></c></b></a>", .tooDeep),
            ("<r>" + String(repeating: "<e/>", count: 800) + "</r>", .tooManyElements),
            ("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", .doctypeForbidden),
            ("<a><b></a>", .malformed),
            ("<p:a/>", .malformed),
            (manyNames, nil),
        ]
        for _ in 0..<3 {
            for (document, code) in hostile {
                do {
                    _ = try XMLDocumentParser.parse(document, limits: limits)
                    #expect(code == nil, "\(document.prefix(40)) parsed")
                } catch {
                    #expect(error.code == code, "\(document.prefix(40))")
                }
                let root = try XMLDocumentParser.parse(valid, limits: limits)
                #expect(root.name == "a" && root.namespaceURI == "urn:x")
                #expect(root.firstElement(named: "b")?.text == "ok")
            }
        }
    }
}
