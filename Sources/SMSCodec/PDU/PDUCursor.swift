/// A read cursor over the octets of one PDU (house style: a struct over `ArraySlice<UInt8>`, after swift-asn1).
///
/// Every read either returns a value or throws ``PDUError`` with the offset of the field and the field's name, so
/// that a truncated or lying PDU says exactly where it went wrong. Offsets are relative to the slice the cursor was
/// created with.
struct PDUCursor {
    private(set) var bytes: ArraySlice<UInt8>
    private let origin: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.origin = bytes.startIndex
    }

    /// Offset of the next octet from the start of the input.
    var offset: Int { bytes.startIndex - origin }
    /// Octets not yet read.
    var remaining: Int { bytes.count }
    var isAtEnd: Bool { bytes.isEmpty }

    /// Reads one octet of the field `field`.
    mutating func readByte(_ field: StaticString) throws(PDUError) -> UInt8 {
        guard let byte = bytes.first else {
            throw PDUError(.truncated, offset: offset, reason: "input ends before \(field)")
        }
        bytes = bytes.dropFirst()
        return byte
    }

    /// Reads `count` octets of the field `field`.
    mutating func readBytes(_ count: Int, _ field: StaticString) throws(PDUError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count else {
            throw PDUError(
                .truncated,
                offset: offset,
                reason: "\(field) needs \(count) octets, \(bytes.count) follow"
            )
        }
        let start = bytes.startIndex
        let field = bytes[start..<(start + count)]
        bytes = bytes[(start + count)...]
        return field
    }

    /// The next octet without consuming it.
    func peekByte() -> UInt8? { bytes.first }

    /// Consumes and returns everything left.
    mutating func readRest() -> ArraySlice<UInt8> {
        let rest = bytes
        bytes = bytes[bytes.endIndex...]
        return rest
    }
}
