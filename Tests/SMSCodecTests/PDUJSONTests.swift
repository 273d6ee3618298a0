import Testing

@testable import SMSCodec

/// The `modemctl pdu … --json` contract (DESIGN.md): field names are fixed; fields may be added, never renamed.
@Suite struct PDUJSONTests {
    @Test func decodeJSONHasTheContractFields() throws {
        let deliver = try SMSPDU.decode(
            hex: "0791947122725014440185F039F501801140311480720B05040B8423F0000301"
                + "0201" + String(repeating: "00", count: 110),
            hasSMSC: true,
            options: .lenient
        )
        let json = deliver.json
        for key in ["type", "smsc", "originator", "alphabet", "dcs", "class", "scts", "udh"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["type"] == .string("deliver"))
        for key in ["number", "ton", "npi"] { #expect(json["originator"]?[key] != nil) }
        for key in ["ref", "total", "seq", "ref_bits"] { #expect(json["udh"]?["concat"]?[key] != nil) }
        for key in ["src", "dst"] { #expect(json["udh"]?["ports"]?[key] != nil) }

        let report = try SMSPDU.decode(hex: "06040D91945152991136F00160124130340A0160124130940A00", hasSMSC: false)
        for key in ["type", "recipient", "mr", "status", "scts"] { #expect(report.json[key] != nil, "missing \(key)") }
        #expect(report.json["type"] == .string("status-report"))
        #expect(report.json["smsc"] == nil)  // a bare TPDU has no SMSC field at all
    }

    @Test func encodeJSONHasTheContractFields() throws {
        let message = try SMSEncoder.encode(text: "hi", to: "+15550000099")
        let json = message.json
        #expect(json["alphabet"] == .string("gsm7"))
        guard case .array(let parts) = json["parts"] else {
            Issue.record("parts is not an array")
            return
        }
        #expect(parts.count == 1)
        #expect(parts[0]["pdu"] == .string("0001000B915155000090F9000002E834"))
        #expect(parts[0]["tpdu_length"] == .int(15))
    }

    @Test func serializationEscapesLikeJSON() {
        let value = JSONValue.object([
            ("text", .string("a\"b\\c\nd\u{0C}\u{01}€")), ("n", .int(-3)), ("b", .bool(true)), ("z", .null),
            ("list", .array([.int(1), .string("x")])),
        ])
        #expect(value.serialized == #"{"text":"a\"b\\c\nd\f\u0001€","n":-3,"b":true,"z":null,"list":[1,"x"]}"#)
    }
}
