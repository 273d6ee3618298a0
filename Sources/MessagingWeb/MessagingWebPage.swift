import Foundation
import Logging
import Messaging
import Synchronization
import UPnP

/// The device's presentation page (UDA 1.1 §2.3 `presentationURL`) and its JSON API, as routes on the device's HTTP
/// port: conversations by peer with unread counts, a conversation view with the delivery state of what was sent,
/// compose with a live SMS counter, search, delete, and new messages pushed by server-sent events.
///
/// The device's rules come first (Host check against DNS rebinding, size and time limits, who may connect at
/// all). On top of them:
/// - the Messaging service's access policy decides per caller, as for SOAP control: a read-only client sees
///   everything and may send or delete nothing;
/// - every API request but the event stream must carry ``requestHeader`` (`X-Requested-With: messagingd`), which a
///   cross-site form or image cannot send and a cross-site script may not send without a CORS preflight that
///   the device never grants; a request with an `Origin` other than its own `Host` is refused too;
/// - with a ``Configuration/password``, the API asks for a login first and then for the session cookie it sets
///   (`HttpOnly`, `SameSite=Strict`).
///
/// ```swift
/// let page = MessagingWebPage(service: messaging, configuration: .init(accessPolicy: policy), logger: logger)
/// deviceConfiguration.extraRoutes += page.routes
/// deviceConfiguration.presentationPath = MessagingWebPage.path
/// ```
public struct MessagingWebPage: Sendable {
    /// What the page needs besides the service.
    public struct Configuration: Sendable {
        /// The same policy the Messaging service applies to SOAP control (who may send and delete).
        public var accessPolicy: AccessPolicy
        /// A password the API asks for before anything else; `nil` (the default) asks for none. The LAN's access
        /// rules still apply.
        public var password: String?
        /// How long a login lasts. Default 30 days.
        public var sessionLifetime: Duration
        /// Most event streams open at once; more get a "retry later" (each holds a connection). Default 8.
        public var maximumEventStreams: Int
        /// How long one event stream lasts before the browser reconnects (a bound on what a stalled client
        /// holds). Default 10 minutes.
        public var eventStreamLifetime: Duration
        /// The interval of the keep-alive comment on an event stream, which also finds clients that went away.
        /// Default 15 s.
        public var heartbeatInterval: Duration

        /// Makes a configuration with the defaults documented on each property.
        public init(
            accessPolicy: AccessPolicy = .allowAll,
            password: String? = nil,
            sessionLifetime: Duration = .seconds(30 * 24 * 3600),
            maximumEventStreams: Int = 8,
            eventStreamLifetime: Duration = .seconds(600),
            heartbeatInterval: Duration = .seconds(15)
        ) {
            self.accessPolicy = accessPolicy
            self.password = password
            self.sessionLifetime = sessionLifetime
            self.maximumEventStreams = maximumEventStreams
            self.eventStreamLifetime = eventStreamLifetime
            self.heartbeatInterval = heartbeatInterval
        }
    }

    /// The page's path: the presentation URL.
    public static let path = "/"
    /// The header every API request but the event stream carries (a cross-site form cannot send it).
    public static let requestHeader = (name: "X-Requested-With", value: "messagingd")
    /// The session cookie's name.
    public static let cookieName = "messagingd-session"
    /// The longest API request body: a send of the longest text the service takes, JSON-escaped, fits.
    public static let maximumBodyBytes = 64 * 1024
    /// The longest text a send or a counter request may carry, in UTF-8 bytes (255 UCS-2 parts of 67 units, each
    /// unit at most 3 bytes of UTF-8, fits).
    public static let maximumTextBytes = 52 * 1024
    /// The longest recipient list or search string, in UTF-8 bytes.
    public static let maximumFieldBytes = 1024

    let service: MessagingService
    let configuration: Configuration
    let sessions: WebSessions
    let streams = StreamCounter()
    let logger: Logger

    /// Makes the page for `service`.
    public init(service: MessagingService, configuration: Configuration, logger: Logger) {
        self.service = service
        self.configuration = configuration
        self.sessions = WebSessions(
            password: configuration.password,
            lifetime: configuration.sessionLifetime
        )
        self.logger = logger
    }

    /// The routes for ``UPnP/UPnPDeviceConfiguration/extraRoutes``: the page, its script and style, and the API.
    public var routes: [UPnPHTTPRoute] {
        let get: Set<String> = ["GET", "HEAD"]
        let post: Set<String> = ["POST"]
        func api(
            _ path: String,
            _ methods: Set<String>,
            _ handler: @escaping @Sendable (WebRequest) async throws -> WebResponse
        ) -> UPnPHTTPRoute {
            UPnPHTTPRoute(
                path: "/api/" + path,
                methods: methods,
                maximumBodyBytes: methods.contains("POST") ? Self.maximumBodyBytes : 0
            ) { request in
                await answerAPI(request, handler)
            }
        }
        return [
            Self.asset(Self.path, WebAssets.html, "text/html; charset=utf-8"),
            Self.asset("/app.js", WebAssets.script, "text/javascript; charset=utf-8"),
            Self.asset("/app.css", WebAssets.style, "text/css; charset=utf-8"),
            api("state", get, state),
            api("login", post, login),
            api("logout", post, logout),
            api("conversations", get, conversations),
            api("conversation", get, conversation),
            api("search", get, search),
            api("send", post, send),
            api("delete", post, delete),
            api("layout", post, layout),
            UPnPHTTPRoute(path: "/api/events") { request in await events(request) },
        ]
    }

    /// Headers every answer carries: no framing by other sites, no sniffing, nothing from elsewhere
    /// (the LAN may have no internet, and the page needs nothing outside the binary).
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func asset(_ path: String, _ text: String, _ contentType: String) -> UPnPHTTPRoute {
        let body = Array(text.utf8)
        return UPnPHTTPRoute(path: path) { _ in
            UPnPHTTPRoute.Response(
                status: 200,
                headers: [("Content-Type", contentType), ("Cache-Control", "no-cache")] + securityHeaders,
                body: body
            )
        }
    }
}

/// Counts open event streams against the limit.
final class StreamCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Takes a slot if one is free.
    func enter(limit: Int) -> Bool {
        while true {
            let current = count.load(ordering: .relaxed)
            guard current < limit else { return false }
            if count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    /// Frees a slot.
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }
}
