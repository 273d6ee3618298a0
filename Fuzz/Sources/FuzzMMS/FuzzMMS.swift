import MMSCodec

/// Fuzzes the WAP push and MMS decoders: arbitrary bytes as a WSP push PDU, as an MMS PDU (wire and typed) and as
/// a WSP multipart body. Whatever decodes must re-encode to bytes that decode to an equal value (decode → encode →
/// decode is stable), and the text accessors must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let push = try? WSPPush(decoding: bytes) {
        guard (try? WSPPush(decoding: push.encoded())) == push else { fatalError("push not stable") }
        _ = push.applicationID
        _ = push.contentType.description
        checkMMS(push.data)
    }
    checkMMS(bytes)
    if let parts = try? WSPMultipart.decode(bytes) {
        guard (try? WSPMultipart.decode(WSPMultipart.encode(parts))) == parts else {
            fatalError("multipart not stable")
        }
        for part in parts { touch(part) }
    }
    return 0
}

func checkMMS(_ bytes: [UInt8]) {
    if let pdu = try? MMSPDU(decoding: bytes) {
        guard (try? MMSPDU(decoding: pdu.encoded())) == pdu else { fatalError("MMS PDU not stable") }
        if case .multipart(let parts) = pdu.body { parts.forEach(touch) }
    }
    if let message = try? MMSMessage(decoding: bytes) {
        guard (try? MMSMessage(decoding: message.encoded())) == message else { fatalError("MMS message not stable") }
    }
}

func touch(_ part: WSPPart) {
    _ = part.text
    _ = part.fileName
    _ = part.contentID
    _ = try? part.nested()
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzMMS_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzMMSMain {
    /// Without -DFUZZING: replays a fixed input (an m-acknowledge-ind in a push), so that the entry point is at
    /// least built and run.
    static func main() {
        let sample: [UInt8] = [
            0x01, 0x06, 0x03, 0xBE, 0xAF, 0x84, 0x8C, 0x85, 0x98, 0x31, 0x00, 0x8D, 0x92, 0x91, 0x80,
        ]
        _ = sample.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        print("FuzzMMS: replayed 1 sample")
    }
}
#endif
