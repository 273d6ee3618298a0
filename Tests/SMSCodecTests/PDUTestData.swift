import Foundation
import TestSupport
import Testing

@testable import SMSCodec

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
