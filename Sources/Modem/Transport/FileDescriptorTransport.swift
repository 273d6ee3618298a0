import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``ByteTransport`` over a non-blocking file descriptor (a tty or a pty master), served by one I/O thread
/// that waits in poll(2) — no busy loop — and reads only while a ``read()`` is waiting, so that nothing
/// is buffered beyond the kernel's tty queue and one chunk (the read side never grows without bound).
///
/// A vanished device (EIO, ENXIO, ENODEV, end of file or hang-up on a tty) ends every pending and later call with
/// ``TransportError/vanished(errno:reason:)``; the descriptor is then closed, so that the device can be reopened.
/// `@unchecked`-free: all shared state is in a `Mutex`.
final class FileDescriptorTransport: ByteTransport {
    /// Bytes one read(2) takes at most.
    static let chunkSize = 4096

    private struct PendingWrite {
        var id: UInt64
        var bytes: [UInt8]
        var offset = 0
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var reader: (id: UInt64, continuation: CheckedContinuation<[UInt8], any Error>)?
        /// A chunk read for a reader that was cancelled meanwhile; handed to the next reader (one chunk at most).
        var stash: [UInt8] = []
        var writes: [PendingWrite] = []
        var ending: TransportError?
        var isFinished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
        var nextID: UInt64 = 0
    }

    private let fd: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let name: String
    private let state = Mutex(State())
    /// Called on the I/O thread after the descriptor was closed (PseudoTerminal closes its slave then).
    private let onClose: @Sendable () -> Void

    /// Takes ownership of `fd` (already non-blocking) and starts its I/O thread.
    init(fd: Int32, name: String, onClose: @escaping @Sendable () -> Void = {}) throws(Errno) {
        let pipe = try Syscall.makePipe()
        self.fd = fd
        self.name = name
        self.wakeRead = pipe.read
        self.wakeWrite = pipe.write
        self.onClose = onClose
        // A thread rather than a Task: it blocks in poll(2), which must not hold a cooperative-pool thread.
        let thread = Thread { [self] in self.serve() }
        thread.name = "modem-io \(name)"
        thread.start()
    }

    func read() async throws -> [UInt8] {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                enum Outcome {
                    case parked
                    case bytes([UInt8])
                    case failed(any Error)
                }
                let outcome = state.withLock { state -> Outcome in
                    if !state.stash.isEmpty {
                        defer { state.stash = [] }
                        return .bytes(state.stash)
                    }
                    if let ending = state.ending { return .failed(ending) }
                    if Task.isCancelled { return .failed(CancellationError()) }
                    if state.reader != nil {
                        return .failed(TransportError.io(errno: EBUSY, reason: "concurrent read"))
                    }
                    state.reader = (id, continuation)
                    return .parked
                }
                switch outcome {
                case .parked: wake()
                case .bytes(let bytes): continuation.resume(returning: bytes)
                case .failed(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let reader = state.withLock { state -> CheckedContinuation<[UInt8], any Error>? in
                guard let reader = state.reader, reader.id == id else { return nil }
                state.reader = nil
                return reader.continuation
            }
            reader?.resume(throwing: CancellationError())
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let failure = state.withLock { state -> (any Error)? in
                    if let ending = state.ending { return ending }
                    if Task.isCancelled { return CancellationError() }
                    state.writes.append(PendingWrite(id: id, bytes: bytes, continuation: continuation))
                    return nil
                }
                if let failure { continuation.resume(throwing: failure) } else { wake() }
            }
        } onCancel: {
            let write = state.withLock { state in
                state.writes.firstIndex { $0.id == id }.map { state.writes.remove(at: $0) }
            }
            write?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Ends the stream and waits until the descriptor is closed.
    func close() async {
        let alreadyFinished = state.withLock { state in
            if state.ending == nil { state.ending = .closed }
            return state.isFinished
        }
        guard !alreadyFinished else { return }
        wake()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state in
                if state.isFinished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    /// Interrupts the I/O thread's poll(2). Under the lock, so that it never writes to a descriptor finish()
    /// already closed (and the kernel may have reused).
    private func wake() {
        state.withLock { state in
            guard !state.isFinished else { return }
            var byte: UInt8 = 1
            _ = withUnsafeBytes(of: &byte) { try? Syscall.write(wakeWrite, $0) }  // EAGAIN: a wake is pending anyway
        }
    }

    // MARK: - I/O thread

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let (wantsRead, wantsWrite, ending) = state.withLock { state in
                (state.reader != nil && state.stash.isEmpty, !state.writes.isEmpty, state.ending)
            }
            if let ending {
                finish(ending)
                return
            }
            var events: Int16 = 0
            if wantsRead { events |= Int16(POLLIN) }
            if wantsWrite { events |= Int16(POLLOUT) }
            var fds = [
                pollfd(fd: fd, events: events, revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            do {
                _ = try Syscall.poll(&fds)
            } catch {
                end(.io(errno: error.rawValue, reason: "poll \(name)"))
                continue
            }
            if fds[1].revents != 0 { drainWake() }
            let revents = Int32(fds[0].revents)
            if revents & Int32(POLLNVAL) != 0 {
                end(.io(errno: EBADF, reason: "poll \(name): invalid descriptor"))
                continue
            }
            if wantsRead && revents & Int32(POLLIN | POLLHUP | POLLERR) != 0 {
                readChunk(into: &buffer)
            } else if revents & Int32(POLLHUP | POLLERR) != 0 {
                // Hang-up with nobody reading: the device is gone. Report it now rather than spin in poll.
                end(.vanished(errno: 0, reason: "hang-up on \(name)"))
                continue
            }
            if wantsWrite && revents & Int32(POLLOUT) != 0 { writeSome() }
        }
    }

    private func readChunk(into buffer: inout [UInt8]) {
        let count: Int
        do {
            count = try Self.read(fd, into: &buffer)
        } catch {
            if error.isWouldBlock { return }
            end(
                error.meansVanished
                    ? .vanished(errno: error.rawValue, reason: "read \(name)")
                    : .io(errno: error.rawValue, reason: "read \(name)")
            )
            return
        }
        guard count > 0 else {
            // End of file on a tty is a hang-up (the line dropped; V.250 / POSIX 11.1.10).
            end(.vanished(errno: 0, reason: "end of file on \(name)"))
            return
        }
        let bytes = Array(buffer[..<count])
        let reader = state.withLock { state -> CheckedContinuation<[UInt8], any Error>? in
            guard let reader = state.reader else {
                state.stash = bytes
                return nil
            }
            state.reader = nil
            return reader.continuation
        }
        reader?.resume(returning: bytes)
    }

    private func writeSome() {
        let pending = state.withLock { $0.writes.first }
        guard let pending else { return }
        let written: Int
        do {
            written = try Self.write(fd, pending.bytes[pending.offset...])
        } catch {
            if error.isWouldBlock { return }
            end(
                error.meansVanished
                    ? .vanished(errno: error.rawValue, reason: "write \(name)")
                    : .io(errno: error.rawValue, reason: "write \(name)")
            )
            return
        }
        let done = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let index = state.writes.firstIndex(where: { $0.id == pending.id }) else { return nil }
            state.writes[index].offset += written
            guard state.writes[index].offset >= state.writes[index].bytes.count else { return nil }
            return state.writes.remove(at: index).continuation
        }
        done?.resume()
    }

    private func end(_ error: TransportError) {
        state.withLock { state in
            if state.ending == nil { state.ending = error }
        }
    }

    private func drainWake() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while let count = try? Self.read(wakeRead, into: &scratch), count > 0 {}
    }

    private static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(Errno) -> Int {
        let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { pointer in
            Result { () throws(Errno) in try Syscall.read(fd, into: pointer) }
        }
        return try result.get()
    }

    private static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(Errno) -> Int {
        let result: Result<Int, Errno> = bytes.withUnsafeBytes { pointer in
            Result { () throws(Errno) in try Syscall.write(fd, pointer) }
        }
        return try result.get()
    }

    /// Fails every waiter with `ending`, closes the descriptors, and releases close().
    private func finish(_ ending: TransportError) {
        let (reader, writes) = state.withLock { state in
            defer {
                state.reader = nil
                state.writes = []
            }
            return (state.reader, state.writes)
        }
        reader?.continuation.resume(throwing: ending)
        for write in writes { write.continuation.resume(throwing: ending) }
        Syscall.close(fd)
        Syscall.close(wakeRead)
        onClose()
        let waiters = state.withLock { state in
            state.isFinished = true
            Syscall.close(wakeWrite)
            defer { state.finishWaiters = [] }
            return state.finishWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
