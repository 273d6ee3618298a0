import Foundation
import Messaging
import UPnP

/// The HTTP route that serves the attachments the device keeps (messaging-v2.md §10 "MMS": every part but the text
/// becomes an `attachment` whose `uri` is served by the device's HTTP server): `GET /attachment?message=<ID>&part=<n>`.
///
/// The service decides who may read (the ReadMessage rule of the access policy, as for SOAP control): 403 for a
/// caller it refuses, 404 for an attachment that does not exist, the bytes with their MIME type otherwise. With
/// `&download=1` (``MessagingService/attachmentDownloadParameter``) the answer is a download
/// (`Content-Disposition: attachment`); without it only a raster image is `inline`.
public enum AttachmentRoute {
    /// The route, for ``UPnP/UPnPDeviceConfiguration/extraRoutes``.
    public static func route(service: MessagingService) -> UPnPHTTPRoute {
        UPnPHTTPRoute(path: MessagingService.attachmentRoutePath) { request in
            await answer(request, service: service)
        }
    }

    static func answer(_ request: UPnPHTTPRoute.Request, service: MessagingService) async -> UPnPHTTPRoute.Response {
        let caller = Caller(address: request.client.description)
        var items = (request.query ?? "").split(separator: "&").map(String.init)
        let download = items.contains(MessagingService.attachmentDownloadParameter)
        items.removeAll { $0 == MessagingService.attachmentDownloadParameter }
        let reference = MessagingService.attachmentRoutePath + "?" + items.joined(separator: "&")
        do {
            guard let content = try await service.attachment(path: reference, caller: caller) else {
                return UPnPHTTPRoute.Response(
                    status: 404,
                    headers: [("Content-Type", "text/plain")],
                    body: Array("no such attachment\n".utf8)
                )
            }
            let mimeType = contentType(content.mimeType)
            // Only a raster image is shown in place; anything else (SVG and HTML above all: markup a sender wrote)
            // is a download, so that no browser renders it as a page of the device's origin.
            let inline = !download && Attachment.isInlineImage(mimeType: mimeType)
            let headers: [(String, String)] = [
                ("Content-Type", mimeType),
                // The bytes of one attachment never change (the file is named by its hash).
                ("Cache-Control", "private, max-age=86400"),
                // The declared type is the one used (a browser must not guess HTML in an image).
                ("X-Content-Type-Options", "nosniff"),
                // Opened on its own, the content may load nothing and runs in a unique origin, without script.
                ("Content-Security-Policy", "default-src 'none'; sandbox"),
                ("Content-Disposition", contentDisposition(inline: inline, name: content.name)),
            ]
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

    /// The stored MIME type as a header value: `type/subtype` of RFC 9110 `token` characters (§5.6.2), lowercased,
    /// without parameters; anything else (a sender's type may hold any octet) is `application/octet-stream`.
    static func contentType(_ declared: String) -> String {
        let name = declared.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let halves = name.trimmingCharacters(in: .whitespaces).lowercased().split(
            separator: "/",
            omittingEmptySubsequences: false
        )
        guard halves.count == 2, halves.allSatisfy(UPnPHeaderParsing.isToken) else { return "application/octet-stream" }
        return halves.joined(separator: "/")
    }

    /// `inline` or `attachment` with the part's file name (RFC 6266 §4): an ASCII `filename` every browser reads
    /// and, for a name with other characters, `filename*` in UTF-8 (RFC 8187). A name without any usable
    /// character is `attachment`.
    static func contentDisposition(inline: Bool, name: String?) -> String {
        let type = inline ? "inline" : "attachment"
        let safe = safeFileName(name ?? "")
        let ascii = quotedFileName(safe) ?? "attachment"
        guard safe.unicodeScalars.contains(where: { !$0.isASCII }),
            let encoded = safe.addingPercentEncoding(withAllowedCharacters: attrCharacters)
        else { return "\(type); filename=\"\(ascii)\"" }
        return "\(type); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// The name without what would make it a path or hide it (`/`, `\`, control characters, leading dots).
    static func safeFileName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where scalar.value >= 0x20 && scalar.value != 0x7F {
            scalars.append(scalar == "/" || scalar == "\\" ? "_" : scalar)
        }
        return String(String(scalars).drop { $0 == "." || $0 == " " })
    }

    /// RFC 8187 §3.2.1 `attr-char`: what `filename*` keeps unencoded.
    static let attrCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~"
    )

    /// A file name safe in a quoted-string (RFC 6266 §4.1): printable ASCII without `"` and `\`; `nil` when nothing
    /// is left.
    static func quotedFileName(_ name: String) -> String? {
        let kept = String(
            name.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }
        )
        return kept.isEmpty ? nil : kept
    }
}
