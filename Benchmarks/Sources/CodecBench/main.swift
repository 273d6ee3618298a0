import Foundation
import SMSCodec

// Codec benchmark: decodes and encodes a fixed corpus and prints messages/s.
//
//   CodecBench corpus TESTDATA_DIR OUT_DIR   writes OUT_DIR/decode.txt (hex PDUs with SMSC prefix) and
//                                            OUT_DIR/encode.txt ("<destination> <hex of UTF-8 text>" lines)
//   CodecBench run OUT_DIR SECONDS [decode|encode]   times SMSCodec over that corpus (both by default)
//
// scripts/bench-codec builds this in release mode and a C harness against libgammu, runs both over the same
// files and prints the ratio.

/// Long messages for the corpus: GSM 7-bit prose, extension characters, Cyrillic, CJK and emoji, 1…6 parts.
func generatedTexts() -> [String] {
    let prose = "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt. "
    let ext = "Price: 5€ [incl. {tax}] ~ ok | \\path^ "
    let cyrillic = "Да здравствует король, детка! Съешь же ещё этих мягких французских булок. "
    let cjk = "中兴通讯你好世界，短信测试。"
    let emoji = "Hello 👋🏽 world 🇩🇪 family 👨‍👩‍👧 ok. "
    var texts: [String] = []
    for count in [1, 2, 4, 6, 9] {
        texts.append(String(repeating: prose, count: count))
        texts.append(String(repeating: ext, count: count * 2))
        texts.append(String(repeating: cyrillic, count: count))
        texts.append(String(repeating: cjk, count: count * 2))
        texts.append(String(repeating: emoji, count: count))
    }
    texts.append("hi")
    texts.append("Short message with £ and §.")
    return texts
}

func writeCorpus(testdata: String, out: String) throws {
    var decode: [String] = []
    for file in ["sms-deliver.jsonl", "sms-submit.jsonl", "sms-status-report.jsonl"] {
        let text = try String(contentsOfFile: testdata + "/" + file, encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let pdu = object["pdu"] as? String, let hasSMSC = object["has_smsc"] as? Bool
            else { continue }
            let full = hasSMSC ? pdu : "00" + pdu
            // Only PDUs that decode strictly: the timing compares decoders on valid input.
            if (try? SMSPDU.decode(hex: full, hasSMSC: true)) != nil { decode.append(full) }
        }
    }
    var encode: [String] = []
    for (index, text) in generatedTexts().enumerated() {
        let destination = "+1555000\(String(format: "%04d", index))"
        encode.append("\(destination) \(PDUHex.encode(Array(text.utf8)))")
        let message = try SMSEncoder.encode(
            text: text,
            to: destination,
            options: SMSEncodingOptions(concatenationReference: UInt16(index))
        )
        decode += message.parts.map(\.hex)
    }
    try decode.joined(separator: "\n").appending("\n").write(
        toFile: out + "/decode.txt",
        atomically: true,
        encoding: .utf8
    )
    try encode.joined(separator: "\n").appending("\n").write(
        toFile: out + "/encode.txt",
        atomically: true,
        encoding: .utf8
    )
    print("corpus: \(decode.count) PDUs to decode, \(encode.count) texts to encode")
}

/// Hex of a UTF-8 text (longer than any PDU, so not PDUHex).
func unhex(_ text: Substring) -> [UInt8] {
    let digits = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index + 1 < digits.count {
        out.append(UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0)
        index += 2
    }
    return out
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` over the corpus until `seconds` have passed; returns items per second.
func measure(_ items: Int, seconds: Double, _ body: () -> Int) -> (rate: Double, failures: Int) {
    var failures = body()  // warm-up
    var done = 0
    let start = now()
    var elapsed = 0.0
    repeat {
        failures = body()
        done += items
        elapsed = now() - start
    } while elapsed < seconds
    return (Double(done) / elapsed, failures)
}

func run(out: String, seconds: Double, only: String?) throws {
    let decodeLines = try String(contentsOfFile: out + "/decode.txt", encoding: .utf8).split(separator: "\n")
    let pdus = try decodeLines.map { try PDUHex.decode($0) }
    let encodeLines = try String(contentsOfFile: out + "/encode.txt", encoding: .utf8).split(separator: "\n")
    let texts: [(String, String)] = try encodeLines.map { line in
        let fields = line.split(separator: " ")
        return (String(fields[0]), String(decoding: unhex(fields[1]), as: UTF8.self))
    }

    var sink = 0
    let decode = measure(pdus.count, seconds: only == "encode" ? 0 : seconds) {
        var failures = 0
        for pdu in pdus {
            do {
                let decoded = try SMSPDU.decode(pdu, hasSMSC: true)
                sink &+= decoded.tpdu.userData?.bodyLength ?? 1
            } catch {
                failures += 1
            }
        }
        return failures
    }
    let encode = measure(texts.count, seconds: only == "decode" ? 0 : seconds) {
        var failures = 0
        for (destination, text) in texts {
            do {
                let message = try SMSEncoder.encode(text: text, to: destination)
                for part in message.parts { sink &+= part.bytes.count }
            } catch {
                failures += 1
            }
        }
        return failures
    }
    print(String(format: "swift decode %.0f msg/s (%d PDUs, %d failed)", decode.rate, pdus.count, decode.failures))
    print(String(format: "swift encode %.0f msg/s (%d texts, %d failed)", encode.rate, texts.count, encode.failures))
    if sink == 42 { print("") }  // keep the work observable
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "corpus" where arguments.count == 4:
    try writeCorpus(testdata: arguments[2], out: arguments[3])
case "run" where arguments.count >= 4:
    try run(out: arguments[2], seconds: Double(arguments[3]) ?? 2, only: arguments.count > 4 ? arguments[4] : nil)
default:
    print("usage: CodecBench corpus TESTDATA_DIR OUT_DIR | CodecBench run OUT_DIR SECONDS")
    exit(2)
}
