import Logging
import Modem

/// Faults the test asked for, applied by the modem as it talks.
struct FaultState {
    /// Output bytes still to be dropped.
    var dropNextOutputBytes = 0
    /// Drop every n-th output byte (nil: none).
    var dropEveryNthOutputByte: Int?
    var outputByteCounter = 0
    /// While true, input is swallowed and nothing is answered.
    var isStalled = false
    var swallowedWhileStalled = 0
    /// The input swallowed since the last stall began, at most ``maximumInputSinceStall`` bytes (the newest).
    var inputSinceStall: [UInt8] = []
    static let maximumInputSinceStall = 4096
    /// The hung modem's state: which commands go unanswered until a reset (nil: not hung).
    var hang: SimulatedModem.Hang?
    /// Failures for the next commands of a name (e.g. "+CMGS" → +CMS ERROR 500 once).
    var forcedFailures: [(name: String, failure: ATFailure)] = []
    /// Probability that an AT+CMGS/AT+CMSS fails, and the +CMS codes to pick from.
    var sendFailureRate = 0.0
    var sendFailureCodes: [Int] = [500, 331, 332]
    var random = SplitMix64(seed: 1)

    /// Counts and keeps input that arrives while stalled.
    mutating func swallow(_ bytes: [UInt8]) {
        swallowedWhileStalled += bytes.count
        inputSinceStall.append(contentsOf: bytes)
        if inputSinceStall.count > Self.maximumInputSinceStall {
            inputSinceStall.removeFirst(inputSinceStall.count - Self.maximumInputSinceStall)
        }
    }

    mutating func applyOutputFaults(_ bytes: [UInt8]) -> [UInt8] {
        guard dropNextOutputBytes > 0 || dropEveryNthOutputByte != nil else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            outputByteCounter += 1
            if dropNextOutputBytes > 0 {
                dropNextOutputBytes -= 1
                continue
            }
            if let n = dropEveryNthOutputByte, n > 0, outputByteCounter % n == 0 { continue }
            out.append(byte)
        }
        return out
    }

    mutating func forcedFailure(for name: String) -> ATFailure? {
        guard let i = forcedFailures.firstIndex(where: { $0.name == name }) else { return nil }
        return forcedFailures.remove(at: i).failure
    }

    mutating func randomSendFailure() -> ATFailure? {
        guard sendFailureRate > 0, !sendFailureCodes.isEmpty else { return nil }
        let draw = Double(random.next() >> 11) / Double(1 << 53)
        guard draw < sendFailureRate else { return nil }
        return .cms(sendFailureCodes[Int(random.next() % UInt64(sendFailureCodes.count))])
    }
}

/// A small seeded generator so that random faults repeat from run to run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
