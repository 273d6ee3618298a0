import UPnP

/// Fuzzes the UPnP header parsers: SOAPACTION, CALLBACK, TIMEOUT, Host, SID, content type, IP addresses.
/// A broken invariant traps, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    precondition(UPnPFuzzTargets.httpHeaders(bytes), "invariant broken")
    return 0
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzHTTPHeaders_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzHTTPHeadersMain {
    /// Without -DFUZZING: replays a fixed input, so that the entry point is at least built and run.
    static func main() {
        let sample: [UInt8] = Array(
            "\"urn:schemas-upnp-org:service:Messaging:2#ReadMessage\"\n<http://192.168.1.5:4004/e>\nSecond-1800\n[::1]:80\nuuid:1\ntext/xml; charset=\"utf-8\"\n::ffff:10.0.0.1"
                .utf8
        )
        _ = sample.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        print("FuzzHTTPHeaders: replayed 1 sample")
    }
}
#endif
