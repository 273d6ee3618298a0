/// A read cursor over the octets of one PDU (house style: a struct over `ArraySlice<UInt8>`, after swift-asn1).
///
/// Every read either returns a value or throws ``PDUError`` with the offset of the field and the field's name, so
/// that a truncated or lying PDU says exactly where it went wrong. Offsets are relative to the slice the cursor was
/// created with. The slice itself never changes; an index moves over it (no slice copies per octet).
struct PDUCursor {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    /// Offset of the next octet from the start of the input.
    var offset: Int { position - bytes.startIndex }
    /// Octets not yet read.
    var remaining: Int { bytes.endIndex - position }
    var isAtEnd: Bool { position >= bytes.endIndex }

    /// Reads one octet of the field `field`.
    @inline(__always)
    mutating func readByte(_ field: StaticString) throws(PDUError) -> UInt8 {
        guard position < bytes.endIndex else {
            throw PDUError(.truncated, offset: offset, reason: "input ends before \(field)")
        }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// Reads `count` octets of the field `field`.
    mutating func readBytes(_ count: Int, _ field: StaticString) throws(PDUError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw PDUError(
                .truncated,
                offset: offset,
                reason: "\(field) needs \(count) octets, \(remaining) follow"
            )
        }
        let slice = bytes[position..<(position + count)]
        position += count
        return slice
    }

    /// Reads `count` octets of the field `field` and hands them to `body` (a value that keeps a copy of them
    /// rather than a slice of the input).
    mutating func readBytes<R>(
        _ count: Int,
        _ field: StaticString,
        _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) throws(PDUError) -> R {
        guard count >= 0, count <= remaining else {
            throw PDUError(
                .truncated,
                offset: offset,
                reason: "\(field) needs \(count) octets, \(remaining) follow"
            )
        }
        let start = position - bytes.startIndex
        position += count
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    /// The next octet without consuming it.
    func peekByte() -> UInt8? { position < bytes.endIndex ? bytes[position] : nil }

    /// Consumes and returns everything left.
    mutating func readRest() -> ArraySlice<UInt8> {
        let rest = bytes[position...]
        position = bytes.endIndex
        return rest
    }

    /// Consumes everything left into an array of its own: the trailing octets a decoded message keeps. There are
    /// almost never any, and then this makes no array (`Array(slice)` of an empty slice still checks and retains
    /// the slice's buffer).
    mutating func readTrailingOctets() -> [UInt8] {
        let rest = readRest()
        return rest.isEmpty ? [] : Array(rest)
    }
}
