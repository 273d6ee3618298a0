import CPosixTTY
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real serial port (the modem's AT tty, e.g. `/dev/ttyUSB2`) as a ``ByteTransport``: opened with O_NOCTTY
/// (never our controlling terminal) and O_NONBLOCK, exclusive (TIOCEXCL: a second opener gets EBUSY), raw 8N1
/// at the configured baud rate, optionally with RTS/CTS flow control (POSIX termios, cfmakeraw(3)).
public final class SerialPort: ByteTransport {
    /// How to set up the line.
    public struct Options: Sendable, Hashable {
        /// Bits per second; one of 1200…921600 (a `Bxxx` constant must exist).
        public var baudRate: Int
        /// RTS/CTS hardware flow control (CRTSCTS).
        public var hardwareFlowControl: Bool
        /// TIOCEXCL after opening.
        public var exclusive: Bool

        public init(baudRate: Int = 115_200, hardwareFlowControl: Bool = false, exclusive: Bool = true) {
            self.baudRate = baudRate
            self.hardwareFlowControl = hardwareFlowControl
            self.exclusive = exclusive
        }
    }

    /// The device path this port was opened on.
    public let path: String
    private let transport: FileDescriptorTransport
    /// The descriptor, for tests that inspect the tty (valid until close).
    let descriptor: Int32

    /// Opens and configures `path`.
    /// - Throws: ``TransportError/vanished(errno:reason:)`` when the device is not there (ENXIO, ENODEV),
    ///   ``TransportError/io(errno:reason:)`` otherwise (ENOENT, EBUSY when another process holds it, EINVAL for
    ///   an unsupported baud rate).
    public init(path: String, options: Options = Options()) throws {
        let speed = cposix_baud_constant(options.baudRate)
        guard speed != 0 else {
            throw TransportError.io(errno: EINVAL, reason: "unsupported baud rate \(options.baudRate)")
        }
        let fd: Int32
        do {
            fd = try Syscall.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        } catch {
            throw error.meansVanished
                ? TransportError.vanished(errno: error.rawValue, reason: "open \(path)")
                : TransportError.io(errno: error.rawValue, reason: "open \(path)")
        }
        do {
            if options.exclusive { _ = try Syscall.retrying { cposix_set_exclusive(fd) } }
            _ = try Syscall.retrying { cposix_make_raw(fd, speed, options.hardwareFlowControl ? 1 : 0) }
            // Drop whatever the modem said before we were listening (stale URCs, half lines).
            _ = try Syscall.retrying { tcflush(fd, TCIOFLUSH) }
            transport = try FileDescriptorTransport(fd: fd, name: path)
        } catch {
            Syscall.close(fd)
            throw TransportError.io(errno: error.rawValue, reason: "configure \(path)")
        }
        self.path = path
        self.descriptor = fd
    }

    public func read() async throws -> [UInt8] { try await transport.read() }
    public func write(_ bytes: [UInt8]) async throws { try await transport.write(bytes) }
    public func close() async { await transport.close() }
}
