import Foundation
import TestSupport
import Testing

/// Reads `Tests/Fixtures/at-transcripts/*.json` (format and provenance: `Tests/Fixtures/README.md`).
enum Transcripts {
    static let directory = "at-transcripts"

    /// The transcript files; empty when the directory cannot be read, which `transcriptsAreThere` fails on.
    static var fileNames: [String] {
        (try? Fixtures.fileNames(in: directory, suffix: ".json")) ?? []
    }

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Fixtures.data("\(directory)/\(name)")
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }

    /// `commands` of one transcript: command (with trailing CR) → raw response.
    static func commands(_ name: String) throws -> [String: String] {
        (try load(name)["commands"] as? [String: String]) ?? [:]
    }

    /// One command/response pair from any transcript.
    struct Exchange: CustomTestStringConvertible, Sendable {
        var file: String
        var command: String
        var response: String
        var testDescription: String { "\(file) \(command.debugDescription)" }
    }

    /// Every command → response pair in every transcript: `commands`, `text_mode_commands`, sequence exchanges,
    /// and raw dumps that start with an echoed command line.
    static func allExchanges() -> [Exchange] {
        var result: [Exchange] = []
        for file in fileNames {
            guard let object = try? load(file) else { continue }
            for key in ["commands", "text_mode_commands"] {
                for (command, response) in (object[key] as? [String: String]) ?? [:] {
                    result.append(Exchange(file: file, command: command, response: response))
                }
            }
            for sequence in (object["sequences"] as? [[String: Any]]) ?? [] {
                for step in (sequence["exchange"] as? [[String: String]]) ?? [] {
                    if let tx = step["tx"], let rx = step["rx"], tx.hasPrefix("AT") {
                        result.append(Exchange(file: file, command: tx, response: rx))
                    }
                }
            }
            for dump in (object["raw_dumps"] as? [[String: Any]]) ?? [] {
                guard let raw = dump["raw"] as? String, raw.hasPrefix("AT") else { continue }
                guard let end = raw.firstIndex(where: { $0 == "\n" || $0 == "\r" }) else { continue }
                // The dump starts with the echoed command: keep it in the response, so echo handling is exercised.
                result.append(Exchange(file: file, command: String(raw[..<end]), response: raw))
            }
        }
        return result.sorted { ($0.file, $0.command) < ($1.file, $1.command) }
    }
}
