import Foundation
import Testing

/// A JSON value read from the SMS vector files (order of object keys is not kept; comparisons are by key).
package enum TestJSON: Decodable, Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([TestJSON])
    case object([String: TestJSON])

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([TestJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: TestJSON].self))
        }
    }

    package subscript(key: String) -> TestJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    package var string: String? { if case .string(let v) = self { v } else { nil } }
    package var int: Int? { if case .int(let v) = self { v } else { nil } }
    package var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    package var array: [TestJSON]? { if case .array(let v) = self { v } else { nil } }

    package var description: String {
        switch self {
        case .null: "null"
        case .bool(let v): "\(v)"
        case .int(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .array(let v): "[" + v.map(\.description).joined(separator: ",") + "]"
        case .object(let v):
            "{" + v.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") + "}"
        }
    }
}

/// One record of an SMS vector file (`Tests/Fixtures/sms-*.jsonl`, `concat-sets.jsonl`, `encode-cases.jsonl`;
/// the fields are described in `Tests/Fixtures/README.md`).
package struct PDUVector: Sendable, CustomTestStringConvertible {
    package let id: String
    package let record: TestJSON

    package var testDescription: String { id }
    package var pdu: String { record["pdu"]?.string ?? "" }
    package var hasSMSC: Bool { record["has_smsc"]?.bool ?? false }
    package var expect: TestJSON { record["expect"] ?? .null }

    /// Every record of the JSON-lines fixture `file`. A file that cannot be read yields no vectors, and the
    /// suite's check against ``lineCount(_:)`` fails the run.
    package static func load(_ file: String) -> [PDUVector] {
        guard let lines = try? Fixtures.lines(file) else { return [] }
        return lines.compactMap { line -> PDUVector? in
            guard let record = try? JSONDecoder().decode(TestJSON.self, from: Data(line.utf8)) else { return nil }
            return PDUVector(id: record["id"]?.string ?? "?", record: record)
        }
    }

    /// Number of non-empty lines of `file` (-1 when it cannot be read), to prove that every line parsed.
    package static func lineCount(_ file: String) -> Int {
        (try? Fixtures.lines(file).count) ?? -1
    }
}
