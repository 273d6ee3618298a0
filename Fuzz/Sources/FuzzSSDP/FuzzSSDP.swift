import FuzzTargets

/// libFuzzer's entry: ``FuzzTarget/ssdp`` (Sources/FuzzTargets in the root package) on one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    _ = FuzzTarget.ssdp.run(Array(UnsafeBufferPointer(start: data, count: size)))
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
    /// Without -DFUZZING: replays the target's samples, so that the entry point is at least built and run.
    static func main() {
        for sample in FuzzTarget.ssdp.samples { _ = FuzzTarget.ssdp.run(sample) }
        print("FuzzSSDP: replayed \(FuzzTarget.ssdp.samples.count) samples")
    }
}
#endif
