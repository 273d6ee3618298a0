import NIOCore
import NIOHTTP1
import Testing

@testable import UPnP

/// The pre-serialised response head (``HTTPResponseBytes``): what a control point reads off the wire.
@Suite struct HTTPResponseBytesTests {
    static func head(
        version: HTTPVersion = .http1_1,
        status: HTTPResponseStatus = .ok,
        headers: [(String, String)] = [("Content-Type", "text/xml; charset=\"utf-8\""), ("EXT", "")],
        framing: HTTPResponseBytes.Framing = .length(1348),
        connection: HTTPResponseBytes.ConnectionHeader = .none
    ) throws -> String {
        var buffer = ByteBuffer()
        try HTTPResponseBytes.writeHead(
            version: version,
            status: status,
            headers: headers,
            server: "Linux/6 UPnP/1.1 Test/1",
            date: "Mon, 07 Dec 2026 09:24:28 GMT",
            framing: framing,
            connection: connection,
            to: &buffer
        )
        return String(buffer: buffer)
    }

    @Test func aSOAPAnswerHeadCarriesItsFieldsServerDateAndLength() throws {
        #expect(
            try Self.head()
                == "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nEXT: \r\n"
                + "Server: Linux/6 UPnP/1.1 Test/1\r\nDate: Mon, 07 Dec 2026 09:24:28 GMT\r\n"
                + "Content-Length: 1348\r\n\r\n"
        )
    }

    @Test func versionConnectionAndFramingFollowTheRequest() throws {
        let http10 = try Self.head(version: .http1_0, headers: [], framing: .length(0), connection: .keepAlive)
        #expect(http10.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(http10.hasSuffix("Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"))
        let closing = try Self.head(status: .payloadTooLarge, headers: [], framing: .length(0), connection: .close)
        #expect(closing.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(closing.hasSuffix("Content-Length: 0\r\nConnection: close\r\n\r\n"))
        let chunked = try Self.head(headers: [], framing: .chunked, connection: .close)
        #expect(chunked.hasSuffix("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"))
        let untilClose = try Self.head(version: .http1_0, headers: [], framing: .untilClose, connection: .close)
        #expect(!untilClose.contains("Content-Length") && !untilClose.contains("Transfer-Encoding"))
        for length in [7, 10, 99, 100, 65_536, 10_485_760] {
            #expect(try Self.head(headers: [], framing: .length(length)).contains("\r\nContent-Length: \(length)\r\n"))
        }
    }

    /// RFC 9110 §5.5: a CR, LF or NUL in a value would let a route's data split the response.
    @Test func aFieldThatWouldSplitTheResponseIsRefused() {
        for field in [
            ("X-Name", "a\r\nSet-Cookie: x=1"), ("X-Name", "a\nb"), ("X-Name", "a\0b"), ("X Name", "a"),
            ("", "a"), ("X-Name:", "a"),
        ] {
            #expect(throws: HTTPResponseBytes.InvalidField.self, "\(field)") { try Self.head(headers: [field]) }
        }
        #expect(throws: Never.self) { try Self.head(headers: [("X-Tab", "a\tb"), ("X-Utf8", "é")]) }
    }

    @Test func chunksAreFramedAndAnEmptyPieceIsNotTheLastChunk() {
        var buffer = ByteBuffer()
        HTTPResponseBytes.writeChunk(Array("hello world, 26 bytes long".utf8), to: &buffer)
        HTTPResponseBytes.writeChunk([], to: &buffer)
        buffer.writeStaticString(HTTPResponseBytes.lastChunk)
        #expect(String(buffer: buffer) == "1a\r\nhello world, 26 bytes long\r\n0\r\n\r\n")
    }
}
