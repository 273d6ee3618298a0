import CoreMetrics
import Foundation
import Logging
import MessageStore
import Modem

/// Counters and state of the mirror of the modem store (reported for the SIM-full case and diagnosis).
public struct MirrorStatus: Hashable, Sendable {
    /// Storage counters (+CPMS) at the last pass.
    public var storages: [StorageStatus]
    /// When the last complete pass ended.
    public var lastPass: Date?
    /// Why the last pass failed, if it did (e.g. the modem was unplugged).
    public var lastError: String?
    /// Parts imported since the service started (new ones only).
    public var importedParts: Int
    /// Parts seen again and recognised (by +CMT and from storage).
    public var duplicateParts: Int
    /// Messages deleted from the modem after their import committed (policy `move`).
    public var deletedFromModem: Int
    /// Segments waiting for the rest of their message.
    public var pendingSegments: Int

    public init(
        storages: [StorageStatus] = [],
        lastPass: Date? = nil,
        lastError: String? = nil,
        importedParts: Int = 0,
        duplicateParts: Int = 0,
        deletedFromModem: Int = 0,
        pendingSegments: Int = 0
    ) {
        self.storages = storages
        self.lastPass = lastPass
        self.lastError = lastError
        self.importedParts = importedParts
        self.duplicateParts = duplicateParts
        self.deletedFromModem = deletedFromModem
        self.pendingSegments = pendingSegments
    }
}

// MARK: - The mirror of the modem store
//
// Passes run on start, on every +CMTI/+CDSI, on storage-full and restart events, and on a slow timer. A pass lists
// every storage and imports what is new; +CMT/+CDS deliveries are imported as they come. Import is idempotent (the
// store deduplicates by SIM and TPDU), so a part seen both ways, or again after a crash, is stored once.
//
// Order, always: persist (the import transaction commits) → acknowledge (+CNMA) → delete (+CMGD). A crash before
// the commit loses nothing (the modem or the network still has the message); a crash between commit and delete
// gives no duplicate (the next pass finds the part already imported and only deletes it).

extension MessagingService {
    /// The mirror's counters.
    public func mirrorStatus() async throws -> MirrorStatus {
        var status = mirror
        status.pendingSegments = try await store.pendingSegmentCount()
        return status
    }

    /// Asks for a mirror pass now (as a +CMTI would). Returns at once.
    public nonisolated func requestMirrorPass() { mirrorSignal.fire() }

    func runMirror(modem: any Modem) async throws {
        // One subscription for the service's lifetime: the driver keeps it across reopen after an unplug.
        let events = modem.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    try Task.checkCancellation()
                    await self.handle(event, modem: modem)
                }
            }
            // `self.`: a bare `clock` also names C's clock(), which Foundation brings in.
            group.addTask { try await self.runPasses(modem: modem, on: self.clock) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Passes on start, on request and on the slow timer; after a failure, retries sooner. `clock` is the
    /// injected clock, opened so that its instants can be kept.
    private func runPasses<C: Clock<Duration>>(modem: any Modem, on clock: C) async throws {
        let origin = clock.now
        var releases = MemoryReleaseSchedule()
        var failures = 0
        while !Task.isCancelled {
            do {
                let importedBefore = mirror.importedParts
                try await mirrorPass(modem: modem)
                metrics.mirrorPasses.increment()
                failures = 0
                // An import grows SQLite's caches and the heap; an idle daemon should not keep that.
                let imported = mirror.importedParts - importedBefore
                if releases.passEnded(imported: imported, at: origin.duration(to: clock.now)) {
                    await store.releaseMemory()
                }
            } catch is CancellationError {
                return
            } catch {
                metrics.failedMirrorPasses.increment()
                failures += 1
                mirror.lastError = "\(error)"
                logger.warning("mirror pass failed", metadata: ["error": "\(error)", "mirror.failures": "\(failures)"])
                // The SIM may have changed while the modem was away.
                simID = nil
            }
            try await flushStaleSegments()
            let delay =
                failures == 0
                ? releases.nextPass(slowTimer: configuration.mirrorInterval) : Self.mirrorRetryDelay(failures: failures)
            await Self.wait(for: mirrorSignal, atMost: delay, clock: clock)
        }
    }

    /// Stored messages imported per transaction during a pass.
    static let importChunkSize = 100

    /// 1 s, 2 s, 4 s … up to the slow timer's interval.
    static func mirrorRetryDelay(failures: Int) -> Duration {
        .seconds(1 << min(max(0, failures - 1), 6))
    }

    /// Reads the modem's identity and the SIM's row (the mirror is keyed by ICCID/IMSI).
    func refreshIdentity(modem: any Modem) async throws -> Int64 {
        let identity = try await modem.identity()
        let id = try await store.simID(
            iccid: identity.iccid,
            imsi: identity.imsi,
            msisdn: identity.msisdn,
            now: wallClock().timeIntervalSince1970
        )
        if simID != id, simID != nil {
            logger.notice("SIM changed", metadata: ["sim.row": "\(id)"])
        }
        modemIdentity = identity
        simID = id
        return id
    }

    /// One pass over every storage of the modem.
    func mirrorPass(modem: any Modem) async throws {
        let sim = try await refreshIdentity(modem: modem)
        let storages = try await modem.storageStatus()
        mirror.storages = storages
        // Storages the modem named in +CMTI/+CDSI (e.g. SR for status reports) are listed even when +CPMS? does not
        // report them. A storage that fails is skipped, never fatal: the others are mirrored in the same pass.
        for storage in Self.storagesToList(
            storages.map(\.storage) + announcedStorages.sorted { $0.rawValue < $1.rawValue }
        ) where !skippedStorages.contains(storage) {
            try Task.checkCancellation()
            let listed: [StoredMessage]
            do {
                listed = try await modem.listMessages(in: storage)
            } catch let error as ModemError where error.isStorageRefusal {
                skip(storage, error: error)
                continue
            }
            var kept: [(index: Int, contentHash: String, partID: Int64?)] = []
            var batch: [(stored: StoredMessage, part: IncomingPart)] = []
            let now = wallClock()
            for stored in listed {
                let kind = Self.kind(of: stored.status)
                let part = IncomingDecoder.decode(
                    pdu: stored.pdu,
                    storedStatus: kind,
                    source: "store",
                    simID: sim,
                    ownNumber: ownNumber ?? "",
                    receivedAt: now,
                    importStoredSent: configuration.importStoredSent
                )
                if kind == .storedUnsent {
                    // Another UI's draft: left alone, not imported, not deleted (§10, I-30).
                    kept.append((stored.index, part.contentHash, nil))
                } else {
                    batch.append((stored, part))
                }
            }
            // Persist a chunk in one transaction, then delete that chunk from the modem (persist → delete).
            var start = 0
            while start < batch.count {
                try Task.checkCancellation()
                let chunk = batch[start..<min(start + Self.importChunkSize, batch.count)]
                start += Self.importChunkSize
                let outcomes = try await store.importParts(chunk.map(\.part), rules: importRules)
                for (entry, outcome) in zip(chunk, outcomes) {
                    noteImport(outcome, of: entry.part)
                    if configuration.mirrorPolicy == .move {
                        do {
                            try await modem.deleteMessage(at: entry.stored.index, in: storage)
                            mirror.deletedFromModem += 1
                            continue
                        } catch {
                            // The part is safely stored; the next pass deletes it (recognised as a duplicate).
                            logger.warning(
                                "could not delete an imported message from the modem",
                                metadata: [
                                    "modem.storage": "\(storage)", "modem.index": "\(entry.stored.index)",
                                    "error": "\(error)",
                                ]
                            )
                        }
                    }
                    kept.append((entry.stored.index, entry.part.contentHash, outcome.partID))
                }
            }
            try await store.recordSlots(
                simID: sim,
                storage: storage.rawValue,
                slots: kept,
                now: wallClock().timeIntervalSince1970
            )
        }
        if configuration.mirrorPolicy == .move, storages.contains(where: \.isFull) {
            // Re-read the counters so that the reported state shows the space just freed.
            mirror.storages = (try? await modem.storageStatus()) ?? storages
        }
        mirror.lastPass = wallClock()
        mirror.lastError = nil
    }

    /// Leaves a failing storage out of this and later passes, logging it once. ModemManager also goes on with the
    /// next storage when one cannot be read (`src/mm-iface-modem-messaging.c`, `load_initial_sms_parts_ready`).
    func skip(_ storage: MessageStorage, error: ModemError) {
        skippedStorages.insert(storage)
        announcedStorages.remove(storage)
        logger.warning(
            "message storage skipped by the mirror",
            metadata: ["modem.storage": "\(storage)", "error": "\(error)"]
        )
    }

    /// Storages to list: each physical storage once (MT is SM+ME combined; BM holds cell broadcasts, which are
    /// not messages of this service).
    static func storagesToList(_ storages: [MessageStorage]) -> [MessageStorage] {
        var seen: [MessageStorage] = []
        for storage in storages where storage != .broadcast && !seen.contains(storage) { seen.append(storage) }
        if seen.contains(.sim) || seen.contains(.phone) { seen.removeAll { $0 == .combined } }
        return seen
    }

    static func kind(of status: StoredMessageStatus) -> StoredMessageStatusKind {
        switch status {
        case .receivedUnread: .receivedUnread
        case .receivedRead: .receivedRead
        case .storedUnsent: .storedUnsent
        case .storedSent: .storedSent
        }
    }

    /// A modem event: a direct delivery is imported then acknowledged; anything that means "storage changed"
    /// triggers a pass.
    func handle(_ event: ModemEvent, modem: any Modem) async {
        switch event {
        case .messageDelivered(let pdu, let token), .statusReportDelivered(let pdu, let token):
            let isReport: Bool
            if case .statusReportDelivered = event { isReport = true } else { isReport = false }
            do {
                let sim = try await currentSIM(modem: modem)
                let part = IncomingDecoder.decode(
                    pdu: pdu,
                    storedStatus: nil,
                    source: isReport ? "cds" : "cmt",
                    simID: sim,
                    ownNumber: ownNumber ?? "",
                    receivedAt: wallClock(),
                    importStoredSent: false
                )
                noteImport(try await store.importPart(part, rules: importRules), of: part)
            } catch {
                // Not stored, so not acknowledged: the network delivers it again (TS 27.005 §3.4.4).
                logger.warning("could not store a delivered message", metadata: ["error": "\(error)"])
                return
            }
            do {
                try await modem.acknowledge(token)
            } catch {
                // Stored already; a redelivery is recognised as a duplicate.
                logger.info("acknowledgement failed", metadata: ["error": "\(error)"])
            }
        case .messageStored(let storage, _):
            announcedStorages.insert(storage)
            mirrorSignal.fire()
        case .storageFull, .storageAvailable:
            mirrorSignal.fire()
        case .restarted:
            simID = nil
            // A restarted modem may accept what it refused before.
            skippedStorages = []
            mirrorSignal.fire()
        case .started:
            // Back after a replug, a restart or a recovery: read what the network held meanwhile, and send what
            // waited for the modem now rather than at the end of its back-off.
            simID = nil
            skippedStorages = []
            mirrorSignal.fire()
            do {
                let due = try await store.makeModemWaitingSendsDue(now: wallClock().timeIntervalSince1970)
                if due > 0 { outboxSignal.fire() }
            } catch {
                logger.warning("could not reschedule the queued sends", metadata: ["error": "\(error)"])
            }
        case .disconnected(let reason):
            simID = nil
            skippedStorages = []
            mirror.lastError = "modem disconnected: \(reason)"
            logger.notice("modem disconnected", metadata: ["reason": "\(reason)"])
        case .registrationChanged, .unrecognized:
            break
        }
    }

    func currentSIM(modem: any Modem) async throws -> Int64 {
        if let simID { return simID }
        return try await refreshIdentity(modem: modem)
    }

    func noteImport(_ outcome: ImportOutcome, of part: IncomingPart) {
        switch outcome {
        case .duplicate:
            mirror.duplicateParts += 1
        case .created(_, let messageID, let isNewUnread, let sessionID):
            mirror.importedParts += 1
            if isNewUnread { hub.newMessagesDidChange() }
            // A WAP push became an MMS whose content is to be fetched.
            if case .pushSegment = part.content { mmsSignal.fire() }
            logReceived(messageID: messageID, sessionID: sessionID, part: part)
        case .restarted(_, let messageID, let isNewUnread):
            mirror.importedParts += 1
            if isNewUnread { hub.newMessagesDidChange() }
            logReceived(messageID: messageID, sessionID: nil, part: part, isComplete: false)
        case .pending, .merged, .statusReport, .notImported:
            mirror.importedParts += 1
        }
    }

    /// One line per message the mirror puts in a folder, for the journal: its ID as control points see it, the
    /// peer masked, never the text (no message content and no full number above debug); and one count of
    /// `messaging_messages_received_total` per received one. `part` is `nil` for segments shown incomplete after the
    /// reassembly timeout.
    func logReceived(messageID: Int64, sessionID: Int64?, part: IncomingPart?, isComplete: Bool = true) {
        let id = MessageID(sessionID: sessionID.map(StoredID.encode), messageID: StoredID.encode(messageID))
        var metadata: Logger.Metadata = ["message.id": "\(id?.description ?? StoredID.encode(messageID))"]
        var isReceived = true
        if case .message(let message)? = part?.content {
            isReceived = message.isReceived
            metadata["message.peer"] = "\(PeerAddress.masked(message.peer))"
        }
        if !isComplete { metadata["message.incomplete"] = "true" }
        // A stored SMS-SUBMIT (`STO SENT`) found on the SIM goes to Sent, not Received.
        logger.info(isReceived ? "message received" : "message imported into Sent", metadata: metadata)
        if isReceived { metrics.messagesReceived.increment() }
    }

    /// The rules the store's import asks for (reassembly with the configured timeout, status report matching).
    var importRules: MirrorImportRules {
        MirrorImportRules(
            reassemblyTimeout: configuration.reassemblyTimeout,
            defaultMMSExpiry: configuration.mms.defaultExpiry
        )
    }

    /// Shows groups of segments that waited longer than the reassembly timeout (late parts merge later).
    func flushStaleSegments() async throws {
        let now = wallClock()
        let created = try await store.flushStaleSegments(
            rules: importRules,
            ownNumber: ownNumber ?? "",
            routingClasses: [SessionClass.sms.rawValue, SessionClass.mixed.rawValue],
            now: now.timeIntervalSince1970,
            offset: MessageTimestamp.localUTCOffset(at: now)
        )
        if !created.isEmpty { hub.newMessagesDidChange() }
        for messageID in created { logReceived(messageID: messageID, sessionID: nil, part: nil, isComplete: false) }
    }
}
