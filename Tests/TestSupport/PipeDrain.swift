import Foundation

/// Reads `handle` until end of file on a thread of its own, handing each chunk to `chunk` as it arrives and calling
/// `end` after the last one.
///
/// A child blocks once a pipe it writes is full, so both ``Subprocess`` and ``RunningProcess`` drain standard output
/// and standard error while the child runs. The read blocks for as long as the child lives: not on the cooperative
/// pool, nor on Dispatch's global queues, whose few threads (one per core) the timers of the same tests need
/// (see ``onDedicatedThread(_:)``).
func drain(
    _ handle: FileHandle,
    _ chunk: @escaping @Sendable (Data) -> Void,
    end: @escaping @Sendable () -> Void = {}
) {
    let thread = Thread {
        // `availableData` returns what has arrived; `read(upToCount:)` would wait for the whole count.
        while case let data = handle.availableData, !data.isEmpty {
            chunk(data)
        }
        end()
    }
    thread.name = "test-pipe-drain"
    thread.start()
}
