import Messaging
import UPnP

/// The HTTP route that serves the attachments the device keeps (messaging-v2.md §10 "MMS": every part but the text
/// becomes an `attachment` whose `uri` is served by the device's HTTP server): `GET /attachment?message=<ID>&part=<n>`.
///
/// The service decides who may read (the ReadMessage rule of the access policy, as for SOAP control): 403 for a
/// caller it refuses, 404 for an attachment that does not exist, the bytes with their MIME type otherwise.
public enum AttachmentRoute {
    /// The route, for ``UPnP/UPnPDeviceConfiguration/extraRoutes``.
    public static func route(service: MessagingService) -> UPnPHTTPRoute {
        UPnPHTTPRoute(path: MessagingService.attachmentRoutePath) { request in
            await answer(request, service: service)
        }
    }

    static func answer(_ request: UPnPHTTPRoute.Request, service: MessagingService) async -> UPnPHTTPRoute.Response {
        let caller = Caller(address: request.client.description)
        let reference = MessagingService.attachmentRoutePath + "?" + (request.query ?? "")
        do {
            guard let content = try await service.attachment(path: reference, caller: caller) else {
                return UPnPHTTPRoute.Response(
                    status: 404,
                    headers: [("Content-Type", "text/plain")],
                    body: Array("no such attachment\n".utf8)
                )
            }
            var headers: [(String, String)] = [
                ("Content-Type", content.mimeType),
                // The bytes of one attachment never change (the file is named by its hash).
                ("Cache-Control", "private, max-age=86400"),
                ("X-Content-Type-Options", "nosniff"),
                // Served as a download, not rendered as a page of the device's origin (a received SVG or HTML part
                // must not run in it).
                ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ]
            if let name = content.name, let quoted = quotedFileName(name) {
                headers.append(("Content-Disposition", "inline; filename=\"\(quoted)\""))
            }
            return UPnPHTTPRoute.Response(
                status: 200,
                headers: headers,
                body: request.method == "HEAD" ? [] : content.bytes
            )
        } catch let error as MessagingError where error.code == .notAuthorized {
            return UPnPHTTPRoute.Response(status: 403)
        } catch {
            return UPnPHTTPRoute.Response(
                status: 500,
                headers: [("Content-Type", "text/plain")],
                body: Array("\(error)\n".utf8)
            )
        }
    }

    /// A file name safe in a quoted-string (RFC 6266 §4.1): printable ASCII without `"` and `\`; `nil` when nothing
    /// is left.
    static func quotedFileName(_ name: String) -> String? {
        let kept = String(
            name.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }
        )
        return kept.isEmpty ? nil : kept
    }
}
