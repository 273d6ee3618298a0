import Foundation
import Testing

@testable import SMSCodec

/// A JSON value read from the shared test vectors (order of object keys is not kept; comparisons are by key).
enum TestJSON: Decodable, Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([TestJSON])
    case object([String: TestJSON])

    init(from decoder: any Decoder) throws {
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

    subscript(key: String) -> TestJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? { if case .string(let v) = self { v } else { nil } }
    var int: Int? { if case .int(let v) = self { v } else { nil } }
    var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    var array: [TestJSON]? { if case .array(let v) = self { v } else { nil } }

    var description: String {
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

/// One line of a `testdata/*.jsonl` file.
struct Vector: Sendable, CustomTestStringConvertible {
    let id: String
    let record: TestJSON

    var testDescription: String { id }
    var pdu: String { record["pdu"]?.string ?? "" }
    var hasSMSC: Bool { record["has_smsc"]?.bool ?? false }
    var expect: TestJSON { record["expect"] ?? .null }
}

enum SharedTestData {
    /// `../shared/testdata` next to the repository root (Tests/SMSCodecTests/<file> → three levels up).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata")

    /// Every record of a JSON-lines file. A missing file yields no vectors, and ``requireVectors`` fails the run.
    static func load(_ name: String) -> [Vector] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").compactMap { line -> Vector? in
            guard let record = try? JSONDecoder().decode(TestJSON.self, from: Data(line.utf8)) else { return nil }
            return Vector(id: record["id"]?.string ?? "?", record: record)
        }
    }

    /// Number of non-empty lines, to prove that every line parsed.
    static func lineCount(_ name: String) -> Int {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
            return -1
        }
        return text.split(separator: "\n").count
    }
}

/// Checks that `actual` has every key of `expected` with an equal value (recursively; extra keys are fine).
func expectMatch(
    _ actual: JSONValue?,
    _ expected: TestJSON,
    path: String,
    skipping skipped: Set<String> = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    switch (actual, expected) {
    case (.some(.object(let members)), .object(let wanted)):
        for (key, value) in wanted.sorted(by: { $0.key < $1.key }) where !skipped.contains("\(path).\(key)") {
            let found = members.first { $0.0 == key }?.1
            guard let found else {
                Issue.record("\(path).\(key): missing, expected \(value)", sourceLocation: sourceLocation)
                continue
            }
            expectMatch(found, value, path: "\(path).\(key)", skipping: skipped, sourceLocation: sourceLocation)
        }
    case (.some(.array(let items)), .array(let wanted)):
        guard items.count == wanted.count else {
            Issue.record("\(path): \(items.count) items, expected \(wanted.count)", sourceLocation: sourceLocation)
            return
        }
        for (index, (item, want)) in zip(items, wanted).enumerated() {
            expectMatch(item, want, path: "\(path)[\(index)]", skipping: skipped, sourceLocation: sourceLocation)
        }
    case (.some(.null), .null): break
    case (.some(.bool(let a)), .bool(let b)) where a == b: break
    case (.some(.int(let a)), .int(let b)) where a == b: break
    case (.some(.string(let a)), .string(let b)) where a == b: break
    default:
        Issue.record(
            "\(path): got \(actual.map { $0.serialized } ?? "nothing"), expected \(expected)",
            sourceLocation: sourceLocation
        )
    }
}
