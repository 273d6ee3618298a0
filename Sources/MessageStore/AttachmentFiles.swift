import Crypto
import Foundation
import Glibc
import Synchronization

/// How much attachment content the store keeps: per message and in all (bytes). A message over either limit is
/// refused with ``AttachmentError`` before anything is written.
package struct AttachmentLimits: Sendable, Hashable {
    /// The sum of one message's attachments.
    package var maximumMessageBytes: Int64
    /// The sum of every attachment file beside the database (each distinct content counted once).
    package var maximumTotalBytes: Int64

    package init(maximumMessageBytes: Int64, maximumTotalBytes: Int64) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumTotalBytes = maximumTotalBytes
    }
}

/// Why attachments were not stored.
package enum AttachmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message's attachments add up to `size` bytes, more than `limit`.
    case messageTooLarge(size: Int64, limit: Int64)
    /// Storing them would bring the files beside the database to `needed` bytes, more than `limit`.
    case storeFull(needed: Int64, limit: Int64)
    /// The store has no directory for attachment files (an in-memory store opened without one).
    case noDirectory
    /// A file could not be written or read (`errno` and the operation).
    case io(operation: String, errno: Int32)
    /// A row names a content whose file is missing or does not match its hash.
    case missingFile(sha256: String)

    package var description: String {
        switch self {
        case .messageTooLarge(let size, let limit):
            "the attachments take \(size) bytes, more than the \(limit) bytes allowed per message"
        case .storeFull(let needed, let limit):
            "the attachment store would need \(needed) bytes, more than its \(limit) bytes"
        case .noDirectory: "this store keeps no attachment files"
        case .io(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        case .missingFile(let sha256): "the file of attachment \(sha256) is missing"
        }
    }
}

/// The bytes of attachments, as files in one directory beside the database, each named by the hex SHA-256 of its
/// content (so the same picture received twice is one file, and a name says what the content must be).
///
/// A file is written before the row naming it commits, atomically: a temporary file, `fsync`, `rename` onto its
/// name, `fsync` of the directory (POSIX `rename` is atomic; the directory sync makes the new name durable). A crash
/// at any point leaves either no file, a complete file, or a temporary one, and never a row pointing at a missing
/// file. Files no row names (a crash between the write and the commit, a purged message) are removed by
/// ``collect(keeping:)``; a content being written is pinned until its row committed so that a collection running
/// meanwhile leaves it alone.
package final class AttachmentFiles: Sendable {
    /// The directory; created when missing.
    package let directory: String
    /// Contents written but whose rows have not committed yet (hash → writers).
    private let pinned = Mutex<[String: Int]>([:])
    private static let temporaryPrefix = ".tmp-"

    package init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AttachmentError.io(operation: "mkdir \(directory)", errno: errno)
        }
    }

    /// The hex SHA-256 of `bytes`: the content's name.
    package static func sha256(of bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The path of a content's file.
    package func path(of sha256: String) -> String { directory + "/" + sha256 }

    /// Writes `bytes` under their hash unless a file of that name exists already, and pins the hash until
    /// ``unpin(_:)``. Returns the hash.
    package func write(_ bytes: [UInt8]) throws(AttachmentError) -> String {
        let sha256 = Self.sha256(of: bytes)
        pinned.withLock { $0[sha256, default: 0] += 1 }
        let target = path(of: sha256)
        if FileManager.default.fileExists(atPath: target) { return sha256 }
        do {
            try writeAtomically(bytes, to: target)
        } catch {
            unpin(sha256)
            throw error
        }
        return sha256
    }

    /// Releases a pin taken by ``write(_:)`` (once the row committed, or after the write was abandoned).
    package func unpin(_ sha256: String) {
        pinned.withLock { pins in
            guard let count = pins[sha256] else { return }
            pins[sha256] = count > 1 ? count - 1 : nil
        }
    }

    /// The content of `sha256`, checked against its name.
    package func read(_ sha256: String) throws(AttachmentError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(of: sha256)) else {
            throw .missingFile(sha256: sha256)
        }
        let bytes = [UInt8](data)
        guard Self.sha256(of: bytes) == sha256 else { throw .missingFile(sha256: sha256) }
        return bytes
    }

    /// Removes every file whose name is not in `referenced` and not pinned, and every temporary file left by an
    /// interrupted write. Returns how many files were removed.
    @discardableResult
    package func collect(keeping referenced: Set<String>) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        let pins = pinned.withLock { $0 }
        var removed = 0
        for name in names where !referenced.contains(name) && pins[name] == nil {
            if name.hasPrefix(Self.temporaryPrefix) || Self.isContentName(name) {
                if unlink(directory + "/" + name) == 0 { removed += 1 }
            }
        }
        return removed
    }

    /// The size of the file of `sha256`, or `nil` when there is none.
    package func size(of sha256: String) -> Int64? {
        var info = stat()
        guard stat(path(of: sha256), &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    static func isContentName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: - Atomic write (temporary file, fsync, rename, directory fsync)

    private func writeAtomically(_ bytes: [UInt8], to target: String) throws(AttachmentError) {
        let temporaryName = Self.temporaryPrefix + UUID().uuidString
        let temporary = directory + "/" + temporaryName
        // Pinned while it exists, so that a collection running meanwhile does not take it for an interrupted write.
        pinned.withLock { $0[temporaryName, default: 0] += 1 }
        defer { unpin(temporaryName) }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "open", errno: errno) }
        var written = 0
        var failure: AttachmentError?
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                // Safe to force unwrap: the loop runs only while bytes remain, so the buffer is not empty.
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                failure = .io(operation: "write", errno: errno)
                break
            }
            written += result
        }
        if failure == nil, fsync(descriptor) != 0 { failure = .io(operation: "fsync", errno: errno) }
        close(descriptor)
        if failure == nil, rename(temporary, target) != 0 { failure = .io(operation: "rename", errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
