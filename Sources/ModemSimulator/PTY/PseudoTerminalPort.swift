import CPosixTTY
import Foundation
import Modem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Why a pseudo-terminal could not be set up.
public struct PseudoTerminalError: Error, CustomStringConvertible, Sendable {
    public var errno: Int32
    public var reason: String
    public var description: String { "\(reason): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The modem end of a pseudo-terminal: the simulator reads and writes the master; serial clients (gammu, smsd,
/// minicom, the AT driver) open the slave, optionally through a symbolic link (`--pty-link PATH`).
///
/// The slave stays open on this side as well, so a client closing and re-opening the device never ends the
/// session; closing this port (unplug) makes the client's reads fail as with a vanished USB modem.
public final class PseudoTerminalPort: ByteTransport {
    /// Largest read from the master at once.
    static let readChunk = 4096
    /// How often a blocked read re-checks for close/cancel (milliseconds).
    static let pollIntervalMilliseconds: Int32 = 100

    private struct State {
        var master: Int32
        var slave: Int32
        var isClosed = false
    }

    private let state: Mutex<State>
    /// Path of the slave device (e.g. /dev/pts/3).
    public let slavePath: String
    /// The symbolic link to the slave, if one was asked for.
    public let linkPath: String?

    /// Opens a pseudo-terminal in raw mode (cposix_openpty_raw → openpty(3)) and links `linkPath` to its slave.
    /// - Throws: ``PseudoTerminalError`` when the pty or the link cannot be made.
    public init(linkPath: String?) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var name = [CChar](repeating: 0, count: 128)
        guard cposix_openpty_raw(&master, &slave, &name, name.count) == 0 else {
            throw PseudoTerminalError(errno: errno, reason: "openpty")
        }
        let flags = fcntl(master, F_GETFL)
        _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.linkPath = linkPath
        state = Mutex(State(master: master, slave: slave))
        if let linkPath {
            // Replace a stale link from an earlier run, but never a regular file.
            var info = stat()
            if lstat(linkPath, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFLNK else {
                    Glibc.close(master)
                    Glibc.close(slave)
                    throw PseudoTerminalError(errno: EEXIST, reason: "\(linkPath) exists and is not a symbolic link")
                }
                unlink(linkPath)
            }
            guard symlink(slavePath, linkPath) == 0 else {
                let error = errno
                Glibc.close(master)
                Glibc.close(slave)
                throw PseudoTerminalError(errno: error, reason: "symlink \(linkPath)")
            }
        }
    }

    deinit {
        let fds = state.withLock { state -> (Int32, Int32)? in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            return (state.master, state.slave)
        }
        if let (master, slave) = fds {
            Glibc.close(master)
            Glibc.close(slave)
        }
        if let linkPath { unlink(linkPath) }
    }

    public func read() async throws -> [UInt8] {
        let cancelled = Mutex(false)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                // A blocking poll loop on a dispatch thread: ModemSimulator has no event loop of its own.
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try self.blockingRead(cancelled: cancelled) })
                }
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
        }
    }

    private func blockingRead(cancelled: borrowing Mutex<Bool>) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Self.readChunk)
        while true {
            if cancelled.withLock({ $0 }) { throw CancellationError() }
            guard let fd = state.withLock({ $0.isClosed ? nil : $0.master }) else { throw TransportError.closed }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Self.pollIntervalMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw TransportError.io(errno: errno, reason: "poll")
            }
            if ready == 0 { continue }
            if pfd.revents & Int16(POLLNVAL) != 0 { throw TransportError.closed }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 { throw TransportError.closed }
            switch errno {
            case EINTR, EAGAIN: continue
            case EIO: continue  // no slave open right now on some kernels; we hold one, so this is transient
            default: throw TransportError.io(errno: errno, reason: "read")
            }
        }
    }

    public func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            guard let fd = state.withLock({ $0.isClosed ? nil : $0.master }) else { throw TransportError.closed }
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                // The client is not reading and the pty buffer is full: wait a little, cooperatively.
                try await Task.sleep(for: .milliseconds(5))
            default: throw TransportError.io(errno: errno, reason: "write")
            }
        }
    }

    public func close() async {
        let fds = state.withLock { state -> (Int32, Int32)? in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            return (state.master, state.slave)
        }
        if let (master, slave) = fds {
            Glibc.close(slave)
            Glibc.close(master)
        }
    }
}
