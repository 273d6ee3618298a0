import GRDB

extension MessageStore {
    /// Most sent parts with one TP-MR offered to the rules: TP-MR wraps after 256 submissions, so older ones are
    /// long settled.
    static let statusReportCandidateLimit = 64

    /// Most status reports kept waiting for their part (``earlyStatusReportLifetime`` bounds them too): TP-MR wraps
    /// after 256 submissions, so a report older than that many could only match the wrong part.
    static let earlyStatusReportLimit = 256

    /// How long a status report waits for its part's `+CMGS: <mr>` to be saved. The wait is the time between the
    /// modem's answer and its commit (milliseconds); a report still waiting after a day belongs to a submission
    /// whose answer was lost (that part was sent again and has a report of its own), or to another device.
    static let earlyStatusReportLifetime: Double = 86_400

    /// Applies a status report to the part of a Sent (or Outgoing) message it reports on, which `rules` pick among
    /// the parts with its TP-MR still awaiting a report (TS 23.040 §9.2.2.3), and records the state TP-ST gave.
    /// A report that matches no part yet is kept (``keepEarly(_:partID:receivedAt:in:)``): it may have come before
    /// the part's TP-MR was saved.
    /// - Returns: the matched message, if any.
    static func applyStatusReport(
        _ report: StatusReportPart,
        partID: Int64,
        receivedAt: Double,
        rules: some ImportRules,
        in db: Database
    ) throws -> Int64? {
        let candidates = try OutboxPartRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM outboxPart WHERE mr = ? AND state IN ('accepted', 'pending')
                ORDER BY submittedAt DESC LIMIT ?
                """,
            arguments: [report.messageReference, statusReportCandidateLimit]
        )
        guard let match = rules.match(report, among: candidates) else {
            try keepEarly(report, partID: partID, receivedAt: receivedAt, in: db)
            return nil
        }
        try record(report, on: match, in: db)
        return match.messageID
    }

    /// Writes what a status report says into the part it reports on.
    private static func record(_ report: StatusReportPart, on part: OutboxPartRecord, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE outboxPart SET state = ?, statusCode = ?, statusTime = ?, statusTimeOffset = ?
                WHERE messageId = ? AND recipientIndex = ? AND seq = ?
                """,
            arguments: [
                report.deliveryState, report.status, report.dischargeTime, report.dischargeOffset,
                part.messageID, part.recipientIndex, part.seq,
            ]
        )
    }

    /// Keeps a report no part matches yet, and drops those that waited too long (``earlyStatusReportLifetime``,
    /// ``earlyStatusReportLimit``).
    private static func keepEarly(
        _ report: StatusReportPart,
        partID: Int64,
        receivedAt: Double,
        in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO earlyStatusReport (partId, mr, recipient, status, deliveryState,
                    serviceCentreTime, dischargeTime, dischargeOffset, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                partID, report.messageReference, report.recipient, report.status, report.deliveryState,
                report.serviceCentreTime, report.dischargeTime, report.dischargeOffset, receivedAt,
            ]
        )
        try db.execute(
            sql: """
                DELETE FROM earlyStatusReport WHERE receivedAt < ? OR partId NOT IN (
                    SELECT partId FROM earlyStatusReport ORDER BY receivedAt DESC LIMIT ?)
                """,
            arguments: [receivedAt - earlyStatusReportLifetime, earlyStatusReportLimit]
        )
    }

    /// Applies the kept reports that belong to `part`, just accepted with its TP-MR: same TP-MR, the recipient
    /// the rules match, and received after this attempt began (`attemptStarted`: a report cannot come before its
    /// submission, and one received earlier is an older submission's with the same wrapped TP-MR). In arrival order,
    /// so that a final report overrides a "still trying" one (TS 23.040 §9.2.3.15); each applied one is removed.
    static func applyEarlyStatusReports(
        to part: OutboxPartRecord,
        attemptStarted: Double,
        rules: some ImportRules,
        in db: Database
    ) throws {
        guard let mr = part.mr else { return }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM earlyStatusReport WHERE mr = ? AND receivedAt >= ?
                ORDER BY receivedAt, partId
                """,
            arguments: [mr, attemptStarted]
        )
        var current = part
        for row in rows {
            guard current.state == .accepted || current.state == .pending else { break }
            let report = StatusReportPart(
                messageReference: row["mr"],
                recipient: row["recipient"],
                status: row["status"],
                deliveryState: row["deliveryState"],
                serviceCentreTime: row["serviceCentreTime"],
                dischargeTime: row["dischargeTime"],
                dischargeOffset: row["dischargeOffset"]
            )
            guard rules.match(report, among: [current]) != nil else { continue }
            try record(report, on: current, in: db)
            try db.execute(sql: "DELETE FROM earlyStatusReport WHERE partId = ?", arguments: [row["partId"] as Int64])
            current.state = report.deliveryState
        }
    }
}
