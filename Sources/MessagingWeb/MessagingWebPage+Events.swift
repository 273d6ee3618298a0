import Messaging
import UPnP

// MARK: - Server-sent events

extension MessagingWebPage {
    /// `GET /api/events`: a `text/event-stream` (HTML Living Standard §9.2 "Server-sent events") with a `change`
    /// event for every publication of the service's event hub (a message arrived, was read or deleted; a session
    /// changed), a comment every ``Configuration/heartbeatInterval``, and an end after
    /// ``Configuration/eventStreamLifetime``; the browser's `EventSource` then reconnects after the `retry` it was
    /// given. `EventSource` cannot send custom headers, so this route takes none: it changes nothing, and what it
    /// says ("something changed") is no secret, but it still asks for the session cookie when a password is set.
    func events(_ request: UPnPHTTPRoute.Request) async -> UPnPHTTPRoute.Response {
        let web = WebRequest(route: request)
        guard configuration.accessPolicy.allowsReading(web.caller) else {
            return UPnPHTTPRoute.Response(status: 403, headers: Self.securityHeaders)
        }
        guard sessions.isValid(web.sessionToken) else {
            return UPnPHTTPRoute.Response(status: 401, headers: Self.securityHeaders)
        }
        let headers = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")] + Self.securityHeaders
        guard request.method == "GET" else { return UPnPHTTPRoute.Response(status: 200, headers: headers) }
        let service = service
        let configuration = configuration
        let streams = streams
        return UPnPHTTPRoute.Response(status: 200, headers: headers) { writer in
            guard streams.enter(limit: configuration.maximumEventStreams) else {
                // Too many open streams: the browser tries again later instead of holding a connection now.
                try await writer.write(Array("retry: 10000\n\n".utf8))
                return
            }
            defer { streams.leave() }
            let events = service.events()
            // A reconnecting page reloads what it shows, so nothing published while it was away is lost.
            try await writer.write(Array("retry: 1000\n\nevent: hello\ndata: {}\n\n".utf8))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in events {
                        try await writer.write(Array("event: change\ndata: {}\n\n".utf8))
                    }
                }
                group.addTask {
                    let clock = ContinuousClock()
                    let end = clock.now + configuration.eventStreamLifetime
                    while clock.now < end {
                        try await clock.sleep(for: min(configuration.heartbeatInterval, end - clock.now))
                        try await writer.write(Array(": keep-alive\n\n".utf8))
                    }
                }
                // The first to end (lifetime over, client gone, service stopped) ends the stream.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}
