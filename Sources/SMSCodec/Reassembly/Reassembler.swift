/// Joins the parts of concatenated short messages (TS 23.040 §9.2.3.24.1, §9.2.3.24.8) into messages, holding its
/// state in memory.
///
/// Parts are keyed by the other party (originator of a DELIVER, destination of a stored SUBMIT), the reference,
/// the reference width and the total: two senders, or an 8-bit and a 16-bit set with the same number, never mix,
/// and the SMSC is not part of the key (parts of one message may come through different SMSCs).
///
/// The rules (what completes a set, duplicates, a reused reference, late parts, timeouts) are those of
/// ``Group``, which every holder of reassembly state applies; this type adds what an in-memory holder needs:
/// message ids and bounds.
///
/// - Parts arrive in any order; an identical part arriving again is ignored (``Event/duplicate(_:sequence:)``),
///   also after its set completed. A part with the sequence number of a waiting one but other content surfaces the
///   waiting set as a partial message (``PartialReason/referenceReused``) and starts a new set.
/// - A set that stays incomplete for ``Configuration/timeout`` surfaces as a partial message when the caller calls
///   ``expire(now:)``. A part arriving after that still merges into that message: ``Event/updated(_:)`` carries
///   the same ``Message/id``, so the caller replaces what it stored (and ``Message/isComplete`` says when the late
///   part completed it). Shown messages stay mergeable for ``Configuration/lateRetention``.
/// - Memory is bounded: at most ``Configuration/maximumPendingSets`` incomplete sets; adding one more surfaces the
///   oldest as a partial (``PartialReason/evicted``). At most ``Configuration/maximumRetainedPartials`` surfaced
///   partials are remembered for late merging (and, separately, as many completed sets for late duplicates).
///
/// There is no clock inside: every call takes `now` (seconds on any scale the caller keeps, e.g. Unix time). The
/// whole state is a `Codable` value.
public struct Reassembler: Hashable, Sendable, Codable {
    /// Limits and timeouts.
    public struct Configuration: Hashable, Sendable, Codable {
        /// Seconds after its first part an incomplete set surfaces as partial.
        public var timeout: Int64
        /// Most incomplete sets ``Reassembler`` holds at once (its memory bound; ``Group`` does not use it).
        public var maximumPendingSets: Int
        /// Seconds a shown message stays mergeable for late parts (and recognises late duplicates).
        public var lateRetention: Int64
        /// Most surfaced partials ``Reassembler`` remembers for late parts (and, separately, most completed sets it
        /// remembers to recognise late duplicates); ``Group`` does not use it.
        public var maximumRetainedPartials: Int

        public init(
            timeout: Int64 = 24 * 3600,
            maximumPendingSets: Int = 64,
            lateRetention: Int64 = 7 * 24 * 3600,
            maximumRetainedPartials: Int = 256
        ) {
            self.timeout = timeout
            self.maximumPendingSets = max(1, maximumPendingSets)
            self.lateRetention = lateRetention
            self.maximumRetainedPartials = max(0, maximumRetainedPartials)
        }
    }

    /// One group and the id of the message shown from it.
    private struct Entry: Hashable, Sendable, Codable {
        var group: Group
        var shownID: UInt64?

        var isShowingPartial: Bool { group.shown.map { !group.key.isComplete($0.parts) } ?? false }
    }

    public var configuration: Configuration
    private var entries: [Key: Entry] = [:]
    private var nextID: UInt64 = 1

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Incomplete sets not yet surfaced.
    public var pendingCount: Int { entries.values.count { !$0.group.waiting.isEmpty } }
    /// Surfaced partials still mergeable.
    public var retainedPartialCount: Int { entries.values.count { $0.isShowingPartial } }

    // MARK: - Adding parts

    /// Adds one part of the concatenated message `key`.
    /// - Throws: ``ReassemblyError`` for a concatenation the spec says to ignore (total 0, sequence 0 or beyond
    ///   the total).
    public mutating func add(_ part: Part, key: Key, now: Int64) throws(ReassemblyError) -> [Event] {
        var entry = entries[key] ?? Entry(group: Group(key: key), shownID: nil)
        let wasWaiting = !entry.group.waiting.isEmpty
        let outcome = try entry.group.add(part, now: now, configuration: configuration)
        var events: [Event] = []
        switch outcome {
        case .duplicate:
            events = [.duplicate(key, sequence: part.sequence)]
        case .waiting:
            if !wasWaiting, pendingCount >= configuration.maximumPendingSets, let oldest = oldestWaitingKey() {
                events += surface(oldest, reason: .evicted, now: now)
            }
        case .completed(let parts):
            events = [.completed(show(parts, in: &entry))]
        case .merged(let parts):
            let id = entry.shownID ?? takeID()
            entry.shownID = id
            events = [.updated(Message(id: id, key: key, parts: parts))]
        case .restarted(let surfaced):
            events = [.partial(show(surfaced, in: &entry), .referenceReused)]
        }
        // The group forgets a shown message past its late retention.
        if entry.group.shown == nil { entry.shownID = nil }
        entries[key] = entry
        enforceRetentionBounds()
        return events
    }

    /// Adds a decoded DELIVER or stored SUBMIT. A PDU without a concatenation element (or with total 1) comes back
    /// at once as a completed one-part message; it is not a set, so two identical texts from one sender are two
    /// messages.
    /// - Throws: ``ReassemblyError`` `.notAMessage` for a status report, `.invalidConcatenation` as above.
    public mutating func add(_ pdu: SMSPDU, partID: String? = nil, now: Int64) throws(ReassemblyError) -> [Event] {
        let party: SMSAddress
        let userData: UserData
        switch pdu.tpdu {
        case .deliver(let m):
            party = m.originator
            userData = m.userData
        case .submit(let m):
            party = m.destination
            userData = m.userData
        case .statusReport:
            throw ReassemblyError(.notAMessage, key: nil)
        }
        let name = party.number ?? PDUHex.encode(party.valueOctets)
        let content = Content(userData.content)
        guard let concat = userData.header?.concatenation else {
            let key = Key(party: name, reference: 0, referenceBits: 0, total: 1)
            let part = Part(sequence: 1, content: content, receivedAt: now, partID: partID)
            return [.completed(Message(id: takeID(), key: key, parts: [part]))]
        }
        let key = Key(
            party: name,
            reference: concat.reference,
            referenceBits: concat.referenceBits,
            total: concat.total
        )
        return try add(
            Part(sequence: concat.sequence, content: content, receivedAt: now, partID: partID),
            key: key,
            now: now
        )
    }

    // MARK: - Time

    /// Surfaces every set whose first part is at least ``Configuration/timeout`` old, and forgets shown messages
    /// older than ``Configuration/lateRetention``.
    public mutating func expire(now: Int64) -> [Event] {
        var events: [Event] = []
        // Oldest first, so that the events come in the order the sets started.
        let keys = entries.map { key, entry in (entry.group.firstWaitingAt ?? 0, key) }.sorted(by: <).map(\.1)
        for key in keys {
            guard var entry = entries[key] else { continue }
            if let parts = entry.group.expire(now: now, configuration: configuration) {
                events.append(.partial(show(parts, in: &entry), .timedOut))
            }
            if entry.group.shown == nil { entry.shownID = nil }
            entries[key] = entry.group.isEmpty ? nil : entry
        }
        enforceRetentionBounds()
        return events
    }

    /// The earliest time at which ``expire(now:)`` has something to do, for the caller's timer; `nil` when idle.
    public var nextDeadline: Int64? {
        entries.values.compactMap { $0.group.nextDeadline(configuration: configuration) }.min()
    }

    // MARK: - Internals

    private mutating func takeID() -> UInt64 {
        defer { nextID &+= 1 }
        return nextID
    }

    /// Gives the message just shown from a group its id.
    private mutating func show(_ parts: [Part], in entry: inout Entry) -> Message {
        let message = Message(id: takeID(), key: entry.group.key, parts: parts)
        entry.shownID = message.id
        return message
    }

    private func oldestWaitingKey() -> Key? {
        entries.compactMap { key, entry in entry.group.firstWaitingAt.map { ($0, key) } }.min { $0 < $1 }?.1
    }

    private mutating func surface(_ key: Key, reason: PartialReason, now: Int64) -> [Event] {
        guard var entry = entries[key], let parts = entry.group.surface(now: now) else { return [] }
        let message = show(parts, in: &entry)
        entries[key] = entry
        return [.partial(message, reason)]
    }

    /// Keeps at most ``Configuration/maximumRetainedPartials`` shown partials and as many shown complete messages,
    /// forgetting the oldest.
    private mutating func enforceRetentionBounds() {
        for partial in [true, false] {
            let shown = entries.compactMap { key, entry -> (Int64, Key)? in
                guard let message = entry.group.shown, entry.isShowingPartial == partial else { return nil }
                return (message.shownAt, key)
            }
            for (_, key) in shown.sorted(by: <).dropLast(configuration.maximumRetainedPartials) {
                guard var entry = entries[key] else { continue }
                entry.group.forgetShown()
                entry.shownID = nil
                entries[key] = entry.group.isEmpty ? nil : entry
            }
        }
    }
}
