import Modem

/// A simulated message storage with a fixed number of slots (a SIM holds 20–50, a phone store ~255).
///
/// Indices are 1-based and the lowest free slot is used first, as real modems do (TS 27.005 §3.5.3 +CMGW returns
/// <index>). A full store rejects writes with +CMS ERROR 322 "memory full" (TS 27.005 §3.2.5).
public struct SlotStore: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var status: StoredMessageStatus
        public var pdu: [UInt8]
    }

    /// The storage name (SM, ME, SR).
    public let storage: MessageStorage
    /// Number of slots.
    public let capacity: Int
    private var slots: [Int: Entry] = [:]

    public init(storage: MessageStorage, capacity: Int) {
        precondition(capacity > 0, "a storage has at least one slot")
        self.storage = storage
        self.capacity = capacity
    }

    /// Slots in use.
    public var used: Int { slots.count }
    /// True when every slot is in use.
    public var isFull: Bool { slots.count >= capacity }

    /// Stores a PDU in the lowest free slot.
    /// - Returns: its 1-based index, or `nil` when the store is full.
    public mutating func store(_ pdu: [UInt8], status: StoredMessageStatus) -> Int? {
        guard let index = (1...capacity).first(where: { slots[$0] == nil }) else { return nil }
        slots[index] = Entry(status: status, pdu: pdu)
        return index
    }

    /// The entry at `index`, if any.
    public func entry(at index: Int) -> Entry? { slots[index] }

    /// Marks a received-unread message read, as AT+CMGR/AT+CMGL do (TS 27.005 §3.4.3).
    public mutating func markRead(at index: Int) {
        if slots[index]?.status == .receivedUnread { slots[index]?.status = .receivedRead }
    }

    /// Changes the status of a stored message (AT+CMSS marks a stored unsent message sent, TS 27.005 §3.5.2).
    public mutating func setStatus(_ status: StoredMessageStatus, at index: Int) {
        slots[index]?.status = status
    }

    /// Deletes the entry at `index`. Returns false when the slot was empty.
    @discardableResult
    public mutating func delete(at index: Int) -> Bool { slots.removeValue(forKey: index) != nil }

    /// Every entry, by ascending index.
    public var entries: [(index: Int, entry: Entry)] {
        slots.keys.sorted().compactMap { index in slots[index].map { (index, $0) } }
    }
}
