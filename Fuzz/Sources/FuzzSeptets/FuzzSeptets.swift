import FuzzTargets

/// libFuzzer's entry: ``FuzzTarget/septets`` (Sources/FuzzTargets in the root package) on one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    _ = FuzzTarget.septets.run(Array(UnsafeBufferPointer(start: data, count: size)))
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
    /// Without -DFUZZING: replays the target's samples, so that the entry point is at least built and run.
    static func main() {
        for sample in FuzzTarget.septets.samples { _ = FuzzTarget.septets.run(sample) }
        print("FuzzSeptets: replayed \(FuzzTarget.septets.samples.count) samples")
    }
}
#endif
