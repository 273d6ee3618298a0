import NIOCore
import NIOHTTP1

/// The wire form of the device's HTTP/1.1 responses (RFC 9112 §4, §6, §7.1), written straight into the buffer that
/// then carries the body, so that a response leaves in one write and one system call. Header fields that a route
/// supplies are checked here, as NIO's response header validator did: a CR, LF or NUL in a value would split the
/// response (RFC 9110 §5.5), and a name must be a token (RFC 9110 §5.1).
enum HTTPResponseBytes {
    /// How the message body is delimited (RFC 9112 §6.3).
    enum Framing {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked` (HTTP/1.1 only, RFC 9112 §7.1).
        case chunked
        /// Neither: the body, if any, ends when the connection closes (HTTP/1.0, or a HEAD answer to a stream).
        case untilClose
    }

    /// The connection header the response carries (RFC 9112 §9.3, §9.6).
    enum ConnectionHeader {
        /// None: the version's default applies (HTTP/1.1 persistent).
        case none
        /// `Connection: keep-alive`, for an HTTP/1.0 client that asked for it.
        case keepAlive
        /// `Connection: close`: the connection closes after this response.
        case close
    }

    /// A header field that would split the response or is no field at all.
    struct InvalidField: Error, Sendable {
        let name: String
    }

    /// Writes the status line and header section: `headers` in order, then `Server`, `Date`, the framing field and
    /// `Connection`, then the empty line.
    static func writeHead(
        version: HTTPVersion,
        status: HTTPResponseStatus,
        headers: [(String, String)],
        server: String,
        date: String,
        framing: Framing,
        connection: ConnectionHeader,
        to buffer: inout ByteBuffer
    ) throws(InvalidField) {
        writeStatusLine(version: version, status: status, to: &buffer)
        for (name, value) in headers {
            guard UPnPHeaderParsing.isToken(name), isFieldValue(value) else { throw InvalidField(name: name) }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Server: ")
        buffer.writeString(server)
        buffer.writeStaticString("\r\nDate: ")
        buffer.writeString(date)
        buffer.writeStaticString("\r\n")
        switch framing {
        case .length(let length):
            buffer.writeStaticString("Content-Length: ")
            writeDecimal(length, to: &buffer)
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        case .untilClose:
            break
        }
        switch connection {
        case .none: break
        case .keepAlive: buffer.writeStaticString("Connection: keep-alive\r\n")
        case .close: buffer.writeStaticString("Connection: close\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// `HTTP/1.1 200 OK` and its line end.
    static func writeStatusLine(version: HTTPVersion, status: HTTPResponseStatus, to buffer: inout ByteBuffer) {
        if version.major == 1 && version.minor == 1 {
            buffer.writeStaticString("HTTP/1.1 ")
        } else {
            buffer.writeStaticString("HTTP/")
            writeDecimal(version.major, to: &buffer)
            buffer.writeInteger(UInt8(ascii: "."))
            writeDecimal(version.minor, to: &buffer)
            buffer.writeInteger(UInt8(ascii: " "))
        }
        writeDecimal(Int(status.code), to: &buffer)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    /// One chunk of a chunked body (RFC 9112 §7.1): size in hex, the bytes, CRLF. Empty input writes nothing, since
    /// an empty chunk is the last-chunk that ends the body.
    static func writeChunk(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        guard !bytes.isEmpty else { return }
        buffer.writeString(String(bytes.count, radix: 16))
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// The last-chunk with no trailer section (RFC 9112 §7.1).
    static let lastChunk: StaticString = "0\r\n\r\n"

    /// The answer to a request the decoder could not parse (RFC 9112 §2.2: 400, then close).
    static let badRequest: StaticString = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

    /// RFC 9110 §15.2.1: the interim response that invites the body after `Expect: 100-continue`.
    static let continueResponse: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"

    /// Decimal digits of a non-negative number, without an intermediate String.
    private static func writeDecimal(_ value: Int, to buffer: inout ByteBuffer) {
        precondition(value >= 0)
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return count
        }
    }

    /// RFC 9110 §5.5: a field value holds no control character but HTAB (so no CR, LF or NUL).
    static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }
    }
}
