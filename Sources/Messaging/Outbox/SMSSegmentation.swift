import SMSCodec

/// How many SMS segments a text needs, for SendMessage's size check (703) before the message is queued.
///
/// TS 23.038 §6.2.1: GSM 7-bit default alphabet (+ extension table, two septets per escaped character) when every
/// character has a septet, else UCS-2. TS 23.040 §9.2.3.24.1: 160 septets / 70 UCS-2 units in one segment; with a
/// 6-octet concatenation UDH, 153 septets / 67 units per segment.
enum SMSSegmentation {
    static func segmentCount(for text: String) -> Int {
        if let septets = try? GSM7Alphabet.default.encode(text) {
            return septets.count <= 160 ? 1 : (septets.count + 152) / 153
        }
        let units = text.utf16.count
        return units <= 70 ? 1 : (units + 66) / 67
    }
}
