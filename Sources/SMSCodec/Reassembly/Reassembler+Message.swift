extension Reassembler {
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

        /// Sequence numbers of this message that `parts` lack.
        public func missingSequences(in parts: [Part]) -> [UInt8] {
            let present = Set(parts.map(\.sequence))
            return (1...max(1, total)).filter { !present.contains($0) }
        }

        /// True when `parts` (one per sequence number) hold every part of this message.
        public func isComplete(_ parts: [Part]) -> Bool { parts.count == Int(total) }

        /// The text of `parts` (in sequence order) with `missingMarker` in place of each part that has not arrived,
        /// when every part present is text; `nil` otherwise.
        public func text(of parts: [Part], missingMarker: String) -> String? {
            var texts: [UInt8: String] = [:]
            for part in parts {
                guard case .text(let text) = part.content else { return nil }
                if texts[part.sequence] == nil { texts[part.sequence] = text }
            }
            return (1...max(1, total)).map { texts[$0] ?? missingMarker }.joined()
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
        public var missingSequences: [UInt8] { key.missingSequences(in: parts) }
        /// All parts are present.
        public var isComplete: Bool { key.isComplete(parts) }
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

        /// A message of `key` made of `parts` (in sequence order), with its holder's `id`.
        public init(id: UInt64, key: Key, parts: [Part]) {
            self.id = id
            self.key = key
            self.parts = parts
        }
    }

    /// Why a message surfaced incomplete.
    public enum PartialReason: String, Hashable, Sendable, Codable {
        case timedOut = "timed-out"
        case evicted
        /// A part with the sequence number of a waiting one but other content arrived: the sender reused the
        /// reference for a new message, so the waiting set can no longer complete.
        case referenceReused = "reference-reused"
    }

    /// What a call produced.
    public enum Event: Hashable, Sendable {
        /// All parts arrived before the set surfaced.
        case completed(Message)
        /// An incomplete set surfaced (timeout, eviction, reused reference); later parts update it.
        case partial(Message, PartialReason)
        /// A late part merged into a message that had surfaced as partial (same ``Message/id``).
        case updated(Message)
        /// An identical copy of a part already held; ignored.
        case duplicate(Key, sequence: UInt8)
    }
}
