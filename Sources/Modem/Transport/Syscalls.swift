import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tiny typed wrappers for the system calls the fd transports make; each retries on EINTR (STYLE.md §2, after
/// swift-system `Internals/Syscalls.swift`) and throws the `Errno` otherwise.
enum Syscall {
    @inline(__always)
    static func retrying<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = Errno(rawValue: errno)
            if code != .interrupted { throw code }
        }
    }

    /// open(2).
    static func open(_ path: String, _ flags: Int32) throws(Errno) -> Int32 {
        try retrying { path.withCString { Glibc.open($0, flags) } }
    }

    /// read(2) into `buffer`; 0 means end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// write(2) of `buffer`; returns the bytes written.
    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// poll(2) with no timeout: waits until one of `fds` is ready.
    static func poll(_ fds: inout [pollfd]) throws(Errno) -> Int32 {
        let count = nfds_t(fds.count)
        return try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
            try retrying { Glibc.poll(buffer.baseAddress, count, -1) }
        }
    }

    /// pipe(2), both ends non-blocking and close-on-exec.
    static func makePipe() throws(Errno) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try retrying { fds.withUnsafeMutableBufferPointer { Glibc.pipe($0.baseAddress) } }
        for fd in fds {
            _ = try retrying { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            _ = try retrying { fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        return (fds[0], fds[1])
    }

    /// close(2); EINTR is not retried (Linux closes the fd anyway).
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}

extension Errno {
    /// EAGAIN/EWOULDBLOCK: the non-blocking call has nothing to do now.
    var isWouldBlock: Bool { rawValue == Glibc.EAGAIN || rawValue == Glibc.EWOULDBLOCK }

    /// The errors that mean the device went away (USB unplug, modem reset, pty peer closed).
    var meansVanished: Bool {
        rawValue == Glibc.EIO || rawValue == Glibc.ENXIO || rawValue == Glibc.ENODEV
    }
}
