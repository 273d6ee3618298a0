import SMSCodec

/// How many SMS segments a text needs, for SendMessage's size check (703) before the message is queued: the same
/// choice of alphabet and split the outbox worker's ``SMSEncoder`` makes later (TS 23.038 §6.2, TS 23.040
/// §9.2.3.24), so the check and the send agree.
enum SMSSegmentation {
    /// The segmentation the outbox worker's `SMSEncodingOptions()` asks of the encoder: 8-bit concatenation
    /// references, no national language tables, no extra header elements, UCS-2 only when needed.
    static let options = SegmentationOptions()

    static func segmentCount(for text: String) -> Int {
        do {
            return try Segmenter.segment(text, options: options).parts.count
        } catch {
            // More than 255 parts (the codec's limit): more than any configured maximum.
            return SegmentLimits.maxSegments + 1
        }
    }
}

/// How a text would travel as SMS: its alphabet, parts and room, as the outbox worker's encoder will split it.
/// What a compose view shows as the user types ("42/160 · 1 part · GSM 7-bit"), the way phones show it.
public struct SMSTextLayout: Hashable, Sendable {
    /// The coding of every part (TS 23.038 §4).
    public enum Encoding: Hashable, Sendable {
        /// The GSM 7-bit default alphabet and its extension table (TS 23.038 §6.2.1).
        case gsm7
        /// GSM 7-bit with national language tables (TS 23.038 §6.2.1.2.4), named by their English names.
        case gsm7National(locking: String?, single: String?)
        /// UCS-2 (TS 23.038 §6.2.3): the text has a character no enabled GSM 7-bit table has.
        case ucs2
    }

    /// The characters as a person counts them (grapheme clusters).
    public var characters: Int
    /// The number of SMS the text needs; more than ``maximumParts`` is refused when sent (703).
    public var parts: Int
    /// The coding of every part.
    public var encoding: Encoding
    /// Units (septets, ESC included, or UTF-16 code units) of the whole text.
    public var units: Int
    /// Units one part can carry with the header this split needs (160/153 septets, 70/67 UCS-2 units).
    public var unitsPerPart: Int
    /// Units still free in the last part.
    public var remainingInPart: Int
    /// The most parts a message may have (``MessagingConfiguration/maximumSegments``).
    public var maximumParts: Int
}

extension MessagingService {
    /// The layout of `text` as SMS, computed by the encoder the outbox uses: one rule for the compose view's
    /// counter and for the send. A text beyond the codec's 255 parts reports 256 parts.
    public nonisolated func textLayout(of text: String) -> SMSTextLayout {
        let maximumParts = configuration.maximumSegments
        let segmented: SegmentedText
        do {
            segmented = try Segmenter.segment(text, options: SMSSegmentation.options)
        } catch {
            return SMSTextLayout(
                characters: text.count,
                parts: SegmentLimits.maxSegments + 1,
                encoding: .ucs2,
                units: text.utf16.count,
                unitsPerPart: 0,
                remainingInPart: 0,
                maximumParts: maximumParts
            )
        }
        let encoding: SMSTextLayout.Encoding
        switch segmented.alphabet {
        case .gsm7(nil, nil): encoding = .gsm7
        case .gsm7(let locking, let single):
            encoding = .gsm7National(locking: locking?.description, single: single?.description)
        case .ucs2, .eightBit: encoding = .ucs2
        }
        return SMSTextLayout(
            characters: text.count,
            parts: segmented.parts.count,
            encoding: encoding,
            units: segmented.totalUnits,
            unitsPerPart: segmented.unitsPerPart,
            remainingInPart: segmented.remainingUnits,
            maximumParts: maximumParts
        )
    }
}
