/// A bidirectional byte stream between the AT driver and a modem: a serial tty, one end of a pseudo-terminal, or
/// memory. The simulator sits on the other end of the same kind of stream, so the real driver is what tests run.
///
/// Reads are pull-based, so a slow reader holds the writer back instead of growing a buffer without bound.
public protocol ByteTransport: AnyObject, Sendable {
    /// Waits for bytes and returns at least one (arbitrarily chunked).
    /// - Throws: `TransportError.closed` once the stream has ended; `.vanished` when the device disappeared;
    ///   `CancellationError` when the calling task is cancelled.
    func read() async throws -> [UInt8]

    /// Writes all of `bytes`, waiting while the peer is not reading.
    func write(_ bytes: [UInt8]) async throws

    /// Closes the stream. Pending and later reads on either side end with `TransportError.closed`.
    func close() async
}

/// Why a transport stopped working.
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stream was closed (by either side) or reached end of file.
    case closed
    /// The device went away: USB unplug, modem reset (EIO, ENXIO, ENODEV, hang-up).
    case vanished(errno: Int32, reason: String)
    /// Any other I/O failure (the errno and the call that failed).
    case io(errno: Int32, reason: String)

    public var description: String {
        switch self {
        case .closed: "transport closed"
        case .vanished(let errno, let reason): "device vanished (\(reason), errno \(errno))"
        case .io(let errno, let reason): "I/O error (\(reason), errno \(errno))"
        }
    }
}
