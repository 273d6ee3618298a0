import CLibXML2
import NIOPosix

/// The hardened XML parser for everything that arrives from the network (SOAP bodies, GENA, XML-valued
/// arguments, descriptions fetched by control points).
///
/// Over the system libxml2 (DESIGN.md "Real components"), configured so that a hostile peer cannot make it read
/// files, open connections, expand entities or use unbounded memory:
/// - `XML_PARSE_NONET`, and neither `XML_PARSE_NOENT` nor `XML_PARSE_DTDLOAD`; the process-wide external entity
///   loader refuses everything (``LibXML2``).
/// - Any `<!DOCTYPE` stops the parser at once, before its internal subset is read, so entity declarations
///   (XXE, "billion laughs") are never even parsed.
/// - ``XMLParseLimits``: the size is checked before parsing; depth and element count while parsing, from the
///   SAX start-element callback, which stops the parser as soon as a bound is crossed.
/// - Errors are collected per parser context (its own structured error handler): nothing is printed, and
///   concurrent parses on different threads do not share error state.
public enum XMLDocumentParser {
    /// Parses `bytes` and returns the root element.
    ///
    /// - Throws: ``XMLParseError`` with code `.empty`, `.documentTooLarge`, `.tooDeep`, `.tooManyElements`,
    ///   `.doctypeForbidden` or `.malformed`.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        limits: XMLParseLimits = .default
    ) throws(XMLParseError) -> XMLElement {
        try withDocument(bytes, limits: limits) { document throws(XMLParseError) in
            guard let root = xmlDocGetRootElement(document) else {
                throw XMLParseError(.malformed, "no root element")
            }
            return convert(root)
        }
    }

    /// Parses a string (its UTF-8 bytes) and returns the root element.
    public static func parse(_ string: String, limits: XMLParseLimits = .default) throws(XMLParseError) -> XMLElement {
        try parse(Array(string.utf8), limits: limits)
    }

    // MARK: - libxml2 document lifetime

    /// Parses `bytes` under the hardening rules and passes the document to `body`; frees it afterwards.
    static func withDocument<R>(
        _ bytes: some Collection<UInt8>,
        limits: XMLParseLimits,
        url: String? = nil,
        _ body: (xmlDocPtr) throws(XMLParseError) -> R
    ) throws(XMLParseError) -> R {
        guard !bytes.isEmpty else { throw XMLParseError(.empty, "empty document") }
        guard bytes.count <= limits.maxDocumentBytes else {
            throw XMLParseError(
                .documentTooLarge,
                "document of \(bytes.count) bytes exceeds the limit of \(limits.maxDocumentBytes)"
            )
        }
        LibXML2.ensureInitialized()
        guard let pooled = ContextPool.take() else { throw XMLParseError(.malformed, "out of memory") }
        let context = pooled.context
        defer { ContextPool.give(pooled) }

        let state = ParseState(limits: limits, originalStartElement: pooled.originalStartElement)
        let retained = Unmanaged.passRetained(state)
        defer { retained.release() }
        context.pointee._private = retained.toOpaque()
        context.pointee.sax.pointee.startElementNs = startElementHook
        context.pointee.sax.pointee.internalSubset = doctypeHook
        context.pointee.sax.pointee.externalSubset = doctypeHook
        context.pointee.sax.pointee.serror = errorHook

        let options =
            Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
            | Int32(XML_PARSE_NOCDATA.rawValue)
        let contiguous = Array(bytes)
        let document = contiguous.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), url, nil, options)
            }
        }
        defer { if let document { xmlFreeDoc(document) } }

        if let violation = state.violation { throw violation }
        // nsWellFormed: an undeclared prefix is only a namespace error to libxml2, but it would leak "p:a" into
        // local names; Namespaces in XML §5 makes it non-conforming, so refuse it.
        guard let document, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 else {
            throw state.firstError ?? XMLParseError(.malformed, "not well-formed")
        }
        // Belt and braces: the hook above stops at any DOCTYPE, so no internal subset can have been built.
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else {
            throw XMLParseError(.doctypeForbidden, "DOCTYPE declarations are not accepted")
        }
        return try body(document)
    }

    /// Parser contexts kept for the next parse, one per thread: making a context and its name dictionary for every
    /// document cost about as much as parsing a small SOAP request. `xmlCtxtReadMemory` resets a context before it
    /// parses (libxml2 parser.c, xmlCtxtReset), so nothing of one document reaches the next but interned names; a
    /// context whose dictionary has grown (a peer sending ever new names) is freed rather than kept.
    ///
    /// Per thread rather than one pool behind a lock: both event loops parse a SOAP request for every action, and a
    /// shared pool is a lock and a cache line they would both write twice per request. The threads that parse are
    /// few (the event loops and the concurrency pool), and a thread's context is freed when the thread ends.
    private enum ContextPool {
        struct Pooled: @unchecked Sendable {
            let context: xmlParserCtxtPtr
            /// libxml2's own start-element handler, which the hook calls; read once, before the hook replaces it.
            let originalStartElement: startElementNsSAX2Func?
        }

        /// A thread's idle context. Only the thread that owns the slot reads or writes it.
        final class Slot: @unchecked Sendable {
            var idle: Pooled?

            deinit {
                if let idle { xmlFreeParserCtxt(idle.context) }
            }
        }

        /// Names interned in a kept context's dictionary; SOAP, GENA and descriptions use a few dozen.
        static let keptNames = 512

        private static let slots = ThreadSpecificVariable<Slot>()

        /// The thread's idle context, or a new one (the first parse on a thread, or a parse inside another's body).
        static func take() -> Pooled? {
            if let slot = slots.currentValue, let pooled = slot.idle {
                slot.idle = nil
                return pooled
            }
            guard let context = xmlNewParserCtxt() else { return nil }
            return Pooled(context: context, originalStartElement: context.pointee.sax.pointee.startElementNs)
        }

        static func give(_ pooled: Pooled) {
            let context = pooled.context
            context.pointee._private = nil
            let slot: Slot
            if let current = slots.currentValue {
                slot = current
            } else {
                slot = Slot()
                slots.currentValue = slot
            }
            if slot.idle == nil, xmlDictSize(context.pointee.dict) <= keptNames {
                slot.idle = pooled
            } else {
                xmlFreeParserCtxt(context)
            }
        }
    }

    /// Per-parse state reached from the SAX callbacks through the context's `_private` pointer.
    private final class ParseState {
        let limits: XMLParseLimits
        let originalStartElement: startElementNsSAX2Func?
        var elementCount = 0
        var violation: XMLParseError?
        var firstError: XMLParseError?

        init(limits: XMLParseLimits, originalStartElement: startElementNsSAX2Func?) {
            self.limits = limits
            self.originalStartElement = originalStartElement
        }

        static func from(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
            guard let context else { return nil }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let opaque = parser.pointee._private else { return nil }
            return (parser, Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue())
        }

        func stop(_ parser: xmlParserCtxtPtr, _ error: XMLParseError) {
            if violation == nil { violation = error }
            xmlStopParser(parser)
        }
    }

    private static let startElementHook: startElementNsSAX2Func = {
        context,
        localName,
        prefix,
        uri,
        namespaceCount,
        namespaces,
        attributeCount,
        defaultedCount,
        attributes in
        guard let (parser, state) = ParseState.from(context) else { return }
        guard state.violation == nil else { return }
        state.elementCount += 1
        if state.elementCount > state.limits.maxElements {
            state.stop(parser, XMLParseError(.tooManyElements, "more than \(state.limits.maxElements) elements"))
            return
        }
        // The SAX2 tree builder pushes one node per open element, so nodeNr is the parent's depth.
        let depth = Int(parser.pointee.nodeNr) + 1
        if depth > state.limits.maxDepth {
            state.stop(parser, XMLParseError(.tooDeep, "elements nest deeper than \(state.limits.maxDepth)"))
            return
        }
        state.originalStartElement?(
            context,
            localName,
            prefix,
            uri,
            namespaceCount,
            namespaces,
            attributeCount,
            defaultedCount,
            attributes
        )
    }

    private static let doctypeHook: internalSubsetSAXFunc = { context, _, _, _ in
        guard let (parser, state) = ParseState.from(context) else { return }
        state.stop(parser, XMLParseError(.doctypeForbidden, "DOCTYPE declarations are not accepted"))
    }

    private static let errorHook: xmlStructuredErrorFunc = { context, error in
        guard let (_, state) = ParseState.from(context), let error else { return }
        guard state.firstError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0).trimmingXMLWhitespace() } ?? "unknown error"
        let code: XMLParseError.Code =
            message.contains("Excessive depth") ? .tooDeep : .malformed
        state.firstError = XMLParseError(code, message, documentLine: Int(error.pointee.line))
    }

    // MARK: - Conversion to the Swift tree

    /// Copies a libxml2 element into an ``XMLElement``. Recursion depth is bounded by ``XMLParseLimits/maxDepth``
    /// (≤ 256), which the parser enforced.
    static func convert(_ node: xmlNodePtr) -> XMLElement {
        let name = String(xmlChars: node.pointee.name) ?? ""
        let namespaceURI = String(xmlChars: node.pointee.ns?.pointee.href)
        var attributes: [XMLAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let value: String
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                cxml_free(raw)
            } else {
                value = ""
            }
            attributes.append(
                XMLAttribute(
                    name: String(xmlChars: current.pointee.name) ?? "",
                    namespaceURI: String(xmlChars: current.pointee.ns?.pointee.href),
                    value: value
                )
            )
            attribute = current.pointee.next
        }
        var children: [XMLContent] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(.element(convert(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = String(xmlChars: current.pointee.content) ?? ""
                // Adjacent text runs are merged so that `children` is canonical.
                if case .text(let previous)? = children.last {
                    children[children.count - 1] = .text(previous + text)
                } else {
                    children.append(.text(text))
                }
            default:
                break  // comments, processing instructions: no meaning in UPnP
            }
            child = current.pointee.next
        }
        return XMLElement(name: name, namespaceURI: namespaceURI, attributes: attributes, children: children)
    }
}
