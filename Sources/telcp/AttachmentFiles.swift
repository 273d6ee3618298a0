import ArgumentParser
import Foundation
import MessagingUPnP
import UPnP

#if canImport(Glibc)
import Glibc
#endif

/// The files of `send --attach` (read, typed, offered to the device by link) and of `read --save` (fetched from the
/// device and written without overwriting).
enum AttachmentFiles {
    /// Largest file offered or saved (far above what an MMS carries; the device applies its own limit).
    static let maximumBytes = 16 << 20

    /// A file given with `--attach`, read whole.
    static func offered(path: String) throws -> OfferedFileServer.File {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            throw TelCPFailure(message: "\(path) is not a readable file", status: ExitCode.validationFailure)
        }
        guard let size = attributes[.size] as? Int, size <= maximumBytes else {
            throw TelCPFailure(
                message: "\(path) is larger than \(maximumBytes) bytes",
                status: ExitCode.validationFailure
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TelCPFailure(message: "cannot read \(path)", status: ExitCode.validationFailure)
        }
        return OfferedFileServer.File(
            name: url.lastPathComponent,
            mimeType: mimeType(ofExtension: url.pathExtension),
            bytes: Array(data)
        )
    }

    /// The media types of the file name extensions an MMS commonly carries (OMA-MMS-CONF content classes: JPEG,
    /// GIF, PNG, WBMP, AMR, 3GPP, text, vCard, vCalendar, SMIL); anything else is `application/octet-stream`.
    static func mimeType(ofExtension pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "gif": "image/gif"
        case "wbmp": "image/vnd.wap.wbmp"
        case "webp": "image/webp"
        case "amr": "audio/amr"
        case "mp3": "audio/mpeg"
        case "3gp": "video/3gpp"
        case "mp4": "video/mp4"
        case "txt": "text/plain"
        case "vcf": "text/x-vcard"
        case "vcs", "ics": "text/x-vcalendar"
        case "smil": "application/smil"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }

    /// The file name extension of a media type, for a name of a saved attachment the device gave no name for.
    static func fileExtension(ofMimeType mimeType: String) -> String {
        switch mimeType.lowercased().split(separator: ";").first.map(String.init) ?? "" {
        case "image/jpeg": "jpg"
        case "image/png": "png"
        case "image/gif": "gif"
        case "audio/amr": "amr"
        case "video/3gpp": "3gp"
        case "text/plain": "txt"
        case "application/smil": "smil"
        case "text/x-vcard": "vcf"
        default: "bin"
        }
    }

    /// `filename` of a Content-Disposition value (RFC 6266 §4.1, the quoted or token form), if any.
    static func dispositionFileName(_ value: String?) -> String? {
        guard let value, let range = value.range(of: "filename=", options: .caseInsensitive) else { return nil }
        var rest = value[range.upperBound...]
        if rest.hasPrefix("\"") {
            rest = rest.dropFirst()
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return String(rest.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
    }

    /// A name that is safe to create in the save directory: the last path segment of `name` (no directory part, so
    /// nothing is written outside the directory), without control characters, not hidden, at most 200 bytes of
    /// UTF-8; `fallback` when nothing is left.
    static func safeFileName(_ name: String?, fallback: String) -> String {
        let lastSegment = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(lastSegment.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        cleaned = cleaned.trimmingCharacters(in: .whitespaces)
        while cleaned.utf8.count > 200 { cleaned.removeFirst() }
        return cleaned.isEmpty ? fallback : cleaned
    }

    /// Writes `bytes` as `name` in `directory` and returns the path written. Without `force` an existing file is
    /// never replaced: the name gets a number (`picture-1.jpg`, `picture-2.jpg`…), and the file is created with
    /// `O_EXCL`, so that a file (or a link) appearing meanwhile is not written through either. With `force` an
    /// existing file of that name is replaced (atomically: a temporary file renamed over it).
    static func save(_ bytes: [UInt8], as name: String, in directory: String, force: Bool) throws -> String {
        let base = URL(fileURLWithPath: directory)
        if force {
            let target = base.appendingPathComponent(name)
            try Data(bytes).write(to: target, options: .atomic)
            return target.path
        }
        let stem = (name as NSString).deletingPathExtension
        let suffix = (name as NSString).pathExtension
        for number in 0..<1000 {
            let candidate =
                number == 0 ? name : "\(stem)-\(number)" + (suffix.isEmpty ? "" : ".\(suffix)")
            let path = base.appendingPathComponent(candidate).path
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw TelCPFailure(
                    message: "cannot create \(path): \(String(cString: strerror(errno)))",
                    status: ExitStatus.file
                )
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(bytes))
            try handle.close()
            return path
        }
        throw TelCPFailure(message: "\(name) and 999 numbered names exist in \(directory)", status: ExitStatus.file)
    }
}
