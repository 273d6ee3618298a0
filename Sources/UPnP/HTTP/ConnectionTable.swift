import NIOCore
import Synchronization

/// The open connections of the HTTP server, shared by all its listeners, held so that one host cannot lock the
/// others out: each source address gets at most ``UPnPLimits/maximumConnectionsPerAddress`` of the
/// ``UPnPLimits/maximumConnections`` slots, a newcomer finding no free slot takes the one of a connection that is
/// only waiting for a request head (idle keep-alive, or a slow client trickling its head), and once more than half
/// of the slots are taken a head must be complete within ``UPnPLimits/headTimeoutUnderPressure``.
///
/// Connections are never cut while a request is being read or answered: only waiting ones are evicted.
final class ConnectionTable: Sendable {
    /// One admitted connection.
    struct ID: Hashable, Sendable {
        fileprivate let value: UInt64
        fileprivate let slot: Slot

        static func == (lhs: ID, rhs: ID) -> Bool { lhs.value == rhs.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    /// When a connection began waiting for its next request head, or that it is busy. Its own event loop sets it
    /// twice per request, so it is an atomic of the connection's rather than a field behind the table's lock: a
    /// lock shared by every connection and taken twice per request makes one event loop wait for the other
    /// whenever the other is preempted while holding it.
    fileprivate final class Slot: Sendable {
        /// `NIODeadline.uptimeNanoseconds`, or `busy`.
        private let since: Atomic<UInt64>
        private static let busy = UInt64.max

        init(waitingSince: NIODeadline) {
            since = Atomic(waitingSince.uptimeNanoseconds)
        }

        /// `nil` while a request is in hand.
        var waitingSince: NIODeadline? {
            let value = since.load(ordering: .relaxed)
            return value == Self.busy ? nil : .uptimeNanoseconds(value)
        }

        func set(waitingSince: NIODeadline?) {
            since.store(waitingSince?.uptimeNanoseconds ?? Self.busy, ordering: .relaxed)
        }
    }

    private struct Entry {
        let address: IPAddress
        let channel: any Channel
        let slot: Slot
        /// When the connection began waiting for its next request head; `nil` while a request is in hand.
        var waitingSince: NIODeadline? { slot.waitingSince }
    }

    private struct State {
        var entries: [ID: Entry] = [:]
        var perAddress: [IPAddress: Int] = [:]
        var nextID: UInt64 = 0

        mutating func remove(_ id: ID) -> Entry? {
            guard let entry = entries.removeValue(forKey: id) else { return nil }
            let left = (perAddress[entry.address] ?? 1) - 1
            perAddress[entry.address] = left > 0 ? left : nil
            return entry
        }
    }

    private let state = Mutex(State())
    /// The number of entries, readable without the lock by every connection's deadline handler.
    private let count = Atomic<Int>(0)
    private let maximum: Int
    private let maximumPerAddress: Int
    private let pressureThreshold: Int
    /// The head deadline under pressure, never longer than the idle one.
    let headTimeoutUnderPressure: TimeAmount

    init(limits: UPnPLimits) {
        maximum = limits.maximumConnections
        maximumPerAddress = min(limits.maximumConnectionsPerAddress, limits.maximumConnections)
        pressureThreshold = limits.maximumConnections / 2
        headTimeoutUnderPressure = TimeAmount(min(limits.headTimeoutUnderPressure, limits.idleTimeout))
    }

    /// Open connections now.
    var current: Int { count.load(ordering: .relaxed) }

    /// More than half of the slots are taken: request heads get the short deadline.
    var isUnderPressure: Bool { current > pressureThreshold }

    /// Admits a new connection from `address`, which begins waiting for its first head at `now`; returns `nil` when
    /// it must be closed. To make room it closes, in this order: under pressure, every connection whose head has
    /// been pending longer than the short deadline; at the per-address cap, the oldest waiting connection of the
    /// same address; when every slot is taken, the oldest waiting connection of the address holding the most.
    func admit(_ channel: any Channel, from address: IPAddress, now: NIODeadline) -> ID? {
        let (id, evicted) = state.withLock { state -> (ID?, [any Channel]) in
            var evicted: [any Channel] = []
            func evict(_ id: ID) {
                if let entry = state.remove(id) { evicted.append(entry.channel) }
            }
            if state.entries.count > pressureThreshold {
                let stale = now - headTimeoutUnderPressure
                for (id, entry) in state.entries {
                    if let since = entry.waitingSince, since <= stale { evict(id) }
                }
            }
            if state.perAddress[address, default: 0] >= maximumPerAddress {
                let own = state.entries.filter { $0.value.address == address }
                guard let victim = Self.oldestWaiting(own) else {
                    count.store(state.entries.count, ordering: .relaxed)
                    return (nil, evicted)
                }
                evict(victim)
            } else if state.entries.count >= maximum {
                let counts = state.perAddress
                let victim = state.entries.filter { $0.value.waitingSince != nil }.min { a, b in
                    let (countA, countB) = (counts[a.value.address] ?? 0, counts[b.value.address] ?? 0)
                    if countA != countB { return countA > countB }
                    return (a.value.waitingSince ?? .distantFuture) < (b.value.waitingSince ?? .distantFuture)
                }
                guard let victim else {
                    count.store(state.entries.count, ordering: .relaxed)
                    return (nil, evicted)
                }
                evict(victim.key)
            }
            let slot = Slot(waitingSince: now)
            let id = ID(value: state.nextID, slot: slot)
            state.nextID &+= 1
            state.entries[id] = Entry(address: address, channel: channel, slot: slot)
            state.perAddress[address, default: 0] += 1
            count.store(state.entries.count, ordering: .relaxed)
            return (id, evicted)
        }
        for channel in evicted { channel.close(promise: nil) }
        return id
    }

    private static func oldestWaiting(_ entries: [ID: Entry]) -> ID? {
        entries.compactMap { id, entry in entry.waitingSince.map { (id, $0) } }.min { $0.1 < $1.1 }?.0
    }

    /// A request head arrived: the connection is busy and cannot be evicted until ``requestAnswered(_:now:)``.
    func requestStarted(_ id: ID) {
        id.slot.set(waitingSince: nil)
    }

    /// The response was written and the connection stays open: it waits for its next head from `now`.
    func requestAnswered(_ id: ID, now: NIODeadline) {
        id.slot.set(waitingSince: now)
    }

    /// The connection ended (a no-op when it was evicted).
    func leave(_ id: ID) {
        state.withLock { state in
            _ = state.remove(id)
            count.store(state.entries.count, ordering: .relaxed)
        }
    }
}
