extension Reassembler {
    /// The parts known of one concatenated message (one ``Key``), and the rules that decide what an arriving part
    /// does to them (TS 23.040 §9.2.3.24.1, §9.2.3.24.8). Every holder of reassembly state applies these rules:
    /// ``Reassembler`` keeps groups in memory; a holder that keeps rows (a database) rebuilds the group from them
    /// for each arriving part and stores what the outcome says, so that it keeps rows and never rules.
    ///
    /// - A group has at most one *waiting* set (parts not shown yet, one per sequence number) and remembers the
    ///   message last *shown* from its key (complete, or surfaced incomplete) for ``Configuration/lateRetention``.
    /// - An identical copy of a part held (waiting or shown) is a duplicate and changes nothing, except that a part
    ///   the waiting set lacks joins it even when the shown message holds an identical one.
    /// - A part joins the waiting set; the set completes when every sequence number is present.
    /// - A part with the sequence number of a waiting one but other content means the sender reused the reference
    ///   (an 8-bit reference wraps after 256 messages): the waiting set can no longer complete, so it surfaces
    ///   incomplete and the part starts a new set. Nothing received is ever dropped from view.
    /// - With nothing waiting, a late part merges into the shown message if that message lacks its sequence
    ///   number; otherwise (the shown message has it, with other content) the part starts a new set.
    /// - A waiting set whose first part is ``Configuration/timeout`` old surfaces incomplete
    ///   (``expire(now:configuration:)``).
    ///
    /// There is no clock inside: every call takes `now`, on the scale of ``Part/receivedAt``.
    public struct Group: Hashable, Sendable, Codable {
        /// The message last shown from a group, while late parts may still merge into it.
        public struct Shown: Hashable, Sendable, Codable {
            /// The parts it holds, in sequence order.
            public var parts: [Part]
            /// When it was shown (completed or surfaced).
            public var shownAt: Int64

            public init(parts: [Part], shownAt: Int64) {
                self.parts = Group.normalized(parts)
                self.shownAt = shownAt
            }
        }

        /// What an arriving part did to its group.
        public enum Outcome: Hashable, Sendable {
            /// An identical copy of a part already held (the held copy): nothing changes.
            case duplicate(of: Part)
            /// The part joined the waiting set, which is still incomplete.
            case waiting
            /// The part completed the waiting set: these parts, in sequence order, are a new message.
            case completed([Part])
            /// A late part merged into the shown message: its parts now, in sequence order.
            case merged([Part])
            /// The sender reused the reference: the waiting parts surface as an incomplete message, and the part
            /// starts a new waiting set.
            case restarted(surfaced: [Part])
        }

        public let key: Key
        /// Parts waiting for the rest of their set, in sequence order, one per sequence number.
        public private(set) var waiting: [Part]
        /// The message last shown from this key.
        public private(set) var shown: Shown?

        /// A group as its holder stored it. `waiting` may come in arrival order and hold repeats: the first copy of
        /// each sequence number is kept, in sequence order.
        public init(key: Key, waiting: [Part] = [], shown: Shown? = nil) {
            self.key = key
            self.waiting = Self.normalized(waiting)
            self.shown = shown
        }

        /// True when the group holds nothing (its holder may forget it).
        public var isEmpty: Bool { waiting.isEmpty && shown == nil }

        /// When the first waiting part arrived; `nil` when nothing waits.
        public var firstWaitingAt: Int64? { waiting.map(\.receivedAt).min() }

        /// Applies the rules to an arriving part.
        /// - Throws: ``ReassemblyError`` for a concatenation the spec says to ignore (total 0, sequence 0 or beyond
        ///   the total).
        public mutating func add(
            _ part: Part,
            now: Int64,
            configuration: Configuration
        ) throws(ReassemblyError) -> Outcome {
            try Self.validate(part, key: key)
            forgetShown(now: now, configuration: configuration)
            let held = waiting.first { $0.sequence == part.sequence }
            if let held, held.content == part.content { return .duplicate(of: held) }
            let shownPart = shown?.parts.first { $0.sequence == part.sequence }
            // A copy of a shown part is a late repeat only while no newer set has begun, or when that set holds its
            // own part of this number: a part the waiting set lacks belongs to it even when its content equals the
            // shown message's (the sender reused the reference; short last segments often are alike).
            if let shownPart, shownPart.content == part.content, waiting.isEmpty || held != nil {
                return .duplicate(of: shownPart)
            }

            if held != nil {
                let surfaced = waiting
                shown = Shown(parts: surfaced, shownAt: now)
                waiting = [part]
                return .restarted(surfaced: surfaced)
            }
            if waiting.isEmpty, var message = shown, shownPart == nil {
                message.parts = Self.inserting(part, into: message.parts)
                shown = message
                return .merged(message.parts)
            }
            waiting = Self.inserting(part, into: waiting)
            guard key.isComplete(waiting) else { return .waiting }
            let parts = waiting
            waiting = []
            shown = Shown(parts: parts, shownAt: now)
            return .completed(parts)
        }

        /// Surfaces the waiting set when its first part is ``Configuration/timeout`` old, and forgets the shown
        /// message after ``Configuration/lateRetention``.
        /// - Returns: the parts that surfaced as an incomplete message, or `nil`.
        public mutating func expire(now: Int64, configuration: Configuration) -> [Part]? {
            forgetShown(now: now, configuration: configuration)
            guard let first = firstWaitingAt, now - first >= configuration.timeout else { return nil }
            return surface(now: now)
        }

        /// Surfaces the waiting set now, whatever its age (a holder evicting it to bound its memory).
        /// - Returns: the parts that surfaced as an incomplete message, or `nil` when nothing waits.
        public mutating func surface(now: Int64) -> [Part]? {
            guard !waiting.isEmpty else { return nil }
            let parts = waiting
            waiting = []
            shown = Shown(parts: parts, shownAt: now)
            return parts
        }

        /// Forgets the shown message (a holder bounding its memory); late parts of it then start a new set.
        public mutating func forgetShown() { shown = nil }

        /// The earliest time at which ``expire(now:configuration:)`` has something to do; `nil` when idle.
        public func nextDeadline(configuration: Configuration) -> Int64? {
            let timeout = firstWaitingAt.map { $0 + configuration.timeout }
            let retention = shown.map { $0.shownAt + configuration.lateRetention }
            return [timeout, retention].compactMap { $0 }.min()
        }

        // MARK: - Internals

        static func validate(_ part: Part, key: Key) throws(ReassemblyError) {
            if key.total == 0 { throw ReassemblyError(.invalidConcatenation(.zeroTotal), key: key) }
            if part.sequence == 0 { throw ReassemblyError(.invalidConcatenation(.zeroSequence), key: key) }
            if part.sequence > key.total {
                throw ReassemblyError(.invalidConcatenation(.sequenceBeyondTotal), key: key)
            }
        }

        private mutating func forgetShown(now: Int64, configuration: Configuration) {
            if let shown, now - shown.shownAt >= configuration.lateRetention { self.shown = nil }
        }

        /// The first copy of each sequence number, in sequence order.
        static func normalized(_ parts: [Part]) -> [Part] {
            var kept: [Part] = []
            for part in parts where !kept.contains(where: { $0.sequence == part.sequence }) {
                kept = inserting(part, into: kept)
            }
            return kept
        }

        static func inserting(_ part: Part, into parts: [Part]) -> [Part] {
            var parts = parts
            let index = parts.firstIndex { $0.sequence > part.sequence } ?? parts.endIndex
            parts.insert(part, at: index)
            return parts
        }
    }
}
