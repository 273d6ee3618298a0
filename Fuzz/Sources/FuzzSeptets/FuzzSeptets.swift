import SMSCodec

/// Fuzzes septet unpacking and GSM 7-bit decoding: the first octet gives the septet count and fill bits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let count = Int(bytes[0])
    let fillBits = Int(bytes[0] % 7)
    if let septets = try? SeptetPacking.unpack(bytes[1...], count: count, fillBits: fillBits) {
        let text = GSM7Alphabet.default.decode(septets)
        // Decoding then encoding must reproduce the septets for every text the alphabet can hold.
        if let again = try? GSM7Alphabet.default.encode(text) {
            _ = SeptetPacking.pack(again, fillBits: fillBits)
        }
    }
    return 0
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzSeptets_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzSeptetsMain {
    /// Without -DFUZZING: replays a fixed input, so that the entry point is at least built and run.
    static func main() {
        let sample: [UInt8] = [10, 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]
        _ = sample.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        print("FuzzSeptets: replayed 1 sample")
    }
}
#endif
