import Foundation
import Messaging
import UPnP

/// An API request as the handlers see it: the caller for the access policy, the query, the JSON body.
///
/// `package` for FuzzTargets (the FuzzWeb target reads requests as the handlers do).
package struct WebRequest: Sendable {
    package let route: UPnPHTTPRoute.Request

    package init(route: UPnPHTTPRoute.Request) {
        self.route = route
    }

    /// The caller the Messaging service's access policy decides about: the TCP peer's address, as the UPnP
    /// binding passes it for SOAP control.
    var caller: Caller { Caller(address: route.client.description) }

    /// The value of query parameter `name` (`application/x-www-form-urlencoded`, as `URLSearchParams` writes it).
    package func query(_ name: String) -> String? {
        guard let query = route.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, Self.formDecode(parts[0]) == name else { continue }
            return Self.formDecode(parts[1])
        }
        return nil
    }

    static func formDecode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The body as JSON of type `T`.
    package func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard route.headerValues("content-type").first?.lowercased().hasPrefix("application/json") == true else {
            throw WebError(status: 415, "send JSON")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(route.body))
        } catch {
            throw WebError(status: 400, "malformed request")
        }
    }

    /// The session cookie's value, if the request carries one (RFC 6265 §5.4: `name=value` pairs split by `;`).
    package var sessionToken: String? {
        for header in route.headerValues("cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2,
                    parts[0].trimmingCharacters(in: .whitespaces) == MessagingWebPage.cookieName
                else { continue }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Whether the request carries the header a cross-site form cannot send, and no foreign `Origin`.
    ///
    /// A browser adds `Origin` to every cross-origin request and to same-origin POSTs (RFC 6454 §7, Fetch
    /// standard); it must then name the host the request was sent to.
    package var isSameSiteScript: Bool {
        let header = MessagingWebPage.requestHeader
        guard route.headerValues(header.name) == [header.value] else { return false }
        let origins = route.headerValues("origin")
        guard let origin = origins.first else { return true }
        guard origins.count == 1, let host = route.headerValues("host").first else { return false }
        return origin.lowercased() == "http://" + host.lowercased()
    }
}

/// An API answer: a status and a JSON body (or none).
struct WebResponse: Sendable {
    var status: Int
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ value: some Encodable, status: Int = 200) throws -> WebResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return WebResponse(status: status, body: Array(try encoder.encode(value)))
    }

    static let noContent = WebResponse(status: 204, body: [])
}

/// A refusal with an HTTP status and a reason the page shows.
package struct WebError: Error, Sendable {
    package var status: Int
    package var reason: String

    init(status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    /// A Messaging:2 error as the page shows it: 606 → 403, 701 → 404, any other refusal of the input → 400.
    init(_ error: MessagingError) {
        switch error.code {
        case .notAuthorized: self.init(status: 403, "not allowed from this address")
        case .invalidMessageID: self.init(status: 404, "no such message")
        case .actionFailed: self.init(status: 500, error.reason)
        default: self.init(status: 400, error.reason.isEmpty ? "refused (\(error.code))" : error.reason)
        }
    }
}
