import Foundation
import Logging
import Messaging

/// The daemon's log handler: one line per event on standard error, shaped for where standard error goes.
///
/// On a terminal or a file each line starts with a timestamp, like swift-log's `StreamLogHandler`:
/// `2026-12-06T18:00:00+0000 info messagingd: component=messaging message.id=3 [Messaging] message received`.
/// Under systemd, when standard error is the journal's stream, the line has no timestamp (journald stamps every
/// line itself) and starts with the sd-daemon(3) priority prefix instead (`<6>` for info), which journald turns into
/// the entry's PRIORITY, so that `journalctl -p warning` works.
///
/// Libraries never bootstrap logging (STYLE.md §9); the executable does:
/// `LoggingSystem.bootstrap { DaemonLogHandler(label: $0, logLevel: level) }`.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    /// Whether lines go to the journal (no timestamp, a priority prefix).
    public let isJournal: Bool
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler writing to standard error, for the journal when standard error is the journal's stream.
    public init(label: String, logLevel: Logger.Level = .info) {
        self.init(
            label: label,
            logLevel: logLevel,
            isJournal: Self.standardErrorIsJournal(),
            write: { FileHandle.standardError.write(Data($0.utf8)) }
        )
    }

    /// A handler writing each line (with its newline) to `write`.
    public init(label: String, logLevel: Logger.Level, isJournal: Bool, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = logLevel
        self.isJournal = isJournal
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error.message"] = "\(error)" }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let body = "\(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(event.source)] \(event.message)"
        // One event, one line: a newline inside a value would start a journal entry of its own.
        let line = body.replacingOccurrences(of: "\n", with: "\\n")
        if isJournal {
            write("<\(Self.syslogPriority(event.level))>\(line)\n")
        } else {
            write("\(Self.timestamp()) \(line)\n")
        }
    }

    /// The syslog priority of a level (RFC 5424 §6.2.1), as the sd-daemon(3) `<N>` prefix takes it.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// True when standard error is the stream systemd connected to the journal: `JOURNAL_STREAM` holds that
    /// stream's `<device>:<inode>` (systemd.exec(5), "Environment variables in spawned processes"), and they are
    /// standard error's (fstat(2)). A child whose standard error was redirected inherits the variable, hence the
    /// comparison.
    public static func standardErrorIsJournal(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return isJournal(
            stream: environment["JOURNAL_STREAM"],
            device: UInt64(status.st_dev),
            inode: UInt64(status.st_ino)
        )
    }

    /// Whether the `JOURNAL_STREAM` value `stream` names the file with `device` and `inode`.
    public static func isJournal(stream: String?, device: UInt64, inode: UInt64) -> Bool {
        guard let stream else { return false }
        let parts = stream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let streamDevice = UInt64(parts[0]), let streamInode = UInt64(parts[1]) else {
            return false
        }
        return streamDevice == device && streamInode == inode
    }

    /// Local time as RFC 3339 (ISO 8601) with the offset, the form `StreamLogHandler` writes. Formatted by
    /// ``Messaging/MessageTimestamp`` with the C library's offset, not `ISO8601DateFormatter`: that is ICU's date
    /// formatter, which maps ICU's locale and calendar data into memory at the first line logged.
    private static func timestamp() -> String {
        MessageTimestamp.local(Date()).rfc3339
    }
}
