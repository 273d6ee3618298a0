import GRDB

// What the mirror last saw in each storage slot of each SIM.

extension MessageStore {
    /// Replaces what the mirror knows of one storage with the current listing.
    package func recordSlots(
        simID: Int64,
        storage: String,
        slots: [(index: Int, contentHash: String, partID: Int64?)],
        now: Double
    ) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM modemSlot WHERE simId = ? AND storage = ?", arguments: [simID, storage])
            for slot in slots {
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO modemSlot (simId, storage, slot, contentHash, partId, seenAt) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [simID, storage, slot.index, slot.contentHash, slot.partID, now]
                )
            }
        }
    }

    /// Forgets one slot (after the message was deleted from the modem).
    package func removeSlot(simID: Int64, storage: String, index: Int) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM modemSlot WHERE simId = ? AND storage = ? AND slot = ?",
                arguments: [simID, storage, index]
            )
        }
    }

    /// Slots of a SIM's storage the mirror knows, by index.
    package func slots(simID: Int64, storage: String) async throws -> [Int: String] {
        try await writer.read { db in
            var result: [Int: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT slot, contentHash FROM modemSlot WHERE simId = ? AND storage = ?",
                arguments: [simID, storage]
            ) {
                result[row["slot"]] = row["contentHash"]
            }
            return result
        }
    }
}
