import SMSCodec

/// How many SMS segments a text needs, for SendMessage's size check (703) before the message is queued: the same
/// choice of alphabet and split the outbox worker's ``SMSEncoder`` makes later (TS 23.038 §6.2, TS 23.040
/// §9.2.3.24), so the check and the send agree.
enum SMSSegmentation {
    static func segmentCount(for text: String) -> Int {
        do {
            return try Segmenter.segment(text, options: SegmentationOptions()).parts.count
        } catch {
            // More than 255 parts (the codec's limit): more than any configured maximum.
            return SegmentLimits.maxSegments + 1
        }
    }
}
