import Testing

@testable import UPnP

@Suite struct XMLEscapingTests {
    @Test func escapesMarkupCharacters() {
        #expect(XMLEscaping.escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;")
    }

    @Test func replacesForbiddenControlCharacters() {
        #expect(XMLEscaping.escape("a\u{01}b\tc\n") == "a\u{FFFD}b\tc\n")
    }

    @Test func escapesCarriageReturnAndAttributeWhitespace() {
        #expect(XMLEscaping.escape("a\r\nb\t") == "a&#13;\nb\t")
        #expect(XMLEscaping.escapeAttribute("a\r\nb\t") == "a&#13;&#10;b&#9;")
    }

    @Test func keepsNonASCIIText() {
        #expect(XMLEscaping.escape("ÄÖ € 😀") == "ÄÖ € 😀")
    }
}
