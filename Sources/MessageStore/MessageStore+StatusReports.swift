import GRDB

extension MessageStore {
    /// Most sent parts with one TP-MR offered to the rules: TP-MR wraps after 256 submissions, so older ones are
    /// long settled.
    static let statusReportCandidateLimit = 64

    /// Applies a status report to the part of a Sent (or Outgoing) message it reports on, which `rules` pick among
    /// the parts with its TP-MR still awaiting a report (TS 23.040 §9.2.2.3), and records the state TP-ST gave.
    /// - Returns: the matched message, if any.
    static func applyStatusReport(
        _ report: StatusReportPart,
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
        guard let match = rules.match(report, among: candidates) else { return nil }
        try db.execute(
            sql: """
                UPDATE outboxPart SET state = ?, statusCode = ?, statusTime = ?, statusTimeOffset = ?
                WHERE messageId = ? AND recipientIndex = ? AND seq = ?
                """,
            arguments: [
                report.deliveryState, report.status, report.dischargeTime, report.dischargeOffset,
                match.messageID, match.recipientIndex, match.seq,
            ]
        )
        return match.messageID
    }
}
