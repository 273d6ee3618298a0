internal import Foundation
internal import MessagingWeb
internal import UPnP

/// FuzzWeb: what the web page's API reads from a browser's request, as its handlers read it (``WebRequest``): the
/// query parameters, the session cookie, the same-site check, and the JSON bodies of login, send, delete and
/// layout. Input layout: the lines up to the fourth LF are the query, the Cookie, Origin and Host headers; the rest
/// is the body.
enum WebFuzzing {
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        let parts = bytes.split(separator: 0x0A, maxSplits: 4, omittingEmptySubsequences: false)
        func text(_ index: Int) -> String { index < parts.count ? String(decoding: parts[index], as: UTF8.self) : "" }
        let body = parts.count > 4 ? Array(parts[4]) : []
        let marker = MessagingWebPage.requestHeader
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Cookie", text(1)), (marker.name, marker.value),
        ]
        if !text(2).isEmpty { headers.append(("Origin", text(2))) }
        headers.append(("Host", text(3)))
        // Safe to force unwrap: a constant, valid address.
        let client = IPAddress("192.168.1.20")!
        let request = WebRequest(
            route: UPnPHTTPRoute.Request(
                method: "POST",
                path: "/api/send",
                query: text(0),
                client: client,
                headers: headers,
                body: body
            )
        )
        for name in ["peer", "q"] {
            if let value = request.query(name) { _ = value.utf8.count }
        }
        if let token = request.sessionToken {
            precondition(!token.contains(";") && token == token.trimmingCharacters(in: .whitespaces), "bad token")
        }
        _ = request.isSameSiteScript

        // Any text, written as URLSearchParams writes it, reads back as itself.
        let value = text(0)
        if let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
            let written = WebRequest(
                route: UPnPHTTPRoute.Request(method: "GET", path: "/api/search", query: "q=\(encoded)", client: client)
            )
            precondition(written.query("q") == value, "query parameter does not round-trip: \(encoded)")
        }

        _ = decode(WebJSON.Login.self, request)
        _ = decode(WebJSON.Delete.self, request)
        _ = decode(WebJSON.LayoutRequest.self, request)
        return decode(WebJSON.Send.self, request)
    }

    /// A body decodes, or is refused with the API's 400.
    private static func decode<T: Decodable>(_ type: T.Type, _ request: WebRequest) -> FuzzOutcome {
        do {
            _ = try request.decode(type)
            return .accepted
        } catch {
            let refusal = error as? WebError
            precondition(refusal?.status == 400, "a body refused with \(error)")
            return .refused(error)
        }
    }

    static let samples: [[UInt8]] = [
        "q=hello+world&peer=%2B4917612345678\nmessagingd-session=abc; other=1\nhttp://gw.local:8080\ngw.local:8080\n"
            + #"{"to":"+4917612345678","text":"Hi","password":"p","id":"1a"}"#,
        "\n\n\n\n{\"to\": 1}",
    ].map { Array($0.utf8) }
}
