import Foundation
import Testing

@testable import Modem

@Suite struct ATUnsolicitedTests {
    /// Every URC block of the transcripts (`urcs[].lines`, URC raw dumps, gammu's sequences) through an idle
    /// engine, whole and byte by byte: each yields events, none is dropped silently or stops the stream.
    static let blocks: [String] = {
        var blocks: [String] = []
        for file in Transcripts.fileNames {
            guard let object = try? Transcripts.load(file) else { continue }
            for urc in (object["urcs"] as? [[String: Any]]) ?? [] {
                if let lines = urc["lines"] as? String, !lines.isEmpty { blocks.append(lines) }
            }
            for dump in (object["raw_dumps"] as? [[String: Any]]) ?? [] {
                if let raw = dump["raw"] as? String, raw.hasPrefix("+CUSD") { blocks.append(raw) }
            }
            for sequence in (object["sequences"] as? [[String: Any]]) ?? [] {
                for literal in (sequence["string_literals_in_order"] as? [String]) ?? []
                where literal.hasPrefix("+CMT") || literal.hasPrefix("+CDS") {
                    blocks.append(literal)
                }
            }
        }
        return blocks
    }()

    @Test func theTranscriptsHaveURCs() {
        #expect(Self.blocks.count >= 20)
    }

    @Test(arguments: blocks)
    func transcriptURCsBecomeEvents(block: String) {
        for byteAtATime in [false, true] {
            var machine = ATEngine.StateMachine()
            let bytes = Array((block + "\r\n").utf8)
            let actions = byteAtATime ? bytes.flatMap { machine.receive([$0]) } : machine.receive(bytes)
            let emitted = actions.compactMap { if case .emit(let urc) = $0 { urc } else { nil } }
            #expect(!emitted.isEmpty, "\(block.debugDescription)")
            #expect(!actions.contains { if case .complete = $0 { true } else { false } })
        }
    }

    @Test(arguments: [
        // huawei-e160.json: unquoted packed-GSM7 hex, no DCS
        (
            "+CUSD: 0, 49B41C74ACD3D16171D90D",
            ATUnsolicited.ussd(status: 0, message: "49B41C74ACD3D16171D90D", dcs: nil)
        ),
        // dell-unknown-model.json: plain text, DCS 15
        ("+CUSD: 0,\"On DATA Pack\",15", .ussd(status: 0, message: "On DATA Pack", dcs: 15)),
        ("+CUSD: 2", .ussd(status: 2, message: nil, dcs: nil)),
        ("+CMTI: \"SR\",12", .messageStored(.statusReports, index: 12)),
        ("+CDSI: \"SM\",3", .statusReportStored(.sim, index: 3)),  // python-gsmmodem-generic-sms.json
        ("+CREG: 5,\"5E25\",\"605F\",2", .registration(.roaming, domain: "CREG")),
        ("+CEREG: 1", .registration(.home, domain: "CEREG")),
        ("^RSSI: 99", .signal(rssi: 99)),
        ("^SMMEMFULL: \"ME\"", .storageFull(.phone)),
        ("+QIND: \"smsfull\",\"SM\"", .storageFull(.sim)),
        ("+CIEV: \"SMSFULL\",0", .storageAvailable(nil)),
        ("+CIEV: 7,1", .indicator(name: "7", value: 1)),
        ("^MODE: 5,4", .vendor(name: "^MODE", value: "5,4")),
        ("^DSFLOWRPT:0000,0,0", .vendor(name: "^DSFLOWRPT", value: "0000,0,0")),
        ("+CRING: VOICE", .ring),
        ("SMS Ready", .ready("SMS Ready")),
        ("+CMTI: \"SM\",x", .unknown("+CMTI: \"SM\",x")),
        ("+CREG: 9", .unknown("+CREG: 9")),
    ])
    func typedURCs(line: String, expected: ATUnsolicited) {
        #expect(ATUnsolicited.parse(line) == .complete(expected))
    }

    @Test func twoLineHeadersAskForThePDU() {
        #expect(ATUnsolicited.parse("+CMT: ,23") == .header(.deliver))
        #expect(ATUnsolicited.parse("+CMT: \"\",23") == .header(.deliver))
        #expect(ATUnsolicited.parse("+CDS:25") == .header(.statusReport))
        #expect(ATUnsolicited.parse("+CBM: 88") == .header(.broadcast))
    }

    @Test func informationLinesAreNotURCs() {
        for line in ["huawei", "0791AB", "+CMGL: 1,0,,23", "+CSQ: 17,99", "OK", "+XYZ: 1"] {
            #expect(ATUnsolicited.parse(line) == nil, "\(line)")
        }
    }
}
