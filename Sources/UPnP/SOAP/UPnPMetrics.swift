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
    /// One counter per series, made on its first use: answering an action then costs a dictionary lookup, not a
    /// registration with the backend. Bounded by the SCPD's actions times the fault codes the service uses.
    private let counters = Mutex<[Key: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one answered action; `faultCode` is `nil` for a success.
    func actionAnswered(_ action: String?, faultCode: Int?) {
        let key = Key(action: action ?? Self.unknownAction, faultCode: faultCode)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: Self.soapActions,
                dimensions: [("action", key.action), ("result", faultCode.map { String($0) } ?? "success")],
                factory: factory
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
