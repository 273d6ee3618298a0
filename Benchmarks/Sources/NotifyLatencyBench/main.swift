// NotifyLatencyBench (a benchmark, not a test): the time from an SMS arriving at the simulator to the GENA
// NOTIFY at a subscriber, through the whole daemon stack in one process on loopback: SimulatedNetwork → simulated
// modem → ATModem over an in-memory pipe → MessagingService (temporary SQLite database) → MessagingUPnPService →
// UPnPDevice (127.0.0.1, ephemeral ports) → HTTP NOTIFY to a NIO listener that SUBSCRIBEd like any control point.
//
// Two series: injections ≥ 1.2 s apart (each message finds the 1 s moderation window of NewMessages open, as a
// user's occasional SMS does: Table 8, messaging-v2.md §4) and injections 0.3 s apart (the moderation holds
// later messages back to the end of the window). Goal: p99 ≤ 1050 ms for the first series.
//
// Usage: NotifyLatencyBench [--count N] [--spacing SECONDS] [--burst-count N] [--burst-spacing SECONDS]
//                           [--budget SECONDS] [--log-level LEVEL]
import Foundation
import Logging

/// Parses, runs, and returns the exit status: 0 measured (whatever the verdict), 1 failed, 2 usage.
func benchMain() async -> Int32 {
    let options: BenchOptions
    do {
        options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("NotifyLatencyBench: \(error)\n\(BenchOptions.usage)\n".utf8))
        return 2
    }
    let level = options.logLevel
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    do {
        try await NotifyLatencyBenchmark(options: options).run()
        return 0
    } catch {
        FileHandle.standardError.write(Data("NotifyLatencyBench: failed: \(error)\n".utf8))
        return 1
    }
}

exit(await benchMain())
