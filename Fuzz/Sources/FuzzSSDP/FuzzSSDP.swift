import UPnP

/// Fuzzes SSDP datagram parsing, M-SEARCH validation and answers (UPnPFuzzTargets.ssdp).
/// A broken invariant traps, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // An odd first byte puts the rest behind a valid M-SEARCH start, so that the fuzzer reaches validation and
    // answering instead of spending most inputs on the start line.
    if bytes[0] & 1 == 1 {
        let prefix = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
        bytes = Array(prefix.utf8) + bytes.dropFirst()
    }
    precondition(UPnPFuzzTargets.ssdp(bytes), "invariant broken")
    return 0
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzSSDP_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzSSDPMain {
    /// Without -DFUZZING: replays a fixed input, so that the entry point is at least built and run.
    static func main() {
        let sample: [UInt8] = Array(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n"
                .utf8
        )
        _ = sample.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        print("FuzzSSDP: replayed 1 sample")
    }
}
#endif
