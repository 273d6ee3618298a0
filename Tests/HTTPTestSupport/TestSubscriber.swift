import NIOHTTP1
import UPnP

/// One NOTIFY as the subscriber received it.
package typealias ReceivedNotify = GENANotification

/// A GENA subscriber for tests: the control point's callback server (``GENACallbackServer``) on 127.0.0.1:0, answering
/// every request with `status`, handing each request to the test through a bounded stream.
package enum TestSubscriber {
    /// Runs a subscriber for the duration of `body`, which gets its port and the stream of received NOTIFYs.
    package static func with<R: Sendable>(
        status: HTTPResponseStatus = .ok,
        _ body: (Int, AsyncStream<ReceivedNotify>) async throws -> R
    ) async throws -> R {
        try await GENACallbackServer.with(host: "127.0.0.1", respond: { _ in status }, body)
    }
}

/// Runs `body`, failing with ``TestTimeout`` (and cancelling it) after `seconds`: live tests never hang.
package func withTimeout<R: Sendable>(
    seconds: Int = 20,
    _ body: @escaping @Sendable () async throws -> R
) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TestTimeout() }
        return value
    }
}

/// A live test took too long.
package struct TestTimeout: Error {}
