import Foundation
import Logging
import MessageStore
import MetricsTestKit
import Synchronization
import TestSupport
import Testing

@testable import Messaging

/// A hook that answers from a script of outcomes (then succeeds), or hangs until cancelled, and records each call.
final class ScriptedHook: MessageHook {
    enum Outcome: Sendable {
        case deliver
        case fail
        case hang
    }

    let key: String
    let events: Set<MessageHookEvent>
    private let state: Mutex<(script: [Outcome], calls: [MessageHookInvocation])>

    init(key: String = "scripted", events: Set<MessageHookEvent> = [.received], script: [Outcome] = []) {
        self.key = key
        self.events = events
        self.state = Mutex((script, []))
    }

    var calls: [MessageHookInvocation] { state.withLock { $0.calls } }

    func deliver(_ invocation: MessageHookInvocation) async throws {
        let outcome = state.withLock { state in
            state.calls.append(invocation)
            return state.script.isEmpty ? .deliver : state.script.removeFirst()
        }
        switch outcome {
        case .deliver: return
        case .fail: throw ScriptedFailure()
        case .hang:
            // Ends only when the delivery is cancelled (an AsyncStream's iteration returns nil on cancellation).
            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            for await _ in stream {}
            withExtendedLifetime(continuation) {}
            throw CancellationError()
        }
    }
}

struct ScriptedFailure: Error, CustomStringConvertible {
    var description: String { "exit status 1" }
}

@Suite struct MessageHookRetryPolicyTests {
    @Test func theDelayDoublesUpToTheMaximumAndTheLastAttemptIsAtTheGiveUpTime() {
        var configuration = MessageHookConfiguration()
        configuration.initialRetryDelay = .seconds(5)
        configuration.maximumRetryDelay = .seconds(60)
        configuration.giveUpAfter = .seconds(300)
        let policy = MessageHookRetryPolicy(configuration)
        #expect(policy.nextAttempt(attempts: 1, firstAttemptAt: 1000, now: 1000) == 1005)
        #expect(policy.nextAttempt(attempts: 2, firstAttemptAt: 1000, now: 1005) == 1015)
        #expect(policy.nextAttempt(attempts: 3, firstAttemptAt: 1000, now: 1015) == 1035)
        #expect(policy.nextAttempt(attempts: 10, firstAttemptAt: 1000, now: 1100) == 1160)
        // Never past the give-up time, and given up once it has come.
        #expect(policy.nextAttempt(attempts: 10, firstAttemptAt: 1000, now: 1280) == 1300)
        #expect(policy.nextAttempt(attempts: 11, firstAttemptAt: 1000, now: 1300) == nil)
    }
}

@Suite struct MessageHookServiceTests {
    /// The delivery configuration of the tests: a 5 s first retry, then `change`.
    static func configuration(_ change: (inout MessageHookConfiguration) -> Void = { _ in }) -> MessageHookConfiguration
    {
        var configuration = MessageHookConfiguration()
        configuration.initialRetryDelay = .seconds(5)
        change(&configuration)
        return configuration
    }

    /// A fixture with a hook service on `hooks`, running while `body` runs.
    func withHooks(
        _ hooks: [any MessageHook],
        configuration: MessageHookConfiguration = Self.configuration(),
        metrics: TestMetrics = TestMetrics(),
        _ body: (ServiceFixture, MessageHookService) async throws -> Void
    ) async throws {
        let fixture = try ServiceFixture()
        let service = try await MessageHookService(
            messaging: fixture.service,
            hooks: hooks,
            configuration: configuration,
            logger: ServiceFixture.logger,
            metricsFactory: metrics
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await body(fixture, service)
    }

    @Test func aReceivedMessageIsDeliveredOnceWithItsFieldsAndKey() async throws {
        let hook = ScriptedHook()
        let sent = ScriptedHook(key: "sent only", events: [.sent])
        try await withHooks([hook, sent]) { fixture, service in
            let id = try await fixture.receive(from: "+15550000077", text: "hello hooks")
            try await eventually("the hook called") { hook.calls.count == 1 }
            try await eventually("the queue empty") { try await service.health().allSatisfy { $0.pending == 0 } }
            let call = try #require(hook.calls.first)
            #expect(call.event == .received)
            #expect(call.idempotencyKey == "\(id)/received")
            #expect(call.message.id == id)
            #expect(call.message.from == "+15550000077")
            #expect(call.message.to == ["+15550000001"])
            #expect(call.message.text == "hello hooks")
            #expect(call.message.folder == "Received")
            #expect(call.environment["MESSAGE_TEXT"] == "hello hooks")
            #expect(call.environment["MESSAGE_IDEMPOTENCY_KEY"] == "\(id)/received")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(call.json())) as? [String: Any]
            )
            for key in ["id", "folder", "status", "class", "from", "to", "text", "dateSent", "dateReceived"] {
                #expect(json.keys.contains(key), "\(key)")
            }
            #expect(json["class"] as? String == "SMS")
            #expect(json["event"] as? String == "received")
            #expect(sent.calls.isEmpty)
        }
    }

    @Test func aHookThatFailsTwiceIsRetriedWithBackOffAndDeliveredOnce() async throws {
        let hook = ScriptedHook(script: [.fail, .fail])
        let metrics = TestMetrics()
        try await withHooks([hook], metrics: metrics) { fixture, service in
            let clock = fixture.clock
            try await fixture.receive()
            try await eventually("the first attempt failed") {
                try await service.health().first?.retrying == 1 && clock.hasSleeper(dueIn: .seconds(5))
            }
            #expect(hook.calls.count == 1)
            let health = try #require(try await service.health().first)
            #expect(health.lastError == "exit status 1")
            clock.advance(by: .seconds(5))
            // The second failure doubles the delay.
            try await eventually("the second attempt failed") {
                hook.calls.count == 2 && clock.hasSleeper(dueIn: .seconds(10))
            }
            clock.advance(by: .seconds(10))
            try await eventually("delivered") { try await service.health().isEmpty }
            #expect(hook.calls.count == 3)
            #expect(Set(hook.calls.map(\.idempotencyKey)).count == 1)
            let deliveries = { (result: String) in
                try metrics.expectCounter("messaging_hook_deliveries_total", [("result", result)]).totalValue
            }
            #expect(try deliveries("failed") == 2)
            #expect(try deliveries("delivered") == 1)
        }
    }

    @Test func aHookThatHangsIsTimedOutAndAHookThatKeepsFailingIsGivenUp() async throws {
        let hook = ScriptedHook(script: [.hang, .fail, .fail, .fail])
        let metrics = TestMetrics()
        try await withHooks(
            [hook],
            configuration: Self.configuration {
                $0.timeout = .seconds(30)
                $0.giveUpAfter = .seconds(40)
            },
            metrics: metrics
        ) { fixture, service in
            let clock = fixture.clock
            try await fixture.receive()
            try await eventually("the hook running") { hook.calls.count == 1 && clock.hasSleeper(dueIn: .seconds(30)) }
            clock.advance(by: .seconds(30))
            try await eventually("timed out") {
                try await service.health().first?.lastError == "timed out after 30.0 seconds"
            }
            // 30 s + 5 s, then the give-up time (40 s after the first attempt), where it fails for good.
            try await eventually("retry planned") { clock.hasSleeper(dueIn: .seconds(5)) }
            clock.advance(by: .seconds(5))
            try await eventually("retry planned at the give-up time") {
                hook.calls.count == 2 && clock.hasSleeper(dueIn: .seconds(5))
            }
            clock.advance(by: .seconds(5))
            try await eventually("given up") { try await service.health().first?.abandoned == 1 }
            #expect(hook.calls.count == 3)
            #expect(try await service.health().first?.pending == 0)
            #expect(
                try metrics.expectCounter("messaging_hook_deliveries_total", [("result", "abandoned")]).totalValue == 1
            )
        }
    }

    @Test func onlyTheConfiguredNumberRunAtOnce() async throws {
        let hook = ScriptedHook(script: [.hang, .hang, .hang])
        let configuration = Self.configuration { $0.maximumConcurrent = 2 }
        try await withHooks([hook], configuration: configuration) { fixture, service in
            for index in 0..<3 { try await fixture.receive(text: "message \(index)") }
            try await eventually("two running") { hook.calls.count == 2 && fixture.clock.sleeperCount >= 2 }
            #expect(try await service.health().first?.pending == 3)
            // The third starts when one of the first two has timed out.
            fixture.clock.advance(by: .seconds(30))
            try await eventually("the third started") { hook.calls.count >= 3 }
            #expect(Set(hook.calls.prefix(3).map(\.message.text)).count == 3)
        }
    }

    @Test func aPendingDeliveryIsReplayedByTheNextServiceOnTheSameStore() async throws {
        let hook = ScriptedHook(script: [.hang])
        let fixture = try ServiceFixture()
        let first = try await MessageHookService(
            messaging: fixture.service,
            hooks: [hook],
            logger: ServiceFixture.logger
        )
        let running = Task { try await first.run() }
        try await fixture.receive(text: "survives")
        try await eventually("the first attempt running") { hook.calls.count == 1 }
        running.cancel()
        _ = try? await running.value
        #expect(try await first.health().first?.pending == 1)
        // A new service on the same store (a restart) delivers it again, with the same key.
        let again = ScriptedHook()
        let second = try await MessageHookService(
            messaging: fixture.service,
            hooks: [again],
            logger: ServiceFixture.logger
        )
        let rerun = Task { try await second.run() }
        defer { rerun.cancel() }
        try await eventually("replayed") { again.calls.count == 1 }
        #expect(again.calls.first?.idempotencyKey == hook.calls.first?.idempotencyKey)
        #expect(again.calls.first?.message.text == "survives")
    }

    @Test func aHookRemovedFromTheConfigurationIsGivenUpNotLeftPending() async throws {
        let fixture = try ServiceFixture()
        _ = try await MessageHookService(
            messaging: fixture.service,
            hooks: [ScriptedHook(key: "old")],
            logger: ServiceFixture.logger
        )
        try await fixture.receive()
        let second = try await MessageHookService(
            messaging: fixture.service,
            hooks: [ScriptedHook(key: "new")],
            logger: ServiceFixture.logger
        )
        let health = try await second.health()
        #expect(health.map(\.hook) == ["old"])
        #expect(health.first?.abandoned == 1 && health.first?.pending == 0)
    }
}
