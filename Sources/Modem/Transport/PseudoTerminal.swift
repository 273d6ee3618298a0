import CPosixTTY
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pseudo-terminal pair (openpty(3)): the master end is this ``ByteTransport``, the slave end is a tty at
/// ``slavePath`` that any serial AT client opens (ATModem via ``SerialPort``, gammu, smstools, minicom). Used by
/// tests and by `modemctl simulate --pty-link PATH`, which ``link(at:)``s PATH to the slave.
///
/// The slave starts in raw mode. The pair keeps one slave descriptor open itself, so that clients can open and
/// close the slave as often as they like without the master seeing a hang-up; ``close()`` closes both, and a
/// client on the slave then sees the device vanish (EIO/hang-up), like a USB unplug.
public final class PseudoTerminal: ByteTransport {
    /// Longest slave name accepted from ptsname_r(3).
    static let maximumNameLength = 256

    /// The slave tty, e.g. `/dev/pts/7`.
    public let slavePath: String
    private let transport: FileDescriptorTransport
    private let links = Mutex<[String]>([])

    /// Opens a new pair.
    /// - Throws: ``TransportError/io(errno:reason:)`` when no pty is available.
    public init() throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var name = [CChar](repeating: 0, count: Self.maximumNameLength)
        guard cposix_openpty_raw(&master, &slave, &name, name.count) == 0 else {
            throw TransportError.io(errno: errno, reason: "openpty")
        }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            _ = try Syscall.retrying { fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) }
            _ = try Syscall.retrying { fcntl(master, F_SETFD, FD_CLOEXEC) }
            _ = try Syscall.retrying { fcntl(slave, F_SETFD, FD_CLOEXEC) }
            let keptSlave = slave
            transport = try FileDescriptorTransport(fd: master, name: path) { Syscall.close(keptSlave) }
        } catch {
            Syscall.close(master)
            Syscall.close(slave)
            throw TransportError.io(errno: error.rawValue, reason: "configure pty")
        }
        slavePath = path
    }

    /// Makes `path` a symbolic link to the slave (replacing an existing symbolic link there, never a file).
    /// The link is removed on ``close()``.
    /// - Throws: ``TransportError/io(errno:reason:)``.
    public func link(at path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFLNK else {
                throw TransportError.io(errno: EEXIST, reason: "\(path) exists and is not a symbolic link")
            }
            unlink(path)
        }
        guard symlink(slavePath, path) == 0 else { throw TransportError.io(errno: errno, reason: "symlink \(path)") }
        links.withLock { $0.append(path) }
    }

    public func read() async throws -> [UInt8] { try await transport.read() }
    public func write(_ bytes: [UInt8]) async throws { try await transport.write(bytes) }

    /// Closes master and slave (clients on the slave see a hang-up) and removes the links.
    public func close() async {
        await transport.close()
        for path in links.withLock({ $0 }) {
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { unlink(path) }
        }
        links.withLock { $0.removeAll() }
    }
}
