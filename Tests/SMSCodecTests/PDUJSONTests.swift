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

    /// The byte writer against a plain reference: integers on each side of the digit-count boundaries, strings of
    /// every length up to 40 (short copies, the eight-byte escape scan and its tail) with and without a character
    /// to escape at each position, and keys of the lengths that take each kind of short copy.
    @Test func byteWriterMatchesAReferenceForIntegersStringsAndKeys() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case "\u{00}"..."\u{1F}":
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        for number in [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 65_535, -1, -9, -10, -1000, .max, .min] {
            #expect(JSONValue.int(number).serialized == String(number))
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCD")
        for length in 0...40 {
            let plain = String(alphabet.prefix(length))
            #expect(JSONValue.string(plain).serialized == reference(plain), "length \(length)")
            for position in 0..<length {
                for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "€"] {
                    var characters = Array(plain)
                    characters[position] = Character(special)
                    let text = String(characters)
                    #expect(JSONValue.string(text).serialized == reference(text), "\(text.debugDescription)")
                }
            }
        }
        var writer = JSONByteWriter()
        writer.beginObject()
        writer.member("a", .bool(true))
        writer.member("abc", .bool(false))
        writer.member("abcd", .null)
        writer.member("abcdefg", .int(7))
        writer.member("abcdefgh", .int(8))
        writer.member("abcdefghijklmno", .int(15))
        writer.member("abcdefghijklmnop", .int(16))
        writer.member("abcdefghijklmnopq", .int(17))
        writer.endObject()
        let written = writer.withBytes { String(decoding: $0, as: UTF8.self) }
        #expect(
            written == #"{"a":true,"abc":false,"abcd":null,"abcdefg":7,"abcdefgh":8,"abcdefghijklmno":15,"#
                + #""abcdefghijklmnop":16,"abcdefghijklmnopq":17}"#
        )
    }
}
