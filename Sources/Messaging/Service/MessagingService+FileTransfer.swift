import Foundation
import MessageStore

// MARK: - File-transfer actions (messaging-v2.md §5.16–§5.18; over MMS: §10 "File transfer over MMS")

extension MessagingService {
    /// StartFileTransfer (§5.16): queues the files of a File-Transfer (or Mixed) session.
    ///
    /// A file transfer is carried as MMS (§10). This device has no MMSC, so File-Transfer is not among its
    /// capabilities and no session can be of that class; on a Mixed session the files cannot be carried (501,
    /// I-14). The checks below still follow the spec's order so the codes are right for every session.
    /// - Throws: 606; 706 unknown session; 708 Closed session; 710 a session of another class; 402 an empty file
    ///   list; 501 files this device cannot carry.
    public func startFileTransfer(_ list: FileInfoList, caller: Caller = .local) async throws {
        try authorize(.startFileTransfer, caller)
        guard let rowID = StoredID.decode(list.sessionID), let detail = try await store.session(id: rowID) else {
            throw MessagingError(.invalidSessionID, "no such session")
        }
        let sessionClass = detail.session.sessionClass
        guard sessionClass == SessionClass.fileTransfer.rawValue || sessionClass == SessionClass.mixed.rawValue else {
            throw MessagingError(.invalidSessionClass, "not a File-Transfer or Mixed session")
        }
        guard detail.session.sessionStatus != .closed else {
            throw MessagingError(.invalidAction, "session is Closed")
        }
        guard !list.files.isEmpty else { throw MessagingError(.invalidArgs, "no fileInfo") }
        // Without an MMSC no file can be carried (§10): File-Transfer is never offered, so only a Mixed session
        // gets here, and it cannot carry files either.
        throw MessagingError(.actionFailed, "files cannot be carried: no MMSC configured")
    }

    /// CancelFileTransfer (§5.17): cancels the ongoing transfer of a session; the session stays open (I-15) with
    /// `file transfer cancelled`.
    /// - Throws: 606; 706 unknown session; 709 when no transfer is queued or running in it (including sessions of
    ///   a class that carries no files).
    public func cancelFileTransfer(sessionID: String, caller: Caller = .local) async throws {
        try authorize(.cancelFileTransfer, caller)
        try await runSessionEvent(sessionID) { editor in
            (.cancelFileTransfer(hasActiveTransfer: editor.fileTransfers.contains(where: \.isActive)), nil)
        }
    }

    /// GetFileTransferSession (§5.18): the FileInfoList of a closed File-Transfer session, every file in order.
    /// - Throws: 606; 706 unknown session; 710 a session of another class; 708 a File-Transfer session not yet
    ///   closed (I-14).
    public func getFileTransferSession(sessionID: String, caller: Caller = .local) async throws -> FileInfoList {
        try authorize(.getFileTransferSession, caller)
        guard let rowID = StoredID.decode(sessionID), let detail = try await store.session(id: rowID) else {
            throw MessagingError(.invalidSessionID, "no such session")
        }
        guard detail.session.sessionClass == SessionClass.fileTransfer.rawValue else {
            throw MessagingError(.invalidSessionClass, "not a File-Transfer session")
        }
        guard detail.session.sessionStatus == .closed else {
            throw MessagingError(.invalidAction, "session is not closed yet")
        }
        let transfers = try await store.fileTransfers(sessionID: rowID)
        return FileInfoList(
            sessionID: sessionID,
            files: transfers.map { record in
                FileInfo(
                    fileType: record.fileType,
                    fileSize: UInt64(max(0, record.fileSize)),
                    fileLink: record.fileLink,
                    progressNotification: record.progressInterval.map { .periodic(seconds: $0) } ?? .atCompletion
                )
            }
        )
    }
}
