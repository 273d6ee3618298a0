import UPnP

/// Fuzzes the control point's parsers of what a device sends (UPnPFuzzTargets.client): search answers, URLs,
/// descriptions, SOAP answers and faults, event bodies. A broken invariant traps, which libFuzzer reports as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    precondition(UPnPFuzzTargets.client(Array(UnsafeBufferPointer(start: data, count: size))), "invariant broken")
    return 0
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzUPnPClient_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzUPnPClientMain {
    /// Without -DFUZZING: replays one input per parser, so that the entry point is at least built and run.
    static func main() {
        let samples = [
            "\u{0}HTTP/1.1 200 OK\r\nLOCATION: http://127.0.0.1:1/d.xml\r\nST: upnp:rootdevice\r\nUSN: uuid:a\r\n\r\n",
            "\u{1}../upnp/control", "\u{2}<root><device><deviceType>t</deviceType><UDN>uuid:a</UDN></device></root>",
            "\u{3}<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>",
            "\u{4}<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\"/>",
        ]
        for sample in samples {
            _ = Array(sample.utf8).withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        }
        print("FuzzUPnPClient: replayed \(samples.count) samples")
    }
}
#endif
