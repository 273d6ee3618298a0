import Foundation
import SMSCodec

/// modemctl's one way to print JSON: every `--json` answer, the JSON lines of `pdu decode -` and the start-up lines
/// of `simulate` are a ``JSONValue`` (ordered keys, compact), one per line on standard output.
///
/// A line is written at once rather than held in stdio's buffer, so that a process reading through a pipe (a test,
/// a script waiting for `simulate` to start, a coprocess feeding `pdu decode -`) sees it as soon as it is complete.
/// The field names are a contract (DESIGN.md "Executables"): add fields, never rename them.
enum JSONOutput {
    /// Writes `value` and a newline to standard output.
    static func write(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.serialized + "\n").utf8))
    }
}

extension JSONValue {
    /// `.string(text)`, or `.null` when there is no text.
    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
}
