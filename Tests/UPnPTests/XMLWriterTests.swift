import Testing

@testable import UPnP

@Suite struct XMLWriterTests {
    @Test func writesDeclarationNestingAndEscapes() {
        var writer = XMLWriter()
        writer.element("m:root", attributes: [("xmlns:m", "urn:x"), ("a", "1 & \"2\"")]) { w in
            w.element("text", text: "<b>&'</b>")
            w.element("empty", text: "")
            w.emptyElement("self")
        }
        #expect(
            writer.finish()
                == #"<?xml version="1.0" encoding="UTF-8"?><m:root xmlns:m="urn:x" a="1 &amp; &quot;2&quot;">"#
                + "<text>&lt;b&gt;&amp;&apos;&lt;/b&gt;</text><empty></empty><self/></m:root>"
        )
    }

    @Test func finishClosesOpenElements() {
        var writer = XMLWriter(declaration: false)
        writer.open("a")
        writer.open("b")
        writer.text("t")
        #expect(writer.finish() == "<a><b>t</b></a>")
    }

    @Test func writtenTextRoundTripsThroughTheParser() throws {
        let samples = ["plain", "<&>\"'", "emoji 🚲 and ÄÖ", "  spaces  ", "line\nbreak\ttab", "cr\r\nlf", "]]>"]
        for sample in samples {
            var writer = XMLWriter()
            writer.element("v", attributes: [("a", sample)], text: sample)
            let root = try XMLDocumentParser.parse(writer.finish())
            #expect(root.text == sample)
            #expect(root.attribute("a") == sample)
        }
    }
}
