import Foundation
import MessageStore
import Messaging
import MessagingUPnP
import Modem
import UPnP

// SearchMessages and ReadMessage over a store of 100,000 received messages (goal: p99 ≤ 20 ms, for pages of 1,000
// results too), and the mirror's import rate with the modem's time excluded. A plain timing loop in release mode,
// like CodecBench. The store is a WAL file database, as on the board; the messages arrive through the real mirror
// from an instant in-memory modem. The SOAP lines run the Messaging:2 binding's action handler (typed arguments →
// service → store → MessageList fragment text), without HTTP: what SearchMessages costs beyond the wire.
//
//   swift run -c release --package-path Benchmarks MessagingBench [--messages N] [--iterations K]
// BENCH_SUMMARY=FILE appends one line per figure for scripts/bench-all (scripts/lib/bench.sh).

/// Command-line bounds.
let maximumMessages = 1_000_000
let maximumIterations = 100_000

var messageCount = 100_000
var iterations = 1_000
var argumentIndex = 1
let arguments = CommandLine.arguments
while argumentIndex + 1 < arguments.count {
    let value = Int(arguments[argumentIndex + 1]) ?? 0
    switch arguments[argumentIndex] {
    case "--messages": messageCount = min(max(1_000, value), maximumMessages)
    case "--iterations": iterations = min(max(10, value), maximumIterations)
    default: break
    }
    argumentIndex += 2
}

/// Distinct senders: a peer search returns messageCount / senderCount messages.
let senderCount = 1_000
/// Distinct topic words: a text search returns messageCount / topicCount messages.
let topicCount = 1_000
/// Messages put on the modem per mirror pass while filling.
let importBatch = 5_000

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func sender(_ n: Int) -> String { "+1555" + String(format: "%07d", 100_000 + n % senderCount) }

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("messaging-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try MessageStore(path: directory.appendingPathComponent("messages.sqlite").path)
let modem = InstantModem()
var configuration = MessagingConfiguration()
configuration.mirrorInterval = .seconds(3600)
let service = MessagingService(store: store, modem: modem, configuration: configuration, logger: .init(label: "bench"))
let running = Task { try await service.run() }

var generated = 0
/// Puts `count` new messages on the modem and waits until the mirror imported them; returns the time it took.
@MainActor
func importNext(_ count: Int) async throws -> Duration {
    var pdus: [[UInt8]] = []
    pdus.reserveCapacity(count)
    for _ in 0..<count {
        let n = generated
        generated += 1
        pdus.append(
            try InstantModem.deliverPDU(
                from: sender(n),
                text: "Message \(n) about topic\(n % topicCount)x and nothing else of note",
                second: n
            )
        )
    }
    let before = try await service.mirrorStatus().importedParts
    let start = ContinuousClock.now
    modem.store(pdus)
    service.requestMirrorPass()
    while try await service.mirrorStatus().importedParts < before + count {
        try await Task.sleep(for: .milliseconds(10))
    }
    return ContinuousClock.now - start
}

var importTime = Duration.zero
while generated < messageCount { importTime += try await importNext(min(importBatch, messageCount - generated)) }
print("store: \(messageCount) messages imported by the mirror in \(String(format: "%.2f", seconds(importTime))) s")
print(
    "mirror import rate: \(Int(Double(messageCount) / seconds(importTime))) messages/s "
        + "(decode + dedupe + commit + delete bookkeeping; modem time excluded)"
)

/// The goal of every latency figure here (p99, milliseconds).
let goalMilliseconds = 20.0

/// Appends a figure to BENCH_SUMMARY's file, when the variable names one (scripts/lib/bench.sh).
func summarize(_ name: String, p99: Double) {
    guard let path = ProcessInfo.processInfo.environment["BENCH_SUMMARY"], !path.isEmpty,
        let file = FileHandle(forWritingAtPath: path)
    else { return }
    defer { try? file.close() }
    let line = [
        "\(name), p99 ms (MessagingBench)", String(format: "%.3f", p99), "-", "-", "<= 20 ms",
        p99 <= goalMilliseconds ? "yes" : "no",
    ].joined(separator: "\t")
    _ = try? file.seekToEnd()
    try? file.write(contentsOf: Data((line + "\n").utf8))
}

/// Runs `operation` `iterations` times and prints p50/p99/max in milliseconds.
@MainActor
func measure(_ name: String, _ operation: (Int) async throws -> Int) async throws {
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    var results = 0
    for iteration in 0..<iterations {
        let start = ContinuousClock.now
        results += try await operation(iteration)
        samples.append(seconds(ContinuousClock.now - start) * 1000)
    }
    samples.sort()
    func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
    let perOperation = results / max(1, iterations)
    print(
        String(
            format: "%-66@ p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (%d results/op)",
            name as NSString,
            percentile(0.50),
            percentile(0.99),
            samples.last ?? 0,
            perOperation
        )
    )
    summarize("\(name) [\(perOperation) results]", p99: percentile(0.99))
}

let ids = try await service.searchMessages(MessageQuery(limit: messageCount)).map(\.id.description)
let firstDate = try await service.searchMessages(MessageQuery(limit: 1)).first?.dateReceived?.date ?? Date()

try await measure("SearchMessages peer (typed)") { i in
    try await service.searchMessages(MessageQuery(peer: sender(i * 37))).count
}
try await measure("SearchMessages text (typed, FTS trigram)") { i in
    try await service.searchMessages(MessageQuery(text: "topic\((i * 37) % topicCount)x")).count
}
try await measure("SearchMessages time window, limit 100 (typed)") { _ in
    try await service.searchMessages(MessageQuery(since: firstDate, limit: 100)).count
}
try await measure("SearchMessages time window, page of 1,000 (typed)") { _ in
    try await service.searchMessages(MessageQuery(since: firstDate, limit: 1_000)).count
}
try await measure("SearchMessages criteria: SMS/Outgoing/Unread") { _ in
    try await service.searchMessages(MessageQuery(messageClass: .sms, folder: .outgoing, status: .unread)).count
}

// Exactly 1,000 messages read (spread over the store), for the criteria search that returns 1,000 results.
let pageSize = min(1_000, ids.count)
for k in 0..<pageSize { _ = try await service.readMessage(id: ids[(k * ids.count) / pageSize]) }
try await measure("SearchMessages criteria: SMS/Received/Read (1,000 read)") { _ in
    try await service.searchMessages(MessageQuery(messageClass: .sms, folder: .received, status: .read)).count
}
let binding = MessagingUPnPService(service: service, logger: .init(label: "bench"))
let context = UPnPActionContext(
    clientAddress: .v4(127, 0, 0, 1),
    requestedServiceType: MessagingServiceDescription.serviceType
)
let readCriteria: [(name: String, value: String)] = [
    ("MessageClass", "SMS"), ("MessageFolder", "Received"), ("MessageStatus", "Read"), ("SessionID", ""),
]
let listed = try await binding.invoke(action: "SearchMessages", arguments: readCriteria, context: context)
let listedCount = (listed.first?.value.components(separatedBy: "<message>").count ?? 1) - 1
if listedCount != pageSize { print("warning: the SOAP SearchMessages listed \(listedCount) messages, not \(pageSize)") }
try await measure("SOAP SearchMessages SMS/Received/Read, MessageList fragment") { _ in
    let outputs = try await binding.invoke(action: "SearchMessages", arguments: readCriteria, context: context)
    return outputs.isEmpty ? 0 : listedCount
}
try await measure("ReadMessage (random ID)") { i in
    try await service.readMessage(id: ids[(i &* 7919) % ids.count]).text?.isEmpty == false ? 1 : 0
}
running.cancel()
_ = await running.result
