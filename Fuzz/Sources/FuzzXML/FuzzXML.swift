import MessagingUPnP
import UPnP

/// Fuzzes the hardened XML parser and the Messaging:2 fragment readers: any input must give a tree or a typed
/// error, and every fragment read must re-serialise to a document the parser reads back to the same fragment.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let root = try? XMLDocumentParser.parse(bytes) else { return 0 }
    check(MessageFragment.self, root)
    check(MessageListFragment.self, root)
    check(NewMessagesFragment.self, root)
    check(SessionUpdatesFragment.self, root)
    check(MessagingCapabilitiesFragment.self, root)
    check(RecipientsListFragment.self, root)
    check(SessionInfoFragment.self, root)
    check(SessionsListFragment.self, root)
    check(FileInfoListFragment.self, root)
    return 0
}

private func check<F: MessagingFragment>(_ type: F.Type, _ root: XMLElement) {
    guard let fragment = try? F(element: root) else { return }
    let text = fragment.serialized()
    // What we write must parse, and read back to the same value (exact output of liberal input).
    guard let again = try? F(parsing: text) else { fatalError("serialised \(F.rootName) does not parse: \(text)") }
    if again != fragment { fatalError("\(F.rootName) does not round-trip: \(text)") }
}

#if FUZZING
import CFuzzSupport

@_cdecl("FuzzXML_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
#else
@main
struct FuzzXMLMain {
    /// Without -DFUZZING: replays fixed inputs, so that the entry point is at least built and run.
    static func main() {
        let samples = [
            #"<m:message xmlns:m="urn:schemas-upnp-org:phone:messaging"><messageID>1</messageID></m:message>"#,
            "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
            "<fileInfoList><sessionID>a</sessionID></fileInfoList>",
        ]
        for sample in samples {
            let bytes = Array(sample.utf8)
            _ = bytes.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
        }
        print("FuzzXML: replayed \(samples.count) samples")
    }
}
#endif
