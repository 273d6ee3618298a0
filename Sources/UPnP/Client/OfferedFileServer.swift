import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP server at which a control point offers files to a device for as long as it takes the device to fetch
/// them: the attachments of a Messaging:2 SendMessage and the `fileLink`s of StartFileTransfer are links that the
/// device fetches with HTTP GET (messaging-v2.md §5.6, §5.16).
///
/// Bind it on the local address that reaches the device (``UPnPHTTPClient/Response/localAddress``), port 0. Each file
/// is served at `/<token>/<name>` (GET and HEAD): the token, 128 random bits per server, keeps other hosts of the LAN
/// from guessing the links; the name, percent-encoded, tells the device the file's name. Anything else is 404.
/// Bounded like the GENA callback server: the life of each connection and their number.
package final class OfferedFileServer: Sendable {
    /// A file offered: its name (the last path segment of its link), its media type and its content.
    package struct File: Sendable {
        package var name: String
        package var mimeType: String
        package var bytes: [UInt8]

        package init(name: String, mimeType: String, bytes: [UInt8]) {
            self.name = name
            self.mimeType = mimeType
            self.bytes = bytes
        }
    }

    /// Longest a connection may stay open.
    package static let connectionTimeout = TimeAmount.seconds(120)
    /// Connections open at once; more are closed at once.
    package static let maximumConnections = 16

    package let files: [File]
    /// The link of each file, in the order of ``files``.
    package let links: [String]
    private let catalog: Catalog

    private init(catalog: Catalog, host: String, port: Int) {
        self.catalog = catalog
        files = catalog.files
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        links = catalog.paths.map { "http://\(authority)\($0)" }
    }

    /// How many times each file was sent whole (GET answered to the end), in the order of ``files``.
    package var fetches: [Int] { catalog.completed.withLock { $0 } }

    /// Runs a server on `host`, port 0, for the duration of `body`, which gets the server (its ``links``).
    package static func with<R: Sendable>(
        host: String,
        files: [File],
        _ body: (OfferedFileServer) async throws -> R
    ) async throws -> R {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let catalog = Catalog(files: files, token: token)
        return try await ScopedHTTPServer.with(
            host: host,
            maximumConnections: maximumConnections,
            serve: { connection in try? await catalog.serve(connection) },
            whileServing: { port in
                try await body(OfferedFileServer(catalog: catalog, host: host, port: port))
            }
        )
    }

    /// The files by path, and how often each was fetched.
    private final class Catalog: Sendable {
        let files: [File]
        let paths: [String]
        let completed: Mutex<[Int]>

        init(files: [File], token: String) {
            self.files = files
            paths = files.map { "/\(token)/\(OfferedFileServer.percentEncoded($0.name))" }
            completed = Mutex(Array(repeating: 0, count: files.count))
        }

        func serve(_ connection: ScopedHTTPServer.Connection) async throws {
            let deadline = connection.channel.eventLoop.scheduleTask(in: OfferedFileServer.connectionTimeout) {
                connection.channel.close(promise: nil)
            }
            defer { deadline.cancel() }
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let value):
                        head = value
                    case .body:
                        continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let index = paths.firstIndex(of: request.uri)
                        guard let index, request.method == .GET || request.method == .HEAD else {
                            var headers = HTTPHeaders()
                            headers.add(name: "Content-Length", value: "0")
                            let status: HTTPResponseStatus = index == nil ? .notFound : .methodNotAllowed
                            try await outbound.write(contentsOf: [
                                .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)),
                                .end(nil),
                            ])
                            continue
                        }
                        let file = files[index]
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: file.mimeType)
                        headers.add(name: "Content-Length", value: String(file.bytes.count))
                        var parts: [HTTPServerResponsePart] = [
                            .head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))
                        ]
                        if request.method == .GET { parts.append(.body(.byteBuffer(ByteBuffer(bytes: file.bytes)))) }
                        parts.append(.end(nil))
                        try await outbound.write(contentsOf: parts)
                        if request.method == .GET { completed.withLock { $0[index] += 1 } }
                        if !request.isKeepAlive { return }
                    }
                }
            }
        }
    }

    /// A path segment with everything but RFC 3986 §2.3 unreserved characters percent-encoded.
    static func percentEncoded(_ name: String) -> String {
        var result = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
