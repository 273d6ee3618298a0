import Foundation
import Logging
import MessagingServer
import MessagingUPnP
import ModemSimulator
import NIOHTTP1
import UPnP

/// One series of measurements.
struct SeriesResult: Sendable {
    var name: String
    var spacing: Double
    /// Injection → NOTIFY, in injection order.
    var latencies: [Duration]
    /// NOTIFYs that brought at least one new message during the series: fewer than the messages when moderated.
    var notifies: Int
}

/// Runs the stack, subscribes, injects, measures, prints, and stops everything; throws past the budget.
struct NotifyLatencyBenchmark {
    let options: BenchOptions
    let logger = Logger(label: "bench")

    /// The sender of every injected SMS (any number not a modem of the simulated network).
    static let sender = "+15550000042"
    /// The simulated modem's number, to which every SMS is sent.
    static var ownNumber: String { MessagingServerConfiguration.simulatedNumber }
    /// Longest wait for one message's NOTIFY (the moderation delays it by at most 1 s).
    static let notifyTimeout: Duration = .seconds(5)
    /// Longest wait for the first (warm-up) message: it includes the modem's initialisation.
    static let warmUpTimeout: Duration = .seconds(20)
    /// The issue's goal for the spaced series.
    static let goalMilliseconds = 1050.0

    /// The daemon's stack as `messagingd --simulate` runs it, built by the same library: the device on `lo`, HTTP
    /// and SSDP on ephemeral ports, the database in a fresh temporary directory.
    static func makeServer(logger: Logger) async throws -> MessagingServer {
        var configuration = MessagingServerConfiguration(modem: .simulated)
        configuration.friendlyName = "NotifyLatencyBench (simulated \(MessagingServerConfiguration.simulatedNumber))"
        configuration.ssdpPort = 0
        configuration.gracefulShutdownSignals = []
        return try await MessagingServer(configuration: configuration, logger: logger)
    }

    func run() async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(options.budget * 1000))
        let server = try await Self.makeServer(logger: logger)
        defer {
            if let path = server.databasePath {
                try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
            }
        }
        guard let network = server.simulatedNetwork else { throw BenchError("the simulated stack has no network") }

        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await server.run()
                return false
            }
            tasks.addTask {
                do {
                    try await measure(server, network: network)
                } catch {
                    await server.triggerGracefulShutdown()
                    throw error
                }
                await server.triggerGracefulShutdown()
                return true
            }
            tasks.addTask {
                try await Task.sleep(until: deadline, clock: clock)
                throw BenchError("over the budget of \(options.budget) s (raise --budget or lower --count)")
            }
            var measured = false
            while let finished = try await tasks.next() {
                if finished {
                    measured = true
                } else {
                    // The service group stopped: after the measurement, that is the end; before it, a failure.
                    tasks.cancelAll()
                    guard measured else {
                        throw BenchError("the daemon's services stopped before the measurement ended")
                    }
                    return
                }
            }
        }
        print("stopped")
    }

    /// Everything between start-up and shutdown: subscribe, warm up, the two series, unsubscribe.
    private func measure(_ server: MessagingServer, network: SimulatedNetwork) async throws {
        let endpoints = try await server.waitUntilRunning()
        guard
            let description = endpoints.descriptionURLs.compactMap(URL.init(string:)).first(where: {
                $0.host == "127.0.0.1"
            }), let port = description.port
        else {
            throw BenchError("no description URL on 127.0.0.1 among \(endpoints.descriptionURLs)")
        }
        let eventPath = try await eventSubscriptionPath(description: description, port: port)
        let log = NotifyLog()

        try await GENASubscriber.with(log: log) { subscriberPort in
            let subscribe = try await HTTPClient.request(
                host: "127.0.0.1",
                port: port,
                method: .init(rawValue: "SUBSCRIBE"),
                path: eventPath,
                headers: [
                    ("CALLBACK", "<http://127.0.0.1:\(subscriberPort)/notify>"),
                    ("NT", "upnp:event"),
                    ("TIMEOUT", "Second-300"),
                ]
            )
            guard subscribe.status == 200, let sid = subscribe.headers["SID"].first else {
                throw BenchError("SUBSCRIBE \(eventPath) answered \(subscribe.status)")
            }
            print("subscribed: \(eventPath) → http://127.0.0.1:\(subscriberPort)/notify (\(sid))")
            // The initial event (UDA 1.1 §4.2.1) comes first; then a warm-up message that also waits out the
            // modem's initialisation, so that no measurement includes start-up.
            try await waitUntil(Self.notifyTimeout, "the initial event") { await log.notifyCount >= 1 }
            await network.injectText("warm-up", from: Self.sender, to: Self.ownNumber)
            try await waitUntil(Self.warmUpTimeout, "the warm-up message's NOTIFY") { await log.arrivalCount >= 1 }
            try await Task.sleep(for: .milliseconds(Int(max(options.spacing, 1.2) * 1000)))

            var results: [SeriesResult] = []
            results.append(try await spacedSeries(network, log: log))
            if options.burstCount > 0 {
                try await Task.sleep(for: .milliseconds(Int(max(options.spacing, 1.2) * 1000)))
                results.append(try await burstSeries(network, log: log))
            }
            report(results)
            try await verify(server, log: log)
            let unreadable = await log.unreadable
            if !unreadable.isEmpty { print("unreadable NOTIFYs: \(unreadable)") }

            let unsubscribe = try await HTTPClient.request(
                host: "127.0.0.1",
                port: port,
                method: .init(rawValue: "UNSUBSCRIBE"),
                path: eventPath,
                headers: [("SID", sid)]
            )
            if unsubscribe.status != 200 { print("UNSUBSCRIBE answered \(unsubscribe.status)") }
        }
    }

    /// Injects one message, waits for its NOTIFY, and starts the next `spacing` after the previous injection.
    private func spacedSeries(_ network: SimulatedNetwork, log: NotifyLog) async throws -> SeriesResult {
        let base = await log.arrivalCount
        var injected: [ContinuousClock.Instant] = []
        for k in 0..<options.count {
            let start = ContinuousClock.now
            injected.append(start)
            await network.injectText("spaced \(k)", from: Self.sender, to: Self.ownNumber)
            try await waitUntil(Self.notifyTimeout, "the NOTIFY of spaced message \(k)") {
                await log.arrivalCount >= base + k + 1
            }
            try await Task.sleep(until: start + .milliseconds(Int(options.spacing * 1000)), clock: .continuous)
        }
        let all = await log.arrivals
        let arrivals = Array(all[base..<(base + options.count)])
        return SeriesResult(
            name: "spaced",
            spacing: options.spacing,
            latencies: zip(injected, arrivals).map { $1 - $0 },
            notifies: Set(arrivals).count
        )
    }

    /// Injects on a fixed schedule `burstSpacing` apart, without waiting, then waits for every NOTIFY.
    private func burstSeries(_ network: SimulatedNetwork, log: NotifyLog) async throws -> SeriesResult {
        let base = await log.arrivalCount
        let count = options.burstCount
        let step = Duration.milliseconds(Int(options.burstSpacing * 1000))
        let first = ContinuousClock.now
        var injected: [ContinuousClock.Instant] = []
        for k in 0..<count {
            try await Task.sleep(until: first + step * k, clock: .continuous)
            injected.append(ContinuousClock.now)
            await network.injectText("burst \(k)", from: Self.sender, to: Self.ownNumber)
        }
        try await waitUntil(Self.notifyTimeout, "the NOTIFYs of the burst") { await log.arrivalCount >= base + count }
        let all = await log.arrivals
        let arrivals = Array(all[base..<(base + count)])
        return SeriesResult(
            name: "burst",
            spacing: options.burstSpacing,
            latencies: zip(injected, arrivals).map { $1 - $0 },
            notifies: Set(arrivals).count
        )
    }

    /// Checks that the k-th new ID the subscriber saw is the k-th injected message, by reading each from the
    /// service (after the measurements: reading marks them Read, which is evented too).
    private func verify(_ server: MessagingServer, log: NotifyLog) async throws {
        let texts =
            ["warm-up"] + (0..<options.count).map { "spaced \($0)" }
            + (0..<options.burstCount).map { "burst \($0)" }
        let ids = await log.newIDs
        guard ids.count == texts.count else {
            throw BenchError("the subscriber saw \(ids.count) new messages for \(texts.count) injected")
        }
        for (id, text) in zip(ids, texts) {
            let message = try await server.messaging.readMessage(id: id)
            guard message.text == text else {
                throw BenchError("NOTIFY order mismatch: message \(id) is not '\(text)'")
            }
        }
        print("verified: each of the \(ids.count) new IDs evented is the injected message, in injection order")
    }

    /// Reads the description and returns the path of the Messaging service's eventSubURL (UDA 1.1 §2.3; relative
    /// to the description's URL, as the device sends no URLBase).
    private func eventSubscriptionPath(description: URL, port: Int) async throws -> String {
        let response = try await HTTPClient.request(host: "127.0.0.1", port: port, method: .GET, path: description.path)
        guard response.status == 200 else { throw BenchError("GET \(description) answered \(response.status)") }
        let root = try XMLDocumentParser.parse(response.body)
        guard
            let service = Self.descendants(of: root, named: "service").first(where: {
                $0.firstElement(named: "serviceType")?.text == MessagingServiceDescription.serviceType
            }),
            let eventSubURL = service.firstElement(named: "eventSubURL")?.text,
            let url = URL(string: eventSubURL, relativeTo: description)?.absoluteURL
        else {
            throw BenchError("the description has no \(MessagingServiceDescription.serviceType) with an eventSubURL")
        }
        return url.path
    }

    /// Every element named `name` below `element`, depth first (the description nests embedded devices).
    static func descendants(of element: XMLElement, named name: String) -> [XMLElement] {
        element.elements.flatMap { child in
            (child.name == name ? [child] : []) + descendants(of: child, named: name)
        }
    }

    /// Polls `condition` every 2 ms until it holds; throws after `timeout`. The instants measured are taken where
    /// the events happen (injection, NOTIFY receipt), so the poll interval does not enter the numbers.
    private func waitUntil(
        _ timeout: Duration,
        _ what: String,
        _ condition: () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw BenchError("no \(what) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    // MARK: - Report

    private func report(_ results: [SeriesResult]) {
        for result in results {
            let ms = Self.milliseconds(result.latencies)
            guard let min = ms.first, let max = ms.last else { continue }
            let p99 = Self.percentile(ms, 0.99)
            print(
                "\(result.name) series (injections \(Self.format(result.spacing)) s apart): count \(ms.count), "
                    + "NOTIFYs \(result.notifies), min \(Self.format(min)) ms, p50 \(Self.format(Self.percentile(ms, 0.50))) ms, "
                    + "p90 \(Self.format(Self.percentile(ms, 0.90))) ms, p99 \(Self.format(p99)) ms, "
                    + "max \(Self.format(max)) ms; p99 <= \(Int(Self.goalMilliseconds)) ms: \(p99 <= Self.goalMilliseconds ? "yes" : "no")"
            )
        }
        if let spaced = results.first {
            let p99 = Self.percentile(Self.milliseconds(spaced.latencies), 0.99)
            print(
                "goal (spaced series): p99 \(Self.format(p99)) ms <= \(Int(Self.goalMilliseconds)) ms: "
                    + (p99 <= Self.goalMilliseconds ? "met" : "NOT met")
            )
        }
        fflush(nil)  // all streams: the script may read through a pipe
    }

    static func milliseconds(_ durations: [Duration]) -> [Double] {
        durations.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Nearest-rank percentile of sorted values (with 30 samples p99 is the maximum).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
}
