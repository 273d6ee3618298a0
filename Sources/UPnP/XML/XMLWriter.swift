/// Writes XML text with exact control over names, prefixes, namespace declarations and element order.
///
/// Used for everything the device emits (descriptions, SOAP responses and faults, GENA property sets, the
/// Messaging:2 fragments): "exact in what you send" means the output is written, not derived from a tree that
/// might reorder or re-prefix. Names are written as given (they are constants of the code, never peer input);
/// text and attribute values always go through the escaping of ``XMLEscaping``.
///
/// Everything goes into one UTF-8 byte buffer (``XMLTextBytes``), with no `String` per tag or value: a
/// SearchMessages answer is a `messageList` of up to thousands of messages, each some twenty elements.
public struct XMLWriter: Sendable {
    /// The UTF-8 bytes written so far.
    private var bytes: [UInt8]
    private var openElements: [String] = []

    /// The XML declaration every Messaging:2 fragment starts with (messaging-v2.md I-9).
    public static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

    /// Starts a document, with the XML declaration unless `declaration` is false.
    public init(declaration: Bool = true) {
        bytes = []
        if declaration { XMLTextBytes.appendRaw(Self.declaration, to: &bytes) }
    }

    /// The text written so far.
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens `<name attr="value" …>`; attributes are written in the given order.
    public mutating func open(_ name: String, attributes: [(String, String)] = []) {
        writeStartTag(name, attributes)
        bytes.append(UInt8(ascii: ">"))
        openElements.append(name)
    }

    /// Closes the innermost open element.
    public mutating func close() {
        guard let name = openElements.popLast() else { return }
        writeEndTag(name)
    }

    /// Writes `<name …>text</name>`; an empty text gives `<name …></name>` (not self-closing, so that an
    /// empty string argument reads the same to every parser).
    public mutating func element(_ name: String, attributes: [(String, String)] = [], text: String) {
        writeStartTag(name, attributes)
        bytes.append(UInt8(ascii: ">"))
        XMLTextBytes.appendEscaped(text, to: &bytes)
        writeEndTag(name)
    }

    /// Writes `<name …/>`.
    public mutating func emptyElement(_ name: String, attributes: [(String, String)] = []) {
        writeStartTag(name, attributes)
        XMLTextBytes.append("/>", to: &bytes)
    }

    /// Writes `<name …>` children `</name>`, the children written by `body`.
    public mutating func element(
        _ name: String,
        attributes: [(String, String)] = [],
        _ body: (inout XMLWriter) -> Void
    ) {
        open(name, attributes: attributes)
        body(&self)
        close()
    }

    /// Writes escaped character data.
    public mutating func text(_ text: String) {
        XMLTextBytes.appendEscaped(text, to: &bytes)
    }

    /// Closes every element still open and returns the document.
    public mutating func finish() -> String {
        while !openElements.isEmpty { close() }
        return output
    }

    private mutating func writeStartTag(_ name: String, _ attributes: [(String, String)]) {
        bytes.append(UInt8(ascii: "<"))
        XMLTextBytes.appendRaw(name, to: &bytes)
        for (attribute, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            XMLTextBytes.appendRaw(attribute, to: &bytes)
            XMLTextBytes.append("=\"", to: &bytes)
            XMLTextBytes.appendEscaped(value, inAttribute: true, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func writeEndTag(_ name: String) {
        XMLTextBytes.append("</", to: &bytes)
        XMLTextBytes.appendRaw(name, to: &bytes)
        bytes.append(UInt8(ascii: ">"))
    }
}
