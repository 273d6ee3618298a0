import Foundation

/// Runs blocking work — a read(2) on a pipe until EOF, waitpid(2), a poll loop — on a thread of its own and awaits
/// its result.
///
/// Swift's cooperative pool has one thread per core, two on the machines this project targets. Blocking one of them
/// (even from `Task.detached`) stalls every other test in the process, and their timeouts then fire for no reason
/// of their own. Tests that wait for subprocesses therefore block only dedicated threads.
package func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = "test-blocking-work"
        thread.start()
    }
}
