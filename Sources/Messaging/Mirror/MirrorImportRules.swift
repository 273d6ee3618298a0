import MessageStore
import SMSCodec

/// The decisions the store asks for while it imports what the modem received. The rules are SMSCodec's
/// (``Reassembler/Group``: what completes a concatenated message, duplicates, a reused reference, late parts,
/// the timeout) and the service's number matching (``PeerAddress/isSameNumber(_:_:)``); the store only keeps the
/// rows they decide about.
struct MirrorImportRules: ImportRules {
    /// Text shown in place of a segment that has not arrived when a message is shown incomplete.
    static let missingSegmentMarker = "[…]"

    let configuration: Reassembler.Configuration
    /// The expiry of an MMS notification whose own expiry is unusable (``MMSOptions/defaultExpiry``).
    let defaultMMSExpiry: Duration

    /// Rules that show a concatenated message incomplete once its first segment waited `reassemblyTimeout`.
    init(reassemblyTimeout: Duration, defaultMMSExpiry: Duration = MMSOptions().defaultExpiry) {
        configuration = Reassembler.Configuration(timeout: max(0, reassemblyTimeout.components.seconds))
        self.defaultMMSExpiry = defaultMMSExpiry
    }

    func decide(_ segment: ReceivedPartRecord, in group: SegmentGroup) -> SegmentDecision {
        let key = Self.key(of: segment)
        var reassembly = Reassembler.Group(
            key: key,
            waiting: group.waiting.map(Self.part),
            shown: group.shown.map {
                Reassembler.Group.Shown(parts: $0.segments.map(Self.part), shownAt: Self.seconds($0.shownAt))
            }
        )
        guard let outcome = add(Self.part(segment), at: segment.receivedAt, to: &reassembly) else { return .wait }
        switch outcome {
        case .duplicate: return .duplicate
        case .waiting: return .wait
        case .completed(let parts): return .complete(text: Self.text(of: parts, key: key))
        case .merged(let parts): return .merge(text: Self.text(of: parts, key: key), isComplete: key.isComplete(parts))
        case .restarted(let surfaced): return .restart(surfacedText: Self.text(of: surfaced, key: key))
        }
    }

    /// Applies the codec's rules to an arriving part; `nil` for a concatenation the codec refuses.
    func add(
        _ part: Reassembler.Part,
        at receivedAt: Double,
        to group: inout Reassembler.Group
    )
        -> Reassembler.Group.Outcome?
    {
        do {
            return try group.add(part, now: Self.seconds(receivedAt), configuration: configuration)
        } catch {
            // Unreachable: IncomingDecoder passes on only valid concatenation elements (TS 23.040 §9.2.3.24.1).
            // Should one slip through, it waits and is shown at the timeout rather than being lost.
            return nil
        }
    }

    func surface(_ waiting: [ReceivedPartRecord], now: Double) -> String? {
        guard let first = waiting.first else { return nil }
        let key = Self.key(of: first)
        var group = Reassembler.Group(key: key, waiting: waiting.map(Self.part))
        return group.expire(now: Self.seconds(now), configuration: configuration).map { Self.text(of: $0, key: key) }
    }

    /// The part with the report's recipient (in either number form) submitted closest in time to the report's
    /// TP-SCTS: TP-MR wraps after 256 messages, so the same reference may have gone to the same number before.
    func match(_ report: StatusReportPart, among candidates: [OutboxPartRecord]) -> OutboxPartRecord? {
        let sameRecipient = candidates.filter { PeerAddress.isSameNumber($0.recipient, report.recipient) }
        guard let reference = report.serviceCentreTime else { return sameRecipient.first }
        return sameRecipient.min {
            abs(($0.submittedAt ?? 0) - reference) < abs(($1.submittedAt ?? 0) - reference)
        }
    }

    // MARK: - Rows as the codec sees them

    static func key(of segment: ReceivedPartRecord) -> Reassembler.Key {
        Reassembler.Key(
            party: segment.originator ?? "",
            reference: UInt16(clamping: segment.concatRef ?? 0),
            referenceBits: segment.concatRefBits ?? 8,
            total: UInt8(clamping: segment.concatTotal ?? 1)
        )
    }

    static func part(_ segment: ReceivedPartRecord) -> Reassembler.Part {
        Reassembler.Part(
            sequence: UInt8(clamping: segment.concatSeq ?? 0),
            content: .text(segment.partText ?? ""),
            receivedAt: seconds(segment.receivedAt)
        )
    }

    /// Whole seconds since 1970, the scale the codec's rules compare.
    static func seconds(_ time: Double) -> Int64 { Int64(exactly: time.rounded(.down)) ?? 0 }

    static func text(of parts: [Reassembler.Part], key: Reassembler.Key) -> String {
        key.text(of: parts, missingMarker: missingSegmentMarker) ?? ""
    }
}
