import Synchronization

/// A pair of connected in-memory transports: what one writes, the other reads.
///
/// Each direction buffers at most ``capacity`` bytes; a writer beyond that waits until the reader drains, like a
/// tty whose output queue is full.
public final class InMemoryTransport: ByteTransport {
    /// Bytes one direction holds before writers wait.
    public static let capacity = 64 * 1024

    private let inbound: BytePipe
    private let outbound: BytePipe

    private init(inbound: BytePipe, outbound: BytePipe) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Two ends of one stream.
    public static func makePair() -> (InMemoryTransport, InMemoryTransport) {
        let aToB = BytePipe(capacity: capacity)
        let bToA = BytePipe(capacity: capacity)
        return (InMemoryTransport(inbound: bToA, outbound: aToB), InMemoryTransport(inbound: aToB, outbound: bToA))
    }

    public func read() async throws -> [UInt8] { try await inbound.read() }
    public func write(_ bytes: [UInt8]) async throws { try await outbound.write(bytes) }
    public func close() async {
        inbound.close()
        outbound.close()
    }
}

/// One direction of an in-memory stream.
final class BytePipe: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var buffer: [UInt8] = []
        var isClosed = false
        var nextID: UInt64 = 0
        var readers: [Waiter] = []
        var writers: [Waiter] = []
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    func read() async throws -> [UInt8] {
        while true {
            let result: [UInt8]? = try state.withLock { state in
                if !state.buffer.isEmpty {
                    let bytes = state.buffer
                    state.buffer.removeAll(keepingCapacity: true)
                    for writer in state.writers { writer.continuation.resume() }
                    state.writers.removeAll()
                    return bytes
                }
                if state.isClosed { throw TransportError.closed }
                return nil
            }
            if let result { return result }
            try await wait(asReader: true)
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written: Int = try state.withLock { state in
                if state.isClosed { throw TransportError.closed }
                let room = capacity - state.buffer.count
                guard room > 0 else { return 0 }
                let chunk = remaining.prefix(room)
                state.buffer.append(contentsOf: chunk)
                for reader in state.readers { reader.continuation.resume() }
                state.readers.removeAll()
                return chunk.count
            }
            remaining = remaining.dropFirst(written)
            if written == 0 { try await wait(asReader: false) }
        }
    }

    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer {
                state.readers.removeAll()
                state.writers.removeAll()
            }
            return state.readers + state.writers
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    /// Parks the task until the pipe changes (data, room, close) or the task is cancelled.
    private func wait(asReader: Bool) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { state in
                    // Re-check under the lock: the change may have happened since the caller looked.
                    let ready =
                        asReader
                        ? (!state.buffer.isEmpty || state.isClosed)
                        : (state.buffer.count < capacity || state.isClosed)
                    if ready {
                        continuation.resume()
                    } else if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if asReader {
                        state.readers.append(Waiter(id: id, continuation: continuation))
                    } else {
                        state.writers.append(Waiter(id: id, continuation: continuation))
                    }
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let index = state.readers.firstIndex(where: { $0.id == id }) {
                    return state.readers.remove(at: index)
                }
                if let index = state.writers.firstIndex(where: { $0.id == id }) {
                    return state.writers.remove(at: index)
                }
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
