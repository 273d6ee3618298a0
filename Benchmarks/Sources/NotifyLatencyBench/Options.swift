import Logging

/// Command-line options; every value is range-checked so that a run stays bounded.
struct BenchOptions: Sendable {
    /// Measured injections of the spaced series.
    var count = 30
    /// Seconds between two injections of the spaced series (≥ 1.2 so the 1 s moderation window has closed).
    var spacing = 1.2
    /// Injections of the burst series.
    var burstCount = 30
    /// Seconds between two injections of the burst series.
    var burstSpacing = 0.3
    /// Wall-clock budget of the whole run (start-up, both series, shutdown), in seconds.
    var budget = 90.0
    var logLevel: Logger.Level = .warning

    static let maximumCount = 1000
    static let usage = """
        usage: NotifyLatencyBench [--count N] [--spacing SECONDS] [--burst-count N] [--burst-spacing SECONDS] \
        [--budget SECONDS] [--log-level LEVEL]
        defaults: --count 30 --spacing 1.2 --burst-count 30 --burst-spacing 0.3 --budget 90 --log-level warning
        """

    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ name: String) throws -> String {
            guard let value = rest.popFirst() else { throw BenchError("\(name) needs a value") }
            return value
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            let text = try value(name)
            guard let n = Int(text), range.contains(n) else { throw BenchError("\(name) must be in \(range)") }
            return n
        }
        func seconds(_ name: String, _ range: ClosedRange<Double>) throws -> Double {
            let text = try value(name)
            guard let s = Double(text), range.contains(s) else { throw BenchError("\(name) must be in \(range)") }
            return s
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--count": count = try integer(argument, 1...Self.maximumCount)
            case "--spacing": spacing = try seconds(argument, 0.01...60)
            case "--burst-count": burstCount = try integer(argument, 0...Self.maximumCount)
            case "--burst-spacing": burstSpacing = try seconds(argument, 0.01...60)
            case "--budget": budget = try seconds(argument, 1...3600)
            case "--log-level":
                let text = try value(argument)
                guard let level = Logger.Level(rawValue: text) else { throw BenchError("unknown log level '\(text)'") }
                logLevel = level
            case "-h", "--help":
                print(Self.usage)
                throw BenchError("help requested")
            default: throw BenchError("unknown argument '\(argument)'")
            }
        }
    }
}

/// A failure of the benchmark itself (not a measurement).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
