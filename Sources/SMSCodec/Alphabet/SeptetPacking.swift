/// Packing of 7-bit septets into octets (3GPP TS 23.038 §6.1.2.1.1).
///
/// Septets are packed least-significant bit first. When a user data header precedes GSM 7-bit text, the text
/// starts on a septet boundary counted from the start of the user data, so `fillBits` zero bits come first
/// (TS 23.040 §9.2.3.24).
public enum SeptetPacking {
    /// Packs septets (values 0...127) into octets, after `fillBits` (0...6) leading zero bits.
    public static func pack(_ septets: [UInt8], fillBits: Int = 0) -> [UInt8] {
        precondition((0...6).contains(fillBits), "fill bits are 0...6")
        let totalBits = fillBits + septets.count * 7
        var octets = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        var bitPosition = fillBits
        for septet in septets {
            let value = UInt16(septet & 0x7F) << UInt16(bitPosition % 8)
            let index = bitPosition / 8
            octets[index] |= UInt8(truncatingIfNeeded: value)
            if value > 0xFF { octets[index + 1] |= UInt8(truncatingIfNeeded: value >> 8) }
            bitPosition += 7
        }
        return octets
    }

    /// Unpacks `count` septets from `octets`, skipping `fillBits` leading bits.
    /// - Throws: `SeptetPackingError.truncated` when the octets hold fewer septets than `count`.
    public static func unpack<C: RandomAccessCollection>(
        _ octets: C,
        count: Int,
        fillBits: Int = 0
    ) throws(SeptetPackingError) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        precondition((0...6).contains(fillBits), "fill bits are 0...6")
        let neededBits = fillBits + count * 7
        guard count >= 0, octets.count * 8 >= neededBits else {
            throw .truncated(septetsWanted: count, octetsAvailable: octets.count)
        }
        var septets = [UInt8]()
        septets.reserveCapacity(count)
        let base = octets.startIndex
        for i in 0..<count {
            let bitPosition = fillBits + i * 7
            let index = base + bitPosition / 8
            let shift = bitPosition % 8
            var value = UInt16(octets[index]) >> UInt16(shift)
            if shift > 1 { value |= UInt16(octets[index + 1]) << UInt16(8 - shift) }
            septets.append(UInt8(value & 0x7F))
        }
        return septets
    }

    /// Octets needed for `count` septets after `fillBits` bits.
    public static func octetCount(septets count: Int, fillBits: Int = 0) -> Int { (fillBits + count * 7 + 7) / 8 }
}

/// Errors of ``SeptetPacking``.
public enum SeptetPackingError: Error, Hashable, Sendable {
    /// The octets end before the septet count the length field announced.
    case truncated(septetsWanted: Int, octetsAvailable: Int)
}
