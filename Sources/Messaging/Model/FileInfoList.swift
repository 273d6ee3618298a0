/// The files of a file-transfer session (`fileInfoList`, messaging-v2.md §5.16, §7.9).
public struct FileInfoList: Hashable, Sendable {
    /// The File-Transfer (or Mixed) session the files belong to.
    public var sessionID: String
    /// At least one file, transferred in this order (I-18).
    public var files: [FileInfo]

    public init(sessionID: String, files: [FileInfo]) {
        self.sessionID = sessionID
        self.files = files
    }
}

/// One file to transfer (`fileInfo`, messaging-v2.md §7.9).
public struct FileInfo: Hashable, Sendable {
    /// e.g. `Audio-file` or a MIME type.
    public var fileType: String
    /// Declared size in bytes.
    public var fileSize: UInt64
    /// Where the device fetches the file (HTTP GET, LAN only).
    public var fileLink: String
    public var progressNotification: ProgressNotification

    public init(fileType: String, fileSize: UInt64, fileLink: String, progressNotification: ProgressNotification) {
        self.fileType = fileType
        self.fileSize = fileSize
        self.fileLink = fileLink
        self.progressNotification = progressNotification
    }
}

/// `progressNotif` and its `time` attribute (§7.9; the unit is seconds, I-18).
public enum ProgressNotification: Hashable, Sendable {
    /// `progressNotif` = 0: one notification when the transfer completes.
    case atCompletion
    /// `progressNotif` = 1 with `time`: a progress event every `seconds` (still moderated to 1/s).
    case periodic(seconds: Int)
}
