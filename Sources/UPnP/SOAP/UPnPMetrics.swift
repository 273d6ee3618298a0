import CoreMetrics
import Synchronization

/// What the device counts, through swift-metrics' API (the backend is the caller's choice):
/// `upnp_soap_actions_total{action, result}`: SOAP actions answered, by action name and result (`success`, or the
/// fault's UPnP error code, e.g. `606`). An action name the service does not declare counts as `unknown`, so that
/// clients cannot add label values.
final class UPnPMetrics: Sendable {
    static let soapActions = "upnp_soap_actions_total"
    static let unknownAction = "unknown"

    private struct Key: Hashable {
        var action: String
        var faultCode: Int?
    }

    private let factory: any MetricsFactory
    /// The success counter of each declared action, made on the action's first success. The table itself never
    /// changes, so a success (nearly every action) reads it without a lock that both event loops would take.
    private let successes: [String: SuccessSlot]
    /// Every other series (faults, undeclared actions), made on its first use: bounded by the SCPD's actions times
    /// the fault codes the service uses.
    private let counters = Mutex<[Key: Counter]>([:])

    private final class SuccessSlot: Sendable {
        let counter = AtomicLazyReference<Counter>()
    }

    /// - Parameter actions: the actions the services declare.
    init(factory: any MetricsFactory, actions: some Sequence<String>) {
        self.factory = factory
        successes = Dictionary(actions.map { ($0, SuccessSlot()) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counts one answered action; `faultCode` is `nil` for a success.
    func actionAnswered(_ action: String?, faultCode: Int?) {
        if faultCode == nil, let action, let slot = successes[action] {
            let counter = slot.counter.load() ?? slot.counter.storeIfNil(makeCounter(action, result: "success"))
            counter.increment()
            return
        }
        let key = Key(action: action ?? Self.unknownAction, faultCode: faultCode)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = makeCounter(key.action, result: faultCode.map { String($0) } ?? "success")
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    private func makeCounter(_ action: String, result: String) -> Counter {
        Counter(label: Self.soapActions, dimensions: [("action", action), ("result", result)], factory: factory)
    }
}
