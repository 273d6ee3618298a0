import AsyncHTTPClient
import Logging
import Messaging
import NIOCore
import NIOHTTP1

/// What the daemon's outbound HTTP exchanges that carry content share (the MMSC transport and the fetch of control
/// points' file links): an async-http-client set up for one bounded exchange at a time, a deadline over the whole
/// exchange, and a body read under a size cap that tells a truncated body apart from a failed connection.
enum BoundedHTTPExchange {
    /// Why an exchange failed, before each caller says it in its own terms.
    enum Failure: Error, Equatable {
        /// No answer, or not the whole body, before the deadline.
        case timedOut
        /// No connection, or it failed (with the reason to log).
        case unreachable(reason: String)
        /// The body is (or announces itself) longer than the cap.
        case tooLarge(limit: Int)
        /// The connection ended before the announced Content-Length (RFC 9112 §8: an incomplete message).
        case truncated(expected: Int, received: Int)
    }

    /// A client configuration for bounded exchanges: connect and read timeouts of `timeout`, no redirects (a
    /// redirect is the server's answer, for the caller to judge), no decompression (the cap is on what the wire
    /// carries), and a refused connection reported at once rather than retried until the deadline (each caller has
    /// its own retry policy).
    static func clientConfiguration(timeout: Duration) -> HTTPClient.Configuration {
        var http = HTTPClient.Configuration(redirectConfiguration: .disallow)
        let amount = timeAmount(timeout)
        http.timeout = HTTPClient.Configuration.Timeout(connect: amount, read: amount)
        http.decompression = .disabled
        http.connectionPool.retryConnectionEstablishment = false
        return http
    }

    /// Sends `request` and returns the response head; the whole exchange, the body read with ``body(of:limit:)``
    /// included, ends within `timeout`.
    static func response(
        to request: HTTPClientRequest,
        on client: HTTPClient,
        timeout: Duration,
        logger: Logger
    ) async throws(Failure) -> HTTPClientResponse {
        do {
            return try await client.execute(request, deadline: .now() + timeAmount(timeout), logger: logger)
        } catch {
            throw map(error)
        }
    }

    /// The whole body of `response`, at most `limit` octets: a Content-Length above the cap is refused before
    /// anything is read, a body that grows past it as soon as it does.
    static func body(of response: HTTPClientResponse, limit: Int) async throws(Failure) -> [UInt8] {
        let announced = response.headers.first(name: "content-length").flatMap(Int.init)
        if let announced, announced > limit { throw .tooLarge(limit: limit) }
        var received: [UInt8] = []
        do {
            for try await chunk in response.body {
                guard received.count + chunk.readableBytes <= limit else { throw Failure.tooLarge(limit: limit) }
                received.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as Failure {
            throw error
        } catch {
            if let announced, received.count < announced {
                throw .truncated(expected: announced, received: received.count)
            }
            throw map(error)
        }
        if let announced, received.count < announced {
            throw .truncated(expected: announced, received: received.count)
        }
        return received
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int64(clamping: seconds) &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }

    /// An exchange's error: out of time, or not reachable (with the reason to log).
    static func map(_ error: any Error) -> Failure {
        if let error = error as? HTTPClientError,
            [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .httpProxyHandshakeTimeout]
                .contains(error)
        {
            return .timedOut
        }
        return .unreachable(reason: String(describing: error))
    }
}

extension MMSTransportError {
    /// A failed exchange with the MMSC in the service's terms.
    init(_ failure: BoundedHTTPExchange.Failure) {
        switch failure {
        case .timedOut: self = .timedOut
        case .unreachable(let reason): self = .unreachable(reason: reason)
        case .tooLarge(let limit): self = .tooLarge(limit: limit)
        case .truncated(let expected, let received): self = .truncated(expected: expected, received: received)
        }
    }
}
