import TestSupport

/// What the soak does, drawn from its seed before it starts: the messages (kind, direction, text) and the faults at
/// their message indexes. One seed gives one plan on every run and machine (``SeededRandom``), so a failure is
/// replayed by running the same seed again.
struct SoakPlan {
    /// How a text travels as SMS (TS 23.038 §6.2; TS 23.040 §9.2.3.24.1 for concatenation).
    enum Kind: String, CaseIterable {
        /// GSM 7-bit, one part.
        case single
        /// GSM 7-bit (extension table characters included) over several parts.
        case concatenated
        /// Turkish: GSM 7-bit with the national tables when the network injects it (TS 23.038 §6.2.1.2.4); the
        /// daemon's outbox, which uses no national tables, sends it as UCS-2.
        case national
        /// UCS-2, emoji (surrogate pairs) included, over one or more parts.
        case ucs2
        /// An MMS (OMA-TS-MMS_ENC §6.1 m-send-req through the simulated MMSC) with a text part and a small JPEG,
        /// sent to the echo, which answers with the same parts, or to modem 2, whose device fetches it after the
        /// WAP push (§6.2 m-notification-ind, an SMS through the modem and its faults).
        case mms
    }

    /// Where a message goes.
    enum Direction: String, CaseIterable {
        /// SendMessage over SOAP on device 1 to the echo subscriber, which answers "echo: <text>".
        case toEcho
        /// SendMessage over SOAP on device 1 to modem 2, which the same daemon serves as device 2.
        case toModem2
        /// Delivered by the network to modem 1 from a peer.
        case injected
    }

    /// Faults, each at a seeded message index.
    enum Fault: String, CaseIterable {
        /// Line noise written onto the modem's output.
        case garbage
        /// Bytes of the modem's output lost.
        case droppedBytes = "dropped-bytes"
        /// The next AT+CMGS fails with a +CMS ERROR (TS 27.005 §3.2.5).
        case cmsError = "cms-error"
        /// The modem answers nothing for a while, then resumes.
        case stall
        /// The modem's SMS service hangs until the daemon resets it.
        case hang
        /// Unplugged, plugged back under a new tty name.
        case replug
        /// The modem restarts by itself.
        case reboot
        /// The SIM's free slots are filled with messages (SIM full).
        case simFull = "sim-full"
        /// The daemon is SIGKILLed and started again.
        case sigkill

        /// Whether the fault can lose the modem's answer to an AT+CMGS whose SMS the network took: the daemon
        /// cannot know the outcome and sends that part again (the outbox's at-least-once rule).
        var losesAnswers: Bool {
            switch self {
            case .garbage, .droppedBytes, .stall, .hang, .replug, .reboot: true
            case .cmsError, .simFull, .sigkill: false
            }
        }

        /// Injections per message (before ``minimumCount``), chosen so that 500 messages meet each a few times and
        /// the run stays within a few minutes on two cores.
        var rate: Double {
            switch self {
            case .garbage, .droppedBytes: 1.0 / 40
            case .cmsError: 1.0 / 30
            case .stall: 1.0 / 150
            case .hang, .simFull: 1.0 / 1000
            case .replug, .reboot: 1.0 / 250
            case .sigkill: 1.0 / 250
            }
        }
    }

    struct Message {
        var index: Int
        var kind: Kind
        var direction: Direction
        var text: String
    }

    let seed: UInt64
    let messages: [Message]
    /// Faults by the message index before which they are injected.
    let faults: [Int: [Fault]]
    /// The random source for the faults' details (garbage bytes, durations), continued from the plan's.
    private(set) var random: SeededRandom

    init(seed: UInt64, count: Int) {
        var random = SeededRandom(seed: seed)
        let messages = (0..<count).map { index in
            let kind = Kind.allCases.randomElement(using: &random)!
            var direction = Direction.allCases.randomElement(using: &random)!
            // The network injects SMS only: an MMS goes out from device 1.
            if kind == .mms, direction == .injected { direction = .toEcho }
            return Message(
                index: index,
                kind: kind,
                direction: direction,
                text: Self.text(index: index, kind: kind, using: &random)
            )
        }
        var faults: [Int: [Fault]] = [:]
        // Every fault at least once, away from the first and last messages so that each meets traffic both ways.
        let window = max(1, count / 20)..<max(2, count - count / 10)
        for fault in Fault.allCases {
            let times = max(1, Int((Double(count) * fault.rate).rounded()))
            for _ in 0..<times { faults[Int.random(in: window, using: &random), default: []].append(fault) }
        }
        self.seed = seed
        self.messages = messages
        self.faults = faults
        self.random = random
    }

    /// How many times each fault is planned.
    var faultCounts: [Fault: Int] {
        faults.values.reduce(into: [:]) { counts, list in for fault in list { counts[fault, default: 0] += 1 } }
    }

    mutating func next(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// Line noise: bytes that are neither a result code nor a URC the driver knows, with line ends among them.
    mutating func garbage() -> String {
        let alphabet = Array("~#%&*@!?XYZ0123456789\r\n\u{7F}\u{1B}\u{00}")
        return String((0..<next(in: 4...40)).map { _ in alphabet[next(in: 0...(alphabet.count - 1))] })
    }

    static let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
    ]
    static let extensionCharacters = ["€", "[", "]", "{", "}", "~", "^", "|", "\\"]
    static let turkish = ["Günaydın", "şöyle", "çiçek", "İstanbul", "ığdır", "Ğ", "ağaç", "kuş", "üzüm", "çay"]
    static let wide = ["Привет", "мир", "你好", "世界", "😀", "🚀", "Ωμέγα", "שלום", "日本語", "👍🏽"]

    /// A text unique by its tag (`m<index>`) and of the kind's alphabet and length.
    static func text(index: Int, kind: Kind, using random: inout SeededRandom) -> String {
        var text = "m\(index)"
        func append(from list: [String], until length: Int) {
            while text.count < length { text += " " + list.randomElement(using: &random)! }
        }
        switch kind {
        case .single:
            append(from: words, until: Int.random(in: 20...140, using: &random))
        case .concatenated:
            let length = Int.random(in: 170...480, using: &random)
            while text.count < length {
                text += " " + words.randomElement(using: &random)!
                if Int.random(in: 0..<4, using: &random) == 0 {
                    text += extensionCharacters.randomElement(using: &random)!
                }
            }
        case .national:
            append(from: turkish + words, until: Int.random(in: 20...200, using: &random))
        case .ucs2:
            append(from: wide + words, until: Int.random(in: 10...150, using: &random))
        case .mms:
            append(from: words + wide, until: Int.random(in: 10...300, using: &random))
        }
        return text
    }

    /// The tag of a planned text (`m<index>`), also found after the echo's "echo: " prefix.
    static func index(ofText text: String) -> Int? {
        let body = text.hasPrefix("echo: ") ? text.dropFirst(6) : Substring(text)
        guard body.hasPrefix("m") else { return nil }
        return Int(body.dropFirst().prefix { $0.isNumber })
    }
}
