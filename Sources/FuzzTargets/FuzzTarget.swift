/// The libFuzzer targets of `Fuzz/` (scripts/fuzz), as plain functions of the input bytes.
///
/// The entry logic lives here, in the root package, rather than in the fuzzer executables, so that the regression
/// suite (Tests/FuzzRegressionTests) feeds a crashing input saved under Tests/Fixtures/fuzz-regressions/<name>/ to
/// exactly the code the fuzzer ran. Each run checks the invariants that must hold for every input and traps
/// (`precondition`) when one breaks, which libFuzzer reports as a crash; what the main parser made of the input is
/// returned as a ``FuzzOutcome``.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case septets = "FuzzSeptets"
    case xml = "FuzzXML"
    case ssdp = "FuzzSSDP"
    case httpHeaders = "FuzzHTTPHeaders"
    case upnpClient = "FuzzUPnPClient"
    case pdu = "FuzzPDU"
    case at = "FuzzAT"
    case mms = "FuzzMMS"
    case config = "FuzzConfig"
    case web = "FuzzWeb"

    /// The executable's name in Fuzz/Package.swift and the directory of its corpus and regressions.
    public var name: String { rawValue }

    /// Runs the target on one input.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        switch self {
        case .septets: CodecFuzzing.septets(bytes)
        case .xml: XMLFuzzing.run(bytes)
        case .ssdp: UPnPFuzzing.ssdp(bytes)
        case .httpHeaders: UPnPFuzzing.httpHeaders(bytes)
        case .upnpClient: UPnPFuzzing.client(bytes)
        case .pdu: CodecFuzzing.pdu(bytes)
        case .at: ATFuzzing.run(bytes)
        case .mms: CodecFuzzing.mms(bytes)
        case .config: ConfigFuzzing.run(bytes)
        case .web: WebFuzzing.run(bytes)
        }
    }

    /// Inputs each target is run on without libFuzzer (the executables built without `-DFUZZING`, and the
    /// regression suite), so that every entry point is at least built and run on something it accepts.
    public var samples: [[UInt8]] {
        switch self {
        case .septets: [[10, 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]]
        case .xml: XMLFuzzing.samples
        case .ssdp: UPnPFuzzing.ssdpSamples
        case .httpHeaders: UPnPFuzzing.httpHeaderSamples
        case .upnpClient: UPnPFuzzing.clientSamples
        case .pdu: CodecFuzzing.pduSamples
        case .at: ATFuzzing.samples
        case .mms: CodecFuzzing.mmsSamples
        case .config: ConfigFuzzing.samples
        case .web: WebFuzzing.samples
        }
    }
}

/// What a target's main parser made of one input; an input that breaks an invariant never returns (it traps).
public enum FuzzOutcome: Sendable {
    /// The input was read into a value (and the target's round trips held).
    case accepted
    /// The main parser refused the input with this typed error.
    case refused(any Error)
    /// The main parser has no error to give (an optional result, or several parsers none of which is the main
    /// one); the invariants of every parser the target runs held.
    case checked
}
