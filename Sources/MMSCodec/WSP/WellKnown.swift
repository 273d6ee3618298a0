/// The assigned numbers of WSP (WAP-230-WSP Appendix A, Tables 38–40; later content types from the OMNA
/// registry "WSP Content Type Codes").
enum WellKnown {
    /// Content types 0x00–0x4B (Table 40 and OMNA).
    static let contentTypes: [UInt32: String] = {
        let names = [
            "*/*", "text/*", "text/html", "text/plain", "text/x-hdml", "text/x-ttml", "text/x-vCalendar",
            "text/x-vCard", "text/vnd.wap.wml", "text/vnd.wap.wmlscript", "text/vnd.wap.wta-event", "multipart/*",
            "multipart/mixed", "multipart/form-data", "multipart/byterantes", "multipart/alternative",
            "application/*", "application/java-vm", "application/x-www-form-urlencoded", "application/x-hdmlc",
            "application/vnd.wap.wmlc", "application/vnd.wap.wmlscriptc", "application/vnd.wap.wta-eventc",
            "application/vnd.wap.uaprof", "application/vnd.wap.wtls-ca-certificate",
            "application/vnd.wap.wtls-user-certificate", "application/x-x509-ca-cert",
            "application/x-x509-user-cert", "image/*", "image/gif", "image/jpeg", "image/tiff", "image/png",
            "image/vnd.wap.wbmp", "application/vnd.wap.multipart.*", "application/vnd.wap.multipart.mixed",
            "application/vnd.wap.multipart.form-data", "application/vnd.wap.multipart.byteranges",
            "application/vnd.wap.multipart.alternative", "application/xml", "text/xml", "application/vnd.wap.wbxml",
            "application/x-x968-cross-cert", "application/x-x968-ca-cert", "application/x-x968-user-cert",
            "text/vnd.wap.si", "application/vnd.wap.sic", "text/vnd.wap.sl", "application/vnd.wap.slc",
            "text/vnd.wap.co", "application/vnd.wap.coc", "application/vnd.wap.multipart.related",
            "application/vnd.wap.sia", "text/vnd.wap.connectivity-xml", "application/vnd.wap.connectivity-wbxml",
            "application/pkcs7-mime", "application/vnd.wap.hashed-certificate",
            "application/vnd.wap.signed-certificate", "application/vnd.wap.cert-response", "application/xhtml+xml",
            "application/wml+xml", "text/css", "application/vnd.wap.mms-message",
            "application/vnd.wap.rollover-certificate", "application/vnd.wap.locc+wbxml",
            "application/vnd.wap.loc+xml", "application/vnd.syncml.dm+wbxml", "application/vnd.syncml.dm+xml",
            "application/vnd.syncml.notification", "application/vnd.wap.xhtml+xml", "application/vnd.wv.csp.cir",
            "application/vnd.oma.dd+xml", "application/vnd.oma.drm.message", "application/vnd.oma.drm.content",
            "application/vnd.oma.drm.rights+xml", "application/vnd.oma.drm.rights+wbxml",
        ]
        var table: [UInt32: String] = [:]
        for (code, name) in names.enumerated() { table[UInt32(code)] = name }
        return table
    }()

    static let contentTypeCodes: [String: UInt32] = {
        var codes: [String: UInt32] = [:]
        for (code, name) in contentTypes { codes[name.lowercased()] = code }
        return codes
    }()

    /// Parameter names 0x00–0x1D (Table 38; 0x05–0x06 and 0x0A–0x0B are the WSP 1.3 encodings MMS uses).
    static let parameters: [UInt8: String] = {
        let names = [
            "q", "charset", "level", "type", "", "name", "filename", "differences", "padding", "type", "start",
            "start-info", "comment", "domain", "max-age", "path", "secure", "sec", "mac", "creation-date",
            "modification-date", "read-date", "size", "name", "filename", "start", "start-info", "comment", "domain",
            "path",
        ]
        var table: [UInt8: String] = [:]
        for (code, name) in names.enumerated() where !name.isEmpty { table[UInt8(code)] = name }
        return table
    }()

    /// Header field names 0x00–0x47 (Table 39).
    static let headers: [UInt8: String] = {
        let names = [
            "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Accept-Ranges", "Age", "Allow",
            "Authorization", "Cache-Control", "Connection", "Content-Base", "Content-Encoding", "Content-Language",
            "Content-Length", "Content-Location", "Content-MD5", "Content-Range", "Content-Type", "Date", "Etag",
            "Expires", "From", "Host", "If-Modified-Since", "If-Match", "If-None-Match", "If-Range",
            "If-Unmodified-Since", "Location", "Last-Modified", "Max-Forwards", "Pragma", "Proxy-Authenticate",
            "Proxy-Authorization", "Public", "Range", "Referer", "Retry-After", "Server", "Transfer-Encoding",
            "Upgrade", "User-Agent", "Vary", "Via", "Warning", "WWW-Authenticate", "Content-Disposition",
            "X-Wap-Application-Id", "X-Wap-Content-URI", "X-Wap-Initiator-URI", "Accept-Application",
            "Bearer-Indication",
            "Push-Flag", "Profile", "Profile-Diff", "Profile-Warning", "Expect", "TE", "Trailer", "Accept-Charset",
            "Accept-Encoding", "Cache-Control", "Content-Range", "X-Wap-Tod", "Content-ID", "Set-Cookie", "Cookie",
            "Encoding-Version", "Profile-Warning", "Content-Disposition", "X-WAP-Security", "Cache-Control",
        ]
        var table: [UInt8: String] = [:]
        for (code, name) in names.enumerated() { table[UInt8(code)] = name }
        return table
    }()

    /// Push application ids (OMNA "Push Application ID" registry), for X-Wap-Application-Id.
    static let applicationIDs: [UInt32: String] = [
        0x00: "x-wap-application:*", 0x01: "x-wap-application:push.sia", 0x02: "x-wap-application:wml.ua",
        0x03: "x-wap-application:wta.ua", 0x04: "x-wap-application:mms.ua", 0x05: "x-wap-application:push.syncml",
        0x06: "x-wap-application:loc.ua", 0x07: "x-wap-application:syncml.dm", 0x08: "x-wap-application:drm.ua",
        0x09: "x-wap-application:emn.ua", 0x0A: "x-wap-application:wv.ua",
    ]
}
