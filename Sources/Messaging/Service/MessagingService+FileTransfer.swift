import Foundation
import Logging
import MessageStore

// MARK: - File-transfer actions (messaging-v2.md §5.16–§5.18; over MMS: §10 "File transfer over MMS")

extension MessagingService {
    /// StartFileTransfer (§5.16): queues the files of a File-Transfer (or Mixed) session; each is fetched from its
    /// `fileLink` and sent as one MMS to the session's peers (§10 "File transfer over MMS"), one after another
    /// (I-18), with `file transfer started`, `file transfer progress: n Bytes`, `file transfer completed` (or
    /// `file download failed`, `file transfer cancelled`) as SessionUpdates. The session becomes Running.
    /// - Throws: 606; 706 unknown session; 708 Closed session, or a transfer already under way in it; 710 a session
    ///   of another class; 402 an empty file list; 501 files this device cannot carry (no MMSC, no way to fetch a
    ///   link, or a declared size above the MMS size limit).
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
        // Without an MMSC no file can be carried (§10): File-Transfer is then never offered, so only a Mixed
        // session gets here, and it cannot carry files either.
        guard mmsTransport != nil else {
            throw MessagingError(.actionFailed, "files cannot be carried: no MMSC configured")
        }
        guard fileFetcher != nil else {
            throw MessagingError(.actionFailed, "files cannot be carried: this device cannot fetch file links")
        }
        let limit = min(configuration.mms.maximumFileBytes, configuration.mms.maximumMessageBytes)
        // §10: a declared fileSize above the MMS limit is refused at StartFileTransfer() with 501.
        if let file = list.files.first(where: { $0.fileSize > UInt64(limit) }) {
            throw MessagingError(
                .actionFailed,
                "file of \(file.fileSize) bytes: more than the \(limit) bytes an MMS carries"
            )
        }
        let now = wallClock().timeIntervalSince1970
        let started = try await store.updateSession(id: rowID, at: now) { (editor: inout SessionEditor) -> Bool in
            guard !editor.fileTransfers.contains(where: \.isActive) else { return false }
            let first = (editor.fileTransfers.map(\.position).max() ?? -1) + 1
            for (index, file) in list.files.enumerated() {
                let interval: Int? =
                    if case .periodic(let seconds) = file.progressNotification { seconds } else { nil }
                editor.fileTransfers.append(
                    FileTransferRecord(
                        sessionID: rowID,
                        position: first + index,
                        fileType: file.fileType,
                        fileSize: Int64(clamping: file.fileSize),
                        fileLink: file.fileLink,
                        progressInterval: interval,
                        state: .queued
                    )
                )
            }
            // Annex C.3: the session is Running once the transfer starts (a Pending File-Transfer session waits
            // for this).
            editor.session.status = .running
            return true
        }
        guard let started else { throw MessagingError(.invalidSessionID, "no such session") }
        guard started else { throw MessagingError(.invalidAction, "a file transfer is already under way") }
        mmsSignal.fire()
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
        // The MMS of a file not yet handed to the MMSC is not sent.
        if let rowID = StoredID.decode(sessionID) { try await store.cancelFileTransferMessages(sessionID: rowID) }
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

// MARK: - The transfer worker (part of the MMS worker)

extension MessagingService {
    /// Starts the next queued file of a session whose previous file is done: fetches it from its link and queues the
    /// MMS that carries it. Returns whether it did something.
    func startNextFileTransfer() async throws -> Bool {
        guard let transfer = try await store.nextQueuedFileTransfer(),
            let detail = try await store.session(id: transfer.sessionID)
        else { return false }
        let now = wallClock().timeIntervalSince1970
        guard
            try await store.updateFileTransfer(
                sessionID: transfer.sessionID,
                position: transfer.position,
                from: .queued,
                to: .running,
                event: SessionEventKind.fileTransferStarted.event(),
                at: now
            )
        else { return true }
        hub.sessionEventsDidChange()
        let limit = min(configuration.mms.maximumFileBytes, configuration.mms.maximumMessageBytes)
        let file: FetchedFile
        do {
            guard let fileFetcher else { throw FileFetchError("no way to fetch file links") }
            file = try await fileFetcher.fetch(transfer.fileLink, maximumBytes: limit)
            guard file.bytes.count <= limit else {
                throw FileFetchError("larger than \(limit) bytes", isTooLarge: true)
            }
        } catch {
            // §10: a fetched file that turns out too large ends with `file transfer cancelled`; a failed fetch with
            // `file download failed`.
            let tooLarge = (error as? FileFetchError)?.isTooLarge == true
            try await store.updateFileTransfer(
                sessionID: transfer.sessionID,
                position: transfer.position,
                from: .running,
                to: tooLarge ? .cancelled : .failed,
                event: (tooLarge ? SessionEventKind.fileTransferCancelled : .fileDownloadFailed).event(),
                at: wallClock().timeIntervalSince1970
            )
            hub.sessionEventsDidChange()
            logger.info(
                "file transfer not fetched",
                metadata: ["session.id": "\(transfer.sessionID)", "error": "\(error)"]
            )
            return true
        }
        let peers = detail.recipients.filter { $0.role == "to" }.map(Peer.init)
        let mimeType =
            transfer.fileType.contains("/") ? transfer.fileType : (file.mimeType ?? "application/octet-stream")
        let messageID: MessageID
        do {
            messageID = try await enqueueMMSContent(
                recipients: RecipientsList(to: peers),
                subject: detail.session.subject,
                text: nil,
                contents: [
                    AttachmentContent(bytes: file.bytes, mimeType: mimeType, name: Self.fileName(of: transfer.fileLink))
                ],
                sessionID: transfer.sessionID,
                replyTo: nil,
                now: Date(timeIntervalSince1970: wallClock().timeIntervalSince1970)
            )
        } catch {
            try await store.updateFileTransfer(
                sessionID: transfer.sessionID,
                position: transfer.position,
                from: .running,
                to: .cancelled,
                event: SessionEventKind.fileTransferCancelled.event(),
                at: wallClock().timeIntervalSince1970
            )
            hub.sessionEventsDidChange()
            logger.info(
                "file transfer not sent",
                metadata: ["session.id": "\(transfer.sessionID)", "error": "\(error)"]
            )
            return true
        }
        try await store.updateFileTransfer(
            sessionID: transfer.sessionID,
            position: transfer.position,
            from: .running,
            to: .running,
            messageID: Self.messageRowID(messageID.description),
            event: nil,
            at: wallClock().timeIntervalSince1970
        )
        return true
    }

    /// The MMS carrying a file transfer was accepted by the MMSC (progress = the bytes uploaded, §10) or failed for
    /// good.
    func finishFileTransfer(carriedBy messageID: Int64, sent: Bool, bytes: Int) async throws {
        guard let transfer = try await store.fileTransfer(carriedBy: messageID) else { return }
        let now = wallClock().timeIntervalSince1970
        if sent, transfer.progressInterval != nil {
            try await store.updateFileTransfer(
                sessionID: transfer.sessionID,
                position: transfer.position,
                from: .running,
                to: .running,
                bytes: Int64(bytes),
                event: SessionEventKind.fileTransferProgress.event(String(bytes)),
                at: now
            )
        }
        try await store.updateFileTransfer(
            sessionID: transfer.sessionID,
            position: transfer.position,
            from: .running,
            to: sent ? .completed : .cancelled,
            bytes: sent ? Int64(bytes) : nil,
            event: (sent ? SessionEventKind.fileTransferCompleted : .fileTransferCancelled).event(),
            at: now
        )
        hub.sessionEventsDidChange()
        mmsSignal.fire()
    }
}
