import GRDB

extension MessageStore {
    /// The row of the SIM with this ICCID and IMSI, created on first sight (the mirror is keyed by it).
    package func simID(iccid: String, imsi: String, msisdn: String, now: Double) async throws -> Int64 {
        try await writer.write { db in
            if var existing = try SIMRecord.fetchOne(
                db,
                sql: "SELECT * FROM sim WHERE iccid = ? AND imsi = ?",
                arguments: [iccid, imsi]
            ) {
                existing.lastSeen = now
                if !msisdn.isEmpty { existing.msisdn = msisdn }
                try existing.update(db)
                guard let id = existing.id else { throw StoreError.missingRowID }
                return id
            }
            var record = SIMRecord(iccid: iccid, imsi: imsi, msisdn: msisdn, firstSeen: now, lastSeen: now)
            try record.insert(db)
            guard let id = record.id else { throw StoreError.missingRowID }
            return id
        }
    }
}
