import Foundation
import TestSupport
import Testing

/// `modemctl pdu decode|encode` as a separate process: the command-line contract of DESIGN.md ("modemctl pdu …
/// --json"), checked against the SMS-DELIVER vectors of Tests/Fixtures and against the tool's own encoder output.
@Suite struct ModemCtlPDUCommandTests {
    /// The vectors decoded one by one: concatenated GSM 7-bit (8-bit reference), UCS-2 from an alphanumeric sender,
    /// a negative time zone, DCS class 1, 8-bit WAP data with a concatenation header, and a bare TPDU (`--no-smsc`).
    static let decodeVectorIDs = [
        "mm-pdu-multipart-1", "pm-deliver-vodafone-de-2", "mm-pdu2", "pm-deliver-gmtminusthree", "mm-pdu-dcsf1",
        "pm-wap-si-1", "ofono-sms-charset-default",
    ]

    /// Runs the built `modemctl` with `arguments`, feeding `input` on standard input.
    static func modemctl(_ arguments: [String], input: String? = nil) async throws -> Subprocess.Run {
        try await Subprocess.run(try BuiltProducts.executable("modemctl"), arguments, input: input)
    }

    /// One JSON object per output line, decoded into the same value type the vector files use.
    static func json(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestJSON {
        let value = try JSONDecoder().decode(TestJSON.self, from: Data(line.utf8))
        guard case .object = value else {
            Issue.record("not a JSON object: \(line)", sourceLocation: sourceLocation)
            throw CocoaError(.coderReadCorrupt)
        }
        return value
    }

    static func vectors() throws -> [String: PDUVector] {
        let all = PDUVector.load("sms-deliver.jsonl")
        try #require(!all.isEmpty, "no vectors in \(Fixtures.url("sms-deliver.jsonl").path)")
        return Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: - pdu decode HEX --json

    @Test(arguments: decodeVectorIDs)
    func decodeJSONMatchesTheVector(id: String) async throws {
        let vector = try #require(try Self.vectors()[id], "vector \(id) missing from sms-deliver.jsonl")
        let arguments = ["pdu", "decode", vector.pdu, "--json"] + (vector.hasSMSC ? [] : ["--no-smsc"])
        let run = try await Self.modemctl(arguments)
        #expect(!run.timedOut)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.lines.count == 1)
        let decoded = try Self.json(try #require(run.lines.first))
        let expect = vector.expect

        #expect(decoded["type"] == .string("deliver"))
        if vector.hasSMSC {
            let smsc = try #require(decoded["smsc"], "no smsc")
            for key in ["number", "ton", "npi"] { #expect(smsc[key] == expect["smsc"]?[key], "smsc.\(key)") }
        } else {
            #expect(decoded["smsc"] == nil, "a bare TPDU has no SMSC field")
        }
        let originator = try #require(decoded["originator"])
        for key in ["number", "ton", "npi"] {
            #expect(originator[key] == expect["originator"]?[key], "originator.\(key)")
        }
        #expect(decoded["alphabet"] == expect["alphabet"])
        #expect(decoded["dcs"] == expect["dcs"])
        #expect(decoded["class"] == expect["class"])
        #expect(decoded["scts"] == expect["scts"])
        if let text = expect["text"] {
            #expect(decoded["text"] == text)
        } else {
            #expect(decoded["text"] == nil)
            #expect(decoded["data_hex"] == expect["data_hex"])
        }
        if let concat = expect["udh"]?["concat"] {
            let got = try #require(decoded["udh"]?["concat"], "no udh.concat")
            for key in ["ref", "total", "seq", "ref_bits"] { #expect(got[key] == concat[key], "udh.concat.\(key)") }
        } else {
            #expect(decoded["udh"]?["concat"] == nil)
        }
    }

    // MARK: - pdu decode - (bulk)

    @Test func decodeStandardInputWritesOneJSONLinePerPDUAndAnErrorForTheBadOne() async throws {
        let vectors = try Self.vectors()
        let good = try ["mm-pdu-multipart-1", "mm-pdu2", "gammu-at-sms-07", "pm-wap-si-1"].map {
            try #require(vectors[$0], "vector \($0) missing")
        }
        let truncated = String(good[0].pdu.prefix(40))
        // Order: good, bad (odd hex), good, truncated, good, good; blank lines are skipped, spaces trimmed.
        let lines = [good[0].pdu, "0791ABC", "  " + good[1].pdu + " ", "", truncated, good[2].pdu, good[3].pdu]
        let run = try await Self.modemctl(["pdu", "decode", "-"], input: lines.joined(separator: "\n") + "\n")
        #expect(!run.timedOut)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let output = try run.lines.map { try Self.json($0) }
        try #require(output.count == 6, "got \(run.lines)")

        let expectedOriginators = [good[0], nil, good[1], nil, good[2], good[3]].map {
            $0?.expect["originator"]?["number"]
        }
        for (index, (line, originator)) in zip(output, expectedOriginators).enumerated() {
            if let originator {
                #expect(line["error"] == nil, "line \(index)")
                #expect(line["type"] == .string("deliver"), "line \(index)")
                #expect(line["originator"]?["number"] == originator, "line \(index)")
            } else {
                let error = try #require(line["error"]?.string, "line \(index) should be an error: \(line)")
                #expect(!error.isEmpty)
                #expect(line["type"] == nil)
            }
        }
        #expect(output[2]["text"] == good[1].expect["text"])
    }

    /// The batch path (block reads, JSON serialized as bytes, one buffered write path) prints byte for byte what the
    /// line-at-a-time reader printed for the same input: `pdu-batch/expected.jsonl` was recorded from that reader
    /// (Tests/Fixtures/README.md). The input holds every SMSC-prefixed PDU of the DELIVER, SUBMIT and malformed
    /// vectors and the awkward lines: blank, blanks and tabs around the hex, CRLF, lower case, odd and bad hex, a
    /// cut PDU, no-break spaces, invalid UTF-8, a lone CR, NUL, a vertical tab, an over-long line, no final newline.
    @Test func decodeStandardInputBatchPrintsExactlyTheRecordedJSONLines() async throws {
        let input = try Data(contentsOf: Fixtures.url("pdu-batch/input.txt"))
        let expected = try Data(contentsOf: Fixtures.url("pdu-batch/expected.jsonl"))
        let run = try await Subprocess.run(
            try BuiltProducts.executable("modemctl"),
            ["pdu", "decode", "-"],
            inputBytes: input
        )
        #expect(!run.timedOut)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let got = Array(run.stdout.utf8)
        let want = Array(expected)
        guard got != want else { return }
        let gotLines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let wantLines = String(decoding: want, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let first =
            zip(gotLines, wantLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(gotLines.count, wantLines.count)
        Issue.record(
            """
            output differs from pdu-batch/expected.jsonl at line \(first + 1) (\(gotLines.count) lines, expected \
            \(wantLines.count)):
            got:      \(first < gotLines.count ? gotLines[first] : "(none)")
            expected: \(first < wantLines.count ? wantLines[first] : "(none)")
            """
        )
    }

    /// Lines that straddle the batch path's 64 KiB read blocks (and whatever pieces the pipe hands over) come out
    /// as if they had been read whole: nine copies of `pdu-batch/input.txt` (about 145 KiB, each ended by a
    /// newline) print nine copies of `expected.jsonl`.
    @Test func decodeStandardInputJoinsLinesSplitAcrossReadBlocks() async throws {
        let input = try Data(contentsOf: Fixtures.url("pdu-batch/input.txt"))
        let expected = try Data(contentsOf: Fixtures.url("pdu-batch/expected.jsonl"))
        let copies = 9
        let run = try await Subprocess.run(
            try BuiltProducts.executable("modemctl"),
            ["pdu", "decode", "-"],
            inputBytes: Data(Array(repeating: input + Data("\n".utf8), count: copies).joined())
        )
        #expect(!run.timedOut)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let want = String(decoding: Data(Array(repeating: expected, count: copies).joined()), as: UTF8.self)
        #expect(run.stdout.utf8.count == want.utf8.count)
        #expect(run.stdout == want)
    }

    /// A coprocess that writes one PDU and waits for its answer before it writes the next gets each answer at
    /// once: the batch path writes what it has before every read that may block.
    @Test func decodeStandardInputAnswersEachLineBeforeTheNextArrives() async throws {
        let vectors = try Self.vectors()
        let pdus = try ["mm-pdu2", "gammu-at-sms-07", "pm-wap-si-1"].map {
            try #require(vectors[$0], "vector \($0) missing").pdu
        }
        let process = try RunningProcess(
            try BuiltProducts.executable("modemctl"),
            ["pdu", "decode", "-"],
            standardInput: true
        )
        defer { process.stop() }
        for (index, pdu) in pdus.enumerated() {
            try process.writeInput(pdu + "\n")
            try await eventually(
                "answer \(index + 1) of \(pdus.count); stdout: \(process.stdout)",
                timeout: .seconds(20)
            ) {
                process.stdout.split(separator: "\n").count == index + 1
            }
        }
        try process.closeInput()
        #expect(try await process.exit(timeout: .seconds(20)) == 0)
        let lines = process.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == pdus.count)
        for (line, id) in zip(lines, ["mm-pdu2", "gammu-at-sms-07", "pm-wap-si-1"]) {
            #expect(try Self.json(line)["originator"]?["number"] == vectors[id]?.expect["originator"]?["number"])
        }
    }

    // MARK: - Bad input

    /// The reasons: odd hex, not hex, a PDU cut in the middle, and the PDUs ModemManager's parser must reject.
    @Test func badPDUExitsNonZeroWithTheReasonOnStandardError() async throws {
        let vectors = try Self.vectors()
        let cut = try #require(vectors["gammu-at-sms-07"]).pdu
        var bad = ["0791ABC", "07ZZ", String(cut.prefix(cut.count / 2))]
        let rejects = PDUVector.load("sms-malformed.jsonl").filter {
            $0.expect["outcome"]?.string == "reject" && $0.hasSMSC
        }
        try #require(!rejects.isEmpty, "no reject vectors in sms-malformed.jsonl")
        bad += rejects.map(\.pdu)
        for hex in bad {
            for json in [true, false] {
                let run = try await Self.modemctl(["pdu", "decode", hex] + (json ? ["--json"] : []))
                #expect(!run.timedOut)
                #expect(run.status != 0, "\(hex) decoded: \(run.stdout)")
                #expect(run.stdout.isEmpty, "\(hex): nothing on stdout, got \(run.stdout)")
                #expect(run.stderr.contains("cannot decode PDU:"), "\(hex): stderr \(run.stderr)")
                // A reason after the prefix, not only the prefix.
                let reason = run.stderr.components(separatedBy: "cannot decode PDU:").last ?? ""
                #expect(reason.trimmingCharacters(in: .whitespacesAndNewlines).count > 3, "\(hex): \(run.stderr)")
            }
        }
    }

    // MARK: - pdu encode → pdu decode

    struct EncodeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var extraArguments: [String]
        var alphabet: String
        var referenceBits: Int
        var testDescription: String { name }
    }

    static let encodeCases = [
        EncodeCase(
            name: "gsm7, 8-bit reference",
            text: String(repeating: "The quick brown fox jumps over the lazy dog {0} [1] € ", count: 8),
            extraArguments: ["--ref", "200"],
            alphabet: "gsm7",
            referenceBits: 8
        ),
        EncodeCase(
            name: "ucs2 with emoji, 16-bit reference",
            text: String(repeating: "Grüße 👋🏽 из Москвы — ok? ", count: 9),
            extraArguments: ["--ref-bits", "16", "--ref", "4660"],
            alphabet: "ucs2",
            referenceBits: 16
        ),
    ]

    @Test(arguments: encodeCases)
    func encodeJSONPartsDecodeBackToTheText(_ testCase: EncodeCase) async throws {
        let destination = "+15550000002"
        let run = try await Self.modemctl(
            ["pdu", "encode", "--to", destination, "--text", testCase.text, "--json"] + testCase.extraArguments
        )
        #expect(!run.timedOut)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        try #require(run.lines.count == 1, "one JSON object: \(run.stdout)")
        let encoded = try Self.json(run.lines[0])
        #expect(encoded["alphabet"] == .string(testCase.alphabet))
        let parts = try #require(encoded["parts"]?.array)
        try #require(parts.count > 1, "a long text needs several parts")
        let reference = try #require(Int(testCase.extraArguments.last ?? ""))

        var text = ""
        for (index, part) in parts.enumerated() {
            let pdu = try #require(part["pdu"]?.string)
            let tpduLength = try #require(part["tpdu_length"]?.int)
            // The SMSC field is the single 00 octet (no --smsc): AT+CMGS=<length> counts the octets after it.
            #expect(pdu.hasPrefix("00"))
            #expect(pdu.count % 2 == 0)
            #expect(tpduLength == pdu.count / 2 - 1)
            #expect(tpduLength <= 164, "TS 23.040 §9.2.2.2: an SMS-SUBMIT TPDU fits in 164 octets")

            let back = try await Self.modemctl(["pdu", "decode", pdu, "--json"])
            #expect(back.status == 0, "part \(index + 1): \(back.stderr)")
            let decoded = try Self.json(try #require(back.lines.first))
            #expect(decoded["type"] == .string("submit"))
            #expect(decoded["destination"]?["number"] == .string(destination))
            #expect(decoded["destination"]?["ton"] == .string("international"))
            #expect(decoded["alphabet"] == .string(testCase.alphabet))
            let concat = try #require(decoded["udh"]?["concat"], "part \(index + 1) has no concatenation IE")
            #expect(concat["ref"] == .int(reference))
            #expect(concat["total"] == .int(parts.count))
            #expect(concat["seq"] == .int(index + 1))
            #expect(concat["ref_bits"] == .int(testCase.referenceBits))
            text += try #require(decoded["text"]?.string)
        }
        #expect(text == testCase.text)
    }

    @Test func encodeRejectsABadReferenceWidthWithoutOutput() async throws {
        let run = try await Self.modemctl(
            ["pdu", "encode", "--to", "+15550000002", "--text", "hi", "--ref-bits", "12", "--json"]
        )
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("--ref-bits"))
    }

    // MARK: - Human output

    @Test func humanDecodeNamesTheSenderAndTheText() async throws {
        let vectors = try Self.vectors()
        for id in ["gammu-at-sms-07", "mm-pdu2"] {
            let vector = try #require(vectors[id])
            let run = try await Self.modemctl(["pdu", "decode", vector.pdu])
            #expect(run.status == 0, "\(id): \(run.stderr)")
            let sender = try #require(vector.expect["originator"]?["number"]?.string)
            let text = try #require(vector.expect["text"]?.string)
            #expect(run.stdout.contains(sender), "\(id): \(run.stdout)")
            // Multi-line texts are indented under their label: compare line by line.
            for line in text.split(separator: "\n") where !line.isEmpty {
                #expect(run.stdout.contains(line), "\(id): missing \(line) in \(run.stdout)")
            }
            #expect(run.stdout.contains("SMS-DELIVER"))
            #expect(!run.stdout.hasPrefix("{"), "human output is not JSON")
        }
    }

    @Test func humanEncodeGivesTheCMGSLengthAndThePDUOfEachPart() async throws {
        let text = String(repeating: "0123456789", count: 20)
        let json = try await Self.modemctl(["pdu", "encode", "--to", "+15550000002", "--text", text, "--json"])
        let human = try await Self.modemctl(["pdu", "encode", "--to", "+15550000002", "--text", text])
        #expect(human.status == 0 && json.status == 0)
        let line = try #require(json.lines.first)
        let parts = try #require(try Self.json(line)["parts"]?.array)
        #expect(parts.count == 2)
        for part in parts {
            let pdu = try #require(part["pdu"]?.string)
            let length = try #require(part["tpdu_length"]?.int)
            #expect(human.lines.contains(pdu), "PDU line \(pdu) missing: \(human.stdout)")
            #expect(human.stdout.contains("AT+CMGS=\(length)"))
        }
        #expect(human.stdout.contains("2 parts"))
    }
}
