import Foundation
import SMSCodec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The batch path of `modemctl pdu decode -`: one hex PDU per input line → one JSON line per PDU.
///
/// A file of hundreds of thousands of PDUs is the use (a modem's dump, a log): reading a String per line, trimming
/// it with Foundation and writing each JSON line with its own system call cost far more than the decode. So input is
/// read in large blocks and split into lines as bytes, each JSON line is serialized as bytes into one output buffer,
/// and that buffer is written when it is full — and before every read that may block, so that a coprocess that
/// writes one line and waits for its answer still gets it at once.
///
/// The output is byte for byte what the line-at-a-time reader printed: a line ends at `\n` (a `\r` before it goes
/// too), blanks and tabs around the hex are ignored, a blank line prints nothing, and a line with any non-ASCII byte
/// takes the String path (invalid UTF-8 repaired, Unicode white space trimmed) that the earlier reader took.
struct PDUBatchDecoder {
    var hasSMSC: Bool
    var options: PDUDecodingOptions

    /// Input is read in blocks of this size.
    static let blockSize = 1 << 16
    /// Output is written before each read and when it holds this much. A JSON line is about three times its hex
    /// line, so a full block of input gives about 200 KiB: a 64 KiB limit cut that into four writes, and for
    /// `scripts/bench-cli`'s file written to a file one write per block took about 5 % less CPU in all.
    static let outputSize = 1 << 20

    /// Reads `input` to its end and writes the JSON lines to `output`.
    /// - Throws: ``BatchIOError`` when a read or a write fails (a closed pipe on output ends the process through
    ///   SIGPIPE, as any writer's does).
    func run(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(BatchIOError) {
        var out = OutputBuffer(descriptor: output, capacity: Self.outputSize)
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.blockSize)
        defer { block.deallocate() }
        // The start of a line whose end is not read yet.
        var carried: [UInt8] = []
        // The octets of the current line's PDU: one buffer for every line (the decoded PDU keeps a reference only
        // until its JSON is written), not an array allocated per line.
        var octets: [UInt8] = []
        octets.reserveCapacity(PDUHex.maximumOctets)
        while true {
            try out.flush()
            let count = read(input, block.baseAddress, block.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw BatchIOError(operation: "read", code: errno)
            }
            if count == 0 { break }
            let filled = UnsafeBufferPointer(rebasing: block[0..<count])
            var lineStart = 0
            while lineStart < count, let found = memchr(block.baseAddress! + lineStart, 0x0A, count - lineStart) {
                let newline = block.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if carried.isEmpty {
                    decodeLine(
                        UnsafeBufferPointer(rebasing: filled[lineStart..<newline]),
                        ended: true,
                        octets: &octets,
                        into: &out
                    )
                } else {
                    carried.append(contentsOf: filled[lineStart..<newline])
                    carried.withUnsafeBufferPointer { decodeLine($0, ended: true, octets: &octets, into: &out) }
                    carried.removeAll(keepingCapacity: true)
                }
                lineStart = newline + 1
                if out.isFull { try out.flush() }
            }
            carried.append(contentsOf: filled[lineStart...])
        }
        if !carried.isEmpty {
            carried.withUnsafeBufferPointer { decodeLine($0, ended: false, octets: &octets, into: &out) }
        }
        try out.flush()
    }

    /// Decodes one line (without its `\n`; `ended` tells whether it had one) and appends its JSON line; `octets` is
    /// the buffer the PDU's octets are decoded into.
    private func decodeLine(
        _ line: UnsafeBufferPointer<UInt8>,
        ended: Bool,
        octets: inout [UInt8],
        into out: inout OutputBuffer
    ) {
        guard Self.isASCII(line) else {
            decodeNonASCII(line, ended: ended, into: &out)
            return
        }
        var start = 0
        var end = line.count
        // "\r\n" ends a line as "\n" does; a lone "\r" at the end of the input stays (and is not hex).
        if ended, end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        // Foundation's `.whitespaces` in ASCII: space and tab.
        while start < end, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        guard start < end else { return }
        let hex = UnsafeBufferPointer(rebasing: line[start..<end])
        do {
            try PDUHex.decode(utf8: hex, into: &octets)
            let pdu = try SMSPDU.decode(octets, hasSMSC: hasSMSC, options: options)
            out.append(pdu)
        } catch {
            out.append(.object([("error", .string(error.description))]))
        }
    }

    /// Whether every byte of `line` is below 0x80, eight at a time.
    private static func isASCII(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return true }
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= line.count {
            high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < line.count {
            high |= UInt64(line[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// A line with a non-ASCII byte: the String path of the line-at-a-time reader (`readLine()` repairs invalid
    /// UTF-8 and strips "\n" or "\r\n"; `.whitespaces` trims Unicode space separators and tab).
    private func decodeNonASCII(_ line: UnsafeBufferPointer<UInt8>, ended: Bool, into out: inout OutputBuffer) {
        var bytes = Array(line)
        if ended { bytes.append(UInt8(ascii: "\n")) }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.last == "\n" || text.last == "\r\n" { text.removeLast() }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return }
        do {
            out.append(try SMSPDU.decode(hex: trimmed, hasSMSC: hasSMSC, options: options))
        } catch {
            out.append(.object([("error", .string(error.description))]))
        }
    }
}

/// A read or write of the batch path failed.
struct BatchIOError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

/// JSON lines collected as bytes and written with as few system calls as the caller's flushes allow.
struct OutputBuffer: ~Copyable {
    let descriptor: Int32
    let capacity: Int
    private var writer: JSONByteWriter

    init(descriptor: Int32, capacity: Int) {
        self.descriptor = descriptor
        self.capacity = capacity
        writer = JSONByteWriter(capacity: capacity + capacity / 2)
    }

    var isFull: Bool { writer.count >= capacity }

    /// Appends the JSON of `pdu` as one line, written as it is produced (no ``JSONValue`` tree per PDU).
    mutating func append(_ pdu: SMSPDU) {
        pdu.writeCompactJSON(to: &writer)
        writer.endLine()
    }

    /// Appends `value` as one compact JSON line.
    mutating func append(_ value: JSONValue) {
        writer.value(value)
        writer.endLine()
    }

    /// Writes everything collected, however many calls that takes.
    mutating func flush() throws(BatchIOError) {
        var written = 0
        defer { writer.removeAll() }
        while written < writer.count {
            let result = writer.withBytes { all in
                write(descriptor, all.baseAddress! + written, all.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw BatchIOError(operation: "write", code: errno)
            }
            written += result
        }
    }
}
