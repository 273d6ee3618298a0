import CLibXML2
import Synchronization

/// Process-wide libxml2 setup, done exactly once before any parser or schema is used.
///
/// libxml2 (2.9, built with threads) is safe for concurrent use when `xmlInitParser()` ran first on one thread
/// and each thread uses its own parser and validation contexts; its per-thread globals are left at their
/// defaults. The one process-wide hook touched here is the external entity loader, replaced by one that loads
/// nothing from files or the network: only in-memory resources registered for the duration of a schema
/// compilation (the `xsd:import` of peer-v2.xsd) can be resolved.
enum LibXML2 {
    /// Runs the one-time initialisation (Swift initialises globals lazily and thread-safely).
    static func ensureInitialized() {
        _ = initialized
    }

    private static let initialized: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader(denyingEntityLoader)
        return true
    }()

    /// In-memory resources the loader may serve, keyed by the exact URL libxml2 asks for.
    private static let resources = Mutex<[String: [UInt8]]>([:])
    private static let nextResourceScope = Atomic<Int>(0)

    /// Makes `documents` loadable under `scope/<name>` while `body` runs; returns `body`'s result.
    static func withResources<R>(
        _ documents: [String: [UInt8]],
        _ body: (_ scope: String) throws -> R
    ) rethrows -> R {
        ensureInitialized()
        let scope = "modemmessaging-memory-\(nextResourceScope.add(1, ordering: .relaxed).newValue)"
        resources.withLock { table in
            for (name, bytes) in documents { table["\(scope)/\(name)"] = bytes }
        }
        defer {
            resources.withLock { table in
                for name in documents.keys { table["\(scope)/\(name)"] = nil }
            }
        }
        return try body(scope)
    }

    /// The external entity loader: registered in-memory resources only; files, DTDs and network never.
    private static let denyingEntityLoader: xmlExternalEntityLoader = { url, _, context in
        guard let url else { return nil }
        let key = String(cString: url)
        guard let bytes = LibXML2.resources.withLock({ $0[key] }), bytes.count < Int(Int32.max) else { return nil }
        let buffer = bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                // Copies the bytes (libxml2 2.9: xmlParserInputBufferCreateMem duplicates the memory).
                xmlParserInputBufferCreateMem(chars.baseAddress, Int32(chars.count), XML_CHAR_ENCODING_NONE)
            }
        }
        guard let buffer else { return nil }
        guard let input = xmlNewIOInputStream(context, buffer, XML_CHAR_ENCODING_NONE) else {
            xmlFreeParserInputBuffer(buffer)
            return nil
        }
        return input
    }
}

extension String {
    /// Copies a libxml2 string (UTF-8 by libxml2's contract); `nil` stays `nil`.
    init?(xmlChars pointer: UnsafePointer<xmlChar>?) {
        guard let pointer else { return nil }
        self = String(cString: pointer)
    }
}
