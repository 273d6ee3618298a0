/// Joins the parts of concatenated short messages (TS 23.040 §9.2.3.24.1, §9.2.3.24.8) into messages.
///
/// Parts are keyed by the other party (originator of a DELIVER, destination of a stored SUBMIT), the reference,
/// the reference width and the total: two senders, or an 8-bit and a 16-bit set with the same number, never mix,
/// and the SMSC is not part of the key (parts of one message may come through different SMSCs).
///
/// - Parts arrive in any order; an identical part arriving again is ignored (``Event/duplicate(_:sequence:)``),
///   also after its set completed (completed sets are remembered like surfaced partials, for duplicate detection);
///   the same part with different content is reported (``Event/conflict(_:sequence:)``) and the first kept.
/// - A set that stays incomplete for ``Configuration/timeout`` surfaces as a partial message when the caller calls
///   ``expire(now:)``. A part arriving after that still merges into that message: ``Event/updated(_:)`` carries
///   the same ``Message/id``, so the caller replaces what it stored (and ``Message/isComplete`` says when the late
///   part completed it). Surfaced partials stay mergeable for ``Configuration/lateRetention``.
/// - Memory is bounded: at most ``Configuration/maximumPendingSets`` incomplete sets; adding one more surfaces the
///   oldest as a partial (``PartialReason/evicted``). At most ``Configuration/maximumRetainedPartials`` surfaced
///   partials are remembered for late merging.
///
/// There is no clock inside: every call takes `now` (seconds on any scale the caller keeps, e.g. Unix time). The
/// whole state is a `Codable` value the store can persist and restore across restarts.
public struct Reassembler: Hashable, Sendable, Codable {
    /// Limits and timeouts.
    public struct Configuration: Hashable, Sendable, Codable {
        /// Seconds after its first part an incomplete set surfaces as partial.
        public var timeout: Int64
        /// Most incomplete sets held at once.
        public var maximumPendingSets: Int
        /// Seconds a surfaced partial stays mergeable for late parts.
        public var lateRetention: Int64
        /// Most surfaced partials remembered for late parts (and, separately, most completed sets remembered to
        /// recognise late duplicates).
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

    /// What identifies one concatenated message.
    public struct Key: Hashable, Sendable, Codable, Comparable {
        /// The other party's number (or alphanumeric name) as ``SMSAddress/number`` gives it.
        public var party: String
        public var reference: UInt16
        /// 8 or 16.
        public var referenceBits: Int
        public var total: UInt8

        public init(party: String, reference: UInt16, referenceBits: Int, total: UInt8) {
            self.party = party
            self.reference = reference
            self.referenceBits = referenceBits
            self.total = total
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.party, a.reference, a.referenceBits, a.total) < (b.party, b.reference, b.referenceBits, b.total)
        }
    }

    /// The body of one part.
    public enum Content: Hashable, Sendable, Codable {
        case text(String)
        case data([UInt8])
        /// A coding the codec does not decode (compressed/reserved): the raw body.
        case unsupported([UInt8])

        init(_ content: UserDataContent) {
            switch content {
            case .text(let text): self = .text(text)
            case .data(let data): self = .data(data)
            case .unsupported(let raw): self = .unsupported(raw.octets)
            }
        }
    }

    /// One received part.
    public struct Part: Hashable, Sendable, Codable {
        public var sequence: UInt8
        public var content: Content
        /// When it arrived (the caller's `now`).
        public var receivedAt: Int64
        /// The caller's handle for the stored part (e.g. a store row or SIM index), returned with the message.
        public var partID: String?

        public init(sequence: UInt8, content: Content, receivedAt: Int64, partID: String? = nil) {
            self.sequence = sequence
            self.content = content
            self.receivedAt = receivedAt
            self.partID = partID
        }
    }

    /// A reassembled (possibly partial) message.
    public struct Message: Hashable, Sendable, Codable {
        /// Stable across the partial and its later updates.
        public var id: UInt64
        public var key: Key
        /// The parts present, in sequence order.
        public var parts: [Part]
        /// Sequence numbers not received.
        public var missingSequences: [UInt8] {
            let present = Set(parts.map(\.sequence))
            return (1...max(1, key.total)).filter { !present.contains($0) }
        }
        /// All parts are present.
        public var isComplete: Bool { parts.count == Int(key.total) }
        /// When the first part arrived.
        public var firstReceivedAt: Int64 { parts.map(\.receivedAt).min() ?? 0 }
        /// The text of the parts present in order, when every part is text.
        public var text: String? {
            var out = ""
            for part in parts {
                guard case .text(let text) = part.content else { return nil }
                out += text
            }
            return out
        }
        /// The octets of the parts present in order, when every part is 8-bit data.
        public var data: [UInt8]? {
            var out = [UInt8]()
            for part in parts {
                guard case .data(let data) = part.content else { return nil }
                out += data
            }
            return out
        }
        /// The callers' handles of the parts present, in sequence order.
        public var partIDs: [String] { parts.compactMap(\.partID) }
    }

    /// Why a message surfaced incomplete.
    public enum PartialReason: String, Hashable, Sendable, Codable {
        case timedOut = "timed-out"
        case evicted
    }

    /// What a call produced.
    public enum Event: Hashable, Sendable {
        /// All parts arrived before the set surfaced.
        case completed(Message)
        /// An incomplete set surfaced (timeout or eviction); later parts update it.
        case partial(Message, PartialReason)
        /// A late part merged into a message that had surfaced as partial (same ``Message/id``).
        case updated(Message)
        /// An identical copy of a part already held; ignored.
        case duplicate(Key, sequence: UInt8)
        /// A part with the sequence number of one already held but different content; the first is kept.
        case conflict(Key, sequence: UInt8)
    }

    private struct PartSet: Hashable, Sendable, Codable {
        var message: Message
        var surfacedAt: Int64?
    }

    public var configuration: Configuration
    private var pending: [Key: PartSet] = [:]
    private var surfaced: [Key: PartSet] = [:]
    /// Recently completed concatenated sets, so that a copy of one of their parts arriving later is recognised as a
    /// duplicate instead of opening a new set (bounded like ``surfaced``).
    private var completed: [Key: PartSet] = [:]
    private var nextID: UInt64 = 1

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Incomplete sets not yet surfaced.
    public var pendingCount: Int { pending.count }
    /// Surfaced partials still mergeable.
    public var retainedPartialCount: Int { surfaced.count }

    // MARK: - Adding parts

    /// Adds one part of the concatenated message `key`.
    /// - Throws: ``ReassemblyError`` for a concatenation the spec says to ignore (total 0, sequence 0 or beyond
    ///   the total).
    public mutating func add(_ part: Part, key: Key, now: Int64) throws(ReassemblyError) -> [Event] {
        if key.total == 0 { throw ReassemblyError(.invalidConcatenation(.zeroTotal), key: key) }
        if part.sequence == 0 { throw ReassemblyError(.invalidConcatenation(.zeroSequence), key: key) }
        if part.sequence > key.total { throw ReassemblyError(.invalidConcatenation(.sequenceBeyondTotal), key: key) }

        if var set = surfaced[key] {
            if let event = Self.collision(in: set.message, with: part, key: key) { return [event] }
            set.message.parts = Self.inserting(part, into: set.message.parts)
            if set.message.isComplete {
                surfaced[key] = nil
                remember(set, now: now)
            } else {
                surfaced[key] = set
            }
            return [.updated(set.message)]
        }

        if let done = completed[key] {
            if let held = done.message.parts.first(where: { $0.sequence == part.sequence }), held.content == part.content {
                return [.duplicate(key, sequence: part.sequence)]
            }
            // Different content under a completed key: the sender reused the reference for a new message.
            completed[key] = nil
        }

        var events: [Event] = []
        var set: PartSet
        if let existing = pending[key] {
            set = existing
            if let event = Self.collision(in: set.message, with: part, key: key) { return [event] }
        } else {
            if pending.count >= configuration.maximumPendingSets, let oldest = oldestPendingKey() {
                events += surface(oldest, reason: .evicted, now: now)
            }
            set = PartSet(message: Message(id: nextID, key: key, parts: []), surfacedAt: nil)
            nextID &+= 1
        }
        set.message.parts = Self.inserting(part, into: set.message.parts)
        if set.message.isComplete {
            pending[key] = nil
            remember(set, now: now)
            events.append(.completed(set.message))
        } else {
            pending[key] = set
        }
        return events
    }

    /// Adds a decoded DELIVER or stored SUBMIT. A PDU without a concatenation element (or with total 1) comes back
    /// at once as a completed one-part message.
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
            let id = nextID
            nextID &+= 1
            let part = Part(sequence: 1, content: content, receivedAt: now, partID: partID)
            return [.completed(Message(id: id, key: key, parts: [part]))]
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

    /// Surfaces every set whose first part is at least ``Configuration/timeout`` old, and forgets surfaced partials
    /// older than ``Configuration/lateRetention``.
    public mutating func expire(now: Int64) -> [Event] {
        var events: [Event] = []
        let due = pending.filter { now - $0.value.message.firstReceivedAt >= configuration.timeout }
            .sorted { ($0.value.message.firstReceivedAt, $0.key) < ($1.value.message.firstReceivedAt, $1.key) }
        for (key, _) in due { events += surface(key, reason: .timedOut, now: now) }
        for (key, set) in surfaced where now - (set.surfacedAt ?? now) >= configuration.lateRetention {
            surfaced[key] = nil
        }
        for (key, set) in completed where now - (set.surfacedAt ?? now) >= configuration.lateRetention {
            completed[key] = nil
        }
        return events
    }

    /// The earliest time at which ``expire(now:)`` has something to do, for the caller's timer; `nil` when idle.
    public var nextDeadline: Int64? {
        let timeouts = pending.values.map { $0.message.firstReceivedAt + configuration.timeout }
        let retention = (Array(surfaced.values) + Array(completed.values)).compactMap {
            $0.surfacedAt.map { $0 + configuration.lateRetention }
        }
        return (timeouts + retention).min()
    }

    // MARK: - Internals

    /// Keeps a completed concatenated set for duplicate detection (not single messages: two identical texts from
    /// one sender are two messages).
    private mutating func remember(_ set: PartSet, now: Int64) {
        guard set.message.key.referenceBits != 0, configuration.maximumRetainedPartials > 0 else { return }
        if completed.count >= configuration.maximumRetainedPartials,
            let oldest = completed.min(by: { ($0.value.surfacedAt ?? 0, $0.key) < ($1.value.surfacedAt ?? 0, $1.key) })
        {
            completed[oldest.key] = nil
        }
        var set = set
        set.surfacedAt = now
        completed[set.message.key] = set
    }

    private func oldestPendingKey() -> Key? {
        pending.min { ($0.value.message.firstReceivedAt, $0.key) < ($1.value.message.firstReceivedAt, $1.key) }?.key
    }

    private mutating func surface(_ key: Key, reason: PartialReason, now: Int64) -> [Event] {
        guard var set = pending.removeValue(forKey: key) else { return [] }
        set.surfacedAt = now
        if configuration.maximumRetainedPartials > 0 {
            if surfaced.count >= configuration.maximumRetainedPartials,
                let oldest = surfaced.min(by: {
                    ($0.value.surfacedAt ?? 0, $0.key) < ($1.value.surfacedAt ?? 0, $1.key)
                })
            {
                surfaced[oldest.key] = nil
            }
            surfaced[key] = set
        }
        return [.partial(set.message, reason)]
    }

    private static func collision(in message: Message, with part: Part, key: Key) -> Event? {
        guard let held = message.parts.first(where: { $0.sequence == part.sequence }) else { return nil }
        return held.content == part.content
            ? .duplicate(key, sequence: part.sequence) : .conflict(key, sequence: part.sequence)
    }

    private static func inserting(_ part: Part, into parts: [Part]) -> [Part] {
        var parts = parts
        let index = parts.firstIndex { $0.sequence > part.sequence } ?? parts.endIndex
        parts.insert(part, at: index)
        return parts
    }
}

/// A part the reassembler refuses.
public struct ReassemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// TS 23.040 §9.2.3.24.1: total 0, sequence 0 or sequence beyond total; the element is to be ignored.
        case invalidConcatenation(Concatenation.Problem)
        /// A status report has no message body to join.
        case notAMessage
    }

    public let code: Code
    /// The set the part claimed to belong to.
    public let key: Reassembler.Key?

    init(_ code: Code, key: Reassembler.Key?) {
        self.code = code
        self.key = key
    }

    public static func == (a: ReassemblyError, b: ReassemblyError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        switch code {
        case .invalidConcatenation(let problem): "invalid concatenation element: \(problem.rawValue)"
        case .notAMessage: "a status report is not part of a message"
        }
    }
}
