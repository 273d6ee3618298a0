import Foundation
import Logging
import MMSCodec
import MessageStore
import Messaging
import MessagingServer
import Modem
import ModemSimulator

// MMS benchmark (not a test):
//
//   MMSBench codec SECONDS             decodes and encodes a 300 KB m-retrieve-conf for SECONDS each; prints
//                                      "decode <MB/s> <PDUs/s> <bytes>" and "encode …"
//   MMSBench allocs N decode|encode    decodes (or encodes) it N times and nothing else, for valgrind's count
//   MMSBench e2e RUNS KB               RUNS sends of a KB-kilobyte MMS to the echo subscriber through the service
//                                      and the simulated MMSC on loopback; prints each run and the median, in ms
//
// scripts/bench-mms builds this in release mode and runs it.

// MARK: - The 300 KB m-retrieve-conf

/// Bytes that look random (a multiplicative hash of the position), the same in every run.
func scrambled(_ count: Int, seed: UInt64) -> [UInt8] {
    (0..<UInt64(count)).map { UInt8(truncatingIfNeeded: (($0 &+ seed &* 0x1_0000) &* 0x9E37_79B9_7F4A_7C15) >> 56) }
}

/// A JPEG-shaped part: SOI, an APP0 (JFIF) segment, scrambled bytes for the entropy-coded data, EOI. The decoder copies a part's
/// octets whatever they are, so only the size and the part structure matter to the figure.
func jpeg(_ size: Int, seed: UInt64) -> [UInt8] {
    let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    return head + scrambled(max(0, size - head.count - 2), seed: seed) + [0xFF, 0xD9]
}

/// The composition the report states: multipart/related with a SMIL part (one slide per image), a UTF-8 text part
/// of 1 KiB, and three image/jpeg parts of equal size, sized so that the whole PDU is 300 KiB (307,200 octets).
func retrieveConf(imageBytes: Int) -> MMSRetrieveConf {
    let smil = """
        <smil><head><layout><root-layout width="320" height="480"/><region id="Image" top="0" height="80%"/>\
        <region id="Text" top="80%" height="20%"/></layout></head><body>\
        <par dur="5s"><img src="a.jpg" region="Image"/><text src="t.txt" region="Text"/></par>\
        <par dur="5s"><img src="b.jpg" region="Image"/></par><par dur="5s"><img src="c.jpg" region="Image"/></par>\
        </body></smil>
        """
    var parts = [
        WSPPart(
            contentType: WSPContentType("application/smil"),
            headers: [.contentID("<smil>"), .contentLocation("smil.xml")],
            data: Array(smil.utf8)
        ),
        WSPPart.text(
            String(repeating: "Grüße aus Köln — ", count: 1024 / 20),
            charset: .utf8,
            headers: [.contentLocation("t.txt")]
        )!,
    ]
    for (index, name) in ["a.jpg", "b.jpg", "c.jpg"].enumerated() {
        parts.append(
            WSPPart(
                contentType: WSPContentType("image/jpeg", parameters: [.name(name)]),
                headers: [.contentLocation(name)],
                data: jpeg(imageBytes, seed: UInt64(index + 1))
            )
        )
    }
    return MMSRetrieveConf(
        messageID: "bench-1",
        date: 1_800_000_000,
        from: EncodedStringValue("+15550000077/TYPE=PLMN"),
        to: [EncodedStringValue("+15550000001/TYPE=PLMN")],
        subject: EncodedStringValue("Benchmark"),
        content: .multipart(parts, smilStart: "<smil>")
    )
}

/// The m-retrieve-conf of exactly 300 KiB, and its octets.
func benchmarkPDU() -> (conf: MMSRetrieveConf, octets: [UInt8]) {
    let target = 300 * 1024
    let overhead = MMSMessage.retrieveConf(retrieveConf(imageBytes: 0)).encoded().count
    // Each image's length is a uintvar in its part header; three more octets of it at most per part.
    var imageBytes = (target - overhead) / 3
    var octets = MMSMessage.retrieveConf(retrieveConf(imageBytes: imageBytes)).encoded()
    imageBytes -= (octets.count - target + 2) / 3
    let conf = retrieveConf(imageBytes: imageBytes)
    octets = MMSMessage.retrieveConf(conf).encoded()
    return (conf, octets)
}

// MARK: - Codec timing

func elapsed(_ start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Reads what an operation produced (its size and a byte of its end), so that the optimizer cannot drop or hoist
/// the operation.
func consume(_ octets: [UInt8]) -> Int { octets.count &+ Int(octets.last ?? 0) }

func consume(_ conf: MMSRetrieveConf) -> Int {
    conf.content.parts.reduce(0) { $0 &+ consume($1.data) }
}

func timeCodec(seconds: Double) throws {
    let (conf, octets) = benchmarkPDU()
    let message = MMSMessage.retrieveConf(conf)
    var sink = 0
    // Warm-up, and a check that the PDU decodes to what was encoded.
    guard try MMSMessage(decoding: octets) == message else { fatalError("the PDU does not round-trip") }
    var count = 0
    var start = ContinuousClock.now
    while elapsed(start) < seconds {
        for _ in 0..<10 {
            guard case .retrieveConf(let decoded) = try MMSMessage(decoding: octets) else { fatalError("decode") }
            sink &+= consume(decoded)
        }
        count += 10
    }
    var time = elapsed(start)
    print(
        String(
            format: "decode %.1f %.1f %d",
            Double(count * octets.count) / time / 1e6,
            Double(count) / time,
            octets.count
        )
    )
    count = 0
    start = ContinuousClock.now
    while elapsed(start) < seconds {
        for _ in 0..<10 { sink &+= consume(message.encoded()) }
        count += 10
    }
    time = elapsed(start)
    print(
        String(
            format: "encode %.1f %.1f %d",
            Double(count * octets.count) / time / 1e6,
            Double(count) / time,
            octets.count
        )
    )
    if sink == 42 { print("") }
}

func countAllocations(_ count: Int, operation: String) throws {
    let (conf, octets) = benchmarkPDU()
    let message = MMSMessage.retrieveConf(conf)
    var sink = 0
    for _ in 0..<count {
        if operation == "encode" {
            sink &+= consume(message.encoded())
        } else {
            guard case .retrieveConf(let decoded) = try MMSMessage(decoding: octets) else { fatalError("decode") }
            sink &+= consume(decoded)
        }
    }
    print("\(operation) \(count) \(sink)")
}

// MARK: - End to end through the simulator

/// The attachments SendMessage names, from memory (a control point's link, without HTTP).
struct MemoryFetcher: FileFetcher {
    var files: [String: FetchedFile]

    func fetch(_ uri: String, maximumBytes: Int) async throws -> FetchedFile {
        guard let file = files[uri] else { throw FileFetchError("HTTP 404") }
        return file
    }
}

/// SendMessage of a `kilobytes` MMS (one image/jpeg attachment and a short text) to the echo subscriber, until
/// the echo's MMS is in Received with its content fetched: the service (outbox → m-send-req over HTTP), the
/// simulated MMSC, the echo's m-notification-ind as a WAP push through the simulated network and modem (AT, +CMT),
/// the mirror's import, the fetch over HTTP, the store. `runs` times; one message at a time.
func endToEnd(runs: Int, kilobytes: Int) async throws {
    let logger = Logger(label: "mms-bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mms-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    let network = SimulatedNetwork(logger: logger)
    let simulated = await network.makeModem()
    let (driverSide, modemSide) = InMemoryTransport.makePair()
    let modem = ATModem(transport: driverSide, logger: logger)
    let mmscServer = try await SimulatedMMSCServer.start(mmsc: SimulatedMMSC(network: network, logger: logger))
    let transport = MMSCHTTPTransport(
        configuration: MMSConfiguration(mmscURL: await mmscServer.mmsc.url(forModem: simulated.number)),
        logger: logger
    )
    let store = try MessageStore(path: directory.appendingPathComponent("m.sqlite").path)
    var files: [String: FetchedFile] = [:]
    for run in 0..<runs {
        files["bench://picture-\(run)"] = FetchedFile(
            bytes: jpeg(kilobytes * 1024, seed: UInt64(100 + run)),
            mimeType: "image/jpeg"
        )
    }
    var configuration = MessagingConfiguration()
    configuration.ownNumber = simulated.number
    let service = MessagingService(
        store: store,
        modem: modem,
        mmsTransport: transport,
        fileFetcher: MemoryFetcher(files: files),
        configuration: configuration,
        logger: logger
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await SimulatedModemService(network: network, modem: simulated, transport: modemSide).run()
        }
        group.addTask { try await ATModemService(modem: modem, logger: logger).run() }
        group.addTask { try await service.run() }
        var samples: [Double] = []
        for run in 0..<runs {
            let text = "run \(run) end"
            let start = ContinuousClock.now
            _ = try await service.sendMessage(
                MessageToSend(
                    messageClass: .mms,
                    recipients: RecipientsList(to: [Peer(id: SimulatedNetwork.echoNumber)]),
                    text: text,
                    attachments: [Attachment(uri: "bench://picture-\(run)")]
                )
            )
            // The echo's text is "echo: " + the text once its content is stored (a pending MMS reads otherwise).
            let deadline = ContinuousClock.now + .seconds(60)
            while try await service.searchMessages(MessageQuery(folder: .received, text: "echo: " + text)).isEmpty {
                guard ContinuousClock.now < deadline else { fatalError("run \(run): no echo within 60 s") }
                try await Task.sleep(for: .milliseconds(2))
            }
            let milliseconds = elapsed(start) * 1000
            samples.append(milliseconds)
            print(String(format: "e2e run %d %.1f ms", run + 1, milliseconds))
        }
        samples.sort()
        let median =
            samples.count % 2 == 1
            ? samples[samples.count / 2] : (samples[samples.count / 2 - 1] + samples[samples.count / 2]) / 2
        print(
            String(
                format: "e2e median %.1f ms min %.1f ms max %.1f ms runs %d size %d KB",
                median,
                samples.first ?? 0,
                samples.last ?? 0,
                samples.count,
                kilobytes
            )
        )
        group.cancelAll()
        try? await group.waitForAll()
    }
    try await transport.shutdown()
    await mmscServer.shutdown()
}

// MARK: - Main

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "codec":
    try timeCodec(seconds: Double(arguments.count > 2 ? arguments[2] : "2") ?? 2)
case "allocs":
    try countAllocations(Int(arguments.count > 2 ? arguments[2] : "10") ?? 10, operation: arguments.last ?? "decode")
case "e2e":
    let runs = Int(arguments.count > 2 ? arguments[2] : "11") ?? 11
    try await endToEnd(runs: runs, kilobytes: Int(arguments.count > 3 ? arguments[3] : "100") ?? 100)
default:
    FileHandle.standardError.write(Data("usage: MMSBench codec SECONDS | allocs N decode|encode | e2e RUNS KB\n".utf8))
    exit(2)
}
