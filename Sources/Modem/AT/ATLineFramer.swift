/// Splits the byte stream from a modem into lines and the `> ` prompt (V.250 §5.7.1, TS 27.005 §3.5.1).
///
/// Framing is separate from parsing (STYLE.md §3): this type knows only line ends. A line ends at CR or LF; a
/// modem in V1 mode frames information text as `<CR><LF>text<CR><LF>`, some send CR alone (`+CMT: ,23<CR><PDU><CR>`
/// in gammu's traces) or LF alone (gammu's dumps), and echo adds `AT…<CR><CR><LF>`. Empty lines are therefore
/// dropped. The prompt `> ` that AT+CMGS/AT+CMGW send has no line end, so it is recognised as soon as the two bytes
/// start a line. Lines longer than ``ATLimits/maximumLineLength`` are discarded up to their end and reported.
package struct ATLineFramer: Sendable {
    /// One unit of modem output.
    package enum Frame: Hashable, Sendable {
        /// A line without its terminator (never empty).
        case line([UInt8])
        /// The `> ` prompt asking for the PDU (TS 27.005 §3.5.1).
        case prompt
        /// A line longer than the limit was dropped; `length` bytes were discarded.
        case overflow(length: Int)
    }

    private var buffer: [UInt8] = []
    private var discarded = 0
    private let maximumLineLength: Int

    package init(maximumLineLength: Int = ATLimits.maximumLineLength) {
        self.maximumLineLength = maximumLineLength
        buffer.reserveCapacity(256)
    }

    /// Bytes of the current, unfinished line.
    package var pendingByteCount: Int { buffer.count + discarded }

    /// Feeds bytes and returns the frames they complete, in order.
    package mutating func feed(_ bytes: some Sequence<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                if discarded > 0 {
                    frames.append(.overflow(length: discarded))
                    discarded = 0
                } else if !buffer.isEmpty {
                    frames.append(.line(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            if discarded > 0 {
                discarded += 1
                continue
            }
            if buffer.count >= maximumLineLength {
                discarded = buffer.count + 1
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            buffer.append(byte)
            // TS 27.005 §3.5.1: "the TA shall send a four character sequence <CR><LF><greater_than><space>"; the
            // prompt is never followed by a line end, so it must be recognised from the two bytes alone.
            if buffer.count == 2 && buffer[0] == UInt8(ascii: ">") && buffer[1] == UInt8(ascii: " ") {
                frames.append(.prompt)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return frames
    }

    /// Drops a half line (after a stall or timeout) and returns how many bytes were dropped.
    @discardableResult
    package mutating func reset() -> Int {
        let dropped = pendingByteCount
        buffer.removeAll(keepingCapacity: true)
        discarded = 0
        return dropped
    }
}
