import CLibXML2
import Synchronization

/// A compiled W3C XML Schema (libxml2 `xmlSchema`), built from schema text held in memory.
///
/// Schema documents come from the caller as bytes — never from files or the network at validation time. An
/// `xsd:import`/`xsd:include` is resolved only against `imports`, keyed by its `schemaLocation`, so that the
/// Messaging:2 schema finds `peer-v2.xsd` (messaging-v2.md §1: the schema URLs on www.upnp.org must never be
/// fetched).
///
/// Validation is thread-safe: the compiled schema is read-only after compilation, and every ``validate(_:)``
/// call uses its own validation context and error collector.
public final class XMLSchema: @unchecked Sendable {
    // @unchecked: `schema` and `schemaDocument` are written only in init and freed in deinit; libxml2 only
    // reads a compiled schema during validation (each validation has its own xmlSchemaValidCtxt).
    private let schema: xmlSchemaPtr
    private let schemaDocument: xmlDocPtr
    /// Limits applied to documents validated with ``validate(_:)``.
    public let limits: XMLParseLimits

    /// Compiles a schema.
    ///
    /// - Parameters:
    ///   - main: the text of the main schema document.
    ///   - name: the main document's file name; relative `schemaLocation`s are resolved against it.
    ///   - imports: further schema documents by file name (as written in `schemaLocation`).
    ///   - limits: limits for the instance documents this schema will validate.
    /// - Throws: ``XMLParseError`` `.schemaUnusable` with every message libxml2 reported.
    public init(
        main: some Collection<UInt8>,
        name: String = "schema.xsd",
        imports: [String: [UInt8]] = [:],
        limits: XMLParseLimits = .default
    ) throws(XMLParseError) {
        self.limits = limits
        let schemaLimits = XMLParseLimits(maxDocumentBytes: XMLParseLimits.absoluteMaxDocumentBytes, maxDepth: 64)
        let compiled: Result<(xmlSchemaPtr, xmlDocPtr), XMLParseError> = LibXML2.withResources(imports) { scope in
            // Parse the main document with the hardened parser, then give it the URL under which the imports
            // are registered, so that libxml2 resolves "peer-v2.xsd" to "<scope>/peer-v2.xsd".
            do throws(XMLParseError) {
                let document = try XMLDocumentParser.withDocument(main, limits: schemaLimits) { document in
                    xmlCopyDoc(document, 1)
                }
                guard let document else { return .failure(XMLParseError(.schemaUnusable, "out of memory")) }
                document.pointee.URL = UnsafePointer(xmlStrdup("\(scope)/\(name)"))
                guard let context = xmlSchemaNewDocParserCtxt(document) else {
                    xmlFreeDoc(document)
                    return .failure(XMLParseError(.schemaUnusable, "out of memory"))
                }
                defer { xmlSchemaFreeParserCtxt(context) }
                let collector = ErrorCollector()
                let retained = Unmanaged.passRetained(collector)
                defer { retained.release() }
                xmlSchemaSetParserStructuredErrors(context, ErrorCollector.handler, retained.toOpaque())
                guard let schema = xmlSchemaParse(context) else {
                    xmlFreeDoc(document)
                    let messages = collector.messages.isEmpty ? ["schema does not compile"] : collector.messages
                    return .failure(XMLParseError(.schemaUnusable, messages.joined(separator: "; ")))
                }
                return .success((schema, document))
            } catch {
                return .failure(XMLParseError(.schemaUnusable, "schema text: \(error.reason)"))
            }
        }
        switch compiled {
        case .success(let (schema, document)):
            self.schema = schema
            self.schemaDocument = document
        case .failure(let error):
            throw error
        }
    }

    /// Compiles a schema from strings (convenience for tests and embedded schema text).
    public convenience init(
        main: String,
        name: String = "schema.xsd",
        imports: [String: String] = [:],
        limits: XMLParseLimits = .default
    ) throws(XMLParseError) {
        try self.init(
            main: Array(main.utf8),
            name: name,
            imports: imports.mapValues { Array($0.utf8) },
            limits: limits
        )
    }

    deinit {
        xmlSchemaFree(schema)
        xmlFreeDoc(schemaDocument)
    }

    /// Parses `bytes` with the hardened parser and validates the document; returns its root element.
    ///
    /// - Throws: the parser's ``XMLParseError``, or `.invalid` whose reason lists every validation message
    ///   (collected, never printed), capped at ``maxReportedErrors``.
    @discardableResult
    public func validate(_ bytes: some Collection<UInt8>) throws(XMLParseError) -> XMLElement {
        try XMLDocumentParser.withDocument(bytes, limits: limits) { document throws(XMLParseError) in
            try validate(document: document)
            guard let root = xmlDocGetRootElement(document) else {
                throw XMLParseError(.malformed, "no root element")
            }
            return XMLDocumentParser.convert(root)
        }
    }

    /// Validates a string (its UTF-8 bytes).
    @discardableResult
    public func validate(_ string: String) throws(XMLParseError) -> XMLElement {
        try validate(Array(string.utf8))
    }

    /// Most validation messages kept in one error.
    public static let maxReportedErrors = 20

    private func validate(document: xmlDocPtr) throws(XMLParseError) {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            throw XMLParseError(.invalid, "out of memory")
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector()
        let retained = Unmanaged.passRetained(collector)
        defer { retained.release() }
        xmlSchemaSetValidStructuredErrors(context, ErrorCollector.handler, retained.toOpaque())
        let result = xmlSchemaValidateDoc(context, document)
        guard result != 0 else { return }
        let messages = collector.messages.isEmpty ? ["validation failed (\(result))"] : collector.messages
        throw XMLParseError(.invalid, messages.joined(separator: "; "), documentLine: collector.firstLine)
    }

    /// Collects structured errors of one libxml2 context (reached through the handler's user-data pointer).
    private final class ErrorCollector {
        var messages: [String] = []
        var firstLine: Int?

        static let handler: xmlStructuredErrorFunc = { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            guard collector.messages.count < XMLSchema.maxReportedErrors else { return }
            let message = error.pointee.message.map { String(cString: $0).trimmingXMLWhitespace() } ?? "error"
            if collector.firstLine == nil, error.pointee.line > 0 { collector.firstLine = Int(error.pointee.line) }
            collector.messages.append(message)
        }
    }
}
