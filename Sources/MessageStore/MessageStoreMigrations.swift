import GRDB

/// The versioned schema of the store. Migrations are append-only and use SQL strings, never app types, so that an
/// old database always upgrades the same way (STYLE.md §7; GRDB `Migrations.md`).
///
/// Conventions: times are seconds since 1970 (REAL) with, where the standard shows a zone, the UTC offset in
/// seconds beside them; enumerations are stored as the spec's strings; message and session IDs are the
/// AUTOINCREMENT row ids, so an ID is never reused even after a purge (messaging-v2.md I-29).
package enum MessageStoreMigrations {
    /// Migration identifiers, in order. Never rename or reorder.
    package static let identifiers = [
        "v1-core", "v2-search", "v3-concat-reference-width", "v4-hooks", "v5-mms",
        "v6-early-status-reports", "v7-held-concat-references",
    ]

    /// A migrator with every migration, or only the first `count` (tests build old databases with it).
    package static func makeMigrator(upTo count: Int = identifiers.count) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        let all: [(String, @Sendable (Database) throws -> Void)] = [
            (identifiers[0], v1Core),
            (identifiers[1], v2Search),
            (identifiers[2], v3ConcatReferenceWidth),
            (identifiers[3], v4Hooks),
            (identifiers[4], v5MMS),
            (identifiers[5], v6EarlyStatusReports),
            (identifiers[6], v7HeldConcatReferences),
        ]
        for (identifier, body) in all.prefix(count) {
            migrator.registerMigration(identifier, migrate: body)
        }
        return migrator
    }

    /// v1: messages, parts, mirror bookkeeping, outbox, sessions, file transfers, events.
    static func v1Core(_ db: Database) throws {
        try db.execute(
            sql: """
                -- A SIM the service has seen (keyed by ICCID and IMSI: swapping SIMs neither mixes nor loses folders).
                CREATE TABLE sim (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    iccid TEXT NOT NULL,
                    imsi TEXT NOT NULL,
                    msisdn TEXT NOT NULL DEFAULT '',
                    firstSeen REAL NOT NULL,
                    lastSeen REAL NOT NULL,
                    UNIQUE (iccid, imsi)
                );

                -- A messaging session (messaging-v2.md §2, §7.7).
                CREATE TABLE session (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    class TEXT NOT NULL,
                    subject TEXT,
                    status TEXT NOT NULL,
                    contentTypes TEXT,
                    isIncoming INTEGER NOT NULL DEFAULT 0,
                    creatorId TEXT NOT NULL,
                    creatorName TEXT,
                    -- Sorted, normalised recipient addresses joined by ',': the conversation key messages route by.
                    peerKey TEXT NOT NULL,
                    dateStarted REAL NOT NULL,
                    dateStartedOffset INTEGER NOT NULL DEFAULT 0,
                    dateLastMessage REAL,
                    dateEnded REAL
                );
                CREATE INDEX session_routing ON session (peerKey, status);
                CREATE INDEX session_class ON session (class, status);

                CREATE TABLE sessionRecipient (
                    sessionId INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    peerId TEXT NOT NULL,
                    name TEXT,
                    PRIMARY KEY (sessionId, role, position)
                );

                -- The control points participating in a session, by address (I-19).
                CREATE TABLE sessionParticipant (
                    sessionId INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
                    caller TEXT NOT NULL,
                    PRIMARY KEY (sessionId, caller)
                );

                -- Session events in order; published by the moderated SessionUpdates publisher.
                CREATE TABLE sessionEvent (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionId INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    argument TEXT,
                    at REAL NOT NULL
                );

                -- A message in exactly one folder (messaging-v2.md §2).
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionId INTEGER REFERENCES session (id),
                    simId INTEGER REFERENCES sim (id),
                    class TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    status TEXT NOT NULL,
                    kind TEXT NOT NULL DEFAULT 'normal',
                    direction TEXT NOT NULL,
                    replyTo TEXT,
                    fromId TEXT NOT NULL,
                    fromName TEXT,
                    subject TEXT,
                    text TEXT,
                    dateSent REAL,
                    dateSentOffset INTEGER,
                    dateReceived REAL,
                    dateReceivedOffset INTEGER,
                    -- Arrival time for received messages, creation time otherwise: the chronological order.
                    sortTime REAL NOT NULL,
                    -- 0 for a concatenated message shown before all its parts arrived.
                    isComplete INTEGER NOT NULL DEFAULT 1
                );

                CREATE TABLE messageRecipient (
                    messageId INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    peerId TEXT NOT NULL,
                    name TEXT,
                    PRIMARY KEY (messageId, role, position)
                );

                CREATE TABLE messageAttachment (
                    messageId INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    uri TEXT NOT NULL,
                    size INTEGER,
                    mimeType TEXT,
                    PRIMARY KEY (messageId, position)
                );

                -- Every received PDU (SMS-DELIVER part or status report), kept for diagnosis and for idempotent import:
                -- a PDU already here for this SIM is never imported again, whether it came by +CMT or from storage.
                -- messageId is NULL while the part waits for the rest of its message, and after a purge.
                CREATE TABLE receivedPart (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    simId INTEGER NOT NULL REFERENCES sim (id),
                    messageId INTEGER REFERENCES message (id) ON DELETE SET NULL,
                    state TEXT NOT NULL,
                    contentHash TEXT NOT NULL,
                    pdu BLOB NOT NULL,
                    source TEXT NOT NULL,
                    receivedAt REAL NOT NULL,
                    originator TEXT,
                    concatRef INTEGER,
                    concatTotal INTEGER,
                    concatSeq INTEGER,
                    partText TEXT
                );
                CREATE INDEX receivedPart_hash ON receivedPart (simId, contentHash);
                CREATE INDEX receivedPart_group ON receivedPart (simId, originator, concatRef, concatTotal);
                CREATE INDEX receivedPart_message ON receivedPart (messageId);

                -- What the mirror last saw in each storage slot of each SIM.
                CREATE TABLE modemSlot (
                    simId INTEGER NOT NULL REFERENCES sim (id),
                    storage TEXT NOT NULL,
                    slot INTEGER NOT NULL,
                    contentHash TEXT NOT NULL,
                    partId INTEGER REFERENCES receivedPart (id) ON DELETE SET NULL,
                    seenAt REAL NOT NULL,
                    PRIMARY KEY (simId, storage, slot)
                );

                -- The outbox: one row per message this device sends.
                CREATE TABLE outbox (
                    messageId INTEGER PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt REAL NOT NULL,
                    lastErrorCode INTEGER,
                    lastError TEXT,
                    isPermanentError INTEGER NOT NULL DEFAULT 0,
                    requestStatusReport INTEGER NOT NULL,
                    createdAt REAL NOT NULL,
                    sentAt REAL
                );
                CREATE INDEX outbox_due ON outbox (state, nextAttemptAt);

                -- One SMS-SUBMIT per recipient and segment, encoded once so that a retry reuses the same
                -- concatenation reference.
                CREATE TABLE outboxPart (
                    messageId INTEGER NOT NULL REFERENCES outbox (messageId) ON DELETE CASCADE,
                    recipientIndex INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    recipient TEXT NOT NULL,
                    pdu BLOB NOT NULL,
                    tpduLength INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'notSent',
                    mr INTEGER,
                    submittedAt REAL,
                    statusCode INTEGER,
                    statusTime REAL,
                    statusTimeOffset INTEGER,
                    PRIMARY KEY (messageId, recipientIndex, seq)
                );
                CREATE INDEX outboxPart_reference ON outboxPart (mr, recipient);

                -- Per-destination counter for the concatenation reference (TS 23.040 §9.2.3.24.1).
                CREATE TABLE concatReference (
                    destination TEXT PRIMARY KEY,
                    nextValue INTEGER NOT NULL
                );

                -- Files of a file-transfer session, in order.
                CREATE TABLE fileTransfer (
                    sessionId INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    fileType TEXT NOT NULL,
                    fileSize INTEGER NOT NULL,
                    fileLink TEXT NOT NULL,
                    progressInterval INTEGER,
                    state TEXT NOT NULL,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    messageId INTEGER REFERENCES message (id) ON DELETE SET NULL,
                    PRIMARY KEY (sessionId, position)
                );

                -- Small persistent values: the event cursor (last published session event) and the like.
                CREATE TABLE serviceState (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """
        )
    }

    /// v2: indexes for every SearchMessages filter, and a trigram full-text index over text and subject
    /// (sqlite.org/fts5.html §4.3.5, SQLite ≥ 3.34), backfilled for the messages v1 stored.
    static func v2Search(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX message_folder_status ON message (folder, status, sortTime);
                CREATE INDEX message_status ON message (status, sortTime);
                CREATE INDEX message_class ON message (class, sortTime);
                CREATE INDEX message_session ON message (sessionId, sortTime);
                CREATE INDEX message_sort ON message (sortTime);
                CREATE INDEX message_from ON message (fromId);
                CREATE INDEX messageRecipient_peer ON messageRecipient (peerId);
                CREATE INDEX receivedPart_pending ON receivedPart (state, receivedAt) WHERE state = 'pending';

                CREATE VIRTUAL TABLE messageText USING fts5 (
                    text, subject, content = 'message', content_rowid = 'id', tokenize = 'trigram'
                );
                CREATE TRIGGER message_text_insert AFTER INSERT ON message BEGIN
                    INSERT INTO messageText (rowid, text, subject) VALUES (new.id, new.text, new.subject);
                END;
                CREATE TRIGGER message_text_delete AFTER DELETE ON message BEGIN
                    INSERT INTO messageText (messageText, rowid, text, subject)
                        VALUES ('delete', old.id, old.text, old.subject);
                END;
                CREATE TRIGGER message_text_update AFTER UPDATE OF text, subject ON message BEGIN
                    INSERT INTO messageText (messageText, rowid, text, subject)
                        VALUES ('delete', old.id, old.text, old.subject);
                    INSERT INTO messageText (rowid, text, subject) VALUES (new.id, new.text, new.subject);
                END;
                INSERT INTO messageText (messageText) VALUES ('rebuild');
                """
        )
    }

    /// v3: the width of a segment's concatenation reference (8 or 16 bits), which is part of what identifies its
    /// message (TS 23.040 §9.2.3.24.1, §9.2.3.24.8): an 8-bit and a 16-bit set with the same number never mix.
    /// Rows stored before stay NULL and join a group of either width, as they did.
    static func v3ConcatReferenceWidth(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE receivedPart ADD COLUMN concatRefBits INTEGER")
    }

    /// v4: the hook queue. `hookTarget` lists the configured hooks per event (rewritten at every start); triggers
    /// put one `hookDelivery` row per message, event and target in the transaction that makes the event happen —
    /// a received message stored complete (or completed by its last segment), an outbox row turning `sent` or
    /// `failed` — so that a crash can never store the message and lose its hook. `UNIQUE` makes it once per event.
    /// `nextAttemptAt` 0 is "due now"; `firstAttemptAt` is set by the worker's clock at the first attempt.
    static func v4Hooks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE hookTarget (
                    event TEXT NOT NULL,
                    target TEXT NOT NULL,
                    PRIMARY KEY (event, target)
                );

                CREATE TABLE hookDelivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    messageId INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    target TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    firstAttemptAt REAL,
                    nextAttemptAt REAL NOT NULL DEFAULT 0,
                    lastError TEXT,
                    UNIQUE (messageId, event, target)
                );
                CREATE INDEX hookDelivery_due ON hookDelivery (state, nextAttemptAt);

                CREATE TRIGGER hook_received_insert AFTER INSERT ON message
                WHEN new.direction = 'in' AND new.isComplete = 1 BEGIN
                    INSERT OR IGNORE INTO hookDelivery (messageId, event, target)
                        SELECT new.id, event, target FROM hookTarget WHERE event = 'received';
                END;
                CREATE TRIGGER hook_received_complete AFTER UPDATE OF isComplete ON message
                WHEN new.direction = 'in' AND new.isComplete = 1 AND old.isComplete = 0 BEGIN
                    INSERT OR IGNORE INTO hookDelivery (messageId, event, target)
                        SELECT new.id, event, target FROM hookTarget WHERE event = 'received';
                END;
                CREATE TRIGGER hook_outbox_state AFTER UPDATE OF state ON outbox
                WHEN new.state IN ('sent', 'failed') AND old.state IS NOT new.state BEGIN
                    INSERT OR IGNORE INTO hookDelivery (messageId, event, target)
                        SELECT new.messageId, event, target FROM hookTarget WHERE event = new.state;
                END;
                """
        )
    }

    /// v5: MMS. `receivedPart.payload` keeps the user data of a WAP-push segment (8-bit SMS to port 2948, WAP-259-WDP
    /// §6.3) so a concatenated push reassembles across restarts. `mms` holds one row per MMS message: the
    /// notification's data (OMA-TS-MMS_ENC §6.2: Transaction-ID, Content-Location, Expiry, Message-Size), where
    /// fetching its content stands (`pending`, `fetched`, `failed` with the reason, `gone`), the retry schedule, and
    /// the answer still to post to the MMSC (m-notifyresp-ind or m-acknowledge-ind, OMA-TS-MMS_CTR §6.3, §6.4), so
    /// that persist → acknowledge survives a crash. `UNIQUE (direction, transactionId)` stores a push seen twice
    /// once. `mmsRecipient` is the per-recipient delivery state from m-delivery-ind (OMA-TS-MMS_ENC §6.6). An
    /// attachment's bytes are a file named by its SHA-256 beside the database; the row names the hash.
    static func v5MMS(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE receivedPart ADD COLUMN payload BLOB;

                CREATE TABLE mms (
                    messageId INTEGER PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,
                    direction TEXT NOT NULL,
                    transactionId TEXT NOT NULL,
                    mmsMessageId TEXT,
                    contentLocation TEXT,
                    expiry REAL,
                    size INTEGER,
                    fetchState TEXT NOT NULL,
                    fetchError TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt REAL NOT NULL DEFAULT 0,
                    responsePdu BLOB,
                    UNIQUE (direction, transactionId)
                );
                CREATE INDEX mms_due ON mms (fetchState, nextAttemptAt);
                CREATE INDEX mms_messageId ON mms (mmsMessageId);
                CREATE INDEX mms_response ON mms (messageId) WHERE responsePdu IS NOT NULL;

                CREATE TABLE mmsRecipient (
                    messageId INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
                    recipient TEXT NOT NULL,
                    state TEXT NOT NULL,
                    statusCode INTEGER,
                    at REAL,
                    PRIMARY KEY (messageId, recipient)
                );

                ALTER TABLE messageAttachment ADD COLUMN name TEXT;
                ALTER TABLE messageAttachment ADD COLUMN sha256 TEXT;
                CREATE INDEX messageAttachment_sha256 ON messageAttachment (sha256) WHERE sha256 IS NOT NULL;
                """
        )
    }

    /// v6: status reports that came before their part's `+CMGS: <mr>` was saved (the network's report can beat the
    /// modem's answer to AT+CMGS, or the commit of it). Each waits here, decoded, until the part with its TP-MR
    /// and recipient is accepted (TS 23.040 §9.2.2.3), and is then applied and removed; so a restart in between
    /// loses none. `partId` is the report's own `receivedPart` row.
    static func v6EarlyStatusReports(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE earlyStatusReport (
                    partId INTEGER PRIMARY KEY REFERENCES receivedPart (id) ON DELETE CASCADE,
                    mr INTEGER NOT NULL,
                    recipient TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    deliveryState TEXT NOT NULL,
                    serviceCentreTime REAL,
                    dischargeTime REAL,
                    dischargeOffset INTEGER,
                    receivedAt REAL NOT NULL
                );
                CREATE INDEX earlyStatusReport_mr ON earlyStatusReport (mr, receivedAt);
                """
        )
    }

    /// v7: the concatenation reference of each outgoing segment, and the references held back from reuse.
    static func v7HeldConcatReferences(_ db: Database) throws {
        try db.execute(
            sql: """
                -- The concatenation reference the segment carries (NULL: a single-part message).
                ALTER TABLE outboxPart ADD COLUMN concatRef INTEGER;

                -- A reference not to give a new message to this destination yet: a segment carrying it was submitted
                -- again after an attempt whose outcome was unknown, so the recipient may keep a second copy of it
                -- after the first completed the message. It would join a later message with the same reference and
                -- total (the recipient groups segments by originator, reference and total, TS 23.040 §9.2.3.24.1).
                CREATE TABLE heldConcatReference (
                    destination TEXT NOT NULL,
                    reference INTEGER NOT NULL,
                    heldAt REAL NOT NULL,
                    PRIMARY KEY (destination, reference)
                );
                """
        )
    }
}
