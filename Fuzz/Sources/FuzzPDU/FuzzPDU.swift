import SMSCodec

/// Fuzzes the PDU decoder: arbitrary bytes as a PDU with and without the SMSC prefix, strict and lenient, and as
/// SUBMIT-REPORT / DELIVER-REPORT. Whatever decodes must re-serialize to exactly the input (the serializers are
/// the inverse of the parsers), and its JSON view and reassembly must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for hasSMSC in [true, false] {
        for options in [PDUDecodingOptions.strict, .lenient] {
            guard let pdu = try? SMSPDU.decode(bytes, hasSMSC: hasSMSC, options: options) else { continue }
            guard pdu.encoded() == bytes else { fatalError("round trip changed \(PDUHex.encode(bytes))") }
            guard (try? SMSPDU.decode(pdu.encoded(), hasSMSC: hasSMSC, options: options)) == pdu else {
                fatalError("second decode differs for \(PDUHex.encode(bytes))")
            }
            _ = pdu.hex
            _ = pdu.tpduLength
            var reassembler = Reassembler()
            _ = try? reassembler.add(pdu, now: 0)
            _ = reassembler.expire(now: Int64.max / 2)
        }
    }
    for isError in [false, true] {
        if let report = try? SMSSubmitReport(decoding: bytes, isError: isError), report.encoded() != bytes {
            fatalError("submit report round trip changed \(PDUHex.encode(bytes))")
        }
        if let report = try? SMSDeliverReport(decoding: bytes, isError: isError), report.encoded() != bytes {
            fatalError("deliver report round trip changed \(PDUHex.encode(bytes))")
        }
    }
    return 0
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzPDU_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzPDUMain {
    /// Without -DFUZZING: replays a fixed input, so that the entry point is at least built and run.
    static func main() {
        let sample: [UInt8] = [
            0x00, 0x04, 0x0B, 0x91, 0x81, 0x00, 0x55, 0x15, 0x12, 0xF2, 0x00, 0x00, 0x11, 0x10, 0x10, 0x21, 0x43,
            0x65, 0x00, 0x0A, 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37,
        ]
        _ = sample.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        print("FuzzPDU: replayed 1 sample")
    }
}
#endif
