import Foundation
import TestSupport
import Testing

@testable import SMSCodec

/// One line of `Tests/Fixtures/encode-cases.jsonl` (format: `Tests/Fixtures/README.md`).
struct EncodeCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Run: Decodable, Sendable {
        let `repeat`: String
        let count: Int
    }

    struct Input: Decodable, Sendable {
        let text: String?
        let textRuns: [Run]?
        let refBits: Int?
        let allowNationalShift: Bool?
        let dcsHex: String?
    }

    struct Expect: Decodable, Sendable {
        let alphabet: String?
        let totalUnits: Int?
        let parts: Int?
        let partUnits: [Int]?
        let partTexts: [String]?
        let error: String?
        let pdus: [String]?
        let tpduLengths: [Int]?
    }

    let id: String
    let kind: String
    let input: Input
    let expect: Expect

    var testDescription: String { id }

    /// The input text, expanding `text_runs`.
    var text: String {
        if let text = input.text { return text }
        return (input.textRuns ?? []).map { String(repeating: $0.repeat, count: $0.count) }.joined()
    }

    /// Options as the vector states them (national shift tables off, as everywhere in the file).
    var options: SegmentationOptions {
        SegmentationOptions(
            referenceBits: input.refBits == 16 ? .sixteen : .eight,
            nationalLanguages: (input.allowNationalShift ?? false) ? .auto : .none
        )
    }
}

/// Loads the encoder vectors of `Tests/Fixtures/encode-cases.jsonl`.
enum EncodingCaseVectors {
    static let file = "encode-cases.jsonl"

    /// Every record, or an empty list when the file cannot be read (``loadError`` then says why; a dedicated test
    /// fails on it, so an empty argument list cannot pass silently).
    static let all: [EncodeCase] = (try? load()) ?? []

    static var loadError: String? {
        do {
            _ = try load()
            return nil
        } catch {
            return "\(Fixtures.url(file).path): \(error)"
        }
    }

    static func load() throws -> [EncodeCase] {
        let data = try Fixtures.data(file)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map {
            try decoder.decode(EncodeCase.self, from: Data($0))
        }
    }

    static func cases(kind: String) -> [EncodeCase] { all.filter { $0.kind == kind } }
}
